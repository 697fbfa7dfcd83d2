//! SigV4 URI encoding: unreserved bytes as they are, every other byte `%XX`.
//!
//! Everything here writes into a [`Sink`] so that the same code feeds the
//! SHA-256 of the canonical request on the hot path and a `String` for the
//! audit view.

use crate::signing_key::raw_hmac::State;

/// Where canonical bytes go: a hasher, a buffer, or both.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
    #[inline(always)]
    fn put_str(&mut self, s: &str) {
        self.put(s.as_bytes());
    }
    /// Writes `n` in decimal, zero-padded to at least `width` digits.
    #[inline]
    fn put_decimal_padded(&mut self, n: u64, width: usize) {
        let digits = n.checked_ilog10().map_or(1, |d| d as usize + 1);
        for _ in digits..width {
            self.put(b"0");
        }
        self.put_decimal(n);
    }

    /// Writes `n` in decimal, without `fmt`. Eight digits at a time (one
    /// step for expiries, ports, dates and sizes), written with one store:
    /// no digit-by-digit stores that the copy after them would wait for.
    fn put_decimal(&mut self, n: u64) {
        if n >= 100_000_000 {
            self.put_decimal(n / 100_000_000);
            self.put(&eight_digits(n % 100_000_000));
        } else {
            let digits = n.checked_ilog10().map_or(1, |d| d as usize + 1);
            self.put(&eight_digits(n)[8 - digits..]);
        }
    }
}

/// `n` (below 10^8) as eight ASCII digits, zero-padded, computed in one
/// `u64`: split into two 4-digit lanes, each into two 2-digit lanes, each
/// into two digits. Division by 100 and 10 is by multiplication (exact for
/// lanes below 10^4 and 10^2), and no lane overflows into the next.
fn eight_digits(n: u64) -> [u8; 8] {
    debug_assert!(n < 100_000_000);
    // Little endian: the low lane is the first in memory.
    let v = (n / 10_000) | ((n % 10_000) << 32);
    let hundreds = ((v * 5243) >> 19) & 0x0000_007f_0000_007f;
    let v = hundreds | ((v - hundreds * 100) << 16);
    let tens = ((v * 103) >> 10) & 0x000f_000f_000f_000f;
    let v = tens | ((v - tens * 10) << 8);
    (v | 0x3030_3030_3030_3030).to_le_bytes()
}

/// For text outputs (POST policy JSON and dates, audit strings): what is
/// put here is short ASCII (digits, hex) or whole `&str`s, so the lossy
/// conversion never replaces anything. ASCII (checked inline, a word at a
/// time) goes in char by char, with no call to a UTF-8 validator.
impl Sink for String {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if bytes.is_ascii() {
            self.extend(bytes.iter().map(|&b| char::from(b)));
        } else {
            self.push_str(&String::from_utf8_lossy(bytes));
        }
    }

    #[inline]
    fn put_str(&mut self, s: &str) {
        self.push_str(s);
    }
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if bytes.len() == 1 {
            self.push(bytes[0]);
        } else {
            self.extend_from_slice(bytes);
        }
    }
}

/// SHA-256 fed through a 256-byte buffer: canonical requests arrive in many
/// tiny pieces, and batching them costs a copy instead of a hasher call
/// each; full buffers go to the block function four blocks at a time.
pub(crate) struct HashSink {
    state: State,
    buf: [u8; HASH_BUF],
    len: usize,
}

const HASH_BUF: usize = 256;

impl HashSink {
    pub(crate) fn new() -> Self {
        HashSink {
            state: State::new(),
            buf: [0; HASH_BUF],
            len: 0,
        }
    }

    /// By reference: moving the sink (300 bytes) would be a `memcpy`.
    pub(crate) fn finalize(&self) -> [u8; 32] {
        self.state.finish(&self.buf[..self.len])
    }

    /// Fills the buffer, hashes it and every whole block of the rest, and
    /// keeps the tail. Out of line: the inlined `put` stays small.
    #[inline(never)]
    fn spill(&mut self, bytes: &[u8]) {
        let (head, rest) = bytes.split_at(HASH_BUF - self.len);
        crate::small::copy_into(&mut self.buf[self.len..], head);
        self.state.absorb(self.buf.as_chunks::<64>().0);
        let (blocks, tail) = rest.as_chunks::<64>();
        self.state.absorb(blocks);
        crate::small::copy_into(&mut self.buf[..tail.len()], tail);
        self.len = tail.len();
    }
}

impl Sink for HashSink {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() <= HASH_BUF {
            crate::small::copy_into(&mut self.buf[self.len..self.len + bytes.len()], bytes);
            self.len += bytes.len();
        } else {
            self.spill(bytes);
        }
    }
}

/// Feeds two sinks at once (hash and audit text).
pub(crate) struct Tee<'a, A, B>(pub &'a mut A, pub &'a mut B);

impl<A: Sink, B: Sink> Sink for Tee<'_, A, B> {
    fn put(&mut self, bytes: &[u8]) {
        self.0.put(bytes);
        self.1.put(bytes);
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// `%XX` for one byte, uppercase hex.
#[inline]
fn pct(b: u8) -> [u8; 3] {
    [
        b'%',
        HEX_UPPER[usize::from(b >> 4)],
        HEX_UPPER[usize::from(b & 15)],
    ]
}

/// `UNRESERVED[b]`: whether byte `b` is `A–Z a–z 0–9 - _ . ~` (RFC 3986
/// unreserved); `UNRESERVED_OR_SLASH` adds `/`.
const UNRESERVED: [bool; 256] = unreserved_table(false);
const UNRESERVED_OR_SLASH: [bool; 256] = unreserved_table(true);

const fn unreserved_table(slash: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'_' | b'.' | b'~')
            || (slash && c == b'/');
        b += 1;
    }
    t
}

/// `A–Z a–z 0–9 - _ . ~` (RFC 3986 unreserved).
#[inline]
pub(crate) fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// Writes `bytes` URI-encoded; `/` is kept when `keep_slash`. Runs of kept
/// bytes go to the sink as they are; each run of bytes to escape (a
/// multibyte character, say) is encoded into a stack buffer and written at
/// once, so the sink sees a few large writes instead of many tiny ones.
pub(crate) fn encode<S: Sink + ?Sized>(sink: &mut S, bytes: &[u8], keep_slash: bool) {
    let keep = if keep_slash {
        &UNRESERVED_OR_SLASH
    } else {
        &UNRESERVED
    };
    // The length of the leading run of kept bytes: four lookups and one
    // branch per step, then byte by byte.
    let clean_run = |b: &[u8]| {
        let kept = |i: usize| keep[usize::from(b[i])];
        let mut i = 0;
        while i + 4 <= b.len() && kept(i) & kept(i + 1) & kept(i + 2) & kept(i + 3) {
            i += 4;
        }
        while i < b.len() && kept(i) {
            i += 1;
        }
        i
    };
    let mut rest = bytes;
    loop {
        let clean = clean_run(rest);
        sink.put(&rest[..clean]);
        rest = &rest[clean..];
        if rest.is_empty() {
            return;
        }
        let mut buf = [0u8; 48];
        let mut n = 0;
        while let Some((&b, tail)) = rest.split_first() {
            if n == buf.len() || keep[usize::from(b)] {
                break;
            }
            buf[n..n + 3].copy_from_slice(&pct(b));
            n += 3;
            rest = tail;
        }
        sink.put(&buf[..n]);
    }
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The bytes of a percent-encoded string, decoded: `%XX` becomes the byte,
/// anything else (including `+` and a `%` not followed by two hex digits)
/// stands for itself. With `decode == false`, the bytes as they are.
#[derive(Clone)]
pub(crate) struct Decoded<'a> {
    rest: &'a [u8],
    decode: bool,
}

impl<'a> Decoded<'a> {
    pub(crate) fn new(s: &'a [u8]) -> Self {
        Decoded {
            rest: s,
            decode: true,
        }
    }

    pub(crate) fn raw(s: &'a [u8]) -> Self {
        Decoded {
            rest: s,
            decode: false,
        }
    }
}

impl Iterator for Decoded<'_> {
    type Item = u8;
    #[inline]
    fn next(&mut self) -> Option<u8> {
        let (&b, tail) = self.rest.split_first()?;
        if self.decode && b == b'%' && tail.len() >= 2 {
            if let (Some(h), Some(l)) = (hex_val(tail[0]), hex_val(tail[1])) {
                self.rest = &tail[2..];
                return Some(h << 4 | l);
            }
        }
        self.rest = tail;
        Some(b)
    }
}

/// The bytes of the strict URI encoding of `src` (no `/` kept), lazily: lets
/// query parameters be sorted by their encoded form without building it.
#[derive(Clone)]
pub(crate) struct Encoded<I> {
    src: I,
    pending: [u8; 2],
    npending: u8,
}

impl<I: Iterator<Item = u8>> Encoded<I> {
    pub(crate) fn new(src: I) -> Self {
        Encoded {
            src,
            pending: [0; 2],
            npending: 0,
        }
    }
}

impl<I: Iterator<Item = u8>> Iterator for Encoded<I> {
    type Item = u8;
    #[inline]
    fn next(&mut self) -> Option<u8> {
        if self.npending > 0 {
            let b = self.pending[2 - usize::from(self.npending)];
            self.npending -= 1;
            return Some(b);
        }
        let b = self.src.next()?;
        if is_unreserved(b) {
            return Some(b);
        }
        let [_, hi, lo] = pct(b);
        self.pending = [hi, lo];
        self.npending = 2;
        Some(b'%')
    }
}

/// Writes an already-encoded component in canonical form: decoded, then
/// strictly re-encoded (`/`, raw or decoded, kept when `keep_slash`). Runs
/// that are already canonical are copied as is.
pub(crate) fn reencode<S: Sink + ?Sized>(sink: &mut S, encoded: &[u8], keep_slash: bool) {
    let mut start = 0;
    let mut i = 0;
    while i < encoded.len() {
        let b = encoded[i];
        if is_unreserved(b) || (keep_slash && b == b'/') {
            i += 1;
            continue;
        }
        if b == b'%' && i + 2 < encoded.len() {
            if let (Some(h), Some(l)) = (hex_val(encoded[i + 1]), hex_val(encoded[i + 2])) {
                let v = h << 4 | l;
                sink.put(&encoded[start..i]);
                if is_unreserved(v) || (keep_slash && v == b'/') {
                    sink.put(&[v]);
                } else {
                    sink.put(&pct(v));
                }
                i += 3;
                start = i;
                continue;
            }
        }
        sink.put(&encoded[start..i]);
        sink.put(&pct(b));
        i += 1;
        start = i;
    }
    sink.put(&encoded[start..]);
}

/// `true` when every `%` in `s` starts a `%XX` escape.
pub(crate) fn is_well_formed_percent(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            if i + 2 >= s.len() {
                return false;
            }
            if hex_val(s[i + 1]).is_none() || hex_val(s[i + 2]).is_none() {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn enc(s: &[u8], keep_slash: bool) -> String {
        let mut v = Vec::new();
        encode(&mut v, s, keep_slash);
        String::from_utf8(v).unwrap()
    }

    fn re(s: &str) -> String {
        let mut v = Vec::new();
        reencode(&mut v, s.as_bytes(), false);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn unreserved_set_and_uppercase_hex() {
        assert_eq!(enc(b"AZaz09-_.~", false), "AZaz09-_.~");
        assert_eq!(enc(b" ", false), "%20");
        assert_eq!(enc(b"+", false), "%2B");
        assert_eq!(enc(b"*", false), "%2A");
        assert_eq!(enc(b"a/b", false), "a%2Fb");
        assert_eq!(enc(b"a/b", true), "a/b");
        assert_eq!(
            enc("é日🚀".as_bytes(), false),
            "%C3%A9%E6%97%A5%F0%9F%9A%80"
        );
        assert_eq!(
            enc(b"!'()*$&=;:@,?#[]%", false),
            "%21%27%28%29%2A%24%26%3D%3B%3A%40%2C%3F%23%5B%5D%25"
        );
    }

    #[test]
    fn reencode_decodes_then_encodes_strictly() {
        assert_eq!(re("a%20b"), "a%20b");
        assert_eq!(re("a+b"), "a%2Bb");
        assert_eq!(re("%7e%41"), "~A");
        assert_eq!(re("%2f"), "%2F");
        assert_eq!(re("100%"), "100%25");
        assert_eq!(re("%zz%2"), "%25zz%252");
        assert_eq!(re("ሴ"), "%E1%88%B4");
        assert_eq!(re(""), "");
        let mut v = Vec::new();
        reencode(&mut v, b"/a%2Fb/c%20d/", true);
        assert_eq!(v, b"/a/b/c%20d/");
    }

    #[test]
    fn lazy_forms_match_eager_ones() {
        for s in ["a%20b", "a+b", "%7e", "100%", "%zz%2", "ሴ=x", "", "%"] {
            let lazy: Vec<u8> = Encoded::new(Decoded::new(s.as_bytes())).collect();
            assert_eq!(String::from_utf8(lazy).unwrap(), re(s), "{s}");
            let raw: Vec<u8> = Encoded::new(Decoded::raw(s.as_bytes())).collect();
            assert_eq!(
                String::from_utf8(raw).unwrap(),
                enc(s.as_bytes(), false),
                "{s}"
            );
        }
    }

    #[test]
    fn buffered_hash_matches_plain_hash() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        for split in [1usize, 3, 64, 127, 128, 129, 300] {
            let mut h = HashSink::new();
            for chunk in data.chunks(split) {
                h.put(chunk);
            }
            assert_eq!(
                h.finalize(),
                <[u8; 32]>::from(Sha256::digest(&data)),
                "{split}"
            );
        }
    }

    #[test]
    fn decimals() {
        let edges = [0, 1, 9, 10, 99, 100, 101, 999, 3600, 604_800, 99_999_999];
        let more = [100_000_000, 100_000_001, 1 << 40, u64::MAX / 10, u64::MAX];
        // Every value to 10^6, then a stride through the 8-digit range.
        let all = (0..1_000_000).chain((0..100_000_000).step_by(9_973));
        for n in edges.into_iter().chain(more).chain(all) {
            let mut v = Vec::new();
            v.put_decimal(n);
            assert_eq!(String::from_utf8(v).unwrap(), n.to_string());
            let mut p = Vec::new();
            p.put_decimal_padded(n, 4);
            assert_eq!(String::from_utf8(p).unwrap(), format!("{n:04}"));
        }
    }

    #[test]
    fn percent_well_formedness() {
        assert!(is_well_formed_percent(b"/a%20b%2F"));
        assert!(is_well_formed_percent(b""));
        assert!(!is_well_formed_percent(b"%"));
        assert!(!is_well_formed_percent(b"%2"));
        assert!(!is_well_formed_percent(b"%zz"));
        assert!(!is_well_formed_percent(b"a%g0"));
    }
}
