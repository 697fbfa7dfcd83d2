//! Where canonical bytes go: a `Vec<u8>`, a `String`, a [`SecretBuf`] for
//! text that may carry the session token, or a [`StackBuf`] for the
//! signer's intermediate texts. The bottom floor: every writer of canonical
//! text writes into a [`Sink`], and this module imports nothing of the
//! crate.

use std::ops::Deref;

use zeroize::Zeroize;

/// A destination for canonical bytes.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);

    fn put_str(&mut self, s: &str) {
        self.put(s.as_bytes());
    }

    /// Writes `bytes` with ASCII letters in lowercase.
    fn put_lowercase(&mut self, bytes: &[u8]) {
        // Already lowercase (most names): written as is. With the same
        // path in `headers::write_value`, 4% of a presign or a header
        // signature.
        if !bytes.iter().any(u8::is_ascii_uppercase) {
            return self.put(bytes);
        }
        for chunk in bytes.chunks(64) {
            let mut lower = [0u8; 64];
            let lower = &mut lower[..chunk.len()];
            lower.copy_from_slice(chunk);
            lower.make_ascii_lowercase();
            self.put(lower);
        }
    }

    /// Writes `bytes` as lowercase hex.
    fn put_hex(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(32) {
            let mut hex = [0u8; 64];
            let hex = &mut hex[..2 * chunk.len()];
            // The buffer is exactly twice the input: this cannot fail.
            if hex::encode_to_slice(chunk, hex).is_ok() {
                self.put(hex);
            }
        }
    }

    /// Writes `n` in decimal.
    fn put_decimal(&mut self, n: u64) {
        self.put_decimal_padded(n, 1);
    }

    /// Writes `n` in decimal, zero-padded to at least `width` digits.
    fn put_decimal_padded(&mut self, mut n: u64, width: usize) {
        let mut digits = [b'0'; 20];
        let mut start = digits.len();
        while n > 0 {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        self.put(&digits[start.min(digits.len() - width.clamp(1, 20))..]);
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Text outputs (POST policy JSON and dates). Writers put ASCII or whole
/// `&str`s, so the lossy conversion never replaces anything.
impl Sink for String {
    fn put(&mut self, bytes: &[u8]) {
        match std::str::from_utf8(bytes) {
            Ok(s) => self.push_str(s),
            Err(_) => self.push_str(&String::from_utf8_lossy(bytes)),
        }
    }

    fn put_str(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// A byte buffer that leaves nothing behind: when it grows, the old block
/// is wiped before it is freed, and the last one is wiped on drop. For text
/// that may carry the session token (canonical requests, query strings,
/// presigned URLs).
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct SecretBuf(Vec<u8>);

impl SecretBuf {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        SecretBuf(Vec::with_capacity(capacity))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Appends `n` zero bytes and returns them, to be written in place.
    pub(crate) fn extend_zeroed(&mut self, n: usize) -> &mut [u8] {
        let start = self.0.len();
        if start + n > self.0.capacity() {
            self.grow(start + n);
        }
        self.0.resize(start + n, 0);
        &mut self.0[start..]
    }

    /// The text, still wiped on drop.
    pub(crate) fn into_string(mut self) -> SecretString {
        SecretString(into_string(std::mem::take(&mut self.0)))
    }

    /// The text, handed over: the caller's to wipe.
    pub(crate) fn into_plain_string(self) -> String {
        self.into_string().take()
    }
}

impl SecretBuf {
    /// Moves to a block of at least `needed` bytes, wiping the old one.
    fn grow(&mut self, needed: usize) {
        let mut bigger = Vec::with_capacity(needed.max(2 * self.0.capacity()));
        bigger.extend_from_slice(&self.0);
        wipe(&mut std::mem::replace(&mut self.0, bigger));
    }
}

impl Sink for SecretBuf {
    // Speed trick: `put` and `StackVec::push` inlined into the writers
    // (growth kept out of line). Without the three inline attributes the
    // cached presign takes 16% longer and header signing 5% (README,
    // "Speed tricks kept").
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        let needed = self.0.len() + bytes.len();
        if needed > self.0.capacity() {
            self.grow(needed);
        }
        self.0.extend_from_slice(bytes);
    }
}

impl Drop for SecretBuf {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Wipes `bytes` and their spare capacity (`zeroize`), leaving alone a
/// vector that owns no block.
///
/// Speed trick: zeroizing an unallocated vector or string hands its
/// dangling address (1) to the C library's `memset`. glibc's AVX-512
/// `memset` does a masked store there, which the CPU completes through a
/// microcode assist (a suppressed fault on page 0): 134 ns each on the
/// benchmark machine, 12% of a cached presign, whose
/// `PresignedUrl::into_string` leaves such a string behind (README, "Speed
/// tricks kept").
pub(crate) fn wipe(bytes: &mut Vec<u8>) {
    if bytes.capacity() != 0 {
        bytes.zeroize();
    }
}

/// [`wipe`] for a string.
pub(crate) fn wipe_string(text: &mut String) {
    if text.capacity() != 0 {
        text.zeroize();
    }
}

/// A `String` wiped on drop with [`wipe_string`]: the secret, the session
/// token and every output that may carry the token.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct SecretString(String);

impl SecretString {
    pub(crate) fn new(text: String) -> Self {
        SecretString(text)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, handed over: the caller's to wipe.
    pub(crate) fn take(&mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

impl Deref for SecretString {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        wipe_string(&mut self.0);
    }
}

/// A buffer on the stack for up to `N` bytes, moving to a [`SecretBuf`]
/// when it outgrows them; wiped on drop. Keeps the signer's intermediate
/// texts (host, signed-headers list, credential, string to sign) off the
/// heap: signing allocates only what it returns (`tests/alloc_budget.rs`).
pub(crate) struct StackBuf<const N: usize> {
    inline: [u8; N],
    len: usize,
    spill: Option<SecretBuf>,
}

impl<const N: usize> StackBuf<N> {
    pub(crate) fn new() -> Self {
        StackBuf {
            inline: [0; N],
            len: 0,
            spill: None,
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        match &self.spill {
            Some(heap) => heap.as_bytes(),
            None => &self.inline[..self.len],
        }
    }

    /// The text: the writers put ASCII and whole `&str`s only.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    pub(crate) fn len(&self) -> usize {
        self.as_bytes().len()
    }
}

impl<const N: usize> Sink for StackBuf<N> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        if let Some(heap) = &mut self.spill {
            return heap.put(bytes);
        }
        let end = self.len + bytes.len();
        if end <= N {
            self.inline[self.len..end].copy_from_slice(bytes);
            self.len = end;
        } else {
            self.move_to_heap(bytes);
        }
    }
}

impl<const N: usize> StackBuf<N> {
    /// Moves to the heap with `bytes` appended.
    fn move_to_heap(&mut self, bytes: &[u8]) {
        let mut heap = SecretBuf::with_capacity(2 * (self.len + bytes.len()));
        heap.put(&self.inline[..self.len]);
        heap.put(bytes);
        self.spill = Some(heap);
    }
}

impl<const N: usize> Drop for StackBuf<N> {
    fn drop(&mut self) {
        self.inline[..self.len].zeroize();
    }
}

/// Up to `N` items on the stack, on the heap beyond: the signer's lists of
/// headers and parameters, to be sorted.
pub(crate) struct StackVec<T, const N: usize> {
    inline: [T; N],
    len: usize,
    heap: Vec<T>,
}

impl<T: Copy + Default, const N: usize> StackVec<T, N> {
    pub(crate) fn new() -> Self {
        StackVec {
            inline: [T::default(); N],
            len: 0,
            heap: Vec::new(),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, item: T) {
        if self.len < N {
            self.inline[self.len] = item;
        } else {
            self.push_to_heap(item);
        }
        self.len += 1;
    }

    fn push_to_heap(&mut self, item: T) {
        if self.len == N {
            self.heap.reserve(2 * N);
            self.heap.extend_from_slice(&self.inline);
        }
        self.heap.push(item);
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        if self.len > N {
            &self.heap
        } else {
            &self.inline[..self.len]
        }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        if self.len > N {
            &mut self.heap
        } else {
            &mut self.inline[..self.len]
        }
    }
}

/// A `String` from bytes the signer wrote: ASCII plus slices of `&str`
/// inputs, so always UTF-8 (lossy only in theory, never a panic).
pub(crate) fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        let values = [0, 1, 9, 10, 99, 100, 3600, 604_800, 99_999_999, u64::MAX];
        for n in values.into_iter().chain(0..2000) {
            let mut v = Vec::new();
            v.put_decimal(n);
            assert_eq!(String::from_utf8(v).unwrap(), n.to_string());
            for width in [0, 1, 2, 4, 25] {
                let mut p = String::new();
                p.put_decimal_padded(n, width);
                assert_eq!(p, format!("{n:0w$}", w = width.min(20)));
            }
        }
    }

    #[test]
    fn hex() {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut v = String::new();
        v.put_hex(&bytes);
        assert_eq!(v, hex::encode(&bytes));
    }

    #[test]
    fn stack_buf_and_vec_move_to_the_heap_intact() {
        let mut b = StackBuf::<8>::new();
        let mut v = StackVec::<u32, 4>::new();
        let mut plain = Vec::new();
        for i in 0..100u32 {
            b.put_str(&i.to_string());
            plain.put_str(&i.to_string());
            v.push(i);
            assert_eq!(b.as_bytes(), plain.as_slice());
            assert_eq!(v.as_slice(), (0..=i).collect::<Vec<_>>().as_slice());
        }
        v.as_mut_slice().reverse();
        assert_eq!(v.as_slice()[0], 99);
        assert_eq!(b.len(), plain.len());
    }

    #[test]
    fn lowercase() {
        let mut s = String::new();
        let long = "AbC-".repeat(40);
        s.put_lowercase(long.as_bytes());
        assert_eq!(s, long.to_ascii_lowercase());
    }

    #[test]
    fn secret_buf_grows_and_keeps_its_bytes() {
        let mut b = SecretBuf::with_capacity(1);
        let mut plain = Vec::new();
        for i in 0..1000u32 {
            let piece = i.to_string();
            b.put_str(&piece);
            plain.put_str(&piece);
        }
        assert_eq!(b.as_bytes(), plain.as_slice());
        assert_eq!(b.len(), plain.len());
        assert_eq!(b.into_string().as_bytes(), plain.as_slice());
    }
}
