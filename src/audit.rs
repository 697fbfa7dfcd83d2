//! The audit view: every intermediate string of a signature.

use std::fmt;

use crate::canonical::encode::encode;
use crate::canonical::headers;
use crate::sink::{wipe_string, SecretBuf, SecretString};

/// The canonical request, string to sign, credential scope, signed headers
/// and signature behind one signature: print them next to what S3 returns in
/// a `SignatureDoesNotMatch` error to see where the two differ.
///
/// The fields are exact (a signed session token appears in
/// `canonical_request`); `Display` and `Debug` replace the token with
/// `<redacted>`.
///
/// ```
/// use std::time::Duration;
/// use awsig::{Credentials, Endpoint, ObjectKey, Request, Signer, SigningTime};
/// let signer = Signer::new(Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?, "us-east-1", "s3")?;
/// let endpoint = Endpoint::aws_s3("us-east-1")?;
/// let req = Request::new("GET", &endpoint).bucket("examplebucket").key(ObjectKey::new("test.txt"));
/// let (_, audit) = signer.audit_presign(&req, SigningTime::parse("20130524T000000Z")?, Duration::from_secs(86400))?;
/// assert_eq!(audit.string_to_sign,
///     "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");
/// assert_eq!(audit.signed_headers, "host");
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Audit {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// `date/region/service/aws4_request`.
    pub credential_scope: String,
    /// `host;x-amz-date;...`.
    pub signed_headers: String,
    /// The hex signature.
    pub signature: String,
    /// The forms of the session token to hide (wiped on drop).
    redact: Vec<SecretString>,
}

impl Audit {
    /// Registers the session token for redaction in every form it can take
    /// in the audit strings: raw, URI-encoded, and as a canonical header
    /// value (trimmed, whitespace runs folded).
    pub(crate) fn redact(&mut self, token: Option<&str>) {
        let Some(t) = token else { return };
        let mut encoded = SecretBuf::default();
        encode(&mut encoded, t.as_bytes(), false);
        let mut folded = SecretBuf::default();
        headers::write_value(&mut folded, t.as_bytes());
        for form in [
            encoded.into_string(),
            folded.into_string(),
            SecretString::new(t.to_owned()),
        ] {
            if !form.is_empty() && !self.redact.contains(&form) {
                self.redact.push(form);
            }
        }
        // Longest first, so no form is left half-replaced.
        self.redact.sort_by_key(|r| std::cmp::Reverse(r.len()));
    }

    /// `text` with every form of `token` replaced by `<redacted>`.
    pub(crate) fn redacted(text: &str, token: Option<&str>) -> String {
        let mut audit = Audit::default();
        audit.redact(token);
        audit.clean(text)
    }

    /// `s` with every registered form of the token replaced (the
    /// intermediate strings, which may still hold a form, are wiped).
    fn clean(&self, s: &str) -> String {
        let mut s = SecretString::new(s.to_owned());
        for r in &self.redact {
            s = SecretString::new(s.replace(r.as_str(), "<redacted>"));
        }
        s.take()
    }
}

/// Every field is wiped on drop: the canonical request may carry the
/// session token.
impl Drop for Audit {
    fn drop(&mut self) {
        for text in [
            &mut self.canonical_request,
            &mut self.string_to_sign,
            &mut self.credential_scope,
            &mut self.signed_headers,
            &mut self.signature,
        ] {
            wipe_string(text);
        }
    }
}

impl fmt::Display for Audit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Canonical request:\n{}\n",
            self.clean(&self.canonical_request)
        )?;
        writeln!(f, "String to sign:\n{}\n", self.string_to_sign)?;
        writeln!(f, "Credential scope: {}", self.credential_scope)?;
        writeln!(f, "Signed headers: {}", self.signed_headers)?;
        write!(f, "Signature: {}", self.signature)
    }
}

impl fmt::Debug for Audit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Audit")
            .field("canonical_request", &self.clean(&self.canonical_request))
            .field("string_to_sign", &self.string_to_sign)
            .field("credential_scope", &self.credential_scope)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &self.signature)
            .finish()
    }
}
