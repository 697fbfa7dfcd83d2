//! The payload and its hash as written into the canonical request.

use sha2::{Digest, Sha256};

use crate::sink::Sink;
use crate::Error;

/// The body hash that goes into the canonical request.
///
/// ```
/// use awsig::{Payload, StreamingPayload};
/// let body = Payload::Bytes(b"Welcome to Amazon S3.");
/// let known = Payload::Precomputed("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
/// let later = Payload::Unsigned;
/// let chunked = Payload::Streaming(StreamingPayload::Aws4HmacSha256Payload);
/// # let _ = (body, known, later, chunked);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload<'a> {
    /// The body itself; its SHA-256 is computed.
    Bytes(&'a [u8]),
    /// The hex SHA-256 of the body, computed elsewhere (64 hex digits).
    Precomputed(&'a str),
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// One of the `STREAMING-*` values for chunked uploads.
    Streaming(StreamingPayload),
}

/// The `STREAMING-*` payload values of chunked uploads.
///
/// ```
/// use awsig::StreamingPayload;
/// assert_eq!(StreamingPayload::UnsignedPayloadTrailer.as_str(), "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamingPayload {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
    Aws4HmacSha256Payload,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`
    Aws4HmacSha256PayloadTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`
    UnsignedPayloadTrailer,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`
    Aws4EcdsaP256Sha256Payload,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER`
    Aws4EcdsaP256Sha256PayloadTrailer,
}

impl StreamingPayload {
    /// The literal that goes into the canonical request.
    ///
    /// ```
    /// use awsig::StreamingPayload;
    /// assert_eq!(StreamingPayload::Aws4HmacSha256Payload.as_str(), "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            StreamingPayload::Aws4HmacSha256Payload => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            StreamingPayload::Aws4HmacSha256PayloadTrailer => {
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
            }
            StreamingPayload::UnsignedPayloadTrailer => "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            StreamingPayload::Aws4EcdsaP256Sha256Payload => {
                "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
            }
            StreamingPayload::Aws4EcdsaP256Sha256PayloadTrailer => {
                "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
            }
        }
    }
}

/// `UNSIGNED-PAYLOAD`: the payload hash of a request whose body is not signed
/// (the default for presigned S3 URLs).
///
/// ```
/// use awsig::{Credentials, Endpoint, ObjectKey, Payload, Request, Signer, SigningTime};
/// let e = Endpoint::aws_s3("us-east-1")?;
/// let req = Request::new("PUT", &e).bucket("b").key(ObjectKey::new("k")).payload(Payload::Unsigned);
/// let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
/// let headers = signer.sign(&req, SigningTime::parse("20240101T000000Z")?)?;
/// assert_eq!(headers.x_amz_content_sha256(), Some(awsig::UNSIGNED_PAYLOAD));
/// # Ok::<(), awsig::Error>(())
/// ```
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// SHA-256 of the empty string: the payload hash of a request without a body.
///
/// ```
/// use sha2::{Digest, Sha256};
/// assert_eq!(awsig::EMPTY_SHA256, hex::encode(Sha256::digest(b"")));
/// ```
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The payload hash as written into the canonical request: 64 lowercase
/// hex digits or one of the literals.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PayloadHash {
    Hex([u8; 64]),
    Literal(&'static str),
}

impl PayloadHash {
    pub(crate) fn of(payload: Payload<'_>) -> Result<Self, Error> {
        Ok(match payload {
            Payload::Bytes(body) => {
                let mut hex = Vec::with_capacity(64);
                hex.put_hex(&Sha256::digest(body));
                PayloadHash::hex(&hex)?
            }
            Payload::Precomputed(h) => PayloadHash::hex(h.as_bytes())?,
            Payload::Unsigned => PayloadHash::Literal(UNSIGNED_PAYLOAD),
            Payload::Streaming(s) => PayloadHash::Literal(s.as_str()),
        })
    }

    /// 64 hex digits, lowercased.
    fn hex(h: &[u8]) -> Result<Self, Error> {
        let mut hex = <[u8; 64]>::try_from(h).map_err(|_| Error::InvalidPayloadHash)?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return Err(Error::InvalidPayloadHash);
        }
        hex.make_ascii_lowercase();
        Ok(PayloadHash::Hex(hex))
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Only ASCII hex digits are ever stored.
            PayloadHash::Hex(h) => std::str::from_utf8(h).unwrap_or_default(),
            PayloadHash::Literal(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_bodies_and_checks_precomputed_ones() {
        let empty = PayloadHash::of(Payload::Bytes(b"")).unwrap();
        assert_eq!(empty.as_str(), EMPTY_SHA256);
        let upper = EMPTY_SHA256.to_ascii_uppercase();
        let given = PayloadHash::of(Payload::Precomputed(&upper)).unwrap();
        assert_eq!(given.as_str(), EMPTY_SHA256);
        for bad in [
            "",
            "abc",
            &EMPTY_SHA256[1..],
            &format!("{}g", &EMPTY_SHA256[1..]),
        ] {
            assert!(matches!(
                PayloadHash::of(Payload::Precomputed(bad)),
                Err(Error::InvalidPayloadHash)
            ));
        }
        let multibyte = format!("{}é", &EMPTY_SHA256[2..]);
        assert_eq!(multibyte.len(), 64);
        assert!(PayloadHash::of(Payload::Precomputed(&multibyte)).is_err());
    }
}
