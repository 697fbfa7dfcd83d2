//! The commands: each turns parsed arguments into the text for stdout (and
//! notices for stderr), or a [`Failure`]. Inputs are checked before
//! credentials are looked up, so bad input is reported as such.

use awsig::{
    Addressing, Credentials, Endpoint, ObjectKey, Payload, PostPolicy, Request, SignatureMismatch,
    Signer, SigningKeyChain, SigningTime,
};

use crate::args::{FormFormat, Format, PostPolicyArgs, PresignArgs, SignArgs};
use crate::credentials::{Env, Found, Sources};
use crate::inputs::{self, Target};
use crate::output::{self, Body, Signed};
use crate::{duration, Failure};

/// What a command prints.
pub struct Output {
    /// Lines for stderr, printed before `stdout`.
    pub notices: Vec<String>,
    /// The result.
    pub stdout: String,
}

/// How a signature is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Show<'a> {
    /// The result only (URL, headers...).
    Result,
    /// The intermediates (`awsig explain`), with the key chain or without,
    /// compared with a server's strings or not.
    Explain {
        /// Print kDate, kRegion, kService, kSigning in hex.
        signing_key: bool,
        /// A server's `SignatureDoesNotMatch` to name the first difference with.
        against: Option<&'a SignatureMismatch>,
    },
}

/// `(name, value)` pairs as the borrowed slices [`Request`] takes.
fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// Signs with throwaway keys, so that every problem with the request is
/// reported as bad input before credentials are looked up.
fn check<T>(
    region: &str,
    service: &str,
    sign: impl FnOnce(&Signer) -> Result<T, awsig::Error>,
) -> Result<(), Failure> {
    let placeholder = Credentials::new("AKIDPLACEHOLDER", "placeholder", None)?;
    sign(&Signer::new(placeholder, region, service)?)?;
    Ok(())
}

/// The key chain of `signer` at `time`, when asked for.
fn chain(
    found: &Found,
    signer: &Signer,
    time: &SigningTime,
    show: Show<'_>,
) -> Result<Option<SigningKeyChain>, Failure> {
    if !matches!(
        show,
        Show::Explain {
            signing_key: true,
            ..
        }
    ) {
        return Ok(None);
    }
    Ok(Some(SigningKeyChain::derive(
        found.secret.expose(),
        time.date_stamp(),
        signer.region(),
        signer.service(),
    )?))
}

/// `awsig presign` and `awsig explain presign`.
pub fn presign(a: &PresignArgs, show: Show<'_>, env: Env<'_>) -> Result<Output, Failure> {
    let method = inputs::method(&a.method, inputs::PRESIGN_METHODS)?;
    let expires = duration::expiry(&a.expires)?;
    let headers = a
        .headers
        .iter()
        .map(|h| inputs::header(h))
        .collect::<Result<Vec<_>, _>>()?;
    let params = a
        .queries
        .iter()
        .map(|q| inputs::pair(q, "--query"))
        .collect::<Result<Vec<_>, _>>()?;
    let time = inputs::time(a.common.time.as_deref())?;
    let target = Target::parse(&a.target)?;
    let custom = match &a.endpoint {
        Some(e) => Some(Endpoint::parse(e)?.with_addressing(Addressing::PathStyle)),
        None => None,
    };
    let (service, host_region) = match &target {
        Target::S3 { .. } => (a.service.clone().unwrap_or_else(|| "s3".into()), None),
        Target::Url(url) => {
            if a.endpoint.is_some() || a.path_style {
                return Err(Failure::input(
                    "--endpoint and --path-style apply to s3://bucket/key targets only; a URL is signed as given".into(),
                ));
            }
            let hint = inputs::host_of(url).and_then(|h| inputs::service_from_host(&h));
            let (s, r) = hint.map_or((None, None), |(s, r)| (Some(s), r));
            (a.service.clone().or(s).unwrap_or_else(|| "s3".into()), r)
        }
    };
    let mut sources = Sources::new(&a.common, env);
    let region = sources.region(host_region.as_deref())?;
    let endpoint = match custom {
        Some(e) => e,
        None if a.path_style => Endpoint::aws_s3(&region)?.with_addressing(Addressing::PathStyle),
        None => Endpoint::aws_s3(&region)?,
    };
    let (hdrs, prms) = (borrowed(&headers), borrowed(&params));
    let request = match &target {
        Target::S3 { bucket, key } => Request::new(&method, &endpoint)
            .bucket(bucket)
            .key(ObjectKey::new(key)),
        Target::Url(url) => Request::from_url(&method, url)?,
    }
    .headers(&hdrs)
    .params(&prms);
    check(&region, &service, |s| s.presign(&request, time, expires))?;
    let found = sources.credentials()?;
    let signer = Signer::new(found.credentials.clone(), &region, &service)?;
    let stdout = match show {
        Show::Result => format!("{}\n", signer.presign(&request, time, expires)?.as_str()),
        Show::Explain { against, .. } => {
            let (_, audit) = signer.audit_presign(&request, time, expires)?;
            output::explain(
                &audit,
                chain(&found, &signer, &time, show)?.as_ref(),
                against,
            )
        }
    };
    Ok(Output {
        notices: found.notices,
        stdout,
    })
}

/// `awsig sign` and `awsig explain sign`.
pub fn sign(a: &SignArgs, format: Format, show: Show<'_>, env: Env<'_>) -> Result<Output, Failure> {
    let method = inputs::method(&a.method, inputs::SIGN_METHODS)?;
    let headers = a
        .headers
        .iter()
        .map(|h| inputs::header(h))
        .collect::<Result<Vec<_>, _>>()?;
    let time = inputs::time(a.common.time.as_deref())?;
    let Target::Url(url) = Target::parse(&a.url)? else {
        return Err(Failure::input(format!(
            "{:?}: sign takes an http:// or https:// URL (for s3://bucket/key use presign)",
            a.url
        )));
    };
    let file_body = match &a.data_file {
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            Failure::input(format!("cannot read --data-file {}: {e}", path.display()))
        })?),
        None => None,
    };
    let payload = match (&a.data, &file_body) {
        (Some(text), _) => Payload::Bytes(text.as_bytes()),
        (_, Some(bytes)) => Payload::Bytes(bytes),
        _ if a.unsigned_payload => Payload::Unsigned,
        _ => Payload::Bytes(b""),
    };
    let host = inputs::host_of(&url);
    let hint = host.as_deref().and_then(inputs::service_from_host);
    let (service, host_region) = match (&a.service, hint) {
        (Some(s), hint) => (s.clone(), hint.and_then(|(_, r)| r)),
        (None, Some((s, r))) => (s, r),
        (None, None) => {
            return Err(Failure::input(format!(
                "cannot tell the service from the host {:?}; pass --service (e.g. --service s3)",
                host.unwrap_or_default()
            )))
        }
    };
    let mut sources = Sources::new(&a.common, env);
    let region = sources.region(host_region.as_deref())?;
    let hdrs = borrowed(&headers);
    let request = Request::from_url(&method, &url)?
        .headers(&hdrs)
        .payload(payload);
    check(&region, &service, |s| s.sign(&request, time))?;
    let found = sources.credentials()?;
    let signer = Signer::new(found.credentials.clone(), &region, &service)?;
    let stdout = match show {
        Show::Explain { against, .. } => {
            let (_, audit) = signer.audit_sign(&request, time)?;
            output::explain(
                &audit,
                chain(&found, &signer, &time, show)?.as_ref(),
                against,
            )
        }
        Show::Result => {
            let signed = signer.sign(&request, time)?;
            let data_file = a.data_file.as_ref().map(|p| p.to_string_lossy());
            let signed_url = signed_url(&request, &url);
            let out = Signed {
                method: &method,
                url: &signed_url,
                request_headers: &headers,
                added_headers: signed.headers().collect(),
                body: match (&a.data, &data_file) {
                    (Some(text), _) => Body::Text(text),
                    (_, Some(path)) => Body::File(path),
                    _ if a.unsigned_payload => Body::Unsigned,
                    _ => Body::Empty,
                },
                signature: signed.signature(),
            };
            match format {
                Format::Headers => output::headers(&out),
                Format::Curl => output::curl(&out),
                Format::Json => output::json(&out),
            }
        }
    };
    Ok(Output {
        notices: found.notices,
        stdout,
    })
}

/// The URL `request` (from [`Request::from_url`]`(_, url)`) was signed
/// for, as it goes on the wire: the scheme and host in lowercase, without a
/// default port or a fragment, then the path and query as given. The host
/// is signed lowercase; sent as typed (`Bucket.S3.amazonaws.com`), it would
/// not match the signature.
fn signed_url(request: &Request<'_>, url: &str) -> String {
    let mut out = request.url_prefix();
    // As `from_url` reads the query: after the first `?`, before any `#`.
    let before_fragment = url.split_once('#').map_or(url, |(u, _)| u);
    if let Some((_, query)) = before_fragment.split_once('?') {
        if !query.is_empty() {
            out.push('?');
            out.push_str(query);
        }
    }
    out
}

/// `awsig post-policy`.
pub fn post_policy(a: &PostPolicyArgs, env: Env<'_>) -> Result<Output, Failure> {
    let Target::S3 { bucket, key } = Target::parse(&a.target)? else {
        return Err(Failure::input(format!(
            "{:?}: post-policy takes s3://bucket/key or s3://bucket/prefix/",
            a.target
        )));
    };
    let expires = duration::parse(&a.expires)?;
    if expires.is_zero() {
        return Err(Failure::input("--expires must be at least 1 second".into()));
    }
    let time = inputs::time(a.common.time.as_deref())?;
    let mut policy = PostPolicy::new(bucket).expires_in(expires);
    policy = match &a.key_starts_with {
        Some(_) if !key.is_empty() => {
            return Err(Failure::input(
                "give the key in s3://bucket/key or --key-starts-with, not both".into(),
            ))
        }
        Some(prefix) => policy.key_starts_with(prefix),
        None if key.is_empty() || key.ends_with('/') => policy.key_with_filename(key),
        None => policy.key(key),
    };
    if let Some(range) = &a.content_length_range {
        let (min, max) = range
            .split_once(':')
            .and_then(|(lo, hi)| Some((lo.parse().ok()?, hi.parse().ok()?)))
            .ok_or_else(|| {
                format!(
                    "--content-length-range {range:?}: expected MIN:MAX in bytes (e.g. 1:10485760)"
                )
            })?;
        policy = policy.content_length_range(min, max);
    }
    for f in &a.fields {
        let (name, value) = inputs::form_field(f, "--field")?;
        policy = policy.field(name, value);
    }
    for f in &a.starts_with {
        let (name, prefix) = inputs::form_field(f, "--starts-with")?;
        policy = policy.starts_with(name, prefix);
    }
    let mut sources = Sources::new(&a.common, env);
    let region = sources.region(None)?;
    let endpoint = Endpoint::aws_s3(&region)?;
    check(&region, "s3", |s| policy.sign(s, &endpoint, time))?;
    let found = sources.credentials()?;
    let signer = Signer::new(found.credentials.clone(), &region, "s3")?;
    let form = policy.sign(&signer, &endpoint, time)?;
    let stdout = match a.format {
        FormFormat::Json => format!("{}\n", form.to_json()),
        FormFormat::Html => output::html_page(&form.to_html()),
    };
    Ok(Output {
        notices: found.notices,
        stdout,
    })
}
