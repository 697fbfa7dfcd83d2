//! The signer: credentials, region, service, rules and a signing-key cache,
//! and the steps both outputs share (collecting what is signed, the
//! signature itself).

use std::sync::Arc;

use crate::audit::Audit;
use crate::canonical::headers::{self, Header};
use crate::canonical::query::{self, Param};
use crate::canonical::{self as canonical_request, CanonicalRequest};
use crate::request::Request;
use crate::settings::SigningSettings;
use crate::signing_key::cache::SigningKeyCache;
use crate::signing_key::SigningKey;
use crate::sink::{into_string, StackBuf, StackVec};
use crate::string_to_sign::{is_scope_part, string_to_sign, CredentialScope};
use crate::{Credentials, Error, SigningTime};

/// Query parameters the signer writes itself.
const RESERVED_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];

/// Signs requests with one set of credentials for one region and service.
///
/// Cheap to clone; clones share the signing-key cache. `Send + Sync`.
///
/// ```
/// use awsig::{Credentials, Endpoint, ObjectKey, Request, Signer, SigningTime};
/// use std::time::Duration;
///
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// let signer = Signer::new(creds, "us-east-1", "s3")?;
/// let endpoint = Endpoint::aws_s3("us-east-1")?;
/// let req = Request::new("GET", &endpoint).bucket("examplebucket").key(ObjectKey::new("test.txt"));
/// let url = signer.presign(&req, SigningTime::parse("20130524T000000Z")?, Duration::from_secs(86400))?;
/// assert!(url.as_str().ends_with(
///     "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Signer {
    pub(super) credentials: Credentials,
    region: String,
    service: String,
    pub(super) settings: SigningSettings,
    cache: Arc<SigningKeyCache>,
}

/// Whether the signature goes into headers or into the URL.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Header,
    Query,
}

impl Signer {
    /// A signer for `region` and `service`, with the rules of
    /// [`SigningSettings::for_service`] and a cache of its own.
    ///
    /// ```
    /// use awsig::{Credentials, Signer};
    /// let creds = Credentials::new("AKID", "secret", None)?;
    /// assert!(Signer::new(creds.clone(), "us-east-1", "s3").is_ok());
    /// assert!(Signer::new(creds, "us-east-1", "s3/x").is_err());
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn new(credentials: Credentials, region: &str, service: &str) -> Result<Self, Error> {
        if !is_scope_part(region) {
            return Err(Error::InvalidRegion(region.to_string()));
        }
        if !is_scope_part(service) {
            return Err(Error::InvalidService(service.to_string()));
        }
        Ok(Signer {
            credentials,
            region: region.to_string(),
            service: service.to_string(),
            settings: SigningSettings::for_service(service),
            cache: Arc::new(SigningKeyCache::new()),
        })
    }

    /// The same signer with other default rules.
    ///
    /// ```
    /// # let creds = awsig::Credentials::new("AKID", "secret", None)?;
    /// let signer = awsig::Signer::new(creds, "us-east-1", "execute-api")?
    ///     .with_settings(awsig::SigningSettings::generic());
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn with_settings(mut self, settings: SigningSettings) -> Self {
        self.settings = settings;
        self
    }

    /// The same signer using a shared key cache.
    ///
    /// ```
    /// # let creds = awsig::Credentials::new("AKID", "secret", None)?;
    /// let cache = std::sync::Arc::new(awsig::SigningKeyCache::new());
    /// let signer = awsig::Signer::new(creds, "us-east-1", "s3")?.with_cache(cache);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn with_cache(mut self, cache: Arc<SigningKeyCache>) -> Self {
        self.cache = cache;
        self
    }

    /// The credentials.
    ///
    /// ```
    /// # let creds = awsig::Credentials::new("AKID", "secret", None)?;
    /// let signer = awsig::Signer::new(creds, "us-east-1", "s3")?;
    /// assert_eq!(signer.credentials().access_key_id(), "AKID");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The region.
    ///
    /// ```
    /// # let creds = awsig::Credentials::new("AKID", "secret", None)?;
    /// assert_eq!(awsig::Signer::new(creds, "eu-west-1", "s3")?.region(), "eu-west-1");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The service signing name.
    ///
    /// ```
    /// # let creds = awsig::Credentials::new("AKID", "secret", None)?;
    /// assert_eq!(awsig::Signer::new(creds, "eu-west-1", "s3")?.service(), "s3");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The default rules.
    ///
    /// ```
    /// # let creds = awsig::Credentials::new("AKID", "secret", None)?;
    /// let signer = awsig::Signer::new(creds, "us-east-1", "s3")?;
    /// assert_eq!(signer.settings(), &awsig::SigningSettings::s3());
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn settings(&self) -> &SigningSettings {
        &self.settings
    }

    /// The credential scope for a signing time.
    ///
    /// ```
    /// # let creds = awsig::Credentials::new("AKID", "secret", None)?;
    /// let signer = awsig::Signer::new(creds, "us-east-1", "s3")?;
    /// let t = awsig::SigningTime::parse("20130524T000000Z")?;
    /// assert_eq!(signer.credential_scope(&t).to_string(), "20130524/us-east-1/s3/aws4_request");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn credential_scope<'s>(&'s self, time: &'s SigningTime) -> CredentialScope<'s> {
        CredentialScope::trusted(time.date_stamp_bytes(), &self.region, &self.service)
    }

    /// The signing key for a signing time, from the cache.
    ///
    /// ```
    /// # let creds = awsig::Credentials::new("AKID", "secret", None)?;
    /// let signer = awsig::Signer::new(creds, "us-east-1", "s3")?;
    /// let key = signer.signing_key(&awsig::SigningTime::parse("20130524T000000Z")?);
    /// assert_eq!(key.sign(b"x").len(), 64);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn signing_key(&self, time: &SigningTime) -> SigningKey {
        self.cache
            .get(&self.credentials, &self.credential_scope(time))
    }

    /// `hex(HMAC-SHA256(kSigning, policy))` with the cached key for `scope`
    /// (a scope of this signer): the signature of a POST policy.
    pub(crate) fn sign_policy(&self, scope: &CredentialScope<'_>, policy_base64: &[u8]) -> String {
        self.cache
            .with_key(&self.credentials, scope, |key| key.sign(policy_base64))
    }

    /// `hex(HMAC-SHA256(kSigning, data))` with the cached key for `scope`.
    fn sign_hex(&self, scope: &CredentialScope<'_>, data: &[u8]) -> [u8; 64] {
        self.cache
            .with_key(&self.credentials, scope, |key| key.sign_hex(data))
    }

    /// Hashes the canonical request, signs the string to sign with the
    /// cached key, and returns the hex signature (filling in `audit`).
    pub(crate) fn signature(
        &self,
        creq: &CanonicalRequest<'_>,
        time: &SigningTime,
        audit: Option<&mut Audit>,
    ) -> [u8; 64] {
        let scope = self.credential_scope(time);
        let Some(a) = audit else {
            let sts = string_to_sign(time.amz_date_bytes(), &scope, &creq.hash());
            return self.sign_hex(&scope, sts.as_bytes());
        };
        let text = creq.text();
        let sts = string_to_sign(
            time.amz_date_bytes(),
            &scope,
            &canonical_request::hash(text.as_bytes()),
        );
        let signature = self.sign_hex(&scope, sts.as_bytes());
        a.canonical_request = text.into_plain_string();
        a.string_to_sign = sts.as_str().to_string();
        a.signature = into_string(signature.to_vec());
        a.credential_scope = scope.to_string();
        a.signed_headers = into_string(creq.signed_headers.to_vec());
        a.redact(self.credentials.session_token());
        signature
    }
}

/// The signed-headers list of sorted headers.
pub(crate) fn signed_headers(sorted: &[Header<'_>]) -> StackBuf<128> {
    let mut out = StackBuf::new();
    headers::write_signed(&mut out, sorted);
    out
}

/// The headers and the query parameters of one request (on the stack for
/// ordinary requests).
pub(crate) type Headers<'a> = StackVec<Header<'a>, 12>;
pub(crate) type Params<'a> = StackVec<Param<'a>, 12>;

/// Validates the caller's headers and adds the signable ones (and `host`, if
/// the caller gave none).
pub(crate) fn collect_headers<'a>(
    req: &Request<'a>,
    settings: &SigningSettings,
    mode: Mode,
    host: &'a [u8],
    out: &mut Headers<'a>,
) -> Result<(), Error> {
    let mut has_host = false;
    for &(name, value) in req.headers {
        headers::validate(name, value)?;
        let reserved = ["authorization", "x-amz-date", "x-amz-security-token"]
            .iter()
            .any(|r| name.eq_ignore_ascii_case(r))
            || (mode == Mode::Header
                && settings.content_sha256_header
                && name.eq_ignore_ascii_case("x-amz-content-sha256"));
        if reserved {
            return Err(Error::Reserved(name.to_ascii_lowercase()));
        }
        if name.eq_ignore_ascii_case("host") {
            has_host = true;
        } else if settings.is_excluded(name) {
            continue;
        }
        out.push(Header::new(name, value.as_bytes()));
    }
    if !has_host {
        out.push(Header::new("host", host));
    }
    Ok(())
}

/// Collects the caller's query parameters (from the URL and as text),
/// refusing the ones the signer writes itself.
pub(crate) fn collect_params<'a>(req: &Request<'a>, out: &mut Params<'a>) -> Result<(), Error> {
    let raw = req.params.iter().map(|&(n, v)| Param::raw(n, v.as_bytes()));
    for p in query::parse_encoded(req.query).chain(raw) {
        if let Some(r) = RESERVED_PARAMS.iter().find(|r| p.name_is(r)) {
            return Err(Error::Reserved(r.to_string()));
        }
        out.push(p);
    }
    Ok(())
}
