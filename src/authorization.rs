//! Output of header signing: the headers to add to the request.

use std::fmt;

use crate::signer::PayloadHash;
use crate::SigningTime;

/// The headers to add to a request signed with the `Authorization` header.
///
/// No HTTP crate is needed: iterate [`AuthorizationHeaders::headers`] and set
/// each one. `Debug` hides the session token.
///
/// ```
/// use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
/// let signer = Signer::new(Credentials::new("AKID", "secret", Some("token".into()))?, "us-east-1", "s3")?;
/// let endpoint = Endpoint::aws_s3("us-east-1")?;
/// let signed = signer.sign(&Request::new("GET", &endpoint).bucket("b1"), SigningTime::parse("20240101T000000Z")?)?;
/// let names: Vec<&str> = signed.headers().map(|(name, _)| name).collect();
/// assert_eq!(names, ["x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "authorization"]);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone)]
pub struct AuthorizationHeaders {
    time: SigningTime,
    content_sha256: Option<PayloadHash>,
    security_token: Option<String>,
    authorization: String,
}

impl AuthorizationHeaders {
    pub(crate) fn new(
        time: SigningTime,
        content_sha256: Option<PayloadHash>,
        security_token: Option<String>,
        authorization: String,
    ) -> Self {
        AuthorizationHeaders {
            time,
            content_sha256,
            security_token,
            authorization,
        }
    }

    /// `(name, value)` for every header to add, names in lowercase.
    ///
    /// ```
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "iam")?;
    /// let req = Request::from_url("GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08")?;
    /// let signed = signer.sign(&req, SigningTime::parse("20150830T123600Z")?)?;
    /// let mut http_request_headers = Vec::new();
    /// for (name, value) in signed.headers() {
    ///     http_request_headers.push((name, value.to_string()));
    /// }
    /// assert_eq!(http_request_headers.len(), 2); // x-amz-date, authorization
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            Some(("x-amz-date", self.time.amz_date())),
            self.content_sha256
                .as_ref()
                .map(|h| ("x-amz-content-sha256", h.as_str())),
            self.security_token
                .as_deref()
                .map(|t| ("x-amz-security-token", t)),
            Some(("authorization", self.authorization.as_str())),
        ]
        .into_iter()
        .flatten()
    }

    /// The `Authorization` header value.
    ///
    /// ```
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let e = Endpoint::aws_s3("us-east-1")?;
    /// let signed = signer.sign(&Request::new("GET", &e), SigningTime::parse("20240101T000000Z")?)?;
    /// assert!(signed.authorization().starts_with("AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature="));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The hex signature (the end of the `Authorization` value).
    ///
    /// ```
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let e = Endpoint::aws_s3("us-east-1")?;
    /// let signed = signer.sign(&Request::new("GET", &e), SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(signed.signature().len(), 64);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn signature(&self) -> &str {
        &self.authorization[self.authorization.len().saturating_sub(64)..]
    }

    /// The `x-amz-date` value.
    ///
    /// ```
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let e = Endpoint::aws_s3("us-east-1")?;
    /// let signed = signer.sign(&Request::new("GET", &e), SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(signed.x_amz_date(), "20240101T000000Z");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn x_amz_date(&self) -> &str {
        self.time.amz_date()
    }

    /// The `x-amz-content-sha256` value, when the rules send it.
    ///
    /// ```
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let e = Endpoint::aws_s3("us-east-1")?;
    /// let req = Request::new("PUT", &e).payload(awsig::Payload::Unsigned);
    /// let signed = signer.sign(&req, SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(signed.x_amz_content_sha256(), Some("UNSIGNED-PAYLOAD"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn x_amz_content_sha256(&self) -> Option<&str> {
        self.content_sha256.as_ref().map(PayloadHash::as_str)
    }

    /// The `x-amz-security-token` value, when the credentials have a token.
    ///
    /// ```
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let e = Endpoint::aws_s3("us-east-1")?;
    /// let signed = signer.sign(&Request::new("GET", &e), SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(signed.x_amz_security_token(), None);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn x_amz_security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }
}

impl fmt::Debug for AuthorizationHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationHeaders")
            .field("x_amz_date", &self.x_amz_date())
            .field("x_amz_content_sha256", &self.x_amz_content_sha256())
            .field(
                "x_amz_security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("authorization", &self.authorization)
            .finish()
    }
}
