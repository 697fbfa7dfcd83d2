//! Where requests go: scheme, host, port, bucket addressing.

use crate::Error;

/// `http` or `https`.
///
/// ```
/// assert_eq!(awsig::Scheme::Https.as_str(), "https");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP (default port 80).
    Http,
    /// HTTPS (default port 443).
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    ///
    /// ```
    /// assert_eq!(awsig::Scheme::Http.as_str(), "http");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    pub(crate) fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// How a bucket is addressed.
///
/// ```
/// use awsig::{Addressing, Endpoint};
/// let e = Endpoint::parse("http://127.0.0.1:9000")?;
/// assert_eq!(e.addressing(), Addressing::PathStyle);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// `https://bucket.host/key`. Buckets that are not valid DNS labels
    /// (dots, uppercase, underscores) fall back to path style.
    VirtualHost,
    /// `https://host/bucket/key`.
    PathStyle,
}

/// Where requests go: scheme, host, non-default port, bucket addressing.
///
/// ```
/// use awsig::{Addressing, Endpoint};
/// let aws = Endpoint::aws_s3("eu-west-1")?;
/// assert_eq!(aws.host(), "s3.eu-west-1.amazonaws.com");
/// let minio = Endpoint::parse("http://localhost:9000")?;
/// assert_eq!((minio.host(), minio.port()), ("localhost", Some(9000)));
/// let r2 = Endpoint::parse("https://ACCOUNT.r2.cloudflarestorage.com")?
///     .with_addressing(Addressing::VirtualHost);
/// assert_eq!(r2.host(), "account.r2.cloudflarestorage.com");
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
    addressing: Addressing,
}

impl Endpoint {
    /// AWS S3 in `region`: `s3.amazonaws.com` for us-east-1, else
    /// `s3.REGION.amazonaws.com`; HTTPS, virtual-host addressing.
    ///
    /// ```
    /// assert_eq!(awsig::Endpoint::aws_s3("us-east-1")?.host(), "s3.amazonaws.com");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn aws_s3(region: &str) -> Result<Self, Error> {
        // AWS region names are lowercase; an uppercase one would sign a
        // scope that matches no AWS host.
        if !crate::string_to_sign::is_scope_part(region)
            || region.bytes().any(|b| b.is_ascii_uppercase())
        {
            return Err(Error::InvalidRegion(region.to_string()));
        }
        let host = if region == "us-east-1" {
            "s3.amazonaws.com".to_string()
        } else {
            format!("s3.{region}.amazonaws.com")
        };
        Ok(Endpoint {
            scheme: Scheme::Https,
            host,
            port: None,
            addressing: Addressing::VirtualHost,
        })
    }

    /// Parses `scheme://host[:port][/]`. Hosts ending in `amazonaws.com` get
    /// virtual-host addressing, every other host (MinIO, R2, localhost, IP
    /// addresses) path style; change it with [`Endpoint::with_addressing`].
    ///
    /// ```
    /// use awsig::Endpoint;
    /// assert!(Endpoint::parse("ftp://example.com").is_err());
    /// assert!(Endpoint::parse("https://example.com/path").is_err());
    /// assert_eq!(Endpoint::parse("https://example.com:443")?.port(), None);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn parse(url: &str) -> Result<Self, Error> {
        let parsed = url::Url::parse(url).map_err(|e| Error::InvalidUrl(format!("{e}")))?;
        let scheme = match parsed.scheme() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            other => return Err(Error::InvalidUrl(format!("unsupported scheme {other:?}"))),
        };
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::InvalidUrl(
                "user info is not allowed in an endpoint".into(),
            ));
        }
        if !matches!(parsed.path(), "" | "/")
            || parsed.query().is_some()
            || parsed.fragment().is_some()
        {
            return Err(Error::InvalidUrl(
                "an endpoint has no path, query or fragment".into(),
            ));
        }
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or(Error::MissingHost)?;
        let addressing = if host == "amazonaws.com" || host.ends_with(".amazonaws.com") {
            Addressing::VirtualHost
        } else {
            Addressing::PathStyle
        };
        if parsed.port() == Some(0) {
            return Err(Error::InvalidUrl("bad port".into()));
        }
        Ok(Endpoint {
            scheme,
            host: host.to_string(),
            port: parsed.port(),
            addressing,
        })
    }

    /// The same endpoint with another bucket addressing.
    ///
    /// ```
    /// use awsig::{Addressing, Endpoint};
    /// let e = Endpoint::aws_s3("us-east-1")?.with_addressing(Addressing::PathStyle);
    /// assert_eq!(e.addressing(), Addressing::PathStyle);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn with_addressing(mut self, addressing: Addressing) -> Self {
        self.addressing = addressing;
        self
    }

    /// The scheme.
    ///
    /// ```
    /// assert_eq!(awsig::Endpoint::parse("http://h")?.scheme(), awsig::Scheme::Http);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host, lowercase (IPv6 addresses in brackets).
    ///
    /// ```
    /// assert_eq!(awsig::Endpoint::parse("http://[::1]:9000")?.host(), "[::1]");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, when it is not the scheme's default.
    ///
    /// ```
    /// assert_eq!(awsig::Endpoint::parse("http://h:80")?.port(), None);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The bucket addressing.
    ///
    /// ```
    /// use awsig::{Addressing, Endpoint};
    /// assert_eq!(Endpoint::aws_s3("us-east-1")?.addressing(), Addressing::VirtualHost);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn addressing(&self) -> Addressing {
        self.addressing
    }
}

/// A bucket name usable as a DNS label under TLS: 3–63 of `a-z 0-9 -`, not
/// starting or ending with `-`. Dotted names are valid S3 buckets but break
/// wildcard certificates, so they go path style.
pub(crate) fn is_virtual_host_bucket(bucket: &str) -> bool {
    let b = bucket.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Splits `host[:port]` (IPv6 hosts in brackets), dropping the scheme's
/// default port.
pub(crate) fn split_authority(
    authority: &str,
    scheme: Scheme,
) -> Result<(&str, Option<u16>), Error> {
    if authority.contains('@') {
        return Err(Error::InvalidUrl("user info is not allowed".into()));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let close = v6
            .find(']')
            .ok_or_else(|| Error::InvalidUrl("unclosed '[' in host".into()))?;
        let host = &authority[..close + 2];
        let rest = &authority[close + 2..];
        if !v6[..close]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err(Error::InvalidUrl("bad IPv6 address".into()));
        }
        match rest {
            "" => (host, None),
            r => match r.strip_prefix(':') {
                Some(p) => (host, Some(p)),
                None => return Err(Error::InvalidUrl("unexpected text after the host".into())),
            },
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(Error::MissingHost);
    }
    if !host.starts_with('[')
        && !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    {
        return Err(Error::InvalidUrl(format!("bad host {host:?}")));
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => {
            let n: u16 = p
                .parse()
                .ok()
                .filter(|&n| n != 0 && p.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| Error::InvalidUrl("bad port".into()))?;
            (n != scheme.default_port()).then_some(n)
        }
    };
    Ok((host, port))
}
