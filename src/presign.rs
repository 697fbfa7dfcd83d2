//! Output of presigning: a URL ready to use.

use std::fmt;

use crate::SigningTime;

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
    url: String,
    time: SigningTime,
    expires_secs: u64,
}

impl PresignedUrl {
    pub(crate) fn new(url: String, time: SigningTime, expires_secs: u64) -> Self {
        PresignedUrl {
            url,
            time,
            expires_secs,
        }
    }

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
    pub fn into_string(self) -> String {
        self.url
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
            return self.url.clone();
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
        u.url
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
