//! Header signing: the `Authorization` header and the headers it signs.

use std::fmt;

use super::signer::{
    collect_headers, collect_params, signed_headers, Headers, Mode, Params, Signer,
};
use crate::audit::Audit;
use crate::canonical::headers::{self, Header};
use crate::canonical::{query, CanonicalRequest};
use crate::request::payload::{Payload, PayloadHash};
use crate::request::Request;
use crate::settings::SessionTokenMode;
use crate::sink::{into_string, SecretString, Sink, StackBuf};
use crate::string_to_sign::ALGORITHM;
use crate::{Error, SigningTime};

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
    /// Wiped on drop (a bearer secret).
    security_token: Option<SecretString>,
    authorization: String,
}

impl AuthorizationHeaders {
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
            self.x_amz_security_token()
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
        self.security_token.as_ref().map(|t| t.as_str())
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

impl Signer {
    /// Signs with the `Authorization` header: returns the headers to add
    /// (`x-amz-date`, `x-amz-content-sha256` under the S3 rules,
    /// `x-amz-security-token` with a session token, `authorization`).
    ///
    /// ```
    /// use awsig::{Credentials, Endpoint, ObjectKey, Payload, Request, Signer, SigningTime};
    /// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
    /// let signer = Signer::new(creds, "us-east-1", "s3")?;
    /// let endpoint = Endpoint::aws_s3("us-east-1")?;
    /// let headers = [("Range", "bytes=0-9")];
    /// let req = Request::new("GET", &endpoint).bucket("examplebucket")
    ///     .key(ObjectKey::new("test.txt")).headers(&headers);
    /// let signed = signer.sign(&req, SigningTime::parse("20130524T000000Z")?)?;
    /// assert_eq!(signed.signature(), "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    /// for (name, value) in signed.headers() {
    ///     println!("{name}: {value}");
    /// }
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn sign(
        &self,
        request: &Request<'_>,
        time: SigningTime,
    ) -> Result<AuthorizationHeaders, Error> {
        self.sign_with(request, time, None)
    }

    /// [`Signer::sign`], plus every intermediate string.
    ///
    /// ```
    /// use awsig::{Credentials, Request, Signer, SigningTime};
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
    /// let signer = Signer::new(creds, "us-east-1", "iam")?;
    /// let req = Request::from_url("GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08")?;
    /// let (_, audit) = signer.audit_sign(&req, SigningTime::parse("20150830T123600Z")?)?;
    /// println!("{audit}");
    /// assert!(audit.canonical_request.starts_with("GET\n/\nAction=ListUsers&Version=2010-05-08\n"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn audit_sign(
        &self,
        request: &Request<'_>,
        time: SigningTime,
    ) -> Result<(AuthorizationHeaders, Audit), Error> {
        let mut audit = Audit::default();
        let signed = self.sign_with(request, time, Some(&mut audit))?;
        Ok((signed, audit))
    }

    fn sign_with(
        &self,
        req: &Request<'_>,
        time: SigningTime,
        audit: Option<&mut Audit>,
    ) -> Result<AuthorizationHeaders, Error> {
        req.validate()?;
        let settings = req.settings.unwrap_or(&self.settings);
        let payload = PayloadHash::of(req.payload.unwrap_or(Payload::Bytes(b"")))?;
        let (host, path) = req.host_and_path();
        let token = self.credentials.session_token();

        let mut hdrs = Headers::new();
        collect_headers(req, settings, Mode::Header, host.as_bytes(), &mut hdrs)?;
        hdrs.push(Header::new("x-amz-date", time.amz_date_bytes()));
        if settings.content_sha256_header {
            hdrs.push(Header::new(
                "x-amz-content-sha256",
                payload.as_str().as_bytes(),
            ));
        }
        if let Some(t) = token.filter(|_| settings.session_token == SessionTokenMode::Signed) {
            hdrs.push(Header::new("x-amz-security-token", t.as_bytes()));
        }
        headers::sort(hdrs.as_mut_slice());
        let signed_headers = signed_headers(hdrs.as_slice());

        let mut query = StackBuf::<256>::new();
        let mut params = Params::new();
        collect_params(req, &mut params)?;
        query::write(&mut query, params.as_slice());
        let creq = CanonicalRequest {
            method: req.method,
            path,
            wire_path: None,
            query: query.as_bytes(),
            headers: hdrs.as_slice(),
            signed_headers: signed_headers.as_bytes(),
            payload_hash: payload.as_str().as_bytes(),
            settings,
        };
        let signature = self.signature(&creq, &time, audit);

        let scope = self.credential_scope(&time);
        let akid = self.credentials.access_key_id();
        // Bytes, made text once at the end (one UTF-8 check, not one per
        // piece; see `headers::validate` for the gain).
        let mut authorization = Vec::with_capacity(
            ALGORITHM.len() + akid.len() + scope.text_len() + signed_headers.len() + 105,
        );
        authorization.put_str(ALGORITHM);
        authorization.put_str(" Credential=");
        authorization.put_str(akid);
        authorization.put_str("/");
        scope.write(&mut authorization);
        authorization.put_str(", SignedHeaders=");
        authorization.put(signed_headers.as_bytes());
        authorization.put_str(", Signature=");
        authorization.put(&signature);
        Ok(AuthorizationHeaders {
            time,
            content_sha256: settings.content_sha256_header.then_some(payload),
            security_token: token.map(|t| SecretString::new(t.to_owned())),
            authorization: into_string(authorization),
        })
    }
}
