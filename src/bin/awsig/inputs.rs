//! Checks and splits the request described on the command line: method,
//! target, headers, query parameters, signing time, and the service and
//! region an AWS host name implies.

use awsig::SigningTime;

/// Methods `awsig presign` accepts.
pub const PRESIGN_METHODS: &[&str] = &["GET", "PUT", "DELETE", "HEAD"];
/// Methods `awsig sign` accepts.
pub const SIGN_METHODS: &[&str] = &["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"];

/// What to presign: an S3 object by name, or a URL as on the wire.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// `s3://bucket/key`: the key is plain text.
    S3 {
        /// The bucket.
        bucket: String,
        /// The object key, unencoded (may be empty: the bucket itself).
        key: String,
    },
    /// An `http(s)://` URL, already encoded, without its fragment.
    Url(String),
}

impl Target {
    /// Parses `s3://bucket/key` or an `http(s)://` URL.
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Some(rest) = strip_prefix_ci(text, "s3://") {
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(format!(
                    "{text:?} has no bucket name (expected s3://bucket/key)"
                ));
            }
            return Ok(Target::S3 {
                bucket: bucket.into(),
                key: key.into(),
            });
        }
        if strip_prefix_ci(text, "https://").is_some() || strip_prefix_ci(text, "http://").is_some()
        {
            let url = text.split_once('#').map_or(text, |(u, _)| u);
            check_url(url)?;
            return Ok(Target::Url(url.into()));
        }
        Err(format!(
            "{text:?} is neither s3://bucket/key nor an http:// or https:// URL"
        ))
    }
}

/// A URL as on the wire: only characters allowed raw in a URL, and a host
/// (and port) that parse. The library signs what it is given (AWS's vectors
/// need raw spaces), but awsig prints only URLs and commands ready to use.
fn check_url(url: &str) -> Result<(), String> {
    let raw = |c: char| c.is_ascii_graphic() && !"\"<>\\^`{|}".contains(c);
    if let Some(c) = url.chars().find(|&c| !raw(c)) {
        return Err(format!(
            "{url:?} contains {c:?}, which is not allowed raw in a URL: give the URL \
             percent-encoded as on the wire (e.g. %20 for a space), or the object as \
             s3://bucket/key with the key as plain text"
        ));
    }
    match url::Url::parse(url) {
        Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        Ok(_) => Err(format!("{url:?} is not a valid URL: it has no host")),
        Err(e) => Err(format!("{url:?} is not a valid URL: {e}")),
    }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// An HTTP method from `allowed`, in any case; returned uppercase.
pub fn method(text: &str, allowed: &[&str]) -> Result<String, String> {
    let upper = text.to_ascii_uppercase();
    if allowed.contains(&upper.as_str()) {
        Ok(upper)
    } else {
        Err(format!(
            "unknown method {text:?} (expected one of {})",
            allowed.join(", ")
        ))
    }
}

/// `Name: value` → `(name, value)`, both trimmed. The value is never echoed
/// in an error (it may be a token).
pub fn header(text: &str) -> Result<(String, String), String> {
    // The library accepts folded values (an AWS vector has one); a header
    // printed for curl or a client must stay on one line.
    if text.contains(['\r', '\n']) {
        return Err("--header must be one line (this one has a line break, CR or LF)".into());
    }
    let Some((name, value)) = text.split_once(':') else {
        return Err("--header needs 'Name: value' (this one has no ':')".into());
    };
    let name = name.trim();
    if name.is_empty() {
        return Err("--header needs 'Name: value' (this one has no name before ':')".into());
    }
    Ok((name.into(), value.trim().into()))
}

/// `name=value` → `(name, value)`; a bare `name` has an empty value.
pub fn pair(text: &str, flag: &str) -> Result<(String, String), String> {
    let (name, value) = text.split_once('=').unwrap_or((text, ""));
    if name.is_empty() {
        return Err(format!("{flag} needs name=value (this one has no name)"));
    }
    Ok((name.into(), value.into()))
}

/// `name=value` for `--field` / `--starts-with` of a POST form; the fields
/// the command line sets otherwise are refused in its own terms.
pub fn form_field(text: &str, flag: &str) -> Result<(String, String), String> {
    let (name, value) = pair(text, flag)?;
    let instead = match name.to_ascii_lowercase().as_str() {
        "key" => "the key comes from the s3://bucket/key target, or --key-starts-with PREFIX",
        "bucket" => "the bucket comes from the s3://bucket/... target",
        "content-length-range" => "use --content-length-range MIN:MAX",
        _ => return Ok((name, value)),
    };
    Err(format!("{flag} {name}=...: {instead}"))
}

/// `--time`, else now.
pub fn time(text: Option<&str>) -> Result<SigningTime, String> {
    match text {
        Some(t) => SigningTime::parse(t).map_err(|e| format!("--time: {e}")),
        None => SigningTime::now().map_err(|e| e.to_string()),
    }
}

/// The host of an `http(s)://` URL (lowercase, without port), if it has one.
pub fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .host_str()
        .map(str::to_ascii_lowercase)
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`...
fn is_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// The service signing name and region an AWS host name implies:
/// - S3: `s3.amazonaws.com`, `s3.REGION.amazonaws.com`, `s3-REGION.amazonaws.com`,
///   `s3.dualstack.REGION...`, each with an optional `bucket.` in front → `s3`;
///   the global hosts `s3.amazonaws.com` and `s3-external-1.amazonaws.com`
///   are us-east-1;
/// - others: `SERVICE.REGION.amazonaws.com` or `SERVICE.amazonaws.com`
///   (with anything in front, e.g. an API id).
///
/// `None` for hosts outside `amazonaws.com`.
pub fn service_from_host(host: &str) -> Option<(String, Option<String>)> {
    let (rest, china) = match host.strip_suffix(".amazonaws.com") {
        Some(rest) => (rest, false),
        None => (host.strip_suffix(".amazonaws.com.cn")?, true),
    };
    let labels: Vec<&str> = rest.split('.').collect();
    let region_in = |candidates: &[&str]| {
        candidates
            .iter()
            .find(|l| is_region(l))
            .map(|r| r.to_string())
    };
    if let Some(i) = labels
        .iter()
        .rposition(|l| *l == "s3" || l.starts_with("s3-"))
    {
        let own = labels[i].strip_prefix("s3-").filter(|r| is_region(r));
        let global =
            !china && i + 1 == labels.len() && ["s3", "s3-external-1"].contains(&labels[i]);
        let region = own
            .map(str::to_string)
            .or_else(|| region_in(&labels[i + 1..]))
            .or_else(|| global.then(|| "us-east-1".into()));
        return Some(("s3".into(), region));
    }
    match labels.as_slice() {
        [.., service, region] if is_region(region) && !service.is_empty() => {
            Some((service.to_string(), Some(region.to_string())))
        }
        [.., service] if !service.is_empty() => Some((service.to_string(), None)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(host: &str) -> Option<(String, Option<String>)> {
        service_from_host(host)
    }

    fn some(s: &str, r: Option<&str>) -> Option<(String, Option<String>)> {
        Some((s.into(), r.map(Into::into)))
    }

    #[test]
    fn hosts() {
        let global = some("s3", Some("us-east-1"));
        assert_eq!(svc("examplebucket.s3.amazonaws.com"), global);
        assert_eq!(svc("s3.amazonaws.com"), global);
        assert_eq!(
            svc("b.s3.eu-west-1.amazonaws.com"),
            some("s3", Some("eu-west-1"))
        );
        assert_eq!(
            svc("s3-us-west-2.amazonaws.com"),
            some("s3", Some("us-west-2"))
        );
        assert_eq!(svc("s3-external-1.amazonaws.com"), global);
        assert_eq!(svc("b.s3-external-1.amazonaws.com"), global);
        assert_eq!(svc("b.s3-accelerate.amazonaws.com"), some("s3", None));
        assert_eq!(svc("b.s3.amazonaws.com.cn"), some("s3", None));
        assert_eq!(
            svc("b.s3.dualstack.ap-south-1.amazonaws.com"),
            some("s3", Some("ap-south-1"))
        );
        assert_eq!(svc("s3-logs.s3.amazonaws.com"), global);
        assert_eq!(
            svc("my.dotted.bucket.s3.us-gov-west-1.amazonaws.com"),
            some("s3", Some("us-gov-west-1"))
        );
        assert_eq!(svc("iam.amazonaws.com"), some("iam", None));
        assert_eq!(
            svc("sts.eu-north-1.amazonaws.com"),
            some("sts", Some("eu-north-1"))
        );
        assert_eq!(
            svc("abc123.execute-api.us-east-1.amazonaws.com"),
            some("execute-api", Some("us-east-1"))
        );
        assert_eq!(
            svc("ec2.cn-north-1.amazonaws.com.cn"),
            some("ec2", Some("cn-north-1"))
        );
        assert_eq!(svc("amazonaws.com"), None);
        assert_eq!(svc("localhost"), None);
        assert_eq!(svc("example.com"), None);
    }

    #[test]
    fn targets() {
        assert_eq!(
            Target::parse("s3://b/a b/c.txt").unwrap(),
            Target::S3 {
                bucket: "b".into(),
                key: "a b/c.txt".into()
            }
        );
        assert_eq!(
            Target::parse("s3://b").unwrap(),
            Target::S3 {
                bucket: "b".into(),
                key: String::new()
            }
        );
        assert!(Target::parse("s3:///k").is_err());
        assert!(Target::parse("ftp://x/y").is_err());
        for bad in [
            "https://h/a b",
            "https://h/\u{e9}",
            "https://h/{x}",
            "https://",
            "http://h:99999/",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
        assert!(Target::parse("https://h/a%20b?x=%7B~%7D").is_ok());
        assert_eq!(
            Target::parse("HTTPS://h/p#frag").unwrap(),
            Target::Url("HTTPS://h/p".into())
        );
    }

    #[test]
    fn headers_and_pairs() {
        assert_eq!(
            header(" Range :  bytes=0-9 ").unwrap(),
            ("Range".into(), "bytes=0-9".into())
        );
        assert_eq!(header("x-a:").unwrap(), ("x-a".into(), String::new()));
        assert!(header("no colon").is_err());
        assert!(header(": v").is_err());
        assert!(header("a: b\r\n c").is_err());
        assert!(header("a\n: b").is_err());
        assert!(!header("secret-token-value")
            .unwrap_err()
            .contains("secret-token-value"));
        assert_eq!(
            pair("a=b=c", "--query").unwrap(),
            ("a".into(), "b=c".into())
        );
        assert_eq!(
            pair("uploads", "--query").unwrap(),
            ("uploads".into(), String::new())
        );
        assert!(pair("=x", "--query").is_err());
    }

    #[test]
    fn methods() {
        assert_eq!(method("put", PRESIGN_METHODS).unwrap(), "PUT");
        assert!(method("POST", PRESIGN_METHODS).is_err());
        assert!(method("FETCH", SIGN_METHODS).is_err());
    }
}
