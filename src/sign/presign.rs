//! Presigning: a URL that carries its signature in the query.

use std::fmt;
use std::time::Duration;

use super::signer::{
    collect_headers, collect_params, signed_headers, Headers, Mode, Params, Signer,
};
use crate::audit::Audit;
use crate::canonical::path;
use crate::canonical::query::{self, Param};
use crate::canonical::{headers, CanonicalRequest};
use crate::request::payload::{PayloadHash, EMPTY_SHA256, UNSIGNED_PAYLOAD};
use crate::request::Request;
use crate::settings::SessionTokenMode;
use crate::sink::{SecretBuf, SecretString, Sink, StackBuf};
use crate::string_to_sign::ALGORITHM;
use crate::{Error, SigningTime};

/// A presigned URL: `%20` for spaces, `%2B` for `+`, credential and token
/// encoded, `X-Amz-Signature` last.
///
/// `Debug` and `Display` show the URL with any `X-Amz-Security-Token` value
/// redacted; [`PresignedUrl::as_str`] gives the URL itself.
///
/// ```
/// use std::time::Duration;
/// use awsig::{Credentials, Endpoint, ObjectKey, Request, Signer, SigningTime};
/// let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
/// let endpoint = Endpoint::aws_s3("us-east-1")?;
/// let req = Request::new("GET", &endpoint).bucket("examplebucket").key(ObjectKey::new("a b+c.txt"));
/// let url = signer.presign(&req, SigningTime::parse("20240101T000000Z")?, Duration::from_secs(3600))?;
/// assert!(url.as_str().starts_with("https://examplebucket.s3.amazonaws.com/a%20b%2Bc.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&"));
/// assert_eq!(url.expires_at().amz_date(), "20240101T010000Z");
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedUrl {
    /// Wiped on drop: it may carry the session token.
    url: SecretString,
    time: SigningTime,
    expires_secs: u64,
}

impl PresignedUrl {
    /// The URL.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let e = Endpoint::aws_s3("us-east-1")?;
    /// let url = signer.presign(&Request::new("GET", &e), SigningTime::parse("20240101T000000Z")?, Duration::from_secs(60))?;
    /// assert!(url.as_str().starts_with("https://s3.amazonaws.com/?"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The URL, owned.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let e = Endpoint::aws_s3("us-east-1")?;
    /// let url: String = signer.presign(&Request::new("GET", &e), SigningTime::parse("20240101T000000Z")?, Duration::from_secs(60))?.into_string();
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn into_string(mut self) -> String {
        self.url.take()
    }

    /// The hex signature (`X-Amz-Signature`).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let e = Endpoint::aws_s3("us-east-1")?;
    /// let url = signer.presign(&Request::new("GET", &e), SigningTime::parse("20240101T000000Z")?, Duration::from_secs(60))?;
    /// assert!(url.as_str().ends_with(url.signature()));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn signature(&self) -> &str {
        &self.url[self.url.len().saturating_sub(64)..]
    }

    /// The signing time (`X-Amz-Date`).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let e = Endpoint::aws_s3("us-east-1")?;
    /// let url = signer.presign(&Request::new("GET", &e), SigningTime::parse("20240101T000000Z")?, Duration::from_secs(60))?;
    /// assert_eq!(url.signed_at().amz_date(), "20240101T000000Z");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn signed_at(&self) -> SigningTime {
        self.time
    }

    /// When the URL stops working.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let e = Endpoint::aws_s3("us-east-1")?;
    /// let url = signer.presign(&Request::new("GET", &e), SigningTime::parse("20240101T000000Z")?, Duration::from_secs(604800))?;
    /// assert_eq!(url.expires_at().amz_date(), "20240108T000000Z");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn expires_at(&self) -> SigningTime {
        let secs = time::Duration::seconds(self.expires_secs.min(i64::MAX as u64) as i64);
        self.time
            .to_offset_datetime()
            .checked_add(secs)
            .and_then(|dt| SigningTime::from_offset_datetime(dt).ok())
            // Past year 9999 (only reachable with a raised maximum): the
            // latest representable time.
            .unwrap_or_else(|| SigningTime::parse("99991231T235959Z").unwrap_or(self.time))
    }

    /// The URL with the value of the `X-Amz-Security-Token` query
    /// parameter (and only that parameter) replaced by `<redacted>`.
    fn redacted(&self) -> String {
        const P: &str = "X-Amz-Security-Token=";
        let Some((head, query)) = self.url.split_once('?') else {
            return self.url.as_str().to_string();
        };
        let mut out = String::with_capacity(self.url.len());
        out.push_str(head);
        for (i, param) in query.split('&').enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            match param.strip_prefix(P) {
                Some(_) => {
                    out.push_str(P);
                    out.push_str("<redacted>");
                }
                None => out.push_str(param),
            }
        }
        out
    }
}

impl From<PresignedUrl> for String {
    fn from(u: PresignedUrl) -> String {
        u.into_string()
    }
}

impl fmt::Display for PresignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for PresignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PresignedUrl")
            .field(&self.redacted())
            .finish()
    }
}

impl Signer {
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
        self.presign_with(request, time, expires, None)
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
        let url = self.presign_with(request, time, expires, Some(&mut audit))?;
        Ok((url, audit))
    }

    fn presign_with(
        &self,
        req: &Request<'_>,
        time: SigningTime,
        expires: Duration,
        audit: Option<&mut Audit>,
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
        let (host, path) = req.host_and_path();
        let token = self.credentials.session_token();
        let after_signing = settings.session_token == SessionTokenMode::AfterSigning;

        let mut hdrs = Headers::new();
        collect_headers(req, settings, Mode::Query, host.as_bytes(), &mut hdrs)?;
        headers::sort(hdrs.as_mut_slice());
        let signed_headers = signed_headers(hdrs.as_slice());

        // Speed trick: the signer's own parameters go in as canonical text,
        // with no percent-encoding pass (13% of a cached presign; README,
        // "Speed tricks kept"). The credential is written encoded (`/` as
        // `%2F`): the access key id and every scope part are validated to be
        // unreserved text.
        let mut credential = StackBuf::<160>::new();
        credential.put_str(self.credentials.access_key_id());
        credential.put_str("%2F");
        self.credential_scope(&time)
            .write_separated(&mut credential, b"%2F");
        let mut expires_text = StackBuf::<20>::new();
        expires_text.put_decimal(secs);
        let mut params = Params::new();
        collect_params(req, &mut params)?;
        params.push(Param::canonical("X-Amz-Algorithm", ALGORITHM.as_bytes()));
        params.push(Param::canonical("X-Amz-Credential", credential.as_bytes()));
        params.push(Param::canonical("X-Amz-Date", time.amz_date_bytes()));
        params.push(Param::canonical("X-Amz-Expires", expires_text.as_bytes()));
        if let Some(t) = token.filter(|_| !after_signing) {
            params.push(Param::raw("X-Amz-Security-Token", t.as_bytes()));
        }
        params.push(Param::raw("X-Amz-SignedHeaders", signed_headers.as_bytes()));
        let token_after = token.filter(|_| after_signing);

        // The URL, written once: its query is the canonical query.
        let mut url = SecretBuf::with_capacity(
            req.origin_len(&host)
                + 3 * req.url_path_len()
                + 1
                + query::max_len(params.as_slice())
                + token_after.map_or(0, |t| 3 * t.len() + 22)
                + "&X-Amz-Signature=".len()
                + 64,
        );
        req.write_origin(&mut url, host.as_bytes());
        let path_start = url.len();
        path::write_wire(&mut url, &path);
        url.put(b"?");
        let query_start = url.len();
        query::write(&mut url, params.as_slice());
        let creq = CanonicalRequest {
            method: req.method,
            path,
            wire_path: Some(&url.as_bytes()[path_start..query_start - 1]),
            query: &url.as_bytes()[query_start..],
            headers: hdrs.as_slice(),
            signed_headers: signed_headers.as_bytes(),
            payload_hash: payload.as_str().as_bytes(),
            settings,
        };
        let signature = self.signature(&creq, &time, audit);
        if let Some(t) = token_after {
            url.put(b"&");
            query::write(
                &mut url,
                &[Param::raw("X-Amz-Security-Token", t.as_bytes())],
            );
        }
        url.put(b"&X-Amz-Signature=");
        url.put(&signature);
        Ok(PresignedUrl {
            url: url.into_string(),
            time,
            expires_secs: secs,
        })
    }
}
