//! The canonical request: the one canonicalisation core behind header
//! signing, presigning and verification.
//!
//! ```text
//! METHOD \n CANONICAL-URI \n CANONICAL-QUERY \n CANONICAL-HEADERS \n SIGNED-HEADERS \n PAYLOAD-HASH
//! ```
//!
//! It is written into a [`Sink`](encode::Sink): straight into SHA-256 when
//! signing, into a buffer as well when the audit view is asked for.

pub(crate) mod encode;
pub(crate) mod headers;
pub(crate) mod path;
pub(crate) mod query;

use crate::settings::SigningSettings;
use encode::{HashSink, Sink, Tee};
use headers::Header;
use path::PathSpec;
use query::Param;

/// The query part: parameters to encode and sort, or text already in
/// canonical form (presigning renders it once, into the URL).
#[derive(Clone, Copy, Debug)]
pub(crate) enum CanonicalQuery<'a> {
    /// Sorted parameters.
    Params(&'a [Param<'a>]),
    /// Canonical text.
    Rendered(&'a [u8]),
}

/// The canonical URI: computed from the path, or bytes already rendered for
/// the URL when they are the same (S3 rules: single encoding, no
/// normalization).
#[derive(Clone, Copy, Debug)]
pub(crate) enum CanonicalPath<'a> {
    Spec(PathSpec<'a>),
    Rendered(&'a [u8]),
}

/// Everything that goes into a canonical request, already sorted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CanonicalRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: CanonicalPath<'a>,
    pub(crate) query: CanonicalQuery<'a>,
    /// Sorted with [`headers::sort`].
    pub(crate) headers: &'a [Header<'a>],
    /// `headers` rendered by [`headers::write_signed`] (the signer needs the
    /// list again for its output, so it is rendered once).
    pub(crate) signed_headers: &'a [u8],
    pub(crate) payload_hash: &'a [u8],
    pub(crate) settings: &'a SigningSettings,
}

impl CanonicalRequest<'_> {
    pub(crate) fn write<S: Sink + ?Sized>(&self, sink: &mut S) {
        sink.put_str(self.method);
        sink.put(b"\n");
        match self.path {
            CanonicalPath::Spec(spec) => path::write_canonical(sink, &spec, self.settings),
            CanonicalPath::Rendered(text) => sink.put(text),
        }
        sink.put(b"\n");
        match self.query {
            CanonicalQuery::Params(p) => query::write(sink, p),
            CanonicalQuery::Rendered(text) => sink.put(text),
        }
        sink.put(b"\n");
        headers::write_canonical(sink, self.headers);
        sink.put(b"\n");
        sink.put(self.signed_headers);
        sink.put(b"\n");
        sink.put(self.payload_hash);
    }

    /// SHA-256 of the canonical request; its text too when `text` is given.
    pub(crate) fn hash(&self, text: Option<&mut Vec<u8>>) -> [u8; 32] {
        let mut hasher = HashSink::new();
        match text {
            Some(buf) => self.write(&mut Tee(&mut hasher, buf)),
            None => self.write(&mut hasher),
        }
        hasher.finalize()
    }
}
