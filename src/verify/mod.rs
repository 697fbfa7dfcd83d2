//! The way back: a request as it arrived → its typed, unverified
//! authentication → the same canonical core as the signer → a constant-time
//! comparison → [`Verified`], or S3's error.
//!
//! - `incoming`: the request as the server received it;
//! - `parse`: the `Authorization` header or the `X-Amz-*` query, typed;
//! - `verifier`: the checks, in two steps around the secret lookup;
//! - `payload`: what remains to check in the body;
//! - `policy`, `post` (feature `post-verify`): browser POST uploads, the
//!   policy read strictly and its conditions evaluated as S3 does;
//! - `s3_error`: S3's codes, statuses, messages and XML;
//! - `explain`: the first difference between two signatures' strings, in words.

pub(crate) mod explain;
pub(crate) mod incoming;
pub(crate) mod parse;
pub(crate) mod payload;
#[cfg(feature = "post-verify")]
pub(crate) mod policy;
#[cfg(feature = "post-verify")]
pub(crate) mod post;
pub(crate) mod s3_error;
pub(crate) mod verifier;

pub use explain::{explain, Difference, SignedStrings};
pub use incoming::IncomingRequest;
pub use parse::AuthMethod;
pub use payload::{PayloadCheck, PayloadHasher};
#[cfg(feature = "post-verify")]
pub use post::{PostUpload, UnverifiedPost, VerifiedPost};
pub use s3_error::{Malformed, SignatureMismatch, VerifyError};
pub use verifier::{Unverified, Verified, Verifier, DEFAULT_CLOCK_SKEW};
