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

mod conditions;
mod form;
mod json;

use std::time::Duration;

use time::OffsetDateTime;

use self::conditions::Condition;
pub use self::form::{sign_policy_document, PostForm, SignedPolicy};
use crate::request::Request;
use crate::{Endpoint, Error, Signer, SigningTime, ALGORITHM};

/// The object key condition.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    Exact(String),
    StartsWith(String),
    Filename(String),
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
/// Field names are checked when signing: no `$`, no whitespace, none of the
/// fields the signer writes. Contradicting conditions are refused.
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
pub struct PostPolicy {
    bucket: String,
    key: Option<Key>,
    expiration: Option<Expiration>,
    conditions: Vec<Condition>,
    content_length: Option<(u64, u64)>,
}

impl PostPolicy {
    /// A policy for uploads into `bucket`.
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("examplebucket");
    /// # let _ = policy;
    /// ```
    pub fn new(bucket: impl Into<String>) -> Self {
        PostPolicy {
            bucket: bucket.into(),
            key: None,
            expiration: None,
            conditions: Vec::new(),
            content_length: None,
        }
    }

    /// The object key, exactly: `{"key": "…"}`.
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").key("reports/2024.pdf");
    /// # let _ = policy;
    /// ```
    pub fn key(mut self, key: impl Into<String>) -> Self {
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
    pub fn key_starts_with(mut self, prefix: impl Into<String>) -> Self {
        self.key = Some(Key::StartsWith(prefix.into()));
        self
    }

    /// The key `prefix${filename}`: S3 puts the uploaded file's name in place
    /// of `${filename}`. The policy allows keys starting with `prefix`.
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").key_with_filename("uploads/");
    /// # let _ = policy;
    /// ```
    pub fn key_with_filename(mut self, prefix: impl Into<String>) -> Self {
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
    pub fn field(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.exact(name.into(), value.into(), false)
    }

    /// An exact-match condition in array form, `["eq", "$name", "value"]`.
    ///
    /// ```
    /// let policy = awsig::PostPolicy::new("b").field_eq("Cache-Control", "max-age=60");
    /// # let _ = policy;
    /// ```
    pub fn field_eq(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.exact(name.into(), value.into(), true)
    }

    fn exact(mut self, field: String, value: String, array_form: bool) -> Self {
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
    pub fn starts_with(mut self, name: impl Into<String>, prefix: impl Into<String>) -> Self {
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
        let expiration = self.expiration_text(time)?;
        for c in &self.conditions {
            conditions::check_name(c.field())?;
        }
        conditions::check_consistent(&self.conditions)?;
        if let Some((min, max)) = self.content_length {
            if min > max {
                return Err(Error::InvalidContentLengthRange { min, max });
            }
        }

        let scope = signer.credential_scope(&time);
        let credential = format!("{}/{scope}", signer.credentials().access_key_id());
        let token = signer.credentials().session_token();

        // The form fields, in the order a form sends them.
        let mut fields = form::Fields::default();
        let mut fill_in = Vec::new();
        match key {
            Key::Exact(k) => fields.push("key", k.clone()),
            Key::Filename(p) => fields.push("key", format!("{p}${{filename}}")),
            Key::StartsWith(p) => {
                fields.push("key", p.clone());
                fill_in.push("key".to_string());
            }
        }
        for c in &self.conditions {
            if let Condition::Exact { field, value, .. } = c {
                if fields.get(field).is_none() {
                    fields.push(field.clone(), value.clone());
                }
            }
        }
        for c in &self.conditions {
            if let Condition::StartsWith { field, prefix } = c {
                match fields.get(field) {
                    None => {
                        fields.push(field.clone(), prefix.clone());
                        fill_in.push(field.clone());
                    }
                    // The longest of compatible prefixes.
                    Some(v) if fill_in.iter().any(|f| f.eq_ignore_ascii_case(field)) => {
                        if prefix.len() > v.len() {
                            fields.set(field, prefix.clone());
                        }
                    }
                    Some(_) => {}
                }
            }
        }

        // The document: compact JSON, conditions in the order given.
        let mut doc = String::with_capacity(256 + 64 * self.conditions.len());
        doc.push_str("{\"expiration\":\"");
        doc.push_str(&expiration);
        doc.push_str("\",\"conditions\":[");
        Condition::Exact {
            field: "bucket".into(),
            value: self.bucket.clone(),
            array_form: false,
        }
        .write_json(&mut doc);
        doc.push(',');
        match key {
            Key::Exact(k) => Condition::Exact {
                field: "key".into(),
                value: k.clone(),
                array_form: false,
            },
            Key::StartsWith(p) | Key::Filename(p) => Condition::StartsWith {
                field: "key".into(),
                prefix: p.clone(),
            },
        }
        .write_json(&mut doc);
        for c in &self.conditions {
            doc.push(',');
            c.write_json(&mut doc);
        }
        if let Some((min, max)) = self.content_length {
            doc.push_str(",[\"content-length-range\",");
            doc.push_str(&min.to_string());
            doc.push(',');
            doc.push_str(&max.to_string());
            doc.push(']');
        }
        let mut signed = vec![
            ("x-amz-algorithm", ALGORITHM),
            ("x-amz-credential", credential.as_str()),
            ("x-amz-date", time.amz_date()),
        ];
        signed.extend(token.map(|t| ("x-amz-security-token", t)));
        for (name, value) in &signed {
            doc.push_str(",{\"");
            doc.push_str(name);
            doc.push_str("\":");
            json::string(&mut doc, value);
            doc.push('}');
        }
        doc.push_str("]}");

        let SignedPolicy {
            policy_base64,
            signature,
        } = sign_policy_document(signer, time, doc.as_bytes());
        fields.push("policy", policy_base64);
        for (name, value) in signed {
            fields.push(name, value.to_string());
        }
        fields.push("x-amz-signature", signature);
        Ok(PostForm::new(
            target.url_prefix(),
            fields,
            fill_in,
            doc,
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
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}
