//! HMAC-SHA256 on bare SHA-256 states, on top of `sha2`'s block function.
//!
//! Signing is a chain of short HMACs (four for a key, one per signature), so
//! the generic buffering of `hmac`/`digest` costs as much as the arithmetic
//! around each compression. Here a keyed HMAC is two 40-byte states (after
//! the ipad and opad blocks), and finishing one is: whole blocks straight
//! from the input, then one or two padded blocks built on the stack.
//! Tested against the `hmac` crate below.

use sha2::block_api::compress256;

/// The SHA-256 initial hash value (FIPS 180-4, 5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// A SHA-256 state after whole blocks only.
#[derive(Clone, Copy)]
pub(crate) struct State {
    h: [u32; 8],
    /// Bytes absorbed so far (a multiple of 64).
    len: u64,
}

impl State {
    /// The initial state.
    pub(crate) fn new() -> Self {
        State { h: IV, len: 0 }
    }

    /// Absorbs whole blocks.
    #[inline]
    pub(crate) fn absorb(&mut self, blocks: &[[u8; 64]]) {
        compress256(&mut self.h, blocks);
        self.len += 64 * blocks.len() as u64;
    }

    /// The state after one block.
    fn after_block(block: &[u8; 64]) -> Self {
        let mut h = IV;
        compress256(&mut h, std::slice::from_ref(block));
        State { h, len: 64 }
    }

    /// Absorbs `data`, pads, and returns the digest.
    pub(crate) fn finish(mut self, data: &[u8]) -> [u8; 32] {
        let (blocks, tail) = data.as_chunks::<64>();
        if !blocks.is_empty() {
            compress256(&mut self.h, blocks);
        }
        let bits = (self.len + data.len() as u64).wrapping_mul(8);
        // The tail, 0x80, zeros, and the length in bits: one block, or two
        // when the tail leaves fewer than 9 bytes. The one-block case is
        // every step of a key derivation (dates, names, 32-byte digests):
        // it gets its own 64-byte buffer instead of zeroing two blocks.
        if tail.len() < 56 {
            let mut last = [0u8; 64];
            crate::small::copy_into(&mut last[..tail.len()], tail);
            last[tail.len()] = 0x80;
            last[56..].copy_from_slice(&bits.to_be_bytes());
            compress256(&mut self.h, std::slice::from_ref(&last));
        } else {
            let mut last = [[0u8; 64]; 2];
            let flat = last.as_flattened_mut();
            flat[..tail.len()].copy_from_slice(tail);
            flat[tail.len()] = 0x80;
            flat[120..].copy_from_slice(&bits.to_be_bytes());
            compress256(&mut self.h, &last);
        }
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(self.h) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }
}

/// An HMAC-SHA256 key with its setup done (RFC 2104): the states after the
/// `key ^ ipad` and `key ^ opad` blocks. `Copy`: using it copies 80 bytes.
#[derive(Clone, Copy)]
pub(crate) struct HmacKey {
    inner: State,
    outer: State,
}

impl HmacKey {
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut k = [0u8; 64];
        if key.len() > 64 {
            // Longer keys are replaced by their hash.
            k[..32].copy_from_slice(&sha256(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        Self::from_block(k)
    }

    /// The key setup for a 32-byte key (every key-derivation step keys the
    /// next with a digest): fixed-size copies, no length checks.
    #[inline]
    pub(crate) fn from_digest(key: &[u8; 32]) -> Self {
        let mut k = [0u8; 64];
        k[..32].copy_from_slice(key);
        Self::from_block(k)
    }

    /// The states after the key block XOR ipad and XOR opad (RFC 2104).
    #[inline]
    fn from_block(k: [u8; 64]) -> Self {
        HmacKey {
            inner: State::after_block(&k.map(|b| b ^ 0x36)),
            outer: State::after_block(&k.map(|b| b ^ 0x5c)),
        }
    }

    /// `HMAC-SHA256(key, data)`.
    #[inline]
    pub(crate) fn mac(&self, data: &[u8]) -> [u8; 32] {
        let inner = self.inner.finish(data);
        self.outer.finish(&inner)
    }

    /// `HMAC-SHA256(key, data)`, reusing the inner state after `data`'s
    /// first block when `resume` was made by this key from the same block,
    /// and leaving this call's there. Both are checked: the block byte for
    /// byte, the key by its state after the ipad block (which differs for
    /// every key), so a `resume` can never carry over to other data or
    /// another key.
    ///
    /// Strings to sign made in the same second for the same scope share
    /// their first 64 bytes (`AWS4-HMAC-SHA256\n{amz date}\n{date}/{region}/…`,
    /// when region and service together are over 5 bytes, as every real
    /// pair is), so a burst of signatures saves one SHA-256 compression each.
    #[inline]
    pub(crate) fn mac_resuming(&self, data: &[u8], resume: &mut Option<Resume>) -> [u8; 32] {
        let Some((first, rest)) = data.split_first_chunk::<64>() else {
            return self.mac(data);
        };
        let inner = match resume {
            Some(r) if r.key == self.inner.h && crate::small::same_bytes(&r.first, first) => {
                r.inner
            }
            _ => {
                let mut inner = self.inner;
                inner.absorb(std::slice::from_ref(first));
                *resume = Some(Resume {
                    key: self.inner.h,
                    first: *first,
                    inner,
                });
                inner
            }
        };
        self.outer.finish(&inner.finish(rest))
    }
}

/// A message's first block and the HMAC inner state after it, for
/// [`HmacKey::mac_resuming`], with the key's state after its ipad block to
/// tell which key made it. The states are as secret as the key; the block
/// is the message's own text. No `Debug`.
#[derive(Clone, Copy)]
pub(crate) struct Resume {
    key: [u32; 8],
    first: [u8; 64],
    inner: State,
}

fn sha256(data: &[u8]) -> [u8; 32] {
    State::new().finish(data)
}

/// `HMAC-SHA256(key, data)` with a one-off key.
#[cfg(test)]
pub(crate) fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    HmacKey::new(key).mac(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{KeyInit, Mac};
    use sha2::{Digest, Sha256};

    fn reference(key: &[u8], data: &[u8]) -> [u8; 32] {
        let mut m = hmac::Hmac::<Sha256>::new_from_slice(key).unwrap();
        m.update(data);
        m.finalize().into_bytes().into()
    }

    #[test]
    fn matches_the_hmac_crate_at_every_boundary() {
        let bytes: Vec<u8> = (0..300u32).map(|i| (i * 31 + 7) as u8).collect();
        for key_len in [0, 1, 31, 32, 33, 55, 56, 63, 64, 65, 100, 128, 200] {
            let key = &bytes[..key_len];
            let k = HmacKey::new(key);
            if let Ok(digest) = <&[u8; 32]>::try_from(key) {
                assert_eq!(HmacKey::from_digest(digest).mac(b"x"), reference(key, b"x"));
            }
            for data_len in (0..=200).chain([255, 256, 257, 300]) {
                let data = &bytes[bytes.len() - data_len..];
                assert_eq!(k.mac(data), reference(key, data), "{key_len} {data_len}");
            }
        }
    }

    #[test]
    fn resuming_matches_the_plain_mac() {
        let bytes: Vec<u8> = (0..300u32).map(|i| (i * 13 + 1) as u8).collect();
        let key = HmacKey::new(b"key");
        let other = HmacKey::new(b"other key");
        let mut resume = None;
        // Same first block, other tails; another first block; short data.
        for (start, len) in [
            (0, 133),
            (0, 200),
            (0, 64),
            (1, 133),
            (1, 70),
            (0, 63),
            (0, 0),
            (0, 300),
        ] {
            let data = &bytes[start..start + len];
            assert_eq!(
                key.mac_resuming(data, &mut resume),
                reference(b"key", data),
                "{start} {len}"
            );
            assert_eq!(
                key.mac_resuming(data, &mut resume),
                reference(b"key", data),
                "{start} {len}"
            );
        }
        // Another key never takes over this key's resume, nor the reverse.
        for (k, name) in [(&other, &b"other key"[..]), (&key, &b"key"[..])] {
            assert_eq!(
                k.mac_resuming(&bytes[..133], &mut resume),
                reference(name, &bytes[..133])
            );
        }
    }

    #[test]
    fn plain_hash_matches_sha2() {
        for n in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300] {
            let data = vec![0xa5u8; n];
            assert_eq!(
                sha256(&data),
                <[u8; 32]>::from(Sha256::digest(&data)),
                "{n}"
            );
        }
    }

    #[test]
    fn absorbed_blocks_count_in_the_length() {
        let data = vec![0x5au8; 64 * 5 + 17];
        let mut s = State::new();
        let (blocks, tail) = data.as_chunks::<64>();
        s.absorb(&blocks[..2]);
        s.absorb(&blocks[2..]);
        assert_eq!(s.finish(tail), <[u8; 32]>::from(Sha256::digest(&data)));
    }

    #[test]
    fn rfc4231_case_2() {
        assert_eq!(
            hex::encode(hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
