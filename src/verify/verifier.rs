//! The checks, in two steps: [`Verifier::parse`] checks everything that
//! needs no secret and names the access key id; the server looks the secret
//! up; [`Unverified::verify`] recomputes the signature with the same
//! canonical core as the signer and compares it in constant time.

use std::sync::Arc;
use std::time::Duration;

use subtle::ConstantTimeEq;

use crate::audit::Audit;
use crate::canonical::headers::Header;
use crate::canonical::path::PathSpec;
use crate::canonical::query::{self, parse_encoded, Param};
use crate::canonical::{self as canonical_request, CanonicalRequest};
use crate::credentials::Credentials;
use crate::request::payload::UNSIGNED_PAYLOAD;
use crate::settings::{SessionTokenMode, SigningSettings};
use crate::signing_key::cache::SigningKeyCache;
use crate::signing_key::SigningKey;
use crate::sink::SecretBuf;
use crate::string_to_sign::{is_scope_part, string_to_sign, CredentialScope};
use crate::time::SigningTime;
use crate::verify::incoming::IncomingRequest;
use crate::verify::parse::{self, AuthMethod, Parts};
use crate::verify::payload::{self, Declared, PayloadCheck, PayloadHasher};
use crate::verify::s3_error::{Malformed, SignatureMismatch, VerifyError};
use crate::Error;

/// The default clock skew allowed: 15 minutes, as S3.
///
/// ```
/// assert_eq!(awsig::DEFAULT_CLOCK_SKEW.as_secs(), 900);
/// ```
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// Checks SigV4 signatures for one service in one or more regions: the
/// `Authorization` header and presigned URLs, with S3's rules and answers.
///
/// `Send + Sync`; keep one per server. Signing keys are cached (as for
/// [`crate::Signer`]).
///
/// ```
/// use awsig::{Credentials, IncomingRequest, SigningTime, Verifier};
/// let verifier = Verifier::new("us-east-1", "s3")?;
/// let url = "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
///     &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
///     &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
///     &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
/// let headers = [("Host", "examplebucket.s3.amazonaws.com")];
/// let request = IncomingRequest::new("GET", url, &headers)?;
/// let now = SigningTime::parse("20130524T120000Z")?;
///
/// let unverified = verifier.parse(&request, now)?;
/// // Look the secret up by access key id (a database, a KMS...).
/// assert_eq!(unverified.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// let verified = unverified.verify(&creds)?;
/// assert_eq!(verified.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Verifier {
    regions: Vec<String>,
    service: String,
    settings: SigningSettings,
    max_skew_secs: u64,
    required: Vec<String>,
    cache: Arc<SigningKeyCache>,
}

impl Verifier {
    /// A verifier for `service` in `region`, with the rules of
    /// [`SigningSettings::for_service`] (S3's for `s3`), a clock skew of 15
    /// minutes and presigned URLs of at most 7 days.
    ///
    /// ```
    /// assert!(awsig::Verifier::new("us-east-1", "s3").is_ok());
    /// assert!(awsig::Verifier::new("us east", "s3").is_err());
    /// ```
    pub fn new(region: &str, service: &str) -> Result<Self, Error> {
        if !is_scope_part(service) {
            return Err(Error::InvalidService(service.to_string()));
        }
        Verifier {
            regions: Vec::new(),
            service: service.to_string(),
            settings: SigningSettings::for_service(service),
            max_skew_secs: DEFAULT_CLOCK_SKEW.as_secs(),
            required: Vec::new(),
            cache: Arc::new(SigningKeyCache::new()),
        }
        .with_regions(&[region])
    }

    /// Accepts any of `regions` (the first is named in errors).
    ///
    /// ```
    /// let v = awsig::Verifier::new("us-east-1", "s3")?.with_regions(&["us-east-1", "auto"])?;
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn with_regions(mut self, regions: &[&str]) -> Result<Self, Error> {
        if regions.is_empty() {
            return Err(Error::InvalidRegion(String::new()));
        }
        if let Some(bad) = regions.iter().find(|r| !is_scope_part(r)) {
            return Err(Error::InvalidRegion(bad.to_string()));
        }
        self.regions = regions.iter().map(|r| r.to_string()).collect();
        Ok(self)
    }

    /// Other rules (S3 or generic, path normalization, session token mode,
    /// maximum presign expiry).
    ///
    /// ```
    /// let v = awsig::Verifier::new("us-east-1", "execute-api")?
    ///     .with_settings(awsig::SigningSettings::generic());
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn with_settings(mut self, settings: SigningSettings) -> Self {
        self.settings = settings;
        self
    }

    /// The largest difference allowed between the request's time and the
    /// server's (whole seconds).
    ///
    /// ```
    /// let v = awsig::Verifier::new("us-east-1", "s3")?.with_clock_skew(std::time::Duration::from_secs(300));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn with_clock_skew(mut self, skew: Duration) -> Self {
        self.max_skew_secs = skew.as_secs();
        self
    }

    /// The longest `X-Amz-Expires` accepted (whole seconds; 7 days by default).
    ///
    /// ```
    /// let v = awsig::Verifier::new("us-east-1", "s3")?.with_max_expires(std::time::Duration::from_secs(3600));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn with_max_expires(mut self, max: Duration) -> Self {
        self.settings.max_expires_secs = max.as_secs();
        self
    }

    /// Refuses requests that do not sign `name` (e.g. `content-type`, or
    /// `content-md5` for an API that relies on it).
    ///
    /// ```
    /// let v = awsig::Verifier::new("us-east-1", "s3")?.require_signed_header("Content-Type");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn require_signed_header(mut self, name: &str) -> Self {
        self.required.push(name.to_ascii_lowercase());
        self
    }

    /// Shares a signing-key cache (with other verifiers or signers).
    ///
    /// ```
    /// let cache = std::sync::Arc::new(awsig::SigningKeyCache::new());
    /// let v = awsig::Verifier::new("us-east-1", "s3")?.with_cache(cache);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn with_cache(mut self, cache: Arc<SigningKeyCache>) -> Self {
        self.cache = cache;
        self
    }

    /// The first step: parses the authentication of `request` and checks
    /// everything that needs no secret (format, scope, time, which headers
    /// are signed, the declared payload). `now` is the server's time.
    ///
    /// ```
    /// use awsig::{IncomingRequest, SigningTime, Verifier};
    /// let v = Verifier::new("us-east-1", "s3")?;
    /// let req = IncomingRequest::new("GET", "/", &[("Host", "h")])?;
    /// let err = v.parse(&req, SigningTime::parse("20240101T000000Z")?).unwrap_err();
    /// assert_eq!((err.code(), err.status()), ("AccessDenied", 403));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse<'v, 'r>(
        &'v self,
        request: &IncomingRequest<'r>,
        now: SigningTime,
    ) -> Result<Unverified<'v, 'r>, VerifyError> {
        let authorization = request.single("authorization");
        let in_query = parse::has_query_auth(request.query());
        let mut parts = match (authorization, in_query) {
            (Ok(Some(_)), true) | (Err(()), true) => {
                return Err(VerifyError::MultipleAuthentications)
            }
            (Err(()), false) => {
                return Err(VerifyError::AuthorizationHeaderMalformed(
                    Malformed::Repeated("Authorization"),
                ))
            }
            (Ok(Some(value)), false) => parse::parse_authorization(value)?,
            (Ok(None), true) => {
                parse::parse_query(request.query(), self.settings.max_expires_secs)?
            }
            (Ok(None), false) if parse::has_sigv2_query_auth(request.query()) => {
                return Err(VerifyError::UnsupportedAlgorithm { query: false })
            }
            (Ok(None), false) => return Err(VerifyError::MissingAuthentication),
        };
        let method = parts.method;
        let malformed = |m| match method {
            AuthMethod::AuthorizationHeader => VerifyError::AuthorizationHeaderMalformed(m),
            AuthMethod::QueryString => VerifyError::AuthorizationQueryParametersError(m),
        };
        let time = match parts.time {
            Some(t) => t,
            None => request_time(request)?,
        };
        parts.time = Some(time);
        if &parts.date != time.date_stamp_bytes() {
            return Err(malformed(Malformed::CredentialDate {
                credential: String::from_utf8_lossy(&parts.date).into_owned(),
                request: time.date_stamp().to_string(),
            }));
        }
        self.check_scope(&parts.region, &parts.service, malformed)?;
        self.check_time(&parts, &time, &now)?;
        let (payload_line, declared) = self.payload(request, method)?;
        self.check_signed_headers(request, &parts)?;
        let token = match method {
            AuthMethod::AuthorizationHeader => request
                .single("x-amz-security-token")
                .map_err(|()| VerifyError::InvalidToken)?
                .map(str::to_string),
            AuthMethod::QueryString => parse::query_auth_values(request.query())?[6].take(),
        };
        Ok(Unverified {
            verifier: self,
            request: *request,
            parts,
            time,
            payload_line,
            declared,
            token: token.map(crate::sink::SecretString::new),
        })
    }

    /// The credential's region is one of the verifier's, its service the
    /// verifier's.
    pub(crate) fn check_scope(
        &self,
        region: &str,
        service: &str,
        malformed: impl Fn(Malformed) -> VerifyError,
    ) -> Result<(), VerifyError> {
        if !self.regions.iter().any(|r| r == region) {
            return Err(malformed(Malformed::Region {
                given: region.to_string(),
                expected: self.regions[0].clone(),
            }));
        }
        if service != self.service {
            return Err(malformed(Malformed::Service {
                given: service.to_string(),
                expected: self.service.clone(),
            }));
        }
        Ok(())
    }

    #[cfg(feature = "post-verify")]
    pub(crate) fn cache(&self) -> &SigningKeyCache {
        &self.cache
    }

    fn check_time(
        &self,
        parts: &Parts,
        time: &SigningTime,
        now: &SigningTime,
    ) -> Result<(), VerifyError> {
        let t = time.to_offset_datetime().unix_timestamp();
        let n = now.to_offset_datetime().unix_timestamp();
        let skew = i64::try_from(self.max_skew_secs).unwrap_or(i64::MAX);
        match parts.expires_secs {
            None if t.abs_diff(n) > self.max_skew_secs => Err(VerifyError::RequestTimeTooSkewed {
                request_time: time.amz_date().to_string(),
                server_time: iso8601(now),
                max_skew_secs: self.max_skew_secs,
            }),
            None => Ok(()),
            Some(_) if t > n.saturating_add(skew) => Err(VerifyError::RequestNotYetValid {
                request_time: time.amz_date().to_string(),
                server_time: iso8601(now),
            }),
            Some(expires) if n > t.saturating_add(expires as i64) => {
                Err(VerifyError::RequestExpired {
                    expires_secs: expires,
                    expired_at: SigningTime::from_unix_timestamp(t.saturating_add(expires as i64))
                        .map(|e| iso8601(&e))
                        .unwrap_or_default(),
                    server_time: iso8601(now),
                })
            }
            Some(_) => Ok(()),
        }
    }

    /// `host`, every `x-amz-*` header present and every required header
    /// signed; every signed header present.
    fn check_signed_headers(
        &self,
        request: &IncomingRequest<'_>,
        parts: &Parts,
    ) -> Result<(), VerifyError> {
        let signed = |name: &str| parts.signed_headers.split(';').any(|s| s == name);
        let token_unsigned = self.settings.session_token == SessionTokenMode::AfterSigning;
        let mut unsigned: Vec<String> = Vec::new();
        let mut flag = |name: String| {
            if !unsigned.contains(&name) {
                unsigned.push(name);
            }
        };
        if !signed("host") {
            flag("host".into());
        }
        for &(name, _) in request.headers() {
            let lower = name.to_ascii_lowercase();
            let exempt = token_unsigned && lower == "x-amz-security-token";
            if lower.starts_with("x-amz-") && !exempt && !signed(&lower) {
                flag(lower);
            }
        }
        for name in &self.required {
            if signed(name) {
                continue;
            }
            if request.values(name).next().is_none() {
                return Err(VerifyError::MissingSecurityHeader(name.clone()));
            }
            flag(name.clone());
        }
        if !unsigned.is_empty() {
            return Err(VerifyError::HeadersNotSigned(unsigned));
        }
        if let Some(missing) = parts
            .signed_headers
            .split(';')
            .find(|name| request.values(name).next().is_none())
        {
            return Err(VerifyError::SignedHeaderMissing(missing.to_string()));
        }
        Ok(())
    }

    /// The payload line of the canonical request and what it declares.
    fn payload(
        &self,
        request: &IncomingRequest<'_>,
        method: AuthMethod,
    ) -> Result<(String, Declared), VerifyError> {
        let header = request
            .single("x-amz-content-sha256")
            .map_err(|()| VerifyError::InvalidContentSha256)?;
        match header {
            Some(value) => Ok((value.to_string(), payload::parse_declared(value)?)),
            None if method == AuthMethod::AuthorizationHeader
                && self.settings.content_sha256_header =>
            {
                Err(VerifyError::MissingContentSha256)
            }
            None if method == AuthMethod::QueryString && self.settings.unsigned_presign_payload => {
                Ok((UNSIGNED_PAYLOAD.to_string(), Declared::Unsigned))
            }
            None => match request.given_payload() {
                Some(p) => payload::from_server(p),
                None => Err(VerifyError::PayloadRequired),
            },
        }
    }
}

/// `x-amz-date` (`YYYYMMDDTHHMMSSZ`), else `Date` (IMF-fixdate).
fn request_time(request: &IncomingRequest<'_>) -> Result<SigningTime, VerifyError> {
    let amz = request
        .single("x-amz-date")
        .map_err(|()| VerifyError::MissingDate)?;
    let time = match amz {
        Some(v) => parse::parse_amz_date(v),
        None => request
            .single("date")
            .map_err(|()| VerifyError::MissingDate)?
            .and_then(parse_http_date),
    };
    time.ok_or(VerifyError::MissingDate)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 IMF-fixdate).
fn parse_http_date(s: &str) -> Option<SigningTime> {
    use time::format_description::well_known::Rfc2822;
    // RFC 2822 is a superset (other zones, optional weekday): the fixed
    // length and the `GMT` suffix keep it to IMF-fixdate.
    if s.len() != 29 || !s.ends_with(" GMT") {
        return None;
    }
    let dt = time::OffsetDateTime::parse(s, &Rfc2822).ok()?;
    SigningTime::from_offset_datetime(dt).ok()
}

/// `2013-05-24T00:00:00Z`.
pub(crate) fn iso8601(t: &SigningTime) -> String {
    let d = t.amz_date();
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[9..11],
        &d[11..13],
        &d[13..15]
    )
}

/// A request whose authentication is well formed, in scope and in time, but
/// whose signature is **not yet checked**: look the secret up by
/// [`Unverified::access_key_id`], then call [`Unverified::verify`].
///
/// ```
/// # use awsig::*;
/// # fn lookup(_: &str) -> Option<Credentials> { None }
/// fn check(v: &Verifier, req: &IncomingRequest<'_>, now: SigningTime) -> Result<Verified, VerifyError> {
///     let unverified = v.parse(req, now)?;
///     match lookup(unverified.access_key_id()) {
///         Some(creds) => unverified.verify(&creds),
///         None => Err(unverified.unknown_access_key()),
///     }
/// }
/// ```
pub struct Unverified<'v, 'r> {
    verifier: &'v Verifier,
    request: IncomingRequest<'r>,
    parts: Parts,
    time: SigningTime,
    payload_line: String,
    declared: Declared,
    token: Option<crate::sink::SecretString>,
}

impl std::fmt::Debug for Unverified<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unverified")
            .field("method", &self.parts.method)
            .field("access_key_id", &self.parts.access_key_id)
            .field("credential_scope", &self.credential_scope())
            .field("signed_headers", &self.parts.signed_headers)
            .field("session_token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl<'v, 'r> Unverified<'v, 'r> {
    /// The access key id the client claims (not authenticated yet).
    ///
    /// ```
    /// # use awsig::*;
    /// # let h = [("Host", "h"), ("x-amz-date", "20240101T000000Z"), ("x-amz-content-sha256", EMPTY_SHA256),
    /// #   ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000")];
    /// # let req = IncomingRequest::new("GET", "/", &h)?;
    /// let v = Verifier::new("us-east-1", "s3")?;
    /// let unverified = v.parse(&req, SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(unverified.access_key_id(), "AKID");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn access_key_id(&self) -> &str {
        &self.parts.access_key_id
    }

    /// The credential scope the client claims.
    ///
    /// ```
    /// # use awsig::*;
    /// # let h = [("Host", "h"), ("x-amz-date", "20240101T000000Z"), ("x-amz-content-sha256", EMPTY_SHA256),
    /// #   ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000")];
    /// # let req = IncomingRequest::new("GET", "/", &h)?;
    /// # let v = Verifier::new("us-east-1", "s3")?;
    /// let unverified = v.parse(&req, SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(unverified.credential_scope().to_string(), "20240101/us-east-1/s3/aws4_request");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn credential_scope(&self) -> CredentialScope<'_> {
        CredentialScope::trusted(&self.parts.date, &self.parts.region, &self.parts.service)
    }

    /// Header or query authentication.
    ///
    /// ```
    /// # use awsig::*;
    /// # let h = [("Host", "h"), ("x-amz-date", "20240101T000000Z"), ("x-amz-content-sha256", EMPTY_SHA256),
    /// #   ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000")];
    /// # let req = IncomingRequest::new("GET", "/", &h)?;
    /// # let v = Verifier::new("us-east-1", "s3")?;
    /// let unverified = v.parse(&req, SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(unverified.auth_method(), AuthMethod::AuthorizationHeader);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn auth_method(&self) -> AuthMethod {
        self.parts.method
    }

    /// `InvalidAccessKeyId` for this request: the answer when the server
    /// has no secret for [`Unverified::access_key_id`].
    ///
    /// ```
    /// # use awsig::*;
    /// # let h = [("Host", "h"), ("x-amz-date", "20240101T000000Z"), ("x-amz-content-sha256", EMPTY_SHA256),
    /// #   ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000")];
    /// # let req = IncomingRequest::new("GET", "/", &h)?;
    /// # let v = Verifier::new("us-east-1", "s3")?;
    /// let unverified = v.parse(&req, SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(unverified.unknown_access_key().code(), "InvalidAccessKeyId");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unknown_access_key(&self) -> VerifyError {
        VerifyError::InvalidAccessKeyId(self.parts.access_key_id.clone())
    }

    /// The server's canonical request and string to sign for this request
    /// (the session token redacted): what the client must have signed.
    ///
    /// ```
    /// # use awsig::*;
    /// # let h = [("Host", "h"), ("x-amz-date", "20240101T000000Z"), ("x-amz-content-sha256", EMPTY_SHA256),
    /// #   ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000")];
    /// # let req = IncomingRequest::new("GET", "/", &h)?;
    /// # let v = Verifier::new("us-east-1", "s3")?;
    /// let unverified = v.parse(&req, SigningTime::parse("20240101T000000Z")?)?;
    /// let (creq, sts) = unverified.canonical_request_and_string_to_sign();
    /// assert!(creq.starts_with("GET\n/\n\nhost:h\n"));
    /// assert!(sts.starts_with("AWS4-HMAC-SHA256\n20240101T000000Z\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn canonical_request_and_string_to_sign(&self) -> (String, String) {
        self.with_canonical(|creq| {
            let text = creq.text();
            let sts = string_to_sign(
                self.time.amz_date_bytes(),
                &self.credential_scope(),
                &canonical_request::hash(text.as_bytes()),
            );
            let shown = Audit::redacted(
                &String::from_utf8_lossy(text.as_bytes()),
                self.token.as_deref(),
            );
            (shown, sts.as_str().to_string())
        })
    }

    /// The second step: checks the signature with the secret of
    /// `credentials` (their access key id must be the request's; their
    /// session token, if any, must be the one the request carries).
    ///
    /// ```
    /// # use awsig::*;
    /// # let h = [("Host", "h"), ("x-amz-date", "20240101T000000Z"), ("x-amz-content-sha256", EMPTY_SHA256),
    /// #   ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000")];
    /// # let req = IncomingRequest::new("GET", "/", &h)?;
    /// # let v = Verifier::new("us-east-1", "s3")?;
    /// let unverified = v.parse(&req, SigningTime::parse("20240101T000000Z")?)?;
    /// let err = unverified.verify(&Credentials::new("AKID", "secret", None)?).unwrap_err();
    /// assert_eq!(err.code(), "SignatureDoesNotMatch");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(self, credentials: &Credentials) -> Result<Verified, VerifyError> {
        if credentials.access_key_id() != self.parts.access_key_id {
            return Err(self.unknown_access_key());
        }
        self.check_token(credentials.session_token())?;
        let cache = &self.verifier.cache;
        self.finish(|scope, sts| cache.with_key(credentials, scope, |key| key.sign_hex(sts)))
    }

    /// [`Unverified::verify`] with a signing key the server derived for
    /// [`Unverified::credential_scope`] and the session token issued with
    /// it, if any.
    ///
    /// ```
    /// # use awsig::*;
    /// # let h = [("Host", "h"), ("x-amz-date", "20240101T000000Z"), ("x-amz-content-sha256", EMPTY_SHA256),
    /// #   ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000")];
    /// # let req = IncomingRequest::new("GET", "/", &h)?;
    /// # let v = Verifier::new("us-east-1", "s3")?;
    /// let unverified = v.parse(&req, SigningTime::parse("20240101T000000Z")?)?;
    /// let key = SigningKey::derive("secret", "20240101", "us-east-1", "s3")?;
    /// assert!(unverified.verify_with_key(&key, None).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_with_key(
        self,
        key: &SigningKey,
        session_token: Option<&str>,
    ) -> Result<Verified, VerifyError> {
        self.check_token(session_token)?;
        self.finish(|_, sts| key.sign_hex(sts))
    }

    fn check_token(&self, issued: Option<&str>) -> Result<(), VerifyError> {
        let given = self.token.as_deref();
        let same = match (issued, given) {
            (None, None) => true,
            (Some(a), Some(b)) => bool::from(a.as_bytes().ct_eq(b.as_bytes())),
            _ => false,
        };
        if same {
            Ok(())
        } else {
            Err(VerifyError::InvalidToken)
        }
    }

    /// Builds the canonical request from what arrived, with the signer's core.
    fn with_canonical<R>(&self, f: impl FnOnce(&CanonicalRequest<'_>) -> R) -> R {
        let req = &self.request;
        let mut headers: Vec<Header<'_>> = Vec::new();
        // Names increase and values keep their arrival order: sorted as
        // `headers::sort` would.
        for name in self.parts.signed_headers.split(';') {
            headers.extend(req.values(name).map(|v| Header::new(name, v.as_bytes())));
        }
        let query_auth = self.parts.method == AuthMethod::QueryString;
        let token_after = self.verifier.settings.session_token == SessionTokenMode::AfterSigning;
        let params: Vec<Param<'_>> = parse_encoded(req.query())
            .filter(|p| {
                let excluded = p.name_is("X-Amz-Signature")
                    || (token_after && p.name_is("X-Amz-Security-Token"));
                !(query_auth && excluded)
            })
            .collect();
        let mut query = SecretBuf::with_capacity(req.query().len() + 16);
        query::write(&mut query, &params);
        f(&CanonicalRequest {
            method: req.method(),
            path: PathSpec::Encoded {
                bucket: None,
                path: req.path(),
            },
            wire_path: None,
            query: query.as_bytes(),
            headers: &headers,
            signed_headers: self.parts.signed_headers.as_bytes(),
            payload_hash: self.payload_line.as_bytes(),
            settings: &self.verifier.settings,
        })
    }

    fn finish(
        self,
        sign: impl FnOnce(&CredentialScope<'_>, &[u8]) -> [u8; 64],
    ) -> Result<Verified, VerifyError> {
        let computed = self.with_canonical(|creq| {
            let scope = self.credential_scope();
            let sts = string_to_sign(self.time.amz_date_bytes(), &scope, &creq.hash());
            sign(&scope, sts.as_bytes())
        });
        if !bool::from(computed.ct_eq(&self.parts.signature)) {
            let (canonical_request, string_to_sign) = self.canonical_request_and_string_to_sign();
            return Err(VerifyError::SignatureDoesNotMatch(Box::new(
                SignatureMismatch {
                    access_key_id: self.parts.access_key_id.clone(),
                    string_to_sign,
                    signature_provided: String::from_utf8_lossy(&self.parts.signature).into_owned(),
                    canonical_request,
                },
            )));
        }
        let payload = match self.declared {
            Declared::Sha256(declared) => match self.request.given_payload() {
                Some(given) => {
                    match payload::from_server(given)? {
                        (_, Declared::Sha256(computed)) => {
                            payload::check_digest(&declared, &computed)?
                        }
                        _ => return Err(VerifyError::PayloadRequired),
                    }
                    PayloadCheck::Checked
                }
                None => PayloadCheck::Sha256(PayloadHasher::new(declared)),
            },
            Declared::Unsigned => PayloadCheck::Unsigned,
            Declared::Streaming(s) => PayloadCheck::Streaming(s),
        };
        let expires_at = self.parts.expires_secs.and_then(|e| {
            let t = self.time.to_offset_datetime().unix_timestamp();
            SigningTime::from_unix_timestamp(t.saturating_add(e as i64)).ok()
        });
        Ok(Verified {
            method: self.parts.method,
            access_key_id: self.parts.access_key_id,
            date: self.parts.date,
            region: self.parts.region,
            service: self.parts.service,
            signed_headers: self.parts.signed_headers,
            signature: self.parts.signature,
            time: self.time,
            expires_at,
            payload,
        })
    }
}

/// A request whose signature matched: who signed it, for what scope, until
/// when, and what remains to check in the body ([`Verified::payload`]).
///
/// ```
/// # use awsig::*;
/// # fn f(v: Verified) {
/// println!("{} signed {} at {}", v.access_key_id(), v.signed_headers(), v.signing_time());
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Verified {
    method: AuthMethod,
    access_key_id: String,
    date: [u8; 8],
    region: String,
    service: String,
    signed_headers: String,
    signature: [u8; 64],
    time: SigningTime,
    expires_at: Option<SigningTime>,
    payload: PayloadCheck,
}

impl Verified {
    /// The access key id that signed the request.
    ///
    /// ```
    /// # fn f(v: awsig::Verified) { let _ = v.access_key_id(); }
    /// ```
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The credential scope of the signature.
    ///
    /// ```
    /// # fn f(v: awsig::Verified) { println!("{}", v.credential_scope()); }
    /// ```
    pub fn credential_scope(&self) -> CredentialScope<'_> {
        CredentialScope::trusted(&self.date, &self.region, &self.service)
    }

    /// Header or query authentication.
    ///
    /// ```
    /// # fn f(v: awsig::Verified) { let _ = v.auth_method(); }
    /// ```
    pub fn auth_method(&self) -> AuthMethod {
        self.method
    }

    /// The signed headers, `;`-separated.
    ///
    /// ```
    /// # fn f(v: awsig::Verified) { assert!(v.signed_headers().contains("host")); }
    /// ```
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The hex signature: the seed of an aws-chunked body's chunk signatures.
    ///
    /// ```
    /// # fn f(v: awsig::Verified) { assert_eq!(v.signature().len(), 64); }
    /// ```
    pub fn signature(&self) -> &str {
        std::str::from_utf8(&self.signature).unwrap_or_default()
    }

    /// When the request was signed.
    ///
    /// ```
    /// # fn f(v: awsig::Verified) { println!("{}", v.signing_time()); }
    /// ```
    pub fn signing_time(&self) -> SigningTime {
        self.time
    }

    /// When a presigned URL expires (`None` for header authentication).
    ///
    /// ```
    /// # fn f(v: awsig::Verified) { let _ = v.expires_at(); }
    /// ```
    pub fn expires_at(&self) -> Option<SigningTime> {
        self.expires_at
    }

    /// What the server must still check in the body.
    ///
    /// ```
    /// # fn f(v: awsig::Verified) {
    /// if let awsig::PayloadCheck::Streaming(_) = v.payload() { /* refuse or decode the chunks */ }
    /// # }
    /// ```
    pub fn payload(&self) -> &PayloadCheck {
        &self.payload
    }

    /// [`Verified::payload`], taken.
    ///
    /// ```
    /// # fn f(v: awsig::Verified) { let _check = v.into_payload(); }
    /// ```
    pub fn into_payload(self) -> PayloadCheck {
        self.payload
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_imf_fixdate_only() {
        let t = parse_http_date("Fri, 15 Mar 2024 10:15:00 GMT").unwrap();
        assert_eq!(t.amz_date(), "20240315T101500Z");
        for bad in [
            "Fri, 15 Mar 2024 10:15:00 +0000",
            "Fri, 15 Mar 2024 10:15:00 UTC",
            "15 Mar 2024 10:15:00 GMT",
            "Fri, 32 Mar 2024 10:15:00 GMT",
            "Fri, 15 Mar 2024 10:15:60 GMT",
            "Friday, 15-Mar-24 10:15:00 GMT",
            "",
        ] {
            assert!(parse_http_date(bad).is_none(), "{bad}");
        }
        assert_eq!(iso8601(&t), "2024-03-15T10:15:00Z");
    }
}
