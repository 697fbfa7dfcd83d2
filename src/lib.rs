//! # awsig — AWS Signature Version 4
//!
//! Sign any AWS request with the `Authorization` header, presign S3 URLs
//! offline, and print every intermediate string of a signature.
//!
//! The modules follow the data path: inputs ([`Credentials`],
//! [`SigningTime`], [`Request`], [`SigningSettings`]) → the canonical request
//! (one core for every output) → the string to sign → the signing key
//! ([`SigningKeyChain`], [`SigningKeyCache`]) → outputs
//! ([`AuthorizationHeaders`], [`PresignedUrl`], [`PostForm`], [`Audit`]).
//!
//! ```
//! use std::time::Duration;
//! use awsig::{Credentials, Endpoint, ObjectKey, Request, Signer, SigningTime};
//!
//! let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
//! let signer = Signer::new(creds, "us-east-1", "s3")?;
//! let endpoint = Endpoint::aws_s3("us-east-1")?;
//! let request = Request::new("GET", &endpoint)
//!     .bucket("examplebucket")
//!     .key(ObjectKey::new("test.txt"));
//! let url = signer.presign(&request, SigningTime::parse("20130524T000000Z")?, Duration::from_secs(86400))?;
//! assert_eq!(url.as_str(), "https://examplebucket.s3.amazonaws.com/test.txt\
//!     ?X-Amz-Algorithm=AWS4-HMAC-SHA256\
//!     &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
//!     &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
//!     &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
//! # Ok::<(), awsig::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod sink;

// Inputs.
mod credentials;
mod request;
mod settings;
mod time;

// The canonical request, the string to sign, the signing key.
pub(crate) mod canonical;
mod signing_key;
mod string_to_sign;

// Outputs.
mod audit;
mod post_policy;
mod sign;

// The way back.
mod verify;

pub use crate::audit::Audit;
pub use crate::canonical::path::{EncodedPath, ObjectKey};
pub use crate::credentials::Credentials;
pub use crate::error::Error;
pub use crate::post_policy::{sign_policy_document, PostForm, PostPolicy, SignedPolicy};
pub use crate::request::endpoint::{Addressing, Endpoint, Scheme};
pub use crate::request::payload::{Payload, StreamingPayload, EMPTY_SHA256, UNSIGNED_PAYLOAD};
pub use crate::request::Request;
pub use crate::settings::{
    SessionTokenMode, SigningSettings, UriEncoding, DEFAULT_EXCLUDED_HEADERS, MAX_EXPIRES_SECS,
};
pub use crate::sign::header::AuthorizationHeaders;
pub use crate::sign::presign::PresignedUrl;
pub use crate::sign::signer::Signer;
pub use crate::signing_key::cache::SigningKeyCache;
pub use crate::signing_key::{SigningKey, SigningKeyChain};
pub use crate::string_to_sign::{CredentialScope, ALGORITHM};
pub use crate::time::SigningTime;
pub use crate::verify::{
    explain, AuthMethod, Difference, IncomingRequest, Malformed, PayloadCheck, PayloadHasher,
    SignatureMismatch, SignedStrings, Unverified, Verified, Verifier, VerifyError,
    DEFAULT_CLOCK_SKEW,
};
#[cfg(feature = "post-verify")]
pub use crate::verify::{PostUpload, UnverifiedPost, VerifiedPost};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
