//! Browser POST uploads: the form fields as a server's multipart parser
//! gives them → the credential, the policy and its signature → the
//! policy's conditions evaluated as S3 does → [`VerifiedPost`], whose size
//! check runs once the file has been read.

use subtle::ConstantTimeEq;

use crate::credentials::Credentials;
use crate::post_policy::conditions::Condition;
use crate::signing_key::SigningKey;
use crate::string_to_sign::{CredentialScope, ALGORITHM};
use crate::time::SigningTime;
use crate::verify::parse::{parse_amz_date, parse_credential_scope};
use crate::verify::policy::{self, Policy};
use crate::verify::s3_error::{Malformed, SignatureMismatch, VerifyError};
use crate::verify::verifier::Verifier;

/// Fields no condition needs to cover.
fn exempt(name: &str) -> bool {
    ["x-amz-signature", "file", "policy"]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(name))
        || name
            .get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("x-ignore-"))
}

/// A browser upload as the server received it: the form fields before the
/// file (names in any case, in order), the bucket from the request URL, and
/// the file's name as the browser sent it (for `${filename}`).
///
/// ```
/// let fields = [("key", "uploads/${filename}"), ("acl", "private")];
/// let upload = awsig::PostUpload::new("examplebucket", &fields).file_name("cat.jpg");
/// # let _ = upload;
/// ```
#[derive(Clone, Copy, Debug)]
pub struct PostUpload<'a> {
    bucket: &'a str,
    fields: &'a [(&'a str, &'a str)],
    file_name: Option<&'a str>,
}

impl<'a> PostUpload<'a> {
    /// The form of an upload to `bucket`.
    ///
    /// ```
    /// let upload = awsig::PostUpload::new("b", &[("key", "k")]);
    /// # let _ = upload;
    /// ```
    pub fn new(bucket: &'a str, fields: &'a [(&'a str, &'a str)]) -> Self {
        PostUpload {
            bucket,
            fields,
            file_name: None,
        }
    }

    /// The file name the browser sent (the `filename` of the file part, as
    /// sent: S3 substitutes it for `${filename}` in the key).
    ///
    /// ```
    /// let upload = awsig::PostUpload::new("b", &[("key", "${filename}")]).file_name("a.txt");
    /// # let _ = upload;
    /// ```
    pub fn file_name(mut self, name: &'a str) -> Self {
        self.file_name = Some(name);
        self
    }

    /// The value of the one field `name` (any case); repeated → an error.
    fn field(&self, name: &'static str) -> Result<Option<&'a str>, VerifyError> {
        let mut found = self
            .fields
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let first = found.next().map(|&(_, v)| v);
        if found.next().is_some() {
            return Err(VerifyError::RepeatedPostField(name.to_string()));
        }
        Ok(first)
    }

    fn required(&self, name: &'static str) -> Result<&'a str, VerifyError> {
        self.field(name)?.ok_or(VerifyError::MissingPostField(name))
    }
}

/// A POST upload whose form is well formed and whose policy is in time, but
/// whose signature and conditions are **not yet checked**.
///
/// ```
/// # use awsig::*;
/// # fn lookup(_: &str) -> Option<Credentials> { None }
/// fn check(v: &Verifier, form: &PostUpload<'_>, now: SigningTime) -> Result<VerifiedPost, VerifyError> {
///     let unverified = v.parse_post(form, now)?;
///     match lookup(unverified.access_key_id()) {
///         Some(creds) => unverified.verify(&creds),
///         None => Err(VerifyError::InvalidAccessKeyId(unverified.access_key_id().into())),
///     }
/// }
/// ```
#[derive(Debug)]
pub struct UnverifiedPost<'v, 'a> {
    verifier: &'v Verifier,
    upload: PostUpload<'a>,
    access_key_id: String,
    date: [u8; 8],
    region: String,
    service: String,
    policy_base64: &'a str,
    signature: [u8; 64],
    token: Option<&'a str>,
    policy: Policy,
}

impl Verifier {
    /// The first step of a POST upload: the `x-amz-algorithm`,
    /// `x-amz-credential`, `x-amz-date`, `policy` and `x-amz-signature`
    /// fields, the credential's scope, and the policy (strict JSON, not
    /// expired at `now`).
    ///
    /// ```
    /// use awsig::{PostUpload, SigningTime, Verifier};
    /// let v = Verifier::new("us-east-1", "s3")?;
    /// let err = v.parse_post(&PostUpload::new("b", &[("key", "k")]), SigningTime::parse("20240101T000000Z")?).unwrap_err();
    /// assert_eq!(err.code(), "InvalidArgument");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_post<'v, 'a>(
        &'v self,
        upload: &PostUpload<'a>,
        now: SigningTime,
    ) -> Result<UnverifiedPost<'v, 'a>, VerifyError> {
        let policy_base64 = upload.required("policy")?;
        let algorithm = upload.required("x-amz-algorithm")?;
        let credential = upload.required("x-amz-credential")?;
        let date = upload.required("x-amz-date")?;
        let signature = upload.required("x-amz-signature")?;
        upload.required("key")?;
        let token = upload.field("x-amz-security-token")?;
        if algorithm != ALGORITHM {
            return Err(VerifyError::UnsupportedAlgorithm { query: false });
        }
        let malformed = VerifyError::AuthorizationQueryParametersError;
        let (access_key_id, cdate, region, service) =
            parse_credential_scope(credential).map_err(malformed)?;
        let time = parse_amz_date(date).ok_or(malformed(Malformed::Date))?;
        if &cdate != time.date_stamp_bytes() {
            return Err(malformed(Malformed::CredentialDate {
                credential: String::from_utf8_lossy(&cdate).into_owned(),
                request: time.date_stamp().to_string(),
            }));
        }
        self.check_scope(&region, &service, malformed)?;
        let signature = <[u8; 64]>::try_from(signature.as_bytes())
            .ok()
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .ok_or(malformed(Malformed::Signature))?;
        let policy = policy::parse(policy_base64)?;
        let expiration = policy.expiration.to_offset_datetime().unix_timestamp();
        if now.to_offset_datetime().unix_timestamp() >= expiration {
            return Err(VerifyError::PolicyExpired);
        }
        Ok(UnverifiedPost {
            verifier: self,
            upload: *upload,
            access_key_id,
            date: cdate,
            region,
            service,
            policy_base64,
            signature,
            token,
            policy,
        })
    }
}

impl UnverifiedPost<'_, '_> {
    /// The access key id the form claims (not authenticated yet).
    ///
    /// ```
    /// # fn f(u: awsig::UnverifiedPost<'_, '_>) { println!("{}", u.access_key_id()); }
    /// ```
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The credential scope the form claims.
    ///
    /// ```
    /// # fn f(u: awsig::UnverifiedPost<'_, '_>) { println!("{}", u.credential_scope()); }
    /// ```
    pub fn credential_scope(&self) -> CredentialScope<'_> {
        CredentialScope::trusted(&self.date, &self.region, &self.service)
    }

    /// The second step: the signature of the policy with the secret of
    /// `credentials` (their session token, if any, must be the form's), then
    /// every condition against the form.
    ///
    /// ```
    /// # fn f(u: awsig::UnverifiedPost<'_, '_>, c: &awsig::Credentials) -> Result<(), awsig::VerifyError> {
    /// let verified = u.verify(c)?;
    /// println!("store the file as {}", verified.key());
    /// # Ok(()) }
    /// ```
    pub fn verify(self, credentials: &Credentials) -> Result<VerifiedPost, VerifyError> {
        if credentials.access_key_id() != self.access_key_id {
            return Err(VerifyError::InvalidAccessKeyId(self.access_key_id.clone()));
        }
        let scope = self.credential_scope();
        let computed = self.verifier.cache().with_key(credentials, &scope, |key| {
            key.sign_hex(self.policy_base64.as_bytes())
        });
        self.finish(computed, credentials.session_token())
    }

    /// [`UnverifiedPost::verify`] with a signing key derived for
    /// [`UnverifiedPost::credential_scope`] and the session token issued
    /// with it, if any.
    ///
    /// ```
    /// # fn f(u: awsig::UnverifiedPost<'_, '_>, k: &awsig::SigningKey) { let _ = u.verify_with_key(k, None); }
    /// ```
    pub fn verify_with_key(
        self,
        key: &SigningKey,
        session_token: Option<&str>,
    ) -> Result<VerifiedPost, VerifyError> {
        let computed = key.sign_hex(self.policy_base64.as_bytes());
        self.finish(computed, session_token)
    }

    fn finish(
        self,
        computed: [u8; 64],
        session_token: Option<&str>,
    ) -> Result<VerifiedPost, VerifyError> {
        if !bool::from(computed.ct_eq(&self.signature)) {
            return Err(VerifyError::SignatureDoesNotMatch(Box::new(
                SignatureMismatch {
                    access_key_id: self.access_key_id.clone(),
                    string_to_sign: self.policy_base64.to_string(),
                    signature_provided: String::from_utf8_lossy(&self.signature).into_owned(),
                    canonical_request: String::new(),
                },
            )));
        }
        let same_token = match (session_token, self.token) {
            (None, None) => true,
            (Some(a), Some(b)) => bool::from(a.as_bytes().ct_eq(b.as_bytes())),
            _ => false,
        };
        if !same_token {
            return Err(VerifyError::InvalidToken);
        }
        self.evaluate()
    }

    /// Every condition satisfied, every field covered, as S3 does it.
    fn evaluate(self) -> Result<VerifiedPost, VerifyError> {
        let upload = &self.upload;
        let raw_key = upload.required("key")?;
        let key = raw_key.replace("${filename}", upload.file_name.unwrap_or_default());
        // The value a condition on `name` is checked against.
        let value = |name: &str| -> Option<String> {
            if name.eq_ignore_ascii_case("bucket") {
                return Some(upload.bucket.to_string());
            }
            if name.eq_ignore_ascii_case("key") {
                return Some(key.clone());
            }
            let mut found = upload
                .fields
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name));
            found.next().map(|&(_, v)| v.to_string())
        };
        for c in &self.policy.conditions {
            let ok = match (c, value(c.field())) {
                (Condition::Exact { value: want, .. }, Some(v)) => v == want.as_ref(),
                (Condition::StartsWith { prefix, .. }, Some(v)) => v.starts_with(prefix.as_ref()),
                (_, None) => false,
            };
            if !ok {
                let mut json = String::new();
                c.write_json(&mut json);
                return Err(VerifyError::PolicyConditionFailed(json));
            }
        }
        if let Some(b) = upload.field("bucket")? {
            if b != upload.bucket {
                return Err(VerifyError::PolicyConditionFailed(format!(
                    "the form's bucket field is not the bucket of the URL ({:?})",
                    upload.bucket
                )));
            }
        }
        let mut extra: Vec<String> = Vec::new();
        for &(name, _) in upload.fields {
            let covered = self
                .policy
                .conditions
                .iter()
                .any(|c| c.field().eq_ignore_ascii_case(name));
            if !exempt(name) && !covered && !extra.iter().any(|e| e.eq_ignore_ascii_case(name)) {
                extra.push(name.to_string());
            }
        }
        if !extra.is_empty() {
            return Err(VerifyError::ExtraInputFields(extra));
        }
        let status = upload.field("success_action_status")?;
        let success_action_status = match status {
            None => None,
            Some("200") => Some(200),
            Some("201") => Some(201),
            Some("204") => Some(204),
            // S3 answers 204 for any other value.
            Some(_) => Some(204),
        };
        Ok(VerifiedPost {
            access_key_id: self.access_key_id,
            date: self.date,
            region: self.region,
            service: self.service,
            key,
            length_range: self.policy.length_range,
            success_action_status,
            success_action_redirect: upload
                .field("success_action_redirect")?
                .or(upload.field("redirect")?)
                .map(str::to_string),
            expiration: self.policy.expiration_text,
        })
    }
}

/// A POST upload whose signature and conditions hold: who signed it, the
/// key to store the file under, and how to answer. **The size is not
/// checked yet**: call [`VerifiedPost::check_size`] once the file is read,
/// and store nothing before it passes.
///
/// ```
/// # fn f(v: awsig::VerifiedPost, file: &[u8]) -> Result<(), awsig::VerifyError> {
/// v.check_size(file.len() as u64)?;
/// println!("{} stores {} bytes as {}", v.access_key_id(), file.len(), v.key());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct VerifiedPost {
    access_key_id: String,
    date: [u8; 8],
    region: String,
    service: String,
    key: String,
    length_range: Option<(u64, u64)>,
    success_action_status: Option<u16>,
    success_action_redirect: Option<String>,
    expiration: String,
}

impl VerifiedPost {
    /// The access key id that signed the policy.
    ///
    /// ```
    /// # fn f(v: awsig::VerifiedPost) { let _ = v.access_key_id(); }
    /// ```
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The credential scope of the signature.
    ///
    /// ```
    /// # fn f(v: awsig::VerifiedPost) { println!("{}", v.credential_scope()); }
    /// ```
    pub fn credential_scope(&self) -> CredentialScope<'_> {
        CredentialScope::trusted(&self.date, &self.region, &self.service)
    }

    /// The object key, `${filename}` replaced by the file's name.
    ///
    /// ```
    /// # fn f(v: awsig::VerifiedPost) { println!("{}", v.key()); }
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }

    /// `content-length-range` of the policy, if any.
    ///
    /// ```
    /// # fn f(v: awsig::VerifiedPost) { let _ = v.content_length_range(); }
    /// ```
    pub fn content_length_range(&self) -> Option<(u64, u64)> {
        self.length_range
    }

    /// `EntityTooLarge` or `EntityTooSmall` when `size` is outside the
    /// policy's `content-length-range`.
    ///
    /// ```
    /// # fn f(v: awsig::VerifiedPost) { assert!(v.check_size(0).is_ok() || v.content_length_range().is_some()); }
    /// ```
    pub fn check_size(&self, size: u64) -> Result<(), VerifyError> {
        match self.length_range {
            Some((_, max)) if size > max => Err(VerifyError::EntityTooLarge { size, max }),
            Some((min, _)) if size < min => Err(VerifyError::EntityTooSmall { size, min }),
            _ => Ok(()),
        }
    }

    /// The status S3 answers a successful upload with: the form's
    /// `success_action_status` (200, 201; any other value means 204), else
    /// 204. With a redirect, S3 answers 303 instead.
    ///
    /// ```
    /// # fn f(v: awsig::VerifiedPost) { assert!([200, 201, 204].contains(&v.success_action_status())); }
    /// ```
    pub fn success_action_status(&self) -> u16 {
        self.success_action_status.unwrap_or(204)
    }

    /// `success_action_redirect` (or the older `redirect`): where S3
    /// redirects the browser (303) after the upload, adding `bucket`, `key`
    /// and `etag` to the query.
    ///
    /// ```
    /// # fn f(v: awsig::VerifiedPost) { let _ = v.success_action_redirect(); }
    /// ```
    pub fn success_action_redirect(&self) -> Option<&str> {
        self.success_action_redirect.as_deref()
    }

    /// The policy's `expiration`, as written.
    ///
    /// ```
    /// # fn f(v: awsig::VerifiedPost) { println!("{}", v.expiration()); }
    /// ```
    pub fn expiration(&self) -> &str {
        &self.expiration
    }
}
