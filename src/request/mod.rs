//! What to sign: method, endpoint ([`endpoint`]), bucket, path, query,
//! headers, payload ([`payload`]).

pub(crate) mod endpoint;
pub(crate) mod payload;

use crate::canonical::path::{self, EncodedPath, ObjectKey, PathSpec};
use crate::canonical::{headers, query};
use crate::settings::SigningSettings;
use crate::sink::{Sink, StackBuf};
use crate::Error;
use endpoint::{is_virtual_host_bucket, split_authority, Addressing, Endpoint, Scheme};
use payload::Payload;

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
            scheme: endpoint.scheme(),
            host: endpoint.host(),
            port: endpoint.port(),
            addressing: endpoint.addressing(),
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
        query::validate_encoded(query)?;
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
        let (host, path) = self.host_and_path();
        let mut out = String::with_capacity(host.len() + 200);
        self.write_origin(&mut out, host.as_bytes());
        path::write_wire(&mut out, &path);
        out
    }

    /// The bucket, when it goes in the host.
    fn virtual_host_bucket(&self) -> Option<&'a str> {
        self.bucket
            .filter(|b| self.addressing == Addressing::VirtualHost && is_virtual_host_bucket(b))
    }

    /// The `Host` header value, `[bucket.]host[:port]` in lowercase, and
    /// the path: both depend on where the bucket goes.
    pub(crate) fn host_and_path(&self) -> (StackBuf<128>, PathSpec<'a>) {
        let in_host = self.virtual_host_bucket();
        let mut host = StackBuf::new();
        if let Some(b) = in_host {
            host.put_lowercase(b.as_bytes());
            host.put(b".");
        }
        host.put_lowercase(self.host.as_bytes());
        if let Some(port) = self.port {
            host.put(b":");
            host.put_decimal(u64::from(port));
        }
        let bucket = if in_host.is_some() { None } else { self.bucket };
        let path = match self.target {
            Target::Key(key) => PathSpec::Object { bucket, key },
            Target::Path(path) => PathSpec::Encoded { bucket, path },
        };
        (host, path)
    }

    /// The length of `scheme://host`.
    pub(crate) fn origin_len(&self, host: &StackBuf<128>) -> usize {
        self.scheme.as_str().len() + 3 + host.len()
    }

    /// Writes `scheme://host`, for the host [`Self::host_and_path`] returned.
    pub(crate) fn write_origin<S: Sink + ?Sized>(&self, sink: &mut S, host: &[u8]) {
        sink.put_str(self.scheme.as_str());
        sink.put(b"://");
        sink.put(host);
    }

    /// The length of the bucket and the key or path, before encoding.
    pub(crate) fn url_path_len(&self) -> usize {
        let (Target::Key(t) | Target::Path(t)) = self.target;
        self.bucket.map_or(0, str::len) + 1 + t.len()
    }

    /// Checks what can only be checked once the request is complete.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if !headers::is_token(self.method) {
            return Err(Error::InvalidMethod(self.method.to_string()));
        }
        if let Some(b) = self.bucket {
            if b.is_empty() || b.bytes().any(|c| c == b'/' || c.is_ascii_control()) {
                return Err(Error::InvalidBucket(b.to_string()));
            }
        }
        if let Target::Path(p) = self.target {
            EncodedPath::new(p)?;
        }
        query::validate_encoded(self.query)
    }
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
