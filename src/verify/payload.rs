//! The body after the signature: what the server must still check while it
//! reads it, and a hasher that checks a declared SHA-256 as it goes.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::request::payload::{Payload, StreamingPayload, UNSIGNED_PAYLOAD};
use crate::verify::s3_error::VerifyError;

/// The payload hash the client declared (`x-amz-content-sha256`), or the one
/// the server computed (generic rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Declared {
    Sha256([u8; 32]),
    Unsigned,
    Streaming(StreamingPayload),
}

const STREAMING: [StreamingPayload; 5] = [
    StreamingPayload::Aws4HmacSha256Payload,
    StreamingPayload::Aws4HmacSha256PayloadTrailer,
    StreamingPayload::UnsignedPayloadTrailer,
    StreamingPayload::Aws4EcdsaP256Sha256Payload,
    StreamingPayload::Aws4EcdsaP256Sha256PayloadTrailer,
];

/// An `x-amz-content-sha256` value: 64 hex digits (either case),
/// `UNSIGNED-PAYLOAD` or a `STREAMING-*` literal.
pub(crate) fn parse_declared(value: &str) -> Result<Declared, VerifyError> {
    if value == UNSIGNED_PAYLOAD {
        return Ok(Declared::Unsigned);
    }
    if let Some(s) = STREAMING.iter().find(|s| s.as_str() == value) {
        return Ok(Declared::Streaming(*s));
    }
    let mut digest = [0u8; 32];
    hex::decode_to_slice(value, &mut digest).map_err(|_| VerifyError::InvalidContentSha256)?;
    Ok(Declared::Sha256(digest))
}

/// The payload line of the canonical request and the digest of a payload
/// the server gave (generic rules, or a body checked at once).
pub(crate) fn from_server(payload: Payload<'_>) -> Result<(String, Declared), VerifyError> {
    Ok(match payload {
        Payload::Bytes(body) => {
            let digest: [u8; 32] = Sha256::digest(body).into();
            (hex::encode(digest), Declared::Sha256(digest))
        }
        Payload::Precomputed(h) => match parse_declared(h) {
            Ok(d @ Declared::Sha256(_)) => (h.to_ascii_lowercase(), d),
            _ => return Err(VerifyError::PayloadRequired),
        },
        Payload::Unsigned => (UNSIGNED_PAYLOAD.to_string(), Declared::Unsigned),
        Payload::Streaming(s) => (s.as_str().to_string(), Declared::Streaming(s)),
    })
}

/// What the server must still do with the body of a verified request.
///
/// Not `#[non_exhaustive]`: a new kind of body check is a breaking change,
/// so that no server silently treats it as checked.
///
/// ```
/// use awsig::PayloadCheck;
/// fn read_body(check: PayloadCheck, body: &[u8]) -> Result<(), awsig::VerifyError> {
///     match check {
///         PayloadCheck::Sha256(mut hasher) => {
///             hasher.update(body);
///             hasher.finish()
///         }
///         PayloadCheck::Checked | PayloadCheck::Unsigned => Ok(()),
///         PayloadCheck::Streaming(_) => unimplemented!("aws-chunked bodies need the chunk verifier"),
///     }
/// }
/// ```
#[derive(Clone, Debug)]
pub enum PayloadCheck {
    /// The body (or its hash) was given to the verifier and matches.
    Checked,
    /// The body must hash to the declared SHA-256: feed it to the hasher as
    /// it is read, and refuse the request when [`PayloadHasher::finish`] fails.
    Sha256(PayloadHasher),
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
    Unsigned,
    /// An aws-chunked body (`STREAMING-*`): each chunk carries a signature
    /// chained from the seed ([`crate::Verified::signature`]). awsig does
    /// not verify these yet; the body is **not** verified.
    Streaming(StreamingPayload),
}

/// Hashes a body as it is read and compares it with the declared
/// `x-amz-content-sha256` at the end.
///
/// ```
/// use sha2::{Digest, Sha256};
/// let declared: [u8; 32] = Sha256::digest(b"hello").into();
/// let mut h = awsig::PayloadHasher::new(declared);
/// h.update(b"hel");
/// h.update(b"lo");
/// assert!(h.finish().is_ok());
/// let mut h = awsig::PayloadHasher::new(declared);
/// h.update(b"hullo");
/// assert_eq!(h.finish().unwrap_err().code(), "XAmzContentSHA256Mismatch");
/// ```
#[derive(Clone)]
pub struct PayloadHasher {
    declared: [u8; 32],
    hasher: Sha256,
}

impl PayloadHasher {
    /// A hasher expecting `declared`.
    ///
    /// ```
    /// let h = awsig::PayloadHasher::new([0; 32]);
    /// # let _ = h;
    /// ```
    pub fn new(declared: [u8; 32]) -> Self {
        PayloadHasher {
            declared,
            hasher: Sha256::new(),
        }
    }

    /// Hashes the next bytes of the body.
    ///
    /// ```
    /// let mut h = awsig::PayloadHasher::new([0; 32]);
    /// h.update(b"part");
    /// ```
    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
    }

    /// `Ok` when the body hashed to the declared SHA-256; otherwise
    /// `XAmzContentSHA256Mismatch` with both hashes.
    ///
    /// ```
    /// let h = awsig::PayloadHasher::new([0; 32]);
    /// assert!(h.finish().is_err());
    /// ```
    pub fn finish(self) -> Result<(), VerifyError> {
        let computed: [u8; 32] = self.hasher.finalize().into();
        check_digest(&self.declared, &computed)
    }
}

impl std::fmt::Debug for PayloadHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayloadHasher")
            .field("declared", &hex::encode(self.declared))
            .finish_non_exhaustive()
    }
}

/// `Ok` when the two digests are equal.
pub(crate) fn check_digest(declared: &[u8; 32], computed: &[u8; 32]) -> Result<(), VerifyError> {
    if bool::from(declared.ct_eq(computed)) {
        return Ok(());
    }
    Err(VerifyError::XAmzContentSha256Mismatch {
        client: hex::encode(declared),
        computed: hex::encode(computed),
    })
}
