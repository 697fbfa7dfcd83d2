//! The one error type of the crate.

use std::fmt;

/// Everything that can go wrong while signing.
///
/// Messages name the offending *field* (header name, environment variable,
/// parameter) but never echo a secret, a session token or a header value.
///
/// ```
/// use awsig::{Error, SigningTime};
/// let err = SigningTime::parse("yesterday").unwrap_err();
/// assert!(matches!(err, Error::InvalidTime(_)));
/// println!("{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A required environment variable is unset or empty.
    MissingEnvVar(&'static str),
    /// The access key id, secret access key or session token is malformed
    /// (the string says which, never its value).
    InvalidCredentials(&'static str),
    /// `X-Amz-Expires` outside `1..=max` seconds, or not a whole number of seconds.
    InvalidExpiry {
        /// The requested expiry, in seconds (rounded down).
        seconds: u64,
        /// The configured maximum, in seconds.
        max: u64,
    },
    /// A header name that is not an RFC 9110 token.
    InvalidHeaderName(String),
    /// A header value with a control byte or a bare line break (the value is not shown).
    InvalidHeaderValue(String),
    /// A header or query parameter that the signer itself adds (e.g. `x-amz-date`).
    Reserved(String),
    /// The HTTP method is empty or not a token.
    InvalidMethod(String),
    /// A URL or endpoint that cannot be used (the reason is given).
    InvalidUrl(String),
    /// A URL without a host.
    MissingHost,
    /// An encoded path that is not usable as such (the reason is given).
    InvalidPath(&'static str),
    /// A region with characters outside `A-Z a-z 0-9 - _ .`, or empty.
    InvalidRegion(String),
    /// A service name with characters outside `A-Z a-z 0-9 - _ .`, or empty.
    InvalidService(String),
    /// A bucket name that is empty or contains `/` or control bytes.
    InvalidBucket(String),
    /// A precomputed payload hash that is not 64 hex digits.
    InvalidPayloadHash,
    /// A date/time that cannot be parsed, or is outside the years 0000–9999.
    InvalidTime(String),
    /// A POST policy that expires at or before its signing time.
    InvalidPolicyExpiration {
        /// The policy's expiration (ISO 8601).
        expiration: String,
        /// The signing time (`YYYYMMDDTHHMMSSZ`).
        signing_time: String,
    },
    /// A `content-length-range` with `min > max`.
    InvalidContentLengthRange {
        /// The smallest size allowed.
        min: u64,
        /// The largest size allowed.
        max: u64,
    },
    /// A POST form field that cannot carry a condition (the reason is given).
    InvalidPostField {
        /// The field name.
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// Two POST policy conditions on this field that no value satisfies.
    ConflictingConditions(String),
    /// A POST policy without a required element (`key` or `expiration`).
    MissingPolicyElement(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingEnvVar(name) => write!(f, "environment variable {name} is not set"),
            Error::InvalidCredentials(what) => write!(f, "invalid credentials: {what}"),
            Error::InvalidExpiry { seconds, max } => {
                write!(f, "invalid expiry {seconds} s: must be a whole number of seconds in 1..={max}")
            }
            Error::InvalidHeaderName(name) => write!(f, "invalid header name {name:?}"),
            Error::InvalidHeaderValue(name) => write!(
                f,
                "invalid value for header {name:?}: control bytes and bare line breaks are not allowed"
            ),
            Error::Reserved(name) => write!(f, "{name:?} is set by the signer and cannot be supplied"),
            Error::InvalidMethod(m) => write!(f, "invalid HTTP method {m:?}"),
            Error::InvalidUrl(why) => write!(f, "invalid URL: {why}"),
            Error::MissingHost => write!(f, "the URL has no host"),
            Error::InvalidPath(why) => write!(f, "invalid encoded path: {why}"),
            Error::InvalidRegion(r) => write!(f, "invalid region {r:?}"),
            Error::InvalidService(s) => write!(f, "invalid service name {s:?}"),
            Error::InvalidBucket(b) => write!(f, "invalid bucket name {b:?}"),
            Error::InvalidPayloadHash => write!(f, "a precomputed payload hash must be 64 hex digits"),
            Error::InvalidTime(why) => write!(f, "invalid time: {why}"),
            Error::InvalidPolicyExpiration {
                expiration,
                signing_time,
            } => write!(
                f,
                "the policy expiration {expiration} is not after the signing time {signing_time}"
            ),
            Error::InvalidContentLengthRange { min, max } => {
                write!(f, "content-length-range minimum {min} is greater than its maximum {max}")
            }
            Error::InvalidPostField { name, reason } => {
                write!(f, "invalid POST form field {name:?}: {reason}")
            }
            Error::ConflictingConditions(field) => write!(
                f,
                "the POST policy conditions on {field:?} contradict each other"
            ),
            Error::MissingPolicyElement(what) => write!(f, "the POST policy has no {what}"),
        }
    }
}

impl std::error::Error for Error {}
