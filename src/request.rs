//! What to sign: method, endpoint, bucket, path, query, headers, payload.

use crate::canonical::path::{EncodedPath, ObjectKey, PathSpec};
use crate::settings::SigningSettings;
use crate::small::any_byte;
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

    fn default_port(self) -> u16 {
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
            return Err(Error::InvalidRegion(region.escape_debug().to_string()));
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
fn is_virtual_host_bucket(bucket: &str) -> bool {
    let b = bucket.as_bytes();
    // Checked on every signature (host and path both depend on it): the
    // byte test runs 16 bytes at a time.
    (3..=63).contains(&b.len())
        && !any_byte(b, |c| {
            !(c.is_ascii_lowercase() | c.is_ascii_digit() | (c == b'-'))
        })
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// The body hash that goes into the canonical request.
///
/// ```
/// use awsig::{Payload, StreamingPayload};
/// let body = Payload::Bytes(b"Welcome to Amazon S3.");
/// let known = Payload::Precomputed("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
/// let later = Payload::Unsigned;
/// let chunked = Payload::Streaming(StreamingPayload::Aws4HmacSha256Payload);
/// # let _ = (body, known, later, chunked);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload<'a> {
    /// The body itself; its SHA-256 is computed.
    Bytes(&'a [u8]),
    /// The hex SHA-256 of the body, computed elsewhere (64 hex digits).
    Precomputed(&'a str),
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// One of the `STREAMING-*` values for chunked uploads.
    Streaming(StreamingPayload),
}

/// The `STREAMING-*` payload values of chunked uploads.
///
/// ```
/// use awsig::StreamingPayload;
/// assert_eq!(StreamingPayload::UnsignedPayloadTrailer.as_str(), "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamingPayload {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
    Aws4HmacSha256Payload,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`
    Aws4HmacSha256PayloadTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`
    UnsignedPayloadTrailer,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`
    Aws4EcdsaP256Sha256Payload,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER`
    Aws4EcdsaP256Sha256PayloadTrailer,
}

impl StreamingPayload {
    /// The literal that goes into the canonical request.
    ///
    /// ```
    /// use awsig::StreamingPayload;
    /// assert_eq!(StreamingPayload::Aws4HmacSha256Payload.as_str(), "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            StreamingPayload::Aws4HmacSha256Payload => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            StreamingPayload::Aws4HmacSha256PayloadTrailer => {
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
            }
            StreamingPayload::UnsignedPayloadTrailer => "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            StreamingPayload::Aws4EcdsaP256Sha256Payload => {
                "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
            }
            StreamingPayload::Aws4EcdsaP256Sha256PayloadTrailer => {
                "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
            }
        }
    }
}

/// `UNSIGNED-PAYLOAD`: the payload hash of a request whose body is not signed
/// (the default for presigned S3 URLs).
///
/// ```
/// use awsig::{Credentials, Endpoint, ObjectKey, Payload, Request, Signer, SigningTime};
/// let e = Endpoint::aws_s3("us-east-1")?;
/// let req = Request::new("PUT", &e).bucket("b").key(ObjectKey::new("k")).payload(Payload::Unsigned);
/// let signer = Signer::new(Credentials::new("AKID", "secret", None)?, "us-east-1", "s3")?;
/// let headers = signer.sign(&req, SigningTime::parse("20240101T000000Z")?)?;
/// assert_eq!(headers.x_amz_content_sha256(), Some(awsig::UNSIGNED_PAYLOAD));
/// # Ok::<(), awsig::Error>(())
/// ```
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// SHA-256 of the empty string: the payload hash of a request without a body.
///
/// ```
/// use sha2::{Digest, Sha256};
/// assert_eq!(awsig::EMPTY_SHA256, hex::encode(Sha256::digest(b"")));
/// ```
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A request to sign. It borrows everything, so building one costs nothing;
/// problems are reported when it is signed.
///
/// The path is given either as an [`ObjectKey`] (text, encoded by the
/// signer) or as an [`EncodedPath`] (sent as is): the type says which, so a
/// key is never encoded twice by accident.
///
/// ```
/// use awsig::{Endpoint, ObjectKey, Payload, Request};
/// let endpoint = Endpoint::aws_s3("us-east-1")?;
/// let headers = [("content-type", "image/jpeg")];
/// let body = b"...jpeg bytes...";
/// let req = Request::new("PUT", &endpoint)
///     .bucket("examplebucket")
///     .key(ObjectKey::new("photos/2024/cat picture.jpg"))
///     .headers(&headers)
///     .payload(Payload::Bytes(body));
/// assert_eq!(req.url_prefix(), "https://examplebucket.s3.amazonaws.com/photos/2024/cat%20picture.jpg");
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub(crate) method: &'a str,
    pub(crate) scheme: Scheme,
    pub(crate) host: &'a str,
    pub(crate) port: Option<u16>,
    pub(crate) addressing: Addressing,
    pub(crate) bucket: Option<&'a str>,
    pub(crate) target: Target<'a>,
    pub(crate) query: &'a str,
    pub(crate) params: &'a [(&'a str, &'a str)],
    pub(crate) headers: &'a [(&'a str, &'a str)],
    pub(crate) payload: Option<Payload<'a>>,
    pub(crate) settings: Option<&'a SigningSettings>,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Target<'a> {
    Key(&'a str),
    Path(&'a str),
}

impl<'a> Request<'a> {
    /// A request for `method` to `endpoint`, path `/`, no query, no headers.
    ///
    /// ```
    /// let e = awsig::Endpoint::parse("http://127.0.0.1:9000")?;
    /// let req = awsig::Request::new("GET", &e);
    /// assert_eq!(req.url_prefix(), "http://127.0.0.1:9000/");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn new(method: &'a str, endpoint: &'a Endpoint) -> Self {
        Request {
            method,
            scheme: endpoint.scheme,
            host: &endpoint.host,
            port: endpoint.port,
            addressing: endpoint.addressing,
            bucket: None,
            target: Target::Key(""),
            query: "",
            params: &[],
            headers: &[],
            payload: None,
            settings: None,
        }
    }

    /// A request for a URL exactly as it goes on the wire: its path and query
    /// are taken as already percent-encoded (`+` in the query is a plus).
    /// The fragment, if any, is dropped.
    ///
    /// ```
    /// let req = awsig::Request::from_url("GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08")?;
    /// assert_eq!(req.url_prefix(), "https://iam.amazonaws.com/");
    /// assert!(awsig::Request::from_url("GET", "/relative").is_err());
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn from_url(method: &'a str, url: &'a str) -> Result<Self, Error> {
        let prefix = |p: &str| {
            url.get(..p.len())
                .filter(|head| head.eq_ignore_ascii_case(p))
                .map(|_| &url[p.len()..])
        };
        let (scheme, rest) = if let Some(rest) = prefix("https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = prefix("http://") {
            (Scheme::Http, rest)
        } else {
            return Err(Error::InvalidUrl(
                "expected an http:// or https:// URL".into(),
            ));
        };
        let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, q),
            None => (rest, ""),
        };
        let (host, port) = split_authority(authority, scheme)?;
        let path = if path.is_empty() { "/" } else { path };
        EncodedPath::new(path)?;
        crate::canonical::query::validate_encoded(query)?;
        Ok(Request {
            method,
            scheme,
            host,
            port,
            addressing: Addressing::PathStyle,
            bucket: None,
            target: Target::Path(path),
            query,
            params: &[],
            headers: &[],
            payload: None,
            settings: None,
        })
    }

    /// The S3 bucket: in the host (virtual-host addressing, when the name
    /// allows it) or as the first path segment (path style).
    ///
    /// ```
    /// use awsig::{Endpoint, ObjectKey, Request};
    /// let e = Endpoint::aws_s3("us-east-1")?;
    /// let dotted = Request::new("GET", &e).bucket("my.bucket").key(ObjectKey::new("k"));
    /// assert_eq!(dotted.url_prefix(), "https://s3.amazonaws.com/my.bucket/k");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn bucket(mut self, bucket: &'a str) -> Self {
        self.bucket = Some(bucket);
        self
    }

    /// The object key, as text; the signer encodes it once.
    ///
    /// ```
    /// use awsig::{Endpoint, ObjectKey, Request};
    /// let e = Endpoint::parse("http://localhost:9000")?;
    /// let req = Request::new("GET", &e).bucket("b").key(ObjectKey::new("a/../b c.txt"));
    /// assert_eq!(req.url_prefix(), "http://localhost:9000/b/a/../b%20c.txt");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn key(mut self, key: ObjectKey<'a>) -> Self {
        self.target = Target::Key(key.as_str());
        self
    }

    /// The path, already encoded; sent as given.
    ///
    /// ```
    /// use awsig::{EncodedPath, Endpoint, Request};
    /// let e = Endpoint::parse("https://example.amazonaws.com")?;
    /// let req = Request::new("GET", &e).path(EncodedPath::new("/a%20b")?);
    /// assert_eq!(req.url_prefix(), "https://example.amazonaws.com/a%20b");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn path(mut self, path: EncodedPath<'a>) -> Self {
        self.target = Target::Path(path.as_str());
        self
    }

    /// A query string as on the wire (`a=1&b=x%20y`); kept in addition to
    /// [`Request::params`]. Checked when signing.
    ///
    /// ```
    /// let e = awsig::Endpoint::aws_s3("us-east-1")?;
    /// let req = awsig::Request::new("GET", &e).bucket("examplebucket").query("max-keys=2&prefix=J");
    /// # let _ = req;
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn query(mut self, encoded_query: &'a str) -> Self {
        self.query = encoded_query;
        self
    }

    /// Query parameters as text (`("response-content-disposition",
    /// "attachment; filename=\"a b.pdf\"")`); the signer encodes them.
    ///
    /// ```
    /// use awsig::{Endpoint, ObjectKey, Request};
    /// let e = Endpoint::aws_s3("us-east-1")?;
    /// let params = [("partNumber", "1"), ("uploadId", "VXBsb2FkIElE")];
    /// let req = Request::new("PUT", &e).bucket("b1").key(ObjectKey::new("big.bin")).params(&params);
    /// # let _ = req;
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn params(mut self, params: &'a [(&'a str, &'a str)]) -> Self {
        self.params = params;
        self
    }

    /// Headers to sign, as `(name, value)` pairs; repeated names allowed.
    /// `host` is signed always; if absent it is taken from the URL.
    ///
    /// ```
    /// let e = awsig::Endpoint::aws_s3("us-east-1")?;
    /// let headers = [("x-amz-meta-owner", "alice"), ("content-type", "text/plain")];
    /// let req = awsig::Request::new("PUT", &e).headers(&headers);
    /// # let _ = req;
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = headers;
        self
    }

    /// The payload. Without one, header signing hashes an empty body, and
    /// presigning uses `UNSIGNED-PAYLOAD` under the S3 settings.
    ///
    /// ```
    /// let e = awsig::Endpoint::aws_s3("us-east-1")?;
    /// let req = awsig::Request::new("PUT", &e).payload(awsig::Payload::Unsigned);
    /// # let _ = req;
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn payload(mut self, payload: Payload<'a>) -> Self {
        self.payload = Some(payload);
        self
    }

    /// Rules for this request only, instead of the signer's.
    ///
    /// ```
    /// let e = awsig::Endpoint::parse("https://execute-api.us-east-1.amazonaws.com")?;
    /// let generic = awsig::SigningSettings::generic();
    /// let req = awsig::Request::new("GET", &e).settings(&generic);
    /// # let _ = req;
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn settings(mut self, settings: &'a SigningSettings) -> Self {
        self.settings = Some(settings);
        self
    }

    /// `scheme://host[:port]/path` as it will be sent (no query).
    ///
    /// ```
    /// let e = awsig::Endpoint::aws_s3("eu-west-1")?;
    /// let req = awsig::Request::new("GET", &e).bucket("bucket1").key(awsig::ObjectKey::new("x y"));
    /// assert_eq!(req.url_prefix(), "https://bucket1.s3.eu-west-1.amazonaws.com/x%20y");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn url_prefix(&self) -> String {
        let mut host = crate::small::SmallBuf::<128>::new();
        let spec = self.write_host_for_path(&mut host);
        let path_len = match self.target {
            Target::Key(k) | Target::Path(k) => k.len(),
        };
        // Worst case: every byte of bucket and key %-encoded.
        let mut out = Vec::with_capacity(
            16 + host.as_bytes().len() + 3 * (self.bucket.map_or(0, str::len) + path_len),
        );
        self.write_origin_with_host(&mut out, host.as_bytes());
        crate::canonical::path::write_wire(&mut out, &spec);
        crate::signer::into_string(out)
    }

    pub(crate) fn virtual_host_bucket(&self) -> Option<&'a str> {
        self.bucket
            .filter(|b| self.addressing == Addressing::VirtualHost && is_virtual_host_bucket(b))
    }

    /// The path, for the bucket [`Self::virtual_host_bucket`] returned.
    fn path_spec_for(&self, virtual_host_bucket: Option<&str>) -> PathSpec<'a> {
        let bucket = if virtual_host_bucket.is_some() {
            None
        } else {
            self.bucket
        };
        match self.target {
            Target::Key(key) => PathSpec::Object { bucket, key },
            Target::Path(path) => PathSpec::Encoded { bucket, path },
        }
    }

    /// Writes the `Host` header value and returns the path: the signers
    /// need both, and both depend on the bucket check, done once here.
    pub(crate) fn write_host_for_path<S: crate::canonical::encode::Sink + ?Sized>(
        &self,
        sink: &mut S,
    ) -> PathSpec<'a> {
        let bucket = self.virtual_host_bucket();
        self.write_host_with(sink, bucket);
        self.path_spec_for(bucket)
    }

    /// Writes the `Host` header value: `[bucket.]host[:port]`, lowercase.
    fn write_host_with<S: crate::canonical::encode::Sink + ?Sized>(
        &self,
        sink: &mut S,
        virtual_host_bucket: Option<&str>,
    ) {
        if let Some(b) = virtual_host_bucket {
            sink.put_str(b);
            sink.put(b".");
        }
        crate::canonical::headers::write_name(sink, self.host);
        if let Some(port) = self.port {
            sink.put(b":");
            sink.put_decimal(u64::from(port));
        }
    }

    /// Writes `scheme://` and the host text written by
    /// [`Self::write_host_for_path`].
    pub(crate) fn write_origin_with_host<S: crate::canonical::encode::Sink + ?Sized>(
        &self,
        sink: &mut S,
        host: &[u8],
    ) {
        sink.put_str(self.scheme.as_str());
        sink.put(b"://");
        sink.put(host);
    }

    /// Checks what can only be checked once the request is complete.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if !crate::canonical::headers::is_token(self.method) {
            return Err(Error::InvalidMethod(self.method.escape_debug().to_string()));
        }
        if let Some(b) = self.bucket {
            if b.is_empty() || any_byte(b.as_bytes(), |c| (c == b'/') | c.is_ascii_control()) {
                return Err(Error::InvalidBucket(b.escape_debug().to_string()));
            }
        }
        if let Target::Path(p) = self.target {
            EncodedPath::new(p)?;
        }
        crate::canonical::query::validate_encoded(self.query)
    }
}

fn split_authority(authority: &str, scheme: Scheme) -> Result<(&str, Option<u16>), Error> {
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
        return Err(Error::InvalidUrl(format!(
            "bad host {:?}",
            host.escape_debug().to_string()
        )));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parsing() {
        let r = Request::from_url("GET", "HTTPS://Example.COM:443/a%20b?x=1#frag").unwrap();
        assert_eq!(r.url_prefix(), "https://example.com/a%20b");
        assert_eq!(r.query, "x=1");
        let r = Request::from_url("GET", "http://127.0.0.1:9000").unwrap();
        assert_eq!(r.url_prefix(), "http://127.0.0.1:9000/");
        let r = Request::from_url("GET", "http://[::1]:8080/x?").unwrap();
        assert_eq!(r.url_prefix(), "http://[::1]:8080/x");
        for bad in [
            "example.com/x",
            "https://",
            "https:///x",
            "https://u:p@host/",
            "https://host:99999/",
            "https://host:+80/",
            "https://host:0/",
            "https:/é/x",
            "http:/é",
            "é",
            "https://ho st/",
            "https://[::1/",
            "https://[::1]x/",
            "https://host/a\nb",
            "https://host/%zz",
            "https://host/?a=\r",
        ] {
            assert!(Request::from_url("GET", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn addressing() {
        let aws = Endpoint::aws_s3("us-west-2").unwrap();
        let r = Request::new("GET", &aws)
            .bucket("bucket")
            .key(ObjectKey::new("k"));
        assert_eq!(
            r.url_prefix(),
            "https://bucket.s3.us-west-2.amazonaws.com/k"
        );
        for path_style_bucket in ["my.bucket", "My-Bucket", "b_1", "ab", "-ab"] {
            let r = Request::new("GET", &aws)
                .bucket(path_style_bucket)
                .key(ObjectKey::new("k"));
            assert_eq!(
                r.url_prefix(),
                format!("https://s3.us-west-2.amazonaws.com/{path_style_bucket}/k"),
            );
        }
        let minio = Endpoint::parse("http://localhost:9000").unwrap();
        let r = Request::new("GET", &minio)
            .bucket("bucket")
            .key(ObjectKey::new(""));
        assert_eq!(r.url_prefix(), "http://localhost:9000/bucket");
        let vh = minio.clone().with_addressing(Addressing::VirtualHost);
        let r = Request::new("GET", &vh)
            .bucket("bucket")
            .key(ObjectKey::new("a b"));
        assert_eq!(r.url_prefix(), "http://bucket.localhost:9000/a%20b");
    }

    #[test]
    fn bucket_applies_to_every_kind_of_path() {
        let aws = Endpoint::aws_s3("us-east-1").unwrap();
        let minio = Endpoint::parse("http://localhost:9000").unwrap();
        let p = EncodedPath::new("/a%20b").unwrap();
        let cases = [
            (
                Request::new("GET", &aws).bucket("bucket"),
                "https://bucket.s3.amazonaws.com/",
            ),
            (
                Request::new("GET", &minio).bucket("bucket"),
                "http://localhost:9000/bucket",
            ),
            (
                Request::new("GET", &aws).bucket("bucket").path(p),
                "https://bucket.s3.amazonaws.com/a%20b",
            ),
            (
                Request::new("GET", &minio).bucket("bucket").path(p),
                "http://localhost:9000/bucket/a%20b",
            ),
            (
                Request::new("GET", &aws).bucket("a.b").path(p),
                "https://s3.amazonaws.com/a.b/a%20b",
            ),
            (Request::new("GET", &aws), "https://s3.amazonaws.com/"),
        ];
        for (req, url) in cases {
            assert_eq!(req.url_prefix(), url);
        }
    }

    #[test]
    fn validation() {
        let e = Endpoint::aws_s3("us-east-1").unwrap();
        assert!(Request::new("", &e).validate().is_err());
        assert!(Request::new("GE T", &e).validate().is_err());
        assert!(Request::new("GET", &e).bucket("").validate().is_err());
        assert!(Request::new("GET", &e).bucket("a/b").validate().is_err());
        assert!(Request::new("GET", &e).query("a=\n").validate().is_err());
        assert!(Endpoint::aws_s3("us east").is_err());
        assert!(Endpoint::aws_s3("US-EAST-1").is_err());
        assert!(Endpoint::parse("http://localhost:0").is_err());
        assert!(Endpoint::parse("https://u@host").is_err());
        assert!(Endpoint::parse("https://host?x").is_err());
        assert!(Endpoint::parse("not a url").is_err());
    }
}
