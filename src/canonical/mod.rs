//! The canonical request: the one canonicalisation core behind header
//! signing, presigning and verification.
//!
//! ```text
//! METHOD \n CANONICAL-URI \n CANONICAL-QUERY \n CANONICAL-HEADERS \n SIGNED-HEADERS \n PAYLOAD-HASH
//! ```
//!
//! It is written once into a buffer and hashed; the audit view shows the
//! same bytes.

pub(crate) mod encode;
pub(crate) mod headers;
pub(crate) mod path;
pub(crate) mod query;

use sha2::{Digest, Sha256};

use crate::settings::SigningSettings;
use crate::sink::{SecretBuf, Sink, StackBuf};
use headers::Header;
use path::PathSpec;

/// Everything that goes into a canonical request, already sorted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CanonicalRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: PathSpec<'a>,
    /// The path as already written into a URL (presigning), reused when it
    /// is the canonical URI too.
    pub(crate) wire_path: Option<&'a [u8]>,
    /// The canonical query string, rendered by [`query::write`] (a
    /// presigned URL carries the same text).
    pub(crate) query: &'a [u8],
    /// Sorted with [`headers::sort`].
    pub(crate) headers: &'a [Header<'a>],
    /// `headers` rendered by [`headers::write_signed`] (the signer needs the
    /// list again for its output, so it is rendered once).
    pub(crate) signed_headers: &'a [u8],
    pub(crate) payload_hash: &'a [u8],
    pub(crate) settings: &'a SigningSettings,
}

impl CanonicalRequest<'_> {
    fn write<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put_str(self.method);
        out.put(b"\n");
        match self.wire_path {
            Some(wire) if path::wire_is_canonical(&self.path, self.settings) => out.put(wire),
            _ => path::write_canonical(out, &self.path, self.settings),
        }
        out.put(b"\n");
        out.put(self.query);
        out.put(b"\n");
        headers::write_canonical(out, self.headers);
        out.put(b"\n");
        out.put(self.signed_headers);
        out.put(b"\n");
        out.put(self.payload_hash);
    }

    /// The canonical request's text (wiped on drop: it may carry the
    /// session token).
    pub(crate) fn text(&self) -> SecretBuf {
        let mut out = SecretBuf::with_capacity(512);
        self.write(&mut out);
        out
    }

    /// SHA-256 of the text, written on the stack (wiped) and hashed once:
    /// hashing as it is written, in dozens of small updates, is slower.
    pub(crate) fn hash(&self) -> [u8; 32] {
        let mut text = StackBuf::<1024>::new();
        self.write(&mut text);
        hash(text.as_bytes())
    }
}

/// SHA-256 of a canonical request's text.
pub(crate) fn hash(text: &[u8]) -> [u8; 32] {
    Sha256::digest(text).into()
}
