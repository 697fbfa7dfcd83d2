//! Output of a POST policy: the signed policy and the form a page sends.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use base64::Engine as _;

use super::json;
use crate::sink::{SecretBuf, SecretString, Sink};
use crate::{Signer, SigningTime};

/// Form fields in send order, all their text in one buffer (wiped: it may
/// hold the session token); names compared case-insensitively, as S3 does.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Fields {
    text: SecretBuf,
    /// `(name, value)` byte ranges in `text`.
    spans: Vec<(Range<usize>, Range<usize>)>,
}

impl Fields {
    pub(crate) fn with_capacity(fields: usize, text: usize) -> Self {
        Fields {
            text: SecretBuf::with_capacity(text),
            spans: Vec::with_capacity(fields),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The text in `range`: always whole `&str`s, written from `&str`s.
    fn text(&self, range: &Range<usize>) -> &str {
        std::str::from_utf8(&self.text.as_bytes()[range.clone()]).unwrap_or_default()
    }

    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.spans.iter().map(|(n, v)| (self.text(n), self.text(v)))
    }

    pub(crate) fn name(&self, i: usize) -> &str {
        self.text(&self.spans[i].0)
    }

    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.iter().position(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.position(name).map(|i| self.text(&self.spans[i].1))
    }

    /// Appends a field whose value is `parts` joined.
    pub(crate) fn push(&mut self, name: &str, parts: &[&str]) {
        self.push_with(name, |text| {
            for part in parts {
                text.put_str(part);
            }
        });
    }

    /// Appends a field whose value `write` appends to the text, and returns
    /// the value.
    pub(crate) fn push_with(&mut self, name: &str, write: impl FnOnce(&mut SecretBuf)) -> &[u8] {
        let start = self.text.len();
        self.text.put_str(name);
        let name_end = self.text.len();
        write(&mut self.text);
        let value = name_end..self.text.len();
        self.spans.push((start..name_end, value.clone()));
        &self.text.as_bytes()[value]
    }

    /// Replaces field `i`'s value with `value` if that is longer.
    pub(crate) fn lengthen(&mut self, i: usize, value: &str) {
        if value.len() > self.spans[i].1.len() {
            let start = self.text.len();
            self.text.put_str(value);
            self.spans[i].1 = start..self.text.len();
        }
    }
}

/// A field name as a map key: hashed and compared ASCII case-insensitively,
/// as S3 compares field names.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Caseless<'s>(pub(crate) &'s str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Caseless<'_> {}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.0.len());
        // Lowercased a piece at a time: one `write` per piece, not per byte
        // (4% of signing a POST policy).
        for chunk in self.0.as_bytes().chunks(32) {
            let mut lower = [0u8; 32];
            let lower = &mut lower[..chunk.len()];
            lower.copy_from_slice(chunk);
            lower.make_ascii_lowercase();
            state.write(lower);
        }
    }
}

/// A policy document signed byte for byte: `policy` is its base64,
/// `x-amz-signature` is `hex(HMAC-SHA256(kSigning, policy))`.
///
/// ```
/// use awsig::{sign_policy_document, Credentials, Signer, SigningTime};
/// let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
/// let signed = sign_policy_document(&signer, SigningTime::parse("20240101T000000Z")?, b"{}");
/// assert_eq!(signed.policy_base64, "e30=");
/// assert_eq!(signed.signature.len(), 64);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SignedPolicy {
    /// The `policy` form field: the document in base64.
    pub policy_base64: String,
    /// The `x-amz-signature` form field.
    pub signature: String,
}

/// Signs an existing policy document exactly as given (no re-serialisation):
/// for auditors, and for documents written elsewhere. The document must name
/// the same credential and `x-amz-date` as `signer` and `time`.
///
/// ```
/// use awsig::{sign_policy_document, Credentials, Signer, SigningTime};
/// let signer = Signer::new(Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?, "us-east-1", "s3")?;
/// let document = "{ \"expiration\": \"2015-12-30T12:00:00.000Z\",\r\n  \"conditions\": [ ... ]\r\n}";
/// let signed = sign_policy_document(&signer, SigningTime::parse("20151229T000000Z")?, document.as_bytes());
/// println!("policy={} x-amz-signature={}", signed.policy_base64, signed.signature);
/// # Ok::<(), awsig::Error>(())
/// ```
pub fn sign_policy_document(signer: &Signer, time: SigningTime, document: &[u8]) -> SignedPolicy {
    let policy_base64 = base64::engine::general_purpose::STANDARD.encode(document);
    let signature = policy_signature(signer, time, policy_base64.as_bytes());
    SignedPolicy {
        policy_base64,
        signature,
    }
}

/// Appends the `policy` field's value: `document` in standard base64 (with
/// padding), as S3 decodes it.
pub(crate) fn write_base64(out: &mut SecretBuf, document: &[u8]) {
    let tail = out.extend_zeroed(4 * document.len().div_ceil(3));
    // The tail is exactly the encoded length: this cannot fail.
    let _ = base64::engine::general_purpose::STANDARD.encode_slice(document, tail);
}

/// `hex(HMAC-SHA256(kSigning, policy_base64))`: the signature of a policy
/// (here and in [`PostPolicy::sign`](crate::PostPolicy::sign)).
pub(crate) fn policy_signature(signer: &Signer, time: SigningTime, policy_base64: &[u8]) -> String {
    signer.sign_policy(&signer.credential_scope(&time), policy_base64)
}

/// A signed POST form: where to send it, the fields in the order a form
/// sends them (`key`, the exact-match fields, the `starts-with` fields,
/// `policy`, `x-amz-algorithm`, `x-amz-credential`, `x-amz-date`,
/// `x-amz-security-token`, `x-amz-signature`; the file goes last), and which
/// fields the page still fills in.
///
/// `Debug` never shows the session token or the policy (which contains it).
///
/// ```
/// use std::time::Duration;
/// use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
/// let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
/// let form = PostPolicy::new("examplebucket").key("k").expires_in(Duration::from_secs(60))
///     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?)?;
/// let names: Vec<&str> = form.fields().map(|(name, _)| name).collect();
/// assert_eq!(names, ["key", "success_action_status", "policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"]);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PostForm {
    url: String,
    fields: Fields,
    /// Indices into `fields`, increasing.
    fill_in: Vec<usize>,
    /// Wiped on drop: it may carry the session token.
    policy: SecretString,
    expiration: String,
}

impl PostForm {
    pub(crate) fn new(
        url: String,
        fields: Fields,
        fill_in: Vec<usize>,
        policy: SecretString,
        expiration: String,
    ) -> Self {
        PostForm {
            url,
            fields,
            fill_in,
            policy,
            expiration,
        }
    }

    /// The URL the form posts to: `https://bucket.s3.amazonaws.com/`,
    /// `https://s3.amazonaws.com/my.bucket`, `http://127.0.0.1:9000/bucket`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "eu-west-1", "s3")?;
    /// let form = PostPolicy::new("my.bucket").key("k").expires_in(Duration::from_secs(60))
    ///     .sign(&signer, &Endpoint::aws_s3("eu-west-1")?, SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(form.url(), "https://s3.eu-west-1.amazonaws.com/my.bucket");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The fields, `(name, value)`, in send order; the file goes after them.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let form = PostPolicy::new("examplebucket").key("k").expires_in(Duration::from_secs(60))
    /// #     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?)?;
    /// for (name, value) in form.fields() {
    ///     println!("{name}={value}");
    /// }
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn fields(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.fields.iter()
    }

    /// One field's value (names compare case-insensitively).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let form = PostPolicy::new("examplebucket").key("k").expires_in(Duration::from_secs(60))
    /// #     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(form.field("X-Amz-Algorithm"), Some("AWS4-HMAC-SHA256"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name)
    }

    /// The fields the page fills in (the `starts-with` ones, and `key` for
    /// [`PostPolicy::key_starts_with`](crate::PostPolicy::key_starts_with));
    /// [`PostForm::fields`] holds their prefix as a starting value.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// let form = PostPolicy::new("examplebucket").key_starts_with("user/").expires_in(Duration::from_secs(60))
    ///     .starts_with("Content-Type", "image/")
    ///     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(form.fill_in().collect::<Vec<_>>(), ["key", "Content-Type"]);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn fill_in(&self) -> impl ExactSizeIterator<Item = &str> {
        self.fill_in.iter().map(|&i| self.fields.name(i))
    }

    /// The policy document (JSON), as signed.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let form = PostPolicy::new("examplebucket").key("k").expires_in(Duration::from_secs(60))
    /// #     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?)?;
    /// assert!(form.policy().starts_with(r#"{"expiration":"2024-01-01T00:01:00.000Z","conditions":[{"bucket":"examplebucket"},{"key":"k"},"#));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The `policy` field: the document in base64.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let form = PostPolicy::new("examplebucket").key("k").expires_in(Duration::from_secs(60))
    /// #     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?)?;
    /// assert!(form.policy_base64().starts_with("eyJleHBpcmF0aW9uIjoi"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn policy_base64(&self) -> &str {
        self.fields.get("policy").unwrap_or_default()
    }

    /// The `x-amz-signature` field.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let form = PostPolicy::new("examplebucket").key("k").expires_in(Duration::from_secs(60))
    /// #     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(form.signature().len(), 64);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn signature(&self) -> &str {
        self.fields.get("x-amz-signature").unwrap_or_default()
    }

    /// The expiration written in the policy (`2026-11-22T12:00:00.000Z`).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// let form = PostPolicy::new("examplebucket").key("k").expires_in(Duration::from_millis(1500))
    ///     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20261122T115959Z")?)?;
    /// assert_eq!(form.expiration(), "2026-11-22T12:00:00.500Z");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn expiration(&self) -> &str {
        &self.expiration
    }

    /// The form as JSON, for a web service to return as is:
    /// `{"url": …, "fields": {name: value, …}, "fill_in": [name, …],
    /// "expiration": …}`; `fields` keeps the send order.
    ///
    /// Safe to inline in an HTML `<script>` element: `<`, `>`, `&`, U+2028
    /// and U+2029 are written as `\u003c`, `\u003e`, `\u0026`, `\u2028` and
    /// `\u2029`, which a JSON parser reads back as the same characters.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let form = PostPolicy::new("examplebucket").key("k").expires_in(Duration::from_secs(60))
    /// #     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?)?;
    /// assert!(form.to_json().starts_with(r#"{"url":"https://examplebucket.s3.amazonaws.com/","fields":{"key":"k","success_action_status":"201","policy":"#));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = SecretBuf::with_capacity(self.policy.len() * 2 + 512);
        out.put_str("{\"url\":");
        json::script_string(&mut out, &self.url);
        out.put_str(",\"fields\":{");
        for (i, (name, value)) in self.fields().enumerate() {
            if i > 0 {
                out.put(b",");
            }
            json::script_string(&mut out, name);
            out.put(b":");
            json::script_string(&mut out, value);
        }
        out.put_str("},\"fill_in\":[");
        for (i, name) in self.fill_in().enumerate() {
            if i > 0 {
                out.put(b",");
            }
            json::script_string(&mut out, name);
        }
        out.put_str("],\"expiration\":");
        json::script_string(&mut out, &self.expiration);
        out.put(b"}");
        out.into_plain_string()
    }

    /// The form as an HTML `<form>` element: hidden inputs for the fixed
    /// fields, text inputs for the fields to fill in, the file input last,
    /// then a submit button. It works inside any page:
    ///
    /// - `accept-charset="utf-8"`: the browser sends the fields (and the
    ///   file's name) in UTF-8 whatever the page's charset. Without it, a
    ///   page served without one (windows-1252) would send a typed
    ///   `user/é.txt` as the byte `0xE9` (S3: 400) and `user/日本.txt` as
    ///   `user/&#26085;&#26412;.txt` (stored under that key).
    /// - The file input is `required`: the browser does not send the form
    ///   without a file (S3 would answer 400 `MalformedPOSTRequest`).
    /// - The outcome shows: unless the policy chose one, the form carries
    ///   `success_action_status=201` (see [`PostPolicy`](crate::PostPolicy)),
    ///   so the browser shows S3's XML answer instead of staying on the
    ///   form after a `204`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// # let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
    /// # let form = PostPolicy::new("examplebucket").key("k").expires_in(Duration::from_secs(60))
    /// #     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?)?;
    /// let html = form.to_html();
    /// assert!(html.starts_with(r#"<form action="https://examplebucket.s3.amazonaws.com/" method="post" enctype="multipart/form-data" accept-charset="utf-8">"#));
    /// assert!(html.contains(r#"<input type="hidden" name="success_action_status" value="201">"#));
    /// assert!(html.contains(r#"<input type="file" name="file" required>"#));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn to_html(&self) -> String {
        let mut out = SecretBuf::with_capacity(self.policy.len() * 2 + 1024);
        out.put_str("<form action=\"");
        json::html(&mut out, &self.url);
        out.put_str(
            "\" method=\"post\" enctype=\"multipart/form-data\" accept-charset=\"utf-8\">\n",
        );
        // `fill_in` is in field order: walked alongside, not searched.
        let mut next_fill_in = self.fill_in.iter().copied().peekable();
        for (i, (name, value)) in self.fields().enumerate() {
            let visible = next_fill_in.next_if_eq(&i).is_some();
            if visible {
                out.put_str("  <label>");
                json::html(&mut out, name);
                out.put_str(" <input type=\"text\"");
            } else {
                out.put_str("  <input type=\"hidden\"");
            }
            out.put_str(" name=\"");
            json::html(&mut out, name);
            out.put_str("\" value=\"");
            json::html(&mut out, value);
            out.put_str(if visible {
                "\"></label><br>\n"
            } else {
                "\">\n"
            });
        }
        out.put_str("  <input type=\"file\" name=\"file\" required>\n");
        out.put_str("  <input type=\"submit\" value=\"Upload\">\n</form>\n");
        out.into_plain_string()
    }
}

/// Shows the signature and the policy's size, not the policy: it may carry
/// a session token.
impl fmt::Debug for SignedPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedPolicy")
            .field(
                "policy_base64",
                &format_args!("<{} bytes>", self.policy_base64.len()),
            )
            .field("signature", &self.signature)
            .finish()
    }
}

impl fmt::Debug for PostForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.fields().map(|(n, _)| n).collect();
        f.debug_struct("PostForm")
            .field("url", &self.url)
            .field("fields", &names)
            .field("fill_in", &self.fill_in().collect::<Vec<_>>())
            .field("expiration", &self.expiration)
            .finish_non_exhaustive()
    }
}
