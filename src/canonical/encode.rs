//! SigV4 URI encoding: unreserved bytes (`A–Z a–z 0–9 - _ . ~`) as they
//! are, every other byte `%XX` with uppercase hex. The `percent-encoding`
//! crate does the work; this module only names the two sets SigV4 uses.

use std::borrow::Cow;

use percent_encoding::{percent_decode, percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::sink::Sink;

/// Everything but RFC 3986 unreserved bytes.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// [`STRICT`], keeping `/` (paths).
const PATH: &AsciiSet = &STRICT.remove(b'/');

/// Writes `bytes` URI-encoded; `/` is kept when `keep_slash`.
pub(crate) fn encode<S: Sink + ?Sized>(sink: &mut S, bytes: &[u8], keep_slash: bool) {
    let set = if keep_slash { PATH } else { STRICT };
    for piece in percent_encode(bytes, set) {
        sink.put_str(piece);
    }
}

/// The bytes of percent-encoded text: `%XX` becomes the byte, anything else
/// (`+`, a `%` not followed by two hex digits) stands for itself.
pub(crate) fn decode(encoded: &[u8]) -> Cow<'_, [u8]> {
    percent_decode(encoded).into()
}

/// Writes already-encoded text in canonical form: decoded, then strictly
/// re-encoded (`/`, raw or decoded, kept when `keep_slash`).
pub(crate) fn reencode<S: Sink + ?Sized>(sink: &mut S, encoded: &[u8], keep_slash: bool) {
    encode(sink, &decode(encoded), keep_slash);
}

/// `true` when every `%` in `s` starts a `%XX` escape.
pub(crate) fn is_well_formed_percent(s: &[u8]) -> bool {
    let mut rest = s;
    while let Some(i) = rest.iter().position(|&b| b == b'%') {
        match rest.get(i + 1..i + 3) {
            Some(h) if h.iter().all(u8::is_ascii_hexdigit) => rest = &rest[i + 3..],
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Every byte: unreserved ones kept, the others escaped.
        for b in 0..=255u8 {
            let unreserved = b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
            let want = if unreserved {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            };
            assert_eq!(enc(&[b], false), want);
        }
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
    fn percent_well_formedness() {
        assert!(is_well_formed_percent(b"/a%20b%2F"));
        assert!(is_well_formed_percent(b""));
        assert!(!is_well_formed_percent(b"%"));
        assert!(!is_well_formed_percent(b"%2"));
        assert!(!is_well_formed_percent(b"%zz"));
        assert!(!is_well_formed_percent(b"a%g0"));
    }
}
