//! Stack-first buffers: they live on the stack until they outgrow it, which
//! keeps the signing hot path free of heap allocations for ordinary requests.

use crate::canonical::encode::Sink;

/// A vector of `Copy` items with room for `N` on the stack.
pub(crate) struct SmallVec<T, const N: usize> {
    inline: [T; N],
    len: usize,
    heap: Vec<T>,
}

impl<T: Copy + Default, const N: usize> SmallVec<T, N> {
    pub(crate) fn new() -> Self {
        SmallVec {
            inline: [T::default(); N],
            len: 0,
            heap: Vec::new(),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, item: T) {
        if self.len < N {
            self.inline[self.len] = item;
            self.len += 1;
        } else {
            if self.heap.is_empty() {
                self.heap.reserve(2 * N);
                self.heap.extend_from_slice(&self.inline);
            }
            self.heap.push(item);
        }
    }

    pub(crate) fn extend(&mut self, items: impl IntoIterator<Item = T>) {
        for item in items {
            self.push(item);
        }
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        if self.heap.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.heap
        }
    }
}

/// Copies `src` into `dst` (same length). Short copies, the usual case on
/// the signing path, are done with a few fixed-size moves instead of a call
/// to `memcpy`: two overlapping moves of 4, 8 or 16 bytes, or for longer
/// ones (URL parts, the canonical query: a few hundred bytes at most) a run
/// of 16-byte moves, the last one overlapping.
///
/// `dst` is cut to `src`'s length first (callers pass equal lengths), so
/// every branch below sees two slices of the same length.
#[inline(always)]
pub(crate) fn copy_into(dst: &mut [u8], src: &[u8]) {
    debug_assert_eq!(dst.len(), src.len());
    let dst = &mut dst[..src.len()];
    /// The first and the last `N` bytes, as fixed-size moves (a slice
    /// `copy_from_slice` of a run-time length is a `memcpy` call).
    #[inline(always)]
    fn ends<const N: usize>(dst: &mut [u8], src: &[u8]) {
        if let (Some(d), Some(s)) = (dst.first_chunk_mut::<N>(), src.first_chunk::<N>()) {
            *d = *s;
        }
        if let (Some(d), Some(s)) = (dst.last_chunk_mut::<N>(), src.last_chunk::<N>()) {
            *d = *s;
        }
    }
    let n = src.len();
    if n > 32 {
        let (chunks, _) = src.as_chunks::<16>();
        for (d, s) in dst.as_chunks_mut::<16>().0.iter_mut().zip(chunks) {
            *d = *s;
        }
        ends::<16>(dst, src);
    } else if n >= 16 {
        ends::<16>(dst, src);
    } else if n >= 8 {
        ends::<8>(dst, src);
    } else if n >= 4 {
        ends::<4>(dst, src);
    } else if n > 0 {
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

/// `a == b`, for the short slices of the signing path (cache-key names, a
/// string to sign's first block) without a call to `memcmp`: the same
/// overlapping fixed-size pieces as [`copy_into`], compared all at once.
#[inline(always)]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    #[inline(always)]
    fn ends<const N: usize>(a: &[u8], b: &[u8]) -> bool {
        a.first_chunk::<N>() == b.first_chunk::<N>() && a.last_chunk::<N>() == b.last_chunk::<N>()
    }
    let n = a.len();
    if n != b.len() {
        false
    } else if n > 32 {
        let differ = a
            .as_chunks::<16>()
            .0
            .iter()
            .zip(b.as_chunks::<16>().0)
            .fold(0u128, |acc, (x, y)| {
                acc | (u128::from_ne_bytes(*x) ^ u128::from_ne_bytes(*y))
            });
        differ == 0 && ends::<16>(a, b)
    } else if n >= 16 {
        ends::<16>(a, b)
    } else if n >= 8 {
        ends::<8>(a, b)
    } else if n >= 4 {
        ends::<4>(a, b)
    } else {
        a == b
    }
}

/// Whether any byte of `bytes` satisfies `test`. Header names and values
/// are checked several times per signature (validity, whitespace, case);
/// testing 16 bytes at a time with no early exit inside a block lets the
/// compiler turn each block into a few vector instructions, where a plain
/// `iter().any()` goes byte by byte with a branch each.
///
/// The tail is tested as the last 16 bytes (overlapping the blocks before),
/// and a short input as two overlapping halves, the way [`copy_into`]
/// copies: straight from the input, never through a padded stack copy,
/// whose small stores the wide loads after them would have to wait for.
///
/// Write `test` with `|`, not `||`: a short-circuit is a branch per byte,
/// and the block is then tested byte by byte after all.
#[inline(always)]
pub(crate) fn any_byte(bytes: &[u8], test: impl Fn(u8) -> bool) -> bool {
    let has16 = |b: &[u8; 16]| b.iter().fold(false, |acc, &x| acc | test(x));
    let has8 = |b: &[u8; 8]| b.iter().fold(false, |acc, &x| acc | test(x));
    let has4 = |b: &[u8; 4]| b.iter().fold(false, |acc, &x| acc | test(x));
    let n = bytes.len();
    if n >= 16 {
        let (blocks, tail) = bytes.as_chunks::<16>();
        for block in blocks {
            if has16(block) {
                return true;
            }
        }
        !tail.is_empty() && bytes.last_chunk().is_some_and(has16)
    } else if n >= 8 {
        bytes.first_chunk().is_some_and(has8) | bytes.last_chunk().is_some_and(has8)
    } else if n >= 4 {
        bytes.first_chunk().is_some_and(has4) | bytes.last_chunk().is_some_and(has4)
    } else {
        bytes.iter().fold(false, |acc, &x| acc | test(x))
    }
}

/// Lowercase hex of a SHA-256 output. Branch-free arithmetic per nibble
/// (`'0' + n`, plus 39 more for `a`–`f`), which the compiler turns into a
/// few vector instructions for all 32 bytes; the general-purpose `hex` crate
/// goes nibble by nibble through an iterator.
#[inline]
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let digit = |n: u8| n + b'0' + if n > 9 { 39 } else { 0 };
    let mut out = [0u8; 64];
    for (pair, &b) in out.as_chunks_mut::<2>().0.iter_mut().zip(bytes) {
        *pair = [digit(b >> 4), digit(b & 15)];
    }
    out
}

/// An output buffer on the heap, sized up front: one allocation for the
/// whole output.
///
/// The buffer is zeroed ahead of the writes, [`ZERO_STEP`] bytes at a time
/// (one `memset` for a usual presigned URL), and written in place, so each
/// of the thirty-odd short pieces of a URL is a few moves ([`copy_into`])
/// instead of a call to `memcpy` through `Vec::extend_from_slice`. Not
/// `vec![0; n]`: that is a `calloc`, which in glibc bypasses the
/// per-thread cache, and it would clear the whole worst-case estimate.
pub(crate) struct OutBuf {
    bytes: Vec<u8>,
    len: usize,
}

/// Bytes zeroed at a time ahead of the writes.
const ZERO_STEP: usize = 512;

impl OutBuf {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let mut bytes = Vec::with_capacity(capacity);
        bytes.resize(capacity.min(ZERO_STEP), 0);
        OutBuf { bytes, len: 0 }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(crate) fn into_vec(mut self) -> Vec<u8> {
        self.bytes.truncate(self.len);
        self.bytes
    }

    /// Zeroes room up to `end` and a step beyond, within the capacity
    /// (past it, for an output longer than its estimate: the buffer grows).
    #[inline(never)]
    fn zero_to(&mut self, end: usize) {
        let step = (self.bytes.len() + ZERO_STEP).min(self.bytes.capacity());
        self.bytes.resize(end.max(step), 0);
    }
}

impl Sink for OutBuf {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if end > self.bytes.len() {
            self.zero_to(end);
        }
        copy_into(&mut self.bytes[self.len..end], bytes);
        self.len = end;
    }
}

/// A byte buffer with room for `N` bytes on the stack; a [`Sink`].
pub(crate) struct SmallBuf<const N: usize> {
    inline: [u8; N],
    len: usize,
    heap: Vec<u8>,
}

impl<const N: usize> SmallBuf<N> {
    pub(crate) fn new() -> Self {
        SmallBuf {
            inline: [0; N],
            len: 0,
            heap: Vec::new(),
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }

    /// The text written. Every writer puts whole `&str`s or ASCII, so this
    /// is always valid UTF-8.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

impl<const N: usize> Sink for SmallBuf<N> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        if self.heap.is_empty() && self.len + bytes.len() <= N {
            copy_into(&mut self.inline[self.len..self.len + bytes.len()], bytes);
            self.len += bytes.len();
        } else {
            if self.heap.is_empty() {
                self.heap.reserve(2 * N + bytes.len());
                self.heap.extend_from_slice(&self.inline[..self.len]);
            }
            self.heap.extend_from_slice(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_vec_spills_in_order() {
        let mut v: SmallVec<u32, 3> = SmallVec::new();
        for i in 0..10 {
            v.push(i);
            assert_eq!(v.as_slice(), (0..=i).collect::<Vec<_>>().as_slice());
        }
        v.as_mut_slice().reverse();
        assert_eq!(v.as_slice()[0], 9);
    }

    #[test]
    fn copies_of_every_short_length() {
        let src: Vec<u8> = (0..40).collect();
        for n in 0..=40 {
            let mut dst = [0xffu8; 40];
            copy_into(&mut dst[..n], &src[..n]);
            assert_eq!(&dst[..n], &src[..n]);
            assert!(dst[n..].iter().all(|&b| b == 0xff));
        }
        let mut out = OutBuf::with_capacity(2);
        out.put(b"abc");
        out.put(b"defgh");
        assert_eq!(out.as_bytes(), b"abcdefgh");
        assert_eq!(out.into_vec(), b"abcdefgh");
        // Past one zeroing step, within and past the capacity.
        let text: Vec<u8> = (0..3000u32).map(|i| b'a' + (i % 26) as u8).collect();
        for capacity in [0, 10, 511, 512, 513, 1500, 3000] {
            let mut out = OutBuf::with_capacity(capacity);
            for piece in text.chunks(37) {
                out.put(piece);
            }
            assert_eq!(out.len(), text.len());
            assert_eq!(out.into_vec(), text, "{capacity}");
        }
    }

    #[test]
    fn same_bytes_matches_eq() {
        let data: Vec<u8> = (0..100u8).collect();
        for n in 0..data.len() {
            let a = &data[..n];
            assert!(same_bytes(a, a), "{n}");
            assert!(!same_bytes(a, &data[..n.saturating_sub(1)]) || n == 0);
            for pos in 0..n {
                let mut b = a.to_vec();
                b[pos] ^= 0x20;
                assert!(!same_bytes(a, &b), "{n} {pos}");
            }
        }
    }

    #[test]
    fn any_byte_matches_any() {
        let data: Vec<u8> = (0..100u8).map(|i| b'a' + i % 26).collect();
        for n in 0..data.len() {
            for pos in 0..n {
                let mut v = data[..n].to_vec();
                assert!(!any_byte(&v, |b| b == b' '));
                v[pos] = b' ';
                assert!(any_byte(&v, |b| b == b' '), "{n} {pos}");
            }
        }
    }

    #[test]
    fn hex32_matches_the_hex_crate() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i * 37 + 5) as u8);
        assert_eq!(hex32(&bytes).as_slice(), hex::encode(bytes).as_bytes());
        assert_eq!(&hex32(&[0xff; 32])[..4], b"ffff");
        for start in (0..=255u8).step_by(32) {
            let bytes: [u8; 32] = std::array::from_fn(|i| start + i as u8);
            assert_eq!(hex32(&bytes).as_slice(), hex::encode(bytes).as_bytes());
        }
    }

    #[test]
    fn small_buf_spills_in_order() {
        let mut b: SmallBuf<4> = SmallBuf::new();
        b.put_str("ab");
        b.put_str("cd");
        assert_eq!(b.as_str(), "abcd");
        b.put_str("é!");
        assert_eq!(b.as_str(), "abcdé!");
    }
}
