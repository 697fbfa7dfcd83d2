//! POST policies for browser uploads straight to S3: a policy builder, its
//! signature, and the form fields a page sends.
//!
//! There is no canonical request here: the string to sign is the base64 of
//! the policy document, signed with the same [`SigningKey`](crate::SigningKey)
//! (and cache) as every other output.
//!
//! ```
//! use std::time::Duration;
//! use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
//!
//! let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
//! let signer = Signer::new(creds, "us-east-1", "s3")?;
//! let form = PostPolicy::new("examplebucket")
//!     .key_with_filename("uploads/")
//!     .expires_in(Duration::from_secs(600))
//!     .field("acl", "private")
//!     .starts_with("Content-Type", "image/")
//!     .content_length_range(1, 10 << 20)
//!     .sign(&signer, &Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?)?;
//! assert_eq!(form.url(), "https://examplebucket.s3.amazonaws.com/");
//! assert_eq!(form.field("key"), Some("uploads/${filename}"));
//! assert_eq!(form.fill_in().collect::<Vec<_>>(), ["Content-Type"]);
//! # Ok::<(), awsig::Error>(())
//! ```

pub(crate) mod conditions;
mod form;
mod json;

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use time::OffsetDateTime;

use self::conditions::Condition;
pub use self::form::{sign_policy_document, PostForm, SignedPolicy};
use crate::request::Request;
use crate::sink::{SecretBuf, Sink as _};
use crate::{Endpoint, Error, Signer, SigningTime, ALGORITHM};

/// Fields that choose how S3 answers a successful upload (`redirect` is
/// the older name of `success_action_redirect`, still honoured by S3).
const OUTCOME_FIELDS: [&str; 3] = [
    "success_action_status",
    "success_action_redirect",
    "redirect",
];

/// The `success_action_status` [`PostPolicy::sign`] asks for when the
/// caller chose no outcome: `201`, S3's XML answer, which a browser shows.
const DEFAULT_STATUS: &str = "201";

/// The object key condition.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key<'a> {
    Exact(Cow<'a, str>),
    StartsWith(Cow<'a, str>),
    Filename(Cow<'a, str>),
}

/// When the policy expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expiration {
    At(SigningTime),
    In(Duration),
}

/// A POST policy: the bucket, the object key, an expiration and conditions
/// on the other form fields. [`PostPolicy::sign`] adds the mandatory
/// conditions (`bucket`, `x-amz-algorithm`, `x-amz-credential`,
/// `x-amz-date`, and `x-amz-security-token` with a session token) and
/// returns the [`PostForm`].
///
/// **A visible outcome by default.** Without `success_action_status` or
/// `success_action_redirect`, S3 answers a successful upload `204 No
/// Content` with an empty body, and a browser that submitted the form
/// stays on it with no sign that anything happened. So unless the policy
/// has a condition on `success_action_status`, `success_action_redirect`
/// (or its older name `redirect`), [`PostPolicy::sign`] adds the field
/// `success_action_status=201` and its exact condition
/// `{"success_action_status":"201"}`: S3 then answers `201 Created` with
/// an XML document naming the bucket, the key (after `${filename}`) and the
/// ETag, which a browser shows and a script can read. For S3's own default,
/// ask for it: `.field("success_action_status", "204")`; to send the
/// browser to a page of yours, `.field("success_action_redirect", url)`
/// (S3 answers `303` to `url` with `bucket`, `key` and `etag` added to its
/// query).
///
/// ```
/// use std::time::Duration;
/// use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
/// let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
/// let (aws, t) = (Endpoint::aws_s3("us-east-1")?, SigningTime::parse("20240101T000000Z")?);
/// let policy = PostPolicy::new("b").key("a.txt").expires_in(Duration::from_secs(60));
/// let form = policy.sign(&signer, &aws, t)?;
/// assert_eq!(form.field("success_action_status"), Some("201"));
/// assert!(form.policy().contains(r#"{"success_action_status":"201"}"#));
/// let form = policy.clone().field("success_action_redirect", "https://example.com/done").sign(&signer, &aws, t)?;
/// assert_eq!(form.field("success_action_status"), None);
/// let form = policy.field("success_action_status", "204").sign(&signer, &aws, t)?;
/// assert_eq!(form.field("success_action_status"), Some("204"));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// Field names are checked when signing: no `$`, no whitespace, none of the
/// fields the signer writes. Values, prefixes and the key cannot contain
/// control characters (U+0000–U+001F and U+007F, so no tab, CR or LF
/// either): the form a browser sends would not hold the values signed (NUL
/// becomes U+FFFD in HTML, line breaks are sent as CRLF), so S3 would
/// refuse the upload. Contradicting conditions are refused.
///
/// ```
/// use std::time::Duration;
/// use awsig::{Credentials, Endpoint, Error, PostPolicy, Signer, SigningTime};
/// let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
/// let endpoint = Endpoint::aws_s3("us-east-1")?;
/// let t = SigningTime::parse("20240101T000000Z")?;
/// let policy = PostPolicy::new("b").key("a.txt").expires_in(Duration::from_secs(60));
/// let err = policy.clone().field("acl", "private").field("acl", "public-read").sign(&signer, &endpoint, t);
/// assert!(matches!(err, Err(Error::ConflictingConditions(_))));
/// assert!(policy.sign(&signer, &endpoint, t).is_ok());
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostPolicy<'a> {
    bucket: Cow<'a, str>,
    key: Option<Key<'a>>,
    expiration: Option<Expiration>,
    conditions: Vec<Condition<'a>>,
    content_length: Option<(u64, u64)>,
}

impl<'a> PostPolicy<'a> {
    /// A policy for uploads into `bucket`.
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("examplebucket");
    /// # let _ = policy;
    /// ```
    pub fn new(bucket: impl Into<Cow<'a, str>>) -> Self {
        PostPolicy {
            bucket: bucket.into(),
            key: None,
            expiration: None,
            // Forms usually carry a few conditions: room for them at once
            // instead of growing 4 → 8.
            conditions: Vec::with_capacity(8),
            content_length: None,
        }
    }

    /// The object key, exactly: `{"key": "…"}`.
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").key("reports/2024.pdf");
    /// # let _ = policy;
    /// ```
    pub fn key(mut self, key: impl Into<Cow<'a, str>>) -> Self {
        self.key = Some(Key::Exact(key.into()));
        self
    }

    /// Any key that starts with `prefix` (an empty prefix allows any key);
    /// the page fills the `key` field in.
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").key_starts_with("user/alice/");
    /// # let _ = policy;
    /// ```
    pub fn key_starts_with(mut self, prefix: impl Into<Cow<'a, str>>) -> Self {
        self.key = Some(Key::StartsWith(prefix.into()));
        self
    }

    /// The key `prefix${filename}`: S3 puts the uploaded file's name in place
    /// of `${filename}`. The policy allows keys starting with `prefix`.
    ///
    /// The name is the `filename` of the file part **as the browser sent
    /// it**, which S3 does not decode: Chromium and Firefox send `"` as
    /// `%22` (and CR, LF as `%0D`, `%0A`), and other characters raw, in the
    /// form's charset (UTF-8: [`PostForm::to_html`] sets
    /// `accept-charset="utf-8"`). So `my "photo" é.txt` is stored as
    /// `prefix` + `my %22photo%22 é.txt`.
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").key_with_filename("uploads/");
    /// # let _ = policy;
    /// ```
    pub fn key_with_filename(mut self, prefix: impl Into<Cow<'a, str>>) -> Self {
        self.key = Some(Key::Filename(prefix.into()));
        self
    }

    /// Expires this long after the signing time (milliseconds kept).
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").expires_in(std::time::Duration::from_secs(3600));
    /// # let _ = policy;
    /// ```
    pub fn expires_in(mut self, duration: Duration) -> Self {
        self.expiration = Some(Expiration::In(duration));
        self
    }

    /// Expires at an absolute time, which must be after the signing time.
    ///
    /// ```
    /// let at = awsig::SigningTime::parse("2030-01-01T00:00:00Z")?;
    /// let policy = awsig::PostPolicy::new("b").expires_at(at);
    /// # let _ = policy;
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn expires_at(mut self, time: SigningTime) -> Self {
        self.expiration = Some(Expiration::At(time));
        self
    }

    /// An exact-match condition in object form, `{"name": "value"}`; the
    /// field is sent with this value.
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").field("acl", "public-read")
    ///     .field("x-amz-meta-uuid", "14365123651274");
    /// # let _ = policy;
    /// ```
    pub fn field(self, name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Self {
        self.exact(name.into(), value.into(), false)
    }

    /// An exact-match condition in array form, `["eq", "$name", "value"]`.
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").field_eq("Cache-Control", "max-age=60");
    /// # let _ = policy;
    /// ```
    pub fn field_eq(self, name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Self {
        self.exact(name.into(), value.into(), true)
    }

    fn exact(mut self, field: Cow<'a, str>, value: Cow<'a, str>, array_form: bool) -> Self {
        self.conditions.push(Condition::Exact {
            field,
            value,
            array_form,
        });
        self
    }

    /// `["starts-with", "$name", "prefix"]`: the page fills the field in with
    /// any value starting with `prefix` (an empty prefix allows any value).
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").starts_with("Content-Type", "image/")
    ///     .starts_with("x-amz-meta-tag", "");
    /// # let _ = policy;
    /// ```
    pub fn starts_with(
        mut self,
        name: impl Into<Cow<'a, str>>,
        prefix: impl Into<Cow<'a, str>>,
    ) -> Self {
        self.conditions.push(Condition::StartsWith {
            field: name.into(),
            prefix: prefix.into(),
        });
        self
    }

    /// `["content-length-range", min, max]`: the file's size in bytes, both
    /// ends included (`min <= max`, checked when signing).
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").content_length_range(1, 10 * 1024 * 1024);
    /// # let _ = policy;
    /// ```
    pub fn content_length_range(mut self, min: u64, max: u64) -> Self {
        self.content_length = Some((min, max));
        self
    }

    /// Writes the policy document for `time`, signs it with `signer`'s
    /// (cached) signing key, and returns the form for `endpoint`.
    ///
    /// With no condition on `success_action_status`,
    /// `success_action_redirect` or `redirect`, the form asks for `201` and
    /// S3's XML answer (see [`PostPolicy`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// use awsig::{Credentials, Endpoint, PostPolicy, Signer, SigningTime};
    /// let signer = Signer::new(Credentials::new("AKID", "secret", Some("token".into()))?, "us-east-1", "s3")?;
    /// let minio = Endpoint::parse("http://127.0.0.1:9000")?;
    /// let form = PostPolicy::new("photos").key("cat.jpg").expires_in(Duration::from_secs(60))
    ///     .sign(&signer, &minio, SigningTime::parse("20240101T000000Z")?)?;
    /// assert_eq!(form.url(), "http://127.0.0.1:9000/photos");
    /// assert_eq!(form.field("x-amz-security-token"), Some("token"));
    /// assert_eq!(form.expiration(), "2024-01-01T00:01:00.000Z");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn sign(
        &self,
        signer: &Signer,
        endpoint: &Endpoint,
        time: SigningTime,
    ) -> Result<PostForm, Error> {
        let target = Request::new("POST", endpoint).bucket(&self.bucket);
        target.validate()?;
        let key = self
            .key
            .as_ref()
            .ok_or(Error::MissingPolicyElement("key"))?;
        if matches!(key, Key::Exact(k) if k.is_empty()) {
            return Err(Error::InvalidPostField {
                name: "key".into(),
                reason: "an object key cannot be empty",
            });
        }
        if signer.service() != "s3" {
            // S3 checks the credential scope of the policy: it must be s3.
            return Err(Error::InvalidService(format!(
                "{} (POST policies are signed for s3)",
                signer.service()
            )));
        }
        let expiration = self.expiration_text(time)?;
        for c in &self.conditions {
            conditions::check_name(c.field())?;
        }
        let (Key::Exact(k) | Key::StartsWith(k) | Key::Filename(k)) = key;
        conditions::check_value("key", k)?;
        for c in &self.conditions {
            conditions::check_value(c.field(), c.operand())?;
        }
        conditions::check_consistent(&self.conditions)?;
        if let Some((min, max)) = self.content_length {
            if min > max {
                return Err(Error::InvalidContentLengthRange { min, max });
            }
        }

        // A visible outcome unless the caller chose one (see `PostPolicy`).
        let default_status = !self.conditions.iter().any(|c| {
            OUTCOME_FIELDS
                .iter()
                .any(|f| f.eq_ignore_ascii_case(c.field()))
        });

        let scope = signer.credential_scope(&time);
        let mut credential = String::with_capacity(80);
        credential.put_str(signer.credentials().access_key_id());
        credential.put(b"/");
        scope.write(&mut credential);
        let credential = credential.as_str();
        let token = signer.credentials().session_token();

        // The document: compact JSON, conditions in the order given (wiped:
        // it may carry the session token).
        let mut doc = SecretBuf::with_capacity(
            256 + credential.len()
                + token.map_or(0, str::len)
                + self
                    .conditions
                    .iter()
                    .map(|c| 24 + c.field().len() + c.operand().len())
                    .sum::<usize>(),
        );
        doc.put_str("{\"expiration\":\"");
        doc.put_str(&expiration);
        doc.put_str("\",\"conditions\":[");
        conditions::write_exact(&mut doc, "bucket", &self.bucket, false);
        doc.put(b",");
        match key {
            Key::Exact(k) => conditions::write_exact(&mut doc, "key", k, false),
            Key::StartsWith(p) | Key::Filename(p) => {
                conditions::write_array(&mut doc, "starts-with", "key", p)
            }
        }
        for c in &self.conditions {
            doc.put(b",");
            c.write_json(&mut doc);
        }
        if default_status {
            doc.put(b",");
            conditions::write_exact(&mut doc, "success_action_status", DEFAULT_STATUS, false);
        }
        if let Some((min, max)) = self.content_length {
            doc.put_str(",[\"content-length-range\",");
            doc.put_decimal(min);
            doc.put(b",");
            doc.put_decimal(max);
            doc.put(b"]");
        }
        let amz_date = time.amz_date();
        for (name, value) in [
            ("x-amz-algorithm", Some(ALGORITHM)),
            ("x-amz-credential", Some(credential)),
            ("x-amz-date", Some(amz_date)),
            ("x-amz-security-token", token),
        ] {
            if let Some(value) = value {
                doc.put(b",");
                conditions::write_exact(&mut doc, name, value, false);
            }
        }
        doc.put_str("]}");

        // The form fields, in the order a form sends them; `fill_in` holds
        // the indices of those the page fills in. One buffer for all their
        // text, sized for everything below (the policy in base64 included).
        let mut fields = form::Fields::with_capacity(
            self.conditions.len() + 8,
            256 + 4 * doc.len().div_ceil(3)
                + credential.len()
                + token.map_or(0, str::len)
                + self
                    .conditions
                    .iter()
                    .map(|c| c.field().len() + c.operand().len())
                    .sum::<usize>(),
        );
        // `placed` maps each field name (case-insensitively) to its index
        // and whether the page fills it in: one lookup per condition, not a
        // scan of the fields so far.
        let mut fill_in = Vec::new();
        let mut placed: HashMap<form::Caseless<'_>, (usize, bool)> =
            HashMap::with_capacity(self.conditions.len() + 1);
        match key {
            Key::Exact(k) => fields.push("key", &[k]),
            Key::Filename(p) => fields.push("key", &[p, "${filename}"]),
            Key::StartsWith(p) => {
                fill_in.push(fields.len());
                fields.push("key", &[p]);
            }
        }
        placed.insert(form::Caseless("key"), (0, !fill_in.is_empty()));
        for c in &self.conditions {
            if let Condition::Exact { field, value, .. } = c {
                placed.entry(form::Caseless(field)).or_insert_with(|| {
                    fields.push(field, &[value]);
                    (fields.len() - 1, false)
                });
            }
        }
        if default_status {
            fields.push("success_action_status", &[DEFAULT_STATUS]);
        }
        for c in &self.conditions {
            if let Condition::StartsWith { field, prefix } = c {
                match placed.get(&form::Caseless(field)) {
                    None => {
                        fill_in.push(fields.len());
                        placed.insert(form::Caseless(field), (fields.len(), true));
                        fields.push(field, &[prefix]);
                    }
                    // The longest of compatible prefixes.
                    Some(&(i, true)) => fields.lengthen(i, prefix),
                    Some(_) => {}
                }
            }
        }

        // Signed as `sign_policy_document` signs, the base64 written
        // straight into the fields.
        let policy_base64 = fields.push_with("policy", |text| {
            form::write_base64(text, doc.as_bytes());
        });
        let signature = form::policy_signature(signer, time, policy_base64);
        fields.push("x-amz-algorithm", &[ALGORITHM]);
        fields.push("x-amz-credential", &[credential]);
        fields.push("x-amz-date", &[amz_date]);
        if let Some(t) = token {
            fields.push("x-amz-security-token", &[t]);
        }
        fields.push_with("x-amz-signature", |text| text.put_str(&signature));
        Ok(PostForm::new(
            target.url_prefix(),
            fields,
            fill_in,
            doc.into_string(),
            expiration,
        ))
    }

    /// The expiration as ISO 8601 UTC with milliseconds, after `time`.
    fn expiration_text(&self, time: SigningTime) -> Result<String, Error> {
        let start = time.to_offset_datetime();
        let at: OffsetDateTime = match self
            .expiration
            .ok_or(Error::MissingPolicyElement("expiration"))?
        {
            Expiration::At(t) => t.to_offset_datetime(),
            Expiration::In(d) => time::Duration::try_from(d)
                .ok()
                .and_then(|d| start.checked_add(d))
                .filter(|t| t.year() <= 9999)
                .ok_or_else(|| Error::InvalidTime("expiration out of range".into()))?,
        };
        let at = at
            .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
            .unwrap_or(at);
        if at <= start {
            return Err(Error::InvalidPolicyExpiration {
                expiration: iso8601(at),
                signing_time: time.amz_date().to_string(),
            });
        }
        Ok(iso8601(at))
    }
}

/// `2026-11-22T12:00:00.000Z`.
fn iso8601(t: OffsetDateTime) -> String {
    let mut out = String::with_capacity(24);
    for (n, width, after) in [
        (u64::from(t.year().unsigned_abs()), 4, "-"),
        (u8::from(t.month()).into(), 2, "-"),
        (t.day().into(), 2, "T"),
        (t.hour().into(), 2, ":"),
        (t.minute().into(), 2, ":"),
        (t.second().into(), 2, "."),
        (t.millisecond().into(), 3, "Z"),
    ] {
        out.put_decimal_padded(n, width);
        out.push_str(after);
    }
    out
}
