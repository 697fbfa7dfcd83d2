//! The signer: credentials, region, service, rules and a signing-key cache.
//! Both outputs (headers and presigned URLs) go through the same steps here.

use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::small::{OutBuf, SmallBuf, SmallVec};

use crate::audit::Audit;
use crate::authorization::AuthorizationHeaders;
use crate::canonical::encode::{encode, Sink};
use crate::canonical::headers::{self, Header};
use crate::canonical::query::{self, Component, Param};
use crate::canonical::{path, CanonicalPath, CanonicalQuery, CanonicalRequest};
use crate::presign::PresignedUrl;
use crate::request::{Payload, Request, EMPTY_SHA256, UNSIGNED_PAYLOAD};
use crate::settings::{SessionTokenMode, SigningSettings};
use crate::signing_key::{SigningKey, SigningKeyCache};
use crate::string_to_sign::{self, is_scope_part, CredentialScope, ALGORITHM};
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
    credentials: Credentials,
    region: String,
    service: String,
    settings: SigningSettings,
    cache: Arc<SigningKeyCache>,
    credential_parts: CredentialParts,
}

/// The fixed parts of the `X-Amz-Credential` value, encoded once by the
/// same [`encode`] as everything else: `{access key id}%2F` and
/// `%2F{region}%2F{service}%2Faws4_request`. A presign only adds the date.
///
/// With them, the signer's own query text for the usual presign (no
/// parameters from the caller), rendered once by [`query::write_param`] —
/// the writer of every canonical query — so that a presign copies four
/// runs of constant text around the date, expiry and signed headers
/// instead of writing each name, `=` and `&` on its own.
#[derive(Clone)]
struct CredentialParts {
    prefix: Box<[u8]>,
    suffix: Box<[u8]>,
    /// `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={prefix}`
    query_head: Box<[u8]>,
    /// `{suffix}&X-Amz-Date=`
    query_date: Box<[u8]>,
    /// `&X-Amz-Expires=`
    query_expires: Box<[u8]>,
    /// `&X-Amz-SignedHeaders=`
    query_signed_headers: Box<[u8]>,
    /// `/{region}/{service}/aws4_request`: the credential scope after its
    /// date, for the string to sign.
    scope_tail: Box<[u8]>,
}

/// `name={value}` as one of the signer's own parameters (names and values
/// already canonical).
fn own_param<'a>(name: &'static str, value: &'a [u8]) -> Param<'a> {
    Param {
        name: Component::Canonical(name.as_bytes()),
        value: Component::Canonical(value),
    }
}

impl CredentialParts {
    fn new(access_key_id: &str, region: &str, service: &str) -> Self {
        let mut prefix = Vec::new();
        encode(&mut prefix, access_key_id.as_bytes(), false);
        encode(&mut prefix, b"/", false);
        let mut suffix = Vec::new();
        for part in ["/", region, "/", service, "/aws4_request"] {
            encode(&mut suffix, part.as_bytes(), false);
        }
        // The parameters in canonical order, values cut where a presign
        // adds its own text.
        let mut query_head = Vec::new();
        query::write_param(
            &mut query_head,
            true,
            &own_param("X-Amz-Algorithm", ALGORITHM.as_bytes()),
        );
        query::write_param(
            &mut query_head,
            false,
            &own_param("X-Amz-Credential", &prefix),
        );
        let mut query_date = suffix.clone();
        query::write_param(&mut query_date, false, &own_param("X-Amz-Date", b""));
        let mut query_expires = Vec::new();
        query::write_param(&mut query_expires, false, &own_param("X-Amz-Expires", b""));
        let mut query_signed_headers = Vec::new();
        query::write_param(
            &mut query_signed_headers,
            false,
            &own_param("X-Amz-SignedHeaders", b""),
        );
        let mut scope_tail = Vec::new();
        string_to_sign::write_scope_tail(&mut scope_tail, region, service);
        CredentialParts {
            scope_tail: scope_tail.into_boxed_slice(),
            prefix: prefix.into_boxed_slice(),
            suffix: suffix.into_boxed_slice(),
            query_head: query_head.into_boxed_slice(),
            query_date: query_date.into_boxed_slice(),
            query_expires: query_expires.into_boxed_slice(),
            query_signed_headers: query_signed_headers.into_boxed_slice(),
        }
    }

    /// Writes the encoded `{access key id}/{date}/{region}/{service}/aws4_request`.
    #[inline]
    fn write<S: Sink + ?Sized>(&self, sink: &mut S, date: &[u8]) {
        sink.put(&self.prefix);
        sink.put(date);
        sink.put(&self.suffix);
    }

    /// Writes the signer's own parameters in canonical order, the same text
    /// as [`query::write`] of them: algorithm, credential, date, expiry,
    /// the security token when it is signed, signed headers.
    #[inline]
    fn write_query<S: Sink + ?Sized>(
        &self,
        sink: &mut S,
        amz_date: &[u8; 16],
        expires_secs: u64,
        token: Option<&str>,
        signed_headers: &[u8],
    ) {
        sink.put(&self.query_head);
        sink.put(&amz_date[..8]);
        sink.put(&self.query_date);
        sink.put(amz_date);
        sink.put(&self.query_expires);
        sink.put_decimal(expires_secs);
        if let Some(t) = token {
            let p = Param {
                name: Component::Canonical(b"X-Amz-Security-Token"),
                value: Component::Raw(t.as_bytes()),
            };
            query::write_param(sink, false, &p);
        }
        sink.put(&self.query_signed_headers);
        encode(sink, signed_headers, false);
    }
}

impl std::fmt::Debug for CredentialParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialParts")
    }
}

/// The payload hash as written into the canonical request.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PayloadHash {
    Hex([u8; 64]),
    Literal(&'static str),
}

impl PayloadHash {
    // Inlined: the caller's payload is usually a known variant, and the
    // literal cases then cost nothing (no 80-byte `Result` moved around).
    #[inline]
    pub(crate) fn of(payload: Payload<'_>) -> Result<Self, Error> {
        Ok(match payload {
            Payload::Bytes(b"") => PayloadHash::Literal(EMPTY_SHA256),
            Payload::Bytes(body) => {
                PayloadHash::Hex(crate::small::hex32(&Sha256::digest(body).into()))
            }
            Payload::Precomputed(h) => {
                if h.len() != 64 {
                    return Err(Error::InvalidPayloadHash);
                }
                // One pass: lowercasing keeps hex digits hex and non-hex
                // letters non-hex, so checking the lowercase copy suffices.
                let mut hex = [0u8; 64];
                let mut all_hex = true;
                for (d, s) in hex.iter_mut().zip(h.bytes()) {
                    *d = s.to_ascii_lowercase();
                    all_hex &= d.is_ascii_hexdigit();
                }
                if !all_hex {
                    return Err(Error::InvalidPayloadHash);
                }
                PayloadHash::Hex(hex)
            }
            Payload::Unsigned => PayloadHash::Literal(UNSIGNED_PAYLOAD),
            Payload::Streaming(s) => PayloadHash::Literal(s.as_str()),
        })
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// [`Self::as_str`] without a UTF-8 check (hot path).
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            PayloadHash::Hex(h) => h,
            PayloadHash::Literal(s) => s.as_bytes(),
        }
    }
}

/// Whether the signature goes into headers or into the URL.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
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
            return Err(Error::InvalidRegion(region.escape_debug().to_string()));
        }
        if !is_scope_part(service) {
            return Err(Error::InvalidService(service.escape_debug().to_string()));
        }
        Ok(Signer {
            credential_parts: CredentialParts::new(credentials.access_key_id(), region, service),
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
        self.sign_inner(request, time, None)
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
        let signed = self.sign_inner(request, time, Some(&mut audit))?;
        Ok((signed, audit))
    }

    /// A presigned URL valid for `expires` (whole seconds, 1 s to the
    /// configured maximum, 7 days by default).
    ///
    /// ```
    /// use std::time::Duration;
    /// use awsig::{Credentials, Endpoint, Error, ObjectKey, Request, Signer, SigningTime};
    /// let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// let endpoint = Endpoint::parse("http://127.0.0.1:9000")?;
    /// let params = [("response-content-disposition", "attachment; filename=\"résumé 2024.pdf\"")];
    /// let req = Request::new("GET", &endpoint).bucket("docs").key(ObjectKey::new("cv.pdf")).params(&params);
    /// let t = SigningTime::parse("20240101T000000Z")?;
    /// let url = signer.presign(&req, t, Duration::from_secs(900))?;
    /// assert!(url.as_str().starts_with("http://127.0.0.1:9000/docs/cv.pdf?X-Amz-Algorithm="));
    /// assert!(matches!(signer.presign(&req, t, Duration::from_secs(604801)),
    ///                  Err(Error::InvalidExpiry { .. })));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn presign(
        &self,
        request: &Request<'_>,
        time: SigningTime,
        expires: Duration,
    ) -> Result<PresignedUrl, Error> {
        self.presign_inner(request, time, expires, None)
    }

    /// [`Signer::presign`], plus every intermediate string.
    ///
    /// ```
    /// use std::time::Duration;
    /// use awsig::{Credentials, Endpoint, ObjectKey, Request, Signer, SigningTime};
    /// let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// let endpoint = Endpoint::aws_s3("us-east-1")?;
    /// let req = Request::new("GET", &endpoint).bucket("b1").key(ObjectKey::new("k"));
    /// let (url, audit) = signer.audit_presign(&req, SigningTime::parse("20240101T000000Z")?, Duration::from_secs(60))?;
    /// assert_eq!(url.signature(), audit.signature);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn audit_presign(
        &self,
        request: &Request<'_>,
        time: SigningTime,
        expires: Duration,
    ) -> Result<(PresignedUrl, Audit), Error> {
        let mut audit = Audit::default();
        let url = self.presign_inner(request, time, expires, Some(&mut audit))?;
        Ok((url, audit))
    }

    fn sign_inner(
        &self,
        req: &Request<'_>,
        time: SigningTime,
        mut audit: Option<&mut Audit>,
    ) -> Result<AuthorizationHeaders, Error> {
        req.validate()?;
        let settings = req.settings.unwrap_or(&self.settings);
        let payload = PayloadHash::of(req.payload.unwrap_or(Payload::Bytes(b"")))?;
        let mut host = SmallBuf::<128>::new();
        let spec = req.write_host_for_path(&mut host);
        let token = self.credentials.session_token();
        let sign_token = token.filter(|_| settings.session_token == SessionTokenMode::Signed);

        let payload_hash = payload.as_bytes();

        let mut hdrs = SmallVec::<Header<'_>, 8>::new();
        collect_headers(&mut hdrs, req, settings, Mode::Header, host.as_bytes())?;
        hdrs.push(Header::new("x-amz-date", time.amz_date_bytes()));
        if settings.content_sha256_header {
            hdrs.push(Header::new("x-amz-content-sha256", payload_hash));
        }
        if let Some(t) = sign_token {
            hdrs.push(Header::new("x-amz-security-token", t.as_bytes()));
        }
        headers::sort(hdrs.as_mut_slice());
        let hdrs = hdrs.as_slice();

        let mut params = SmallVec::<Param<'_>, 8>::new();
        collect_params(&mut params, req)?;
        query::sort(params.as_mut_slice());

        let mut signed_headers = SmallBuf::<128>::new();
        headers::write_signed(&mut signed_headers, hdrs);

        let scope = self.credential_scope(&time);
        let creq = CanonicalRequest {
            method: req.method,
            path: CanonicalPath::Spec(spec),
            query: CanonicalQuery::Params(params.as_slice()),
            headers: hdrs,
            signed_headers: signed_headers.as_bytes(),
            payload_hash,
            settings,
        };
        let signature = self.signature(&creq, &time, &scope, audit.as_deref_mut());

        let mut authorization = Vec::with_capacity(
            ALGORITHM.len() + 100 + self.credentials.access_key_id().len() + 24 * hdrs.len(),
        );
        authorization.put_str(ALGORITHM);
        authorization.put(b" Credential=");
        authorization.put_str(self.credentials.access_key_id());
        authorization.put(b"/");
        scope.write(&mut authorization);
        authorization.put(b", SignedHeaders=");
        authorization.put(signed_headers.as_bytes());
        authorization.put(b", Signature=");
        authorization.put(&signature);
        if let Some(a) = audit {
            a.credential_scope = scope.to_string();
            a.signed_headers = into_string(signed_headers.as_bytes().to_vec());
            a.redact(token);
        }
        Ok(AuthorizationHeaders::new(
            time,
            settings.content_sha256_header.then_some(payload),
            token.map(str::to_owned),
            into_string(authorization),
        ))
    }

    fn presign_inner(
        &self,
        req: &Request<'_>,
        time: SigningTime,
        expires: Duration,
        mut audit: Option<&mut Audit>,
    ) -> Result<PresignedUrl, Error> {
        req.validate()?;
        let settings = req.settings.unwrap_or(&self.settings);
        let secs = expires.as_secs();
        if secs == 0 || secs > settings.max_expires_secs || expires.subsec_nanos() != 0 {
            return Err(Error::InvalidExpiry {
                seconds: secs,
                max: settings.max_expires_secs,
            });
        }
        let payload = match req.payload {
            Some(p) => PayloadHash::of(p)?,
            None if settings.unsigned_presign_payload => PayloadHash::Literal(UNSIGNED_PAYLOAD),
            None => PayloadHash::Literal(EMPTY_SHA256),
        };
        let mut host = SmallBuf::<128>::new();
        let spec = req.write_host_for_path(&mut host);
        let token = self.credentials.session_token();
        let after_signing = settings.session_token == SessionTokenMode::AfterSigning;

        let mut hdrs = SmallVec::<Header<'_>, 8>::new();
        collect_headers(&mut hdrs, req, settings, Mode::Query, host.as_bytes())?;
        headers::sort(hdrs.as_mut_slice());
        let hdrs = hdrs.as_slice();
        let mut signed_headers = SmallBuf::<128>::new();
        headers::write_signed(&mut signed_headers, hdrs);

        let scope = self.credential_scope(&time);
        let signed_token = token.filter(|_| !after_signing);
        let parts = &self.credential_parts;

        // With no parameters from the caller, the signer's own are the
        // whole (sorted) query: written from the per-signer text. Otherwise
        // they are sorted in with the caller's.
        let own_only = req.query.is_empty() && req.params.is_empty();
        let mut credential;
        let mut expires_text;
        let mut all;
        let mut params: &[Param<'_>] = &[];
        if !own_only {
            credential = SmallBuf::<96>::new();
            expires_text = SmallBuf::<20>::new();
            parts.write(&mut credential, &time.amz_date_bytes()[..8]);
            expires_text.put_decimal(secs);
            all = SmallVec::<Param<'_>, 16>::new();
            collect_params(&mut all, req)?;
            all.push(own_param("X-Amz-Algorithm", ALGORITHM.as_bytes()));
            all.push(own_param("X-Amz-Credential", credential.as_bytes()));
            all.push(own_param("X-Amz-Date", time.amz_date_bytes()));
            all.push(own_param("X-Amz-Expires", expires_text.as_bytes()));
            if let Some(t) = signed_token {
                all.push(Param {
                    name: Component::Canonical(b"X-Amz-Security-Token"),
                    value: Component::Raw(t.as_bytes()),
                });
            }
            all.push(Param {
                name: Component::Canonical(b"X-Amz-SignedHeaders"),
                value: Component::Raw(signed_headers.as_bytes()),
            });
            query::sort(all.as_mut_slice());
            params = all.as_slice();
        }

        // One allocation: the URL. Worst case every byte of the caller's
        // text is %-encoded; the host and the credential parts already are.
        // The constant covers the rest (scheme, parameter names, date,
        // expiry, signature: under 270 bytes).
        let encodable = req.bucket.map_or(0, str::len)
            + match req.target {
                crate::request::Target::Key(k) | crate::request::Target::Path(k) => k.len(),
            }
            + req.query.len()
            + req
                .params
                .iter()
                .map(|(n, v)| n.len() + v.len() + 2)
                .sum::<usize>()
            + signed_headers.as_bytes().len()
            + token.map_or(0, str::len);
        let mut url = OutBuf::with_capacity(
            320 + host.as_bytes().len() + parts.prefix.len() + parts.suffix.len() + 3 * encodable,
        );
        req.write_origin_with_host(&mut url, host.as_bytes());
        let path_start = url.len();
        path::write_wire(&mut url, &spec);
        let path_end = url.len();
        url.put(b"?");
        let query_start = url.len();
        if own_only {
            parts.write_query(
                &mut url,
                time.amz_date_bytes(),
                secs,
                signed_token,
                signed_headers.as_bytes(),
            );
        } else {
            query::write(&mut url, params);
        }
        let creq = CanonicalRequest {
            method: req.method,
            path: if path::wire_is_canonical(&spec, settings) {
                CanonicalPath::Rendered(&url.as_bytes()[path_start..path_end])
            } else {
                CanonicalPath::Spec(spec)
            },
            query: CanonicalQuery::Rendered(&url.as_bytes()[query_start..]),
            headers: hdrs,
            signed_headers: signed_headers.as_bytes(),
            payload_hash: payload.as_bytes(),
            settings,
        };
        let signature = self.signature(&creq, &time, &scope, audit.as_deref_mut());
        if let Some(t) = token.filter(|_| after_signing) {
            url.put(b"&X-Amz-Security-Token=");
            encode(&mut url, t.as_bytes(), false);
        }
        url.put(b"&X-Amz-Signature=");
        url.put(&signature);
        if let Some(a) = audit {
            a.credential_scope = scope.to_string();
            a.signed_headers = into_string(signed_headers.as_bytes().to_vec());
            a.redact(token);
        }
        Ok(PresignedUrl::new(into_string(url.into_vec()), time, secs))
    }

    /// `hex(HMAC-SHA256(kSigning, policy))` with the cached key for `scope`
    /// (a scope of this signer): the signature of a POST policy.
    pub(crate) fn sign_policy(
        &self,
        scope: &CredentialScope<'_>,
        policy_base64: &[u8],
    ) -> [u8; 64] {
        crate::small::hex32(&self.cache.sign(&self.credentials, scope, policy_base64))
    }

    /// Hashes the canonical request, writes the string to sign into the
    /// cached HMAC state, and returns the hex signature.
    fn signature(
        &self,
        creq: &CanonicalRequest<'_>,
        time: &SigningTime,
        scope: &CredentialScope<'_>,
        audit: Option<&mut Audit>,
    ) -> [u8; 64] {
        // The string to sign names the scope through the signer's
        // pre-rendered tail; the key is looked up by `scope`: they must agree.
        debug_assert!(scope.region() == self.region && scope.service() == self.service);
        let mut text = audit.as_ref().map(|_| Vec::new());
        let hash = creq.hash(text.as_mut());
        let mut sts = SmallBuf::<192>::new();
        string_to_sign::write(
            &mut sts,
            time.amz_date_bytes(),
            &self.credential_parts.scope_tail,
            &hash,
        );
        let sig = crate::small::hex32(&self.cache.sign_string_to_sign(
            &self.credentials,
            scope,
            sts.as_bytes(),
        ));
        if let (Some(a), Some(text)) = (audit, text) {
            a.canonical_request = into_string(text);
            a.string_to_sign = sts.as_str().to_string();
            a.signature = into_string(sig.to_vec());
        }
        sig
    }
}

/// Builds a `String` from bytes the signer wrote (always UTF-8: ASCII plus
/// slices of `&str` inputs).
pub(crate) fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Validates the caller's headers and adds the signable ones (and `host`, if
/// the caller gave none).
fn collect_headers<'a, const N: usize>(
    out: &mut SmallVec<Header<'a>, N>,
    req: &Request<'a>,
    settings: &SigningSettings,
    mode: Mode,
    host: &'a [u8],
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
fn collect_params<'a, const N: usize>(
    out: &mut SmallVec<Param<'a>, N>,
    req: &Request<'a>,
) -> Result<(), Error> {
    out.extend(query::parse_encoded(req.query));
    out.extend(req.params.iter().map(|&(n, v)| Param {
        name: Component::Raw(n.as_bytes()),
        value: Component::Raw(v.as_bytes()),
    }));
    for p in out.as_slice() {
        if let Some(r) = RESERVED_PARAMS.iter().find(|r| p.name_is(r)) {
            return Err(Error::Reserved(r.to_string()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-signer query text is what the general path (sorting the
    /// signer's parameters and writing them with `query::write`) produces.
    #[test]
    fn own_query_text_matches_the_general_writer() {
        let parts = CredentialParts::new("AK+ID~x", "eu-west-1", "s3");
        let amz_date = *b"20240101T000000Z";
        for token in [None, Some("tok/+= en")] {
            let mut credential = Vec::new();
            parts.write(&mut credential, &amz_date[..8]);
            let signed = b"host;x-amz-meta-a";
            let mut params = vec![
                Param {
                    name: Component::Canonical(b"X-Amz-SignedHeaders"),
                    value: Component::Raw(signed),
                },
                own_param("X-Amz-Expires", b"3600"),
                own_param("X-Amz-Date", &amz_date),
                own_param("X-Amz-Credential", &credential),
                own_param("X-Amz-Algorithm", ALGORITHM.as_bytes()),
            ];
            if let Some(t) = token {
                params.push(Param {
                    name: Component::Canonical(b"X-Amz-Security-Token"),
                    value: Component::Raw(t.as_bytes()),
                });
            }
            query::sort(&mut params);
            let mut general = Vec::new();
            query::write(&mut general, &params);
            let mut fast = Vec::new();
            parts.write_query(&mut fast, &amz_date, 3600, token, signed);
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(general).unwrap()
            );
        }
    }
}
