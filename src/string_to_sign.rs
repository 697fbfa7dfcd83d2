//! The credential scope and the string to sign.

use std::fmt;

use crate::sink::{Sink, StackBuf};
use crate::Error;

/// The SigV4 algorithm name: the first line of every string to sign.
///
/// ```
/// use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
/// let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
/// let e = Endpoint::aws_s3("us-east-1")?;
/// let (_, audit) = signer.audit_sign(&Request::new("GET", &e), SigningTime::parse("20240101T000000Z")?)?;
/// assert!(audit.string_to_sign.starts_with(awsig::ALGORITHM));
/// # Ok::<(), awsig::Error>(())
/// ```
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Checks a region or service name: non-empty, `A-Z a-z 0-9 - _ .` only.
pub(crate) fn is_scope_part(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `date/region/service/aws4_request`: what a signature is valid for.
///
/// ```
/// use awsig::CredentialScope;
/// let scope = CredentialScope::new("20130524", "us-east-1", "s3")?;
/// assert_eq!(scope.to_string(), "20130524/us-east-1/s3/aws4_request");
/// assert!(CredentialScope::new("20130524", "us east", "s3").is_err());
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CredentialScope<'a> {
    /// `YYYYMMDD` (ASCII digits).
    date: &'a [u8; 8],
    region: &'a str,
    service: &'a str,
}

impl<'a> CredentialScope<'a> {
    /// Validates the parts: `date` is `YYYYMMDD`; region and service are
    /// non-empty and use `A-Z a-z 0-9 - _ .` only.
    ///
    /// ```
    /// assert!(awsig::CredentialScope::new("2013-05-24", "us-east-1", "s3").is_err());
    /// ```
    pub fn new(date: &'a str, region: &'a str, service: &'a str) -> Result<Self, Error> {
        let Some(digits) = <&[u8; 8]>::try_from(date.as_bytes())
            .ok()
            .filter(|d| d.iter().all(u8::is_ascii_digit))
        else {
            return Err(Error::InvalidTime(format!(
                "date stamp {date:?} is not YYYYMMDD"
            )));
        };
        if !is_scope_part(region) {
            return Err(Error::InvalidRegion(region.to_string()));
        }
        if !is_scope_part(service) {
            return Err(Error::InvalidService(service.to_string()));
        }
        Ok(CredentialScope {
            date: digits,
            region,
            service,
        })
    }

    /// Parts already validated by the caller.
    pub(crate) fn trusted(date: &'a [u8; 8], region: &'a str, service: &'a str) -> Self {
        CredentialScope {
            date,
            region,
            service,
        }
    }

    /// `YYYYMMDD`.
    ///
    /// ```
    /// assert_eq!(awsig::CredentialScope::new("20130524", "us-east-1", "s3")?.date(), "20130524");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn date(&self) -> &'a str {
        // ASCII digits only (checked by `new`, written by `SigningTime`).
        std::str::from_utf8(self.date).unwrap_or_default()
    }

    /// [`Self::date`] as the bytes it is kept as.
    pub(crate) fn date_bytes(&self) -> &'a [u8; 8] {
        self.date
    }

    /// The region.
    ///
    /// ```
    /// assert_eq!(awsig::CredentialScope::new("20130524", "eu-west-1", "s3")?.region(), "eu-west-1");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn region(&self) -> &'a str {
        self.region
    }

    /// The service signing name.
    ///
    /// ```
    /// assert_eq!(awsig::CredentialScope::new("20130524", "us-east-1", "iam")?.service(), "iam");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn service(&self) -> &'a str {
        self.service
    }

    /// The length of the written scope.
    pub(crate) fn text_len(&self) -> usize {
        self.date.len() + self.region.len() + self.service.len() + "///aws4_request".len()
    }

    pub(crate) fn write<S: Sink + ?Sized>(&self, sink: &mut S) {
        self.write_separated(sink, b"/");
    }

    /// The scope with `separator` between its parts (`%2F` in a URL).
    pub(crate) fn write_separated<S: Sink + ?Sized>(&self, sink: &mut S, separator: &[u8]) {
        sink.put(self.date);
        sink.put(separator);
        sink.put_str(self.region);
        sink.put(separator);
        sink.put_str(self.service);
        sink.put(separator);
        sink.put(b"aws4_request");
    }
}

impl fmt::Debug for CredentialScope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialScope")
            .field("date", &self.date())
            .field("region", &self.region)
            .field("service", &self.service)
            .finish()
    }
}

impl fmt::Display for CredentialScope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/aws4_request",
            self.date(),
            self.region,
            self.service
        )
    }
}

/// `AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hex(canonical request hash)}`.
pub(crate) fn string_to_sign(
    amz_date: &[u8; 16],
    scope: &CredentialScope<'_>,
    canonical_request_hash: &[u8; 32],
) -> StackBuf<256> {
    let mut out = StackBuf::new();
    out.put_str(ALGORITHM);
    out.put(b"\n");
    out.put(amz_date);
    out.put(b"\n");
    scope.write(&mut out);
    out.put(b"\n");
    out.put_hex(canonical_request_hash);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_debug_shows_text() {
        let scope = CredentialScope::new("20130524", "us-east-1", "s3").unwrap();
        assert_eq!(
            format!("{scope:?}"),
            r#"CredentialScope { date: "20130524", region: "us-east-1", service: "s3" }"#
        );
    }

    #[test]
    fn string_to_sign_layout() {
        let scope = CredentialScope::new("20130524", "us-east-1", "s3").unwrap();
        let sts = string_to_sign(b"20130524T000000Z", &scope, &[0xab; 32]);
        assert_eq!(
            sts.as_str(),
            format!(
                "AWS4-HMAC-SHA256\n20130524T000000Z\n{scope}\n{}",
                "ab".repeat(32)
            )
        );
    }
}
