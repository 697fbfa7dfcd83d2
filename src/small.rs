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
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if self.heap.is_empty() && self.len + bytes.len() <= N {
            self.inline[self.len..self.len + bytes.len()].copy_from_slice(bytes);
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
    fn small_buf_spills_in_order() {
        let mut b: SmallBuf<4> = SmallBuf::new();
        b.put_str("ab");
        b.put_str("cd");
        assert_eq!(b.as_str(), "abcd");
        b.put_str("é!");
        assert_eq!(b.as_str(), "abcdé!");
    }
}
