//! End-to-end tests against a real S3-compatible server that verifies
//! signatures: s3s-fs, started by `scripts/e2e.sh` (which exports
//! `AWSIG_E2E_ENDPOINT` and friends and then runs `cargo test --all-features`).
//!
//! Outside that script these tests are skipped with a loud message; under
//! `CI` they fail instead, so CI can never pass them silently.
//!
//! Every request goes over real HTTP (ureq) to the server, which recomputes
//! the signature itself: a PUT that the server stores and a GET that returns
//! the same bytes prove that awsig signed what was sent. Keys are also checked
//! server side with ListObjectsV2, so a double-encoded key (which would still
//! round-trip) is caught.
//!
//! Known quirks of s3s-fs 0.14.1, designed around:
//! - it accepts any region, so region mismatches are not tested here;
//! - some refusals carry another code than AWS's (500 InternalError for a
//!   body that does not match its signed hash, 400 InvalidPolicyDocument for
//!   a failed POST policy condition, RequestTimeTooSkewed for a POST signed
//!   an hour ago): refusals assert "not 2xx, object unchanged or absent" and
//!   a code from a set (AWS's and the one s3s-fs gives), and print the codes;
//! - its filesystem backend stores keys as paths: `.`/`..`/empty segments are
//!   resolved (the keys alias), a key ending in `/` is a directory (no body
//!   allowed), and the metadata file name limits keys to about 150 bytes.
//!   Those keys are checked for exactly what the server does with them, and
//!   their signatures are proven by a one-digit signature change turning the
//!   answer into SignatureDoesNotMatch;
//! - it lists a bucket by walking its whole directory and fails if a file
//!   disappears meanwhile, so tests that list use a bucket of their own;
//! - it does not replace `${filename}` in POST keys;
//! - it closes the connection after some refusals, so every request uses a
//!   fresh connection.
//!
//! `*.localhost` is resolved to 127.0.0.1 by the test's HTTP client (libc
//! may not resolve it); the Host header stays `BUCKET.localhost:PORT`.
//!
//! Tests use unique key prefixes (and buckets), so they run in parallel.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use awsig::{
    Addressing, Credentials, Endpoint, ObjectKey, Payload, PostForm, PostPolicy, Request, Signer,
    SigningTime,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

const REGION: &str = "us-east-1";

/// Query encoding written here, independently of awsig: everything but
/// `A-Z a-z 0-9 - _ . ~` as `%XX`.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

// ---------------------------------------------------------------------------
// Environment

struct Env {
    agent: ureq::Agent,
    /// `http://localhost:PORT`, virtual-host addressing: `BUCKET.localhost:PORT`.
    vhost: Endpoint,
    /// `http://127.0.0.1:PORT`, path style.
    path: Endpoint,
    /// `AWSIG_E2E_ENDPOINT` and `AWSIG_E2E_DOMAIN` as given.
    endpoint_url: String,
    domain: String,
    bucket: String,
    path_bucket: String,
    signer: Signer,
    /// Same access key, another secret.
    wrong_secret: Signer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    VirtualHost,
    PathStyle,
}

const STYLES: [Style; 2] = [Style::VirtualHost, Style::PathStyle];

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

fn env() -> Option<&'static Env> {
    static ENV: OnceLock<Option<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let Ok(endpoint) = std::env::var("AWSIG_E2E_ENDPOINT") else {
            if ci() {
                panic!("e2e must run via scripts/e2e.sh in CI (AWSIG_E2E_ENDPOINT is not set)");
            }
            // Straight to stderr: the test harness captures `eprintln!` of
            // passing tests, and this must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** E2E SKIPPED: run scripts/e2e.sh (AWSIG_E2E_ENDPOINT is not set) ***\n"
            );
            return None;
        };
        let var = |name: &str| {
            std::env::var(name)
                .unwrap_or_else(|_| panic!("{name} must be set with AWSIG_E2E_ENDPOINT"))
        };
        let path = Endpoint::parse(&endpoint).expect("AWSIG_E2E_ENDPOINT");
        let domain = var("AWSIG_E2E_DOMAIN");
        let vhost = Endpoint::parse(&format!("http://{domain}"))
            .expect("AWSIG_E2E_DOMAIN")
            .with_addressing(Addressing::VirtualHost);
        let akid = var("AWSIG_E2E_ACCESS_KEY");
        let secret = var("AWSIG_E2E_SECRET_KEY");
        let signer = |secret: &str| {
            Signer::new(Credentials::new(&akid, secret, None).unwrap(), REGION, "s3").unwrap()
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            // A fresh connection per request: s3s-fs closes the connection
            // after some refusals, and a pooled one would then fail the next
            // request with "Peer disconnected".
            .max_idle_connections(0)
            .timeout_global(Some(Duration::from_secs(30)))
            .build();
        Some(Env {
            agent: ureq::Agent::with_parts(config, DefaultConnector::new(), LocalResolver),
            vhost,
            path: path.with_addressing(Addressing::PathStyle),
            endpoint_url: endpoint.trim_end_matches('/').to_string(),
            domain,
            bucket: var("AWSIG_E2E_BUCKET"),
            path_bucket: var("AWSIG_E2E_PATH_BUCKET"),
            signer: signer(&secret),
            wrong_secret: signer(&format!("{secret}X")),
        })
    })
    .as_ref()
}

/// `*.localhost` does not resolve through this machine's libc, so names under
/// `localhost` are resolved here to 127.0.0.1 (where the server listens); the
/// URL, and so the `Host` header the server sees, stays `BUCKET.localhost:PORT`.
#[derive(Debug)]
struct LocalResolver;

impl Resolver for LocalResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or("");
        let local = host == "localhost" || host.ends_with(".localhost") || host == "127.0.0.1";
        let Some(port) = uri.port_u16().filter(|_| local) else {
            return Err(ureq::Error::HostNotFound);
        };
        let mut addrs = self.empty();
        addrs.push(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)));
        Ok(addrs)
    }
}

// ---------------------------------------------------------------------------
// HTTP

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The S3 error code of the XML body, else `HTTP <status>` (HEAD has no body).
    fn code(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        match (text.find("<Code>"), text.find("</Code>")) {
            (Some(a), Some(b)) if a + 6 <= b => text[a + 6..b].to_string(),
            _ => format!("HTTP {}", self.status),
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} {}: {}",
            self.status,
            self.code(),
            String::from_utf8_lossy(&self.body)
        )
    }
}

impl Env {
    fn send(&self, method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Resp {
        let mut builder = ureq::http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let result = match body {
            Some(body) => self.agent.run(builder.body(body.to_vec()).unwrap()),
            None => self.agent.run(builder.body(()).unwrap()),
        };
        let mut response = result.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap_or_else(|e| panic!("{method} {url}: reading the body: {e}"));
        Resp {
            status,
            headers,
            body,
        }
    }

    fn endpoint(&self, style: Style) -> (&Endpoint, &str) {
        match style {
            Style::VirtualHost => (&self.vhost, &self.bucket),
            Style::PathStyle => (&self.path, &self.path_bucket),
        }
    }
}

fn now() -> SigningTime {
    SigningTime::now().unwrap()
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// How a request carries its signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// `Authorization` header.
    Header,
    /// Presigned URL (query parameters).
    Presigned,
}

const MODES: [Mode; 2] = [Mode::Header, Mode::Presigned];

/// A signed request, exactly as it will be sent.
#[derive(Clone, Debug)]
struct Signed {
    method: &'static str,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl Signed {
    /// Sends the request; when s3s-fs accepts it, awsig's verifier must
    /// accept exactly the same request too (every request of this suite is
    /// thereby also a verification round trip against a real server).
    fn send(&self, env: &Env) -> Resp {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let ours = self.awsig_verdict(env);
        let resp = env.send(self.method, &self.url, &headers, self.body.as_deref());
        if resp.ok() {
            if let Err(e) = ours {
                panic!("s3s-fs accepted a request awsig's verifier refuses: {e}\n{self:?}");
            }
        }
        resp
    }

    /// awsig's verdict on the request as it goes on the wire (the `Host`
    /// header is the URL's authority, as the HTTP client sends it).
    fn awsig_verdict(&self, env: &Env) -> Result<(), awsig::VerifyError> {
        let rest = self.url.split_once("://").map_or(&self.url[..], |(_, r)| r);
        let (authority, target) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let mut headers: Vec<(&str, &str)> = vec![("host", authority)];
        headers.extend(self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let request = awsig::IncomingRequest::new(self.method, target, &headers)?;
        let verified = awsig::Verifier::new(REGION, "s3")
            .expect("verifier")
            .parse(&request, now())?
            .verify(env.signer.credentials())?;
        if let awsig::PayloadCheck::Sha256(mut hasher) = verified.into_payload() {
            hasher.update(self.body.as_deref().unwrap_or_default());
            hasher.finish()?;
        }
        Ok(())
    }

    /// The same request with the last hex digit of its signature changed
    /// (in the `Authorization` header, or `X-Amz-Signature` in the URL).
    fn with_bad_signature(&self) -> Signed {
        let mut out = self.clone();
        if let Some(auth) = out.headers.iter_mut().find(|(n, _)| n == "authorization") {
            auth.1 = flip_last_hex_digit(&auth.1);
        } else {
            let at = out.url.find("X-Amz-Signature=").expect("a presigned URL") + 16;
            let end = out.url[at..].find('&').map_or(out.url.len(), |e| at + e);
            let flipped = flip_last_hex_digit(&out.url[at..end]);
            out.url.replace_range(at..end, &flipped);
        }
        out
    }

    /// The same request with header `name` set to `value` (replaced or added).
    fn with_header(&self, name: &str, value: &str) -> Signed {
        let mut out = self.clone();
        out.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        out.headers.push((name.to_string(), value.to_string()));
        out
    }

    fn without_header(&self, name: &str) -> Signed {
        let mut out = self.clone();
        out.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        out
    }

    fn with_url(&self, url: String) -> Signed {
        Signed {
            url,
            ..self.clone()
        }
    }

    fn with_body(&self, body: &[u8]) -> Signed {
        Signed {
            body: Some(body.to_vec()),
            ..self.clone()
        }
    }
}

fn flip_last_hex_digit(s: &str) -> String {
    let mut bytes = s.as_bytes().to_vec();
    let last = bytes.last_mut().expect("non-empty signature");
    assert!(last.is_ascii_hexdigit(), "{s} does not end in a hex digit");
    *last = if *last == b'0' { b'1' } else { b'0' };
    String::from_utf8(bytes).unwrap()
}

/// `k=v&...` with the test's own strict encoding, in the given order.
fn encode_query(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, STRICT),
                utf8_percent_encode(v, STRICT)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// One object of one test: a key in a bucket, addressed in one style.
#[derive(Clone, Copy)]
struct Obj<'a> {
    env: &'a Env,
    style: Style,
    bucket: &'a str,
    key: &'a str,
}

/// A request to sign for an [`Obj`]; defaults: no headers, no query, no
/// body, the right secret, signed now, payload signed (header mode),
/// presigned URLs valid 5 minutes.
#[derive(Clone, Copy)]
struct Call<'a> {
    obj: Obj<'a>,
    mode: Mode,
    method: &'static str,
    headers: &'a [(&'a str, &'a str)],
    params: &'a [(&'a str, &'a str)],
    body: Option<&'a [u8]>,
    unsigned_payload: bool,
    signer: Option<&'a Signer>,
    time: Option<SigningTime>,
    expires: u64,
}

impl<'a> Call<'a> {
    fn headers(self, headers: &'a [(&'a str, &'a str)]) -> Self {
        Call { headers, ..self }
    }
    fn params(self, params: &'a [(&'a str, &'a str)]) -> Self {
        Call { params, ..self }
    }
    fn body(self, body: &'a [u8]) -> Self {
        Call {
            body: Some(body),
            ..self
        }
    }
    fn unsigned_payload(self) -> Self {
        Call {
            unsigned_payload: true,
            ..self
        }
    }
    fn signer(self, signer: &'a Signer) -> Self {
        Call {
            signer: Some(signer),
            ..self
        }
    }
    fn time(self, time: SigningTime) -> Self {
        Call {
            time: Some(time),
            ..self
        }
    }
    fn expires(self, expires: u64) -> Self {
        Call { expires, ..self }
    }

    fn sign(&self) -> Signed {
        let env = self.obj.env;
        let (endpoint, _) = env.endpoint(self.obj.style);
        let mut req = Request::new(self.method, endpoint)
            .bucket(self.obj.bucket)
            .key(ObjectKey::new(self.obj.key))
            .params(self.params)
            .headers(self.headers);
        let signer = self.signer.unwrap_or(&env.signer);
        let time = self.time.unwrap_or_else(now);
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let url = match self.mode {
            Mode::Header => {
                let body = self.body.unwrap_or(b"");
                req = req.payload(if self.unsigned_payload {
                    Payload::Unsigned
                } else {
                    Payload::Bytes(body)
                });
                let signed = signer.sign(&req, time).unwrap();
                headers.extend(
                    signed
                        .headers()
                        .map(|(n, v)| (n.to_string(), v.to_string())),
                );
                if self.params.is_empty() {
                    req.url_prefix()
                } else {
                    format!("{}?{}", req.url_prefix(), encode_query(self.params))
                }
            }
            Mode::Presigned => signer
                .presign(&req, time, Duration::from_secs(self.expires))
                .unwrap()
                .into_string(),
        };
        Signed {
            method: self.method,
            url,
            headers,
            body: self.body.map(<[u8]>::to_vec),
        }
    }

    fn send(&self) -> Resp {
        self.sign().send(self.obj.env)
    }
}

impl<'a> Obj<'a> {
    /// `key` in the shared bucket of `style`.
    fn new(env: &'a Env, style: Style, key: &'a str) -> Self {
        let bucket = env.endpoint(style).1;
        Obj {
            env,
            style,
            bucket,
            key,
        }
    }

    fn in_bucket(env: &'a Env, style: Style, bucket: &'a str, key: &'a str) -> Self {
        Obj {
            env,
            style,
            bucket,
            key,
        }
    }

    fn call(self, mode: Mode, method: &'static str) -> Call<'a> {
        Call {
            obj: self,
            mode,
            method,
            headers: &[],
            params: &[],
            body: None,
            unsigned_payload: false,
            signer: None,
            time: None,
            expires: 300,
        }
    }

    /// The URL of this object's key, unsigned.
    fn url(&self) -> String {
        let (endpoint, _) = self.env.endpoint(self.style);
        Request::new("GET", endpoint)
            .bucket(self.bucket)
            .key(ObjectKey::new(self.key))
            .url_prefix()
    }

    fn get(&self) -> Resp {
        self.call(Mode::Header, "GET").send()
    }

    /// Puts `body` with a valid header signature; panics unless accepted.
    fn put_ok(&self, body: &[u8]) {
        let r = self.call(Mode::Header, "PUT").body(body).send();
        assert!(r.ok(), "PUT {:?}: {}", self.key, r.describe());
    }

    /// The object's bytes, or `None` when it does not exist (404 NoSuchKey).
    fn contents(&self) -> Option<Vec<u8>> {
        let r = self.get();
        match r.status {
            200 => Some(r.body),
            404 => {
                assert_eq!(r.code(), "NoSuchKey", "GET {:?}", self.key);
                None
            }
            _ => panic!("GET {:?}: {}", self.key, r.describe()),
        }
    }
}

/// Keys (under `prefix/`) that S3 and s3s-fs store as written: reserved
/// characters, percent signs, unicode, a long key.
fn plain_keys(prefix: &str) -> Vec<String> {
    let names = [
        "space key.txt",
        "plus+sign",
        "equals=sign",
        "amper&sand",
        "question?mark",
        "hash#tag",
        "per%cent",
        "literal%20not-a-space",
        "tilde~",
        "paren(the)ses",
        "bang!",
        "star*",
        "quote'",
        "at@sign",
        "colon:",
        "comma,",
        "semi;colon",
        "dollar$",
        "unicode é 日本語 🚀",
        "all +=&?#%~()!*'@:,;$ together",
    ];
    let mut keys: Vec<String> = names.iter().map(|n| format!("{prefix}/{n}")).collect();
    // About as long as s3s-fs can store (see `long_key_is_signed_whole`).
    keys.push(long_key(prefix, 128));
    keys
}

/// A key of exactly `len` bytes under `prefix/`, in segments of at most 200
/// bytes (the filesystem backend stores each segment as a path component,
/// limited to 255 bytes).
fn long_key(prefix: &str, len: usize) -> String {
    let mut key = format!("{prefix}/long-");
    let mut segment = "long-".len();
    while key.len() < len {
        if segment >= 200 && key.len() + 1 < len {
            key.push('/');
            segment = 0;
        } else {
            key.push(char::from(b'a' + (key.len() % 26) as u8));
            segment += 1;
        }
    }
    assert_eq!(key.len(), len);
    key
}

/// A bucket of the test's own, `t-NAME`, created empty (CreateBucket,
/// header-signed, path style; emptied if a previous run left it).
fn own_bucket(env: &Env, name: &str) -> String {
    let bucket = format!("t-{name}").to_lowercase();
    assert!(bucket.len() <= 63, "{bucket}");
    let o = Obj::in_bucket(env, Style::PathStyle, &bucket, "");
    let r = o.call(Mode::Header, "PUT").body(b"").send();
    if r.status != 200 {
        // s3s-fs answers BucketAlreadyExists where S3 says BucketAlreadyOwnedByYou.
        assert!(
            ["BucketAlreadyExists", "BucketAlreadyOwnedByYou"].contains(&&*r.code()),
            "CreateBucket {bucket}: {}",
            r.describe()
        );
        for key in list(env, Style::PathStyle, &bucket, "") {
            let r = Obj::in_bucket(env, Style::PathStyle, &bucket, &key)
                .call(Mode::Header, "DELETE")
                .send();
            assert_eq!(r.status, 204, "{}", r.describe());
        }
    }
    bucket
}

/// The keys the server lists under `prefix` (ListObjectsV2, header-signed).
///
/// s3s-fs walks the whole bucket directory to list it, and fails (500) when a
/// file disappears under it: tests that list use a bucket of their own.
fn list(env: &Env, style: Style, bucket: &str, prefix: &str) -> BTreeSet<String> {
    let (endpoint, _) = env.endpoint(style);
    let params = [("list-type", "2"), ("prefix", prefix)];
    let req = Request::new("GET", endpoint).bucket(bucket).params(&params);
    let signed = env.signer.sign(&req, now()).unwrap();
    let url = format!(
        "{}?list-type=2&prefix={}",
        req.url_prefix(),
        utf8_percent_encode(prefix, STRICT)
    );
    let headers: Vec<(&str, &str)> = signed.headers().collect();
    let r = env.send("GET", &url, &headers, None);
    assert_eq!(r.status, 200, "list {prefix:?}: {}", r.describe());
    let text = String::from_utf8(r.body).unwrap();
    let mut keys = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("<Key>") {
        let end = rest[start..].find("</Key>").unwrap() + start;
        keys.insert(xml_unescape(&rest[start + 5..end]));
        rest = &rest[end..];
    }
    keys
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Asserts a rejection: not 2xx, and the S3 error code one of `codes`.
/// Returns the code seen.
#[track_caller]
fn assert_rejected(what: &str, r: &Resp, codes: &[&str]) -> String {
    let code = r.code();
    assert!(
        !r.ok() && codes.contains(&code.as_str()),
        "{what}: expected a rejection with one of {codes:?}, got {}",
        r.describe()
    );
    eprintln!("{what}: rejected, {} {code}", r.status);
    code
}

/// Different content for every key: the key itself, then every byte value.
fn body_for(key: &str, round: &str) -> Vec<u8> {
    let mut body = format!("{round} body of {key}\n").into_bytes();
    body.extend(0..=255u8);
    body
}

// ---------------------------------------------------------------------------
// Keys: PUT, GET, HEAD, DELETE, signed in the header or presigned.

fn round_trip_keys(style: Style, mode: Mode) {
    let Some(env) = env() else { return };
    let prefix = format!("keys-{mode:?}-{style:?}").to_lowercase();
    let bucket = own_bucket(env, &prefix);
    let keys = plain_keys(&prefix);
    let meta = [
        ("content-type", "text/x-awsig; charset=utf-8"),
        ("x-amz-meta-owner", "alice"),
        ("x-amz-meta-note", "spaces  inside   kept"),
    ];
    for key in &keys {
        let o = Obj::in_bucket(env, style, &bucket, key);
        let body = body_for(key, "first");
        let r = o.call(mode, "PUT").headers(&meta).body(&body).send();
        assert_eq!(r.status, 200, "{mode:?} PUT {key:?}: {}", r.describe());

        let r = o.call(mode, "GET").send();
        assert_eq!(r.status, 200, "{mode:?} GET {key:?}: {}", r.describe());
        assert!(
            r.body == body,
            "{mode:?} GET {key:?}: other bytes came back"
        );
        assert_eq!(r.header("content-type"), Some(meta[0].1), "{key:?}");
        assert_eq!(r.header("x-amz-meta-owner"), Some("alice"), "{key:?}");
        assert_eq!(
            r.header("x-amz-meta-note"),
            Some("spaces  inside   kept"),
            "{key:?}"
        );

        let r = o.call(mode, "HEAD").send();
        assert_eq!(r.status, 200, "{mode:?} HEAD {key:?}: {}", r.describe());
        assert_eq!(r.header("content-length"), Some(&*body.len().to_string()));
        assert_eq!(r.header("x-amz-meta-owner"), Some("alice"), "{key:?}");

        if mode == Mode::Header {
            // Overwrite with an UNSIGNED-PAYLOAD body.
            let body = body_for(key, "unsigned");
            let headers = [("content-type", "application/x-unsigned")];
            let r = o
                .call(mode, "PUT")
                .headers(&headers)
                .body(&body)
                .unsigned_payload()
                .send();
            assert_eq!(r.status, 200, "unsigned PUT {key:?}: {}", r.describe());
            let r = o.call(mode, "GET").send();
            assert!(r.body == body, "GET {key:?} after an unsigned PUT");
            assert_eq!(r.header("content-type"), Some("application/x-unsigned"));
        }
    }

    // The server stored every key as written: not encoded twice, not decoded
    // (a double-encoded key would still round-trip, but not list like this).
    let expected: BTreeSet<String> = keys.iter().cloned().collect();
    assert_eq!(list(env, style, &bucket, &format!("{prefix}/")), expected);

    for key in &keys {
        let o = Obj::in_bucket(env, style, &bucket, key);
        let r = o.call(mode, "DELETE").send();
        assert_eq!(r.status, 204, "{mode:?} DELETE {key:?}: {}", r.describe());
        let r = o.call(mode, "GET").send();
        assert_eq!((r.status, r.code()), (404, "NoSuchKey".into()), "{key:?}");
        let r = o.call(mode, "HEAD").send();
        assert_eq!(r.status, 404, "HEAD {key:?} after DELETE");
    }
    assert!(list(env, style, &bucket, &format!("{prefix}/")).is_empty());
}

#[test]
fn keys_header_signed_virtual_host() {
    round_trip_keys(Style::VirtualHost, Mode::Header);
}

#[test]
fn keys_header_signed_path_style() {
    round_trip_keys(Style::PathStyle, Mode::Header);
}

#[test]
fn keys_presigned_virtual_host() {
    round_trip_keys(Style::VirtualHost, Mode::Presigned);
}

#[test]
fn keys_presigned_path_style() {
    round_trip_keys(Style::PathStyle, Mode::Presigned);
}

/// Virtual-host and path-style requests reach the same bucket: the host
/// `BUCKET.localhost:PORT` names it in one, the first path segment in the other.
#[test]
fn both_addressing_styles_reach_the_same_bucket() {
    let Some(env) = env() else { return };
    let key = "addressing/same object é+=.txt";
    let vh = Obj::new(env, Style::VirtualHost, key);
    let vh_url = vh.url();
    assert!(
        vh_url.starts_with(&format!("http://{}.localhost:", env.bucket)),
        "{vh_url}"
    );
    let path_on_same_bucket =
        Endpoint::parse(&format!("http://127.0.0.1:{}", env.path.port().unwrap())).unwrap();
    let req = Request::new("GET", &path_on_same_bucket)
        .bucket(&env.bucket)
        .key(ObjectKey::new(key));
    assert!(req.url_prefix().starts_with(&format!(
        "http://127.0.0.1:{}/{}/",
        env.path.port().unwrap(),
        env.bucket
    )));

    for mode in MODES {
        let body = body_for(key, &format!("{mode:?}"));
        let r = vh.call(mode, "PUT").body(&body).send();
        assert_eq!(r.status, 200, "{}", r.describe());
        let signed = env.signer.sign(&req, now()).unwrap();
        let headers: Vec<(&str, &str)> = signed.headers().collect();
        let r = env.send("GET", &req.url_prefix(), &headers, None);
        assert_eq!(r.status, 200, "{}", r.describe());
        assert!(r.body == body);
        let url = env
            .signer
            .presign(&req, now(), Duration::from_secs(60))
            .unwrap();
        let r = env.send("GET", url.as_str(), &[], None);
        assert_eq!(r.status, 200, "{}", r.describe());
        assert!(r.body == body);
    }
    assert_eq!(vh.call(Mode::Header, "DELETE").send().status, 204);
}

// ---------------------------------------------------------------------------
// Keys the filesystem backend treats as paths.

/// Proves that a request for `key` carries a signature the server checked:
/// the same request with one signature digit changed gets
/// SignatureDoesNotMatch, a different answer than the one the good request got.
#[track_caller]
fn assert_signature_checked(env: &Env, signed: &Signed, good: &Resp) {
    let bad = signed.with_bad_signature().send(env);
    assert_eq!(
        (bad.status, bad.code()),
        (403, "SignatureDoesNotMatch".to_string()),
        "{} {} with a bad signature",
        signed.method,
        signed.url
    );
    assert_ne!((good.status, good.code()), (bad.status, bad.code()));
}

/// `//`, `.` and `..` segments: S3 keeps them as part of the key; s3s-fs
/// stores keys as file paths and resolves them (`p//double//slash` is the file
/// `p/double/slash`, `p/a/../b` is `p/b`), so they alias other keys there.
/// The signature still covers the key exactly as written, which the server
/// checks on the raw path: the request is accepted, the same request with a
/// bad signature is refused with SignatureDoesNotMatch, and a request signed
/// for the raw key but sent to the resolved path is refused too.
fn dot_and_empty_segments(style: Style, mode: Mode) {
    let Some(env) = env() else { return };
    let prefix = format!("segments-{mode:?}-{style:?}").to_lowercase();
    let bucket = own_bucket(env, &prefix);
    let cases = [
        ("//double//slash", "double/slash"),
        ("a/./b", "a/b"),
        ("a/../b", "b"),
        ("c/d/../../e/.//f", "e/f"),
    ];
    for (raw, stored) in cases {
        let key = format!("{prefix}/{raw}");
        let stored = format!("{prefix}/{stored}");
        let o = Obj::in_bucket(env, style, &bucket, &key);
        let stored_obj = Obj::in_bucket(env, style, &bucket, &stored);
        let body = body_for(&key, "segments");
        let put = o.call(mode, "PUT").body(&body).sign();
        assert!(put.url.contains(raw), "{} must keep {raw:?}", put.url);

        // Signed for the raw key, sent to the resolved path: refused.
        let resolved = stored_obj.url();
        let moved = put.with_url(put.url.replacen(&o.url(), &resolved, 1));
        assert_ne!(moved.url, put.url);
        let r = moved.send(env);
        assert_rejected(
            &format!("{mode:?} PUT signed for {key:?} sent to {stored:?}"),
            &r,
            &["SignatureDoesNotMatch"],
        );
        assert_eq!(stored_obj.contents(), None);

        let r = put.send(env);
        assert_eq!(r.status, 200, "{mode:?} PUT {key:?}: {}", r.describe());
        assert_signature_checked(env, &put, &r);

        let r = o.call(mode, "GET").send();
        assert_eq!(r.status, 200, "{mode:?} GET {key:?}: {}", r.describe());
        assert!(r.body == body);
        // s3s-fs quirk: the object is listed under its resolved path.
        assert_eq!(
            list(env, style, &bucket, &format!("{prefix}/")),
            BTreeSet::from([stored.clone()])
        );
        assert!(stored_obj.contents() == Some(body));

        let r = o.call(mode, "DELETE").send();
        assert_eq!(r.status, 204, "{mode:?} DELETE {key:?}: {}", r.describe());
        assert!(list(env, style, &bucket, &format!("{prefix}/")).is_empty());
    }
}

#[test]
fn dot_and_empty_segments_virtual_host() {
    for mode in MODES {
        dot_and_empty_segments(Style::VirtualHost, mode);
    }
}

#[test]
fn dot_and_empty_segments_path_style() {
    for mode in MODES {
        dot_and_empty_segments(Style::PathStyle, mode);
    }
}

/// A key ending in `/`: s3s-fs makes it a directory, so it refuses a body
/// (400 UnexpectedContent, after checking the signature) and accepts an empty
/// one (a "folder" marker).
#[test]
fn trailing_slash_key() {
    let Some(env) = env() else { return };
    for style in STYLES {
        for mode in MODES {
            let key = format!("trailing-{mode:?}-{style:?}/folder/").to_lowercase();
            let o = Obj::new(env, style, &key);
            let put = o.call(mode, "PUT").body(b"not empty").sign();
            assert!(put.url.ends_with("/folder/") || put.url.contains("/folder/?"));
            let r = put.send(env);
            assert_eq!(
                (r.status, r.code()),
                (400, "UnexpectedContent".to_string()),
                "{mode:?} PUT {key:?}: s3s-fs refuses a body for a directory"
            );
            assert_signature_checked(env, &put, &r);

            let put = o.call(mode, "PUT").body(b"").sign();
            let r = put.send(env);
            assert_eq!(r.status, 200, "{mode:?} PUT {key:?}: {}", r.describe());
            assert_signature_checked(env, &put, &r);

            let r = o.call(mode, "DELETE").send();
            assert_eq!(r.status, 204, "{mode:?} DELETE {key:?}: {}", r.describe());
        }
    }
}

/// A 1,000-byte key, in one path segment and in several. s3s-fs keeps each
/// object's metadata in a file named after the base64 of its bucket and key,
/// which exceeds the filesystem's 255-byte names for keys over about 130 to
/// 160 bytes (depending on the bucket name): the PUT stores the data under the
/// exact key, then fails with 500 InternalError.
/// A key of one 1,000-byte segment fails the same way, earlier (its data file
/// name is too long).
/// What proves the signature: the PUT passes authentication (a bad signature
/// gets SignatureDoesNotMatch instead), and in segments the data is readable
/// and listed under the exact 1,000-byte key.
#[test]
fn long_key_is_signed_whole() {
    let Some(env) = env() else { return };
    for style in STYLES {
        for mode in MODES {
            let prefix = format!("long-{mode:?}-{style:?}").to_lowercase();
            let bucket = own_bucket(env, &prefix);
            let segmented = long_key(&prefix, 1000);
            let single = format!("{prefix}/{}", "s".repeat(1000 - prefix.len() - 1));
            for key in [&segmented, &single] {
                assert_eq!(key.len(), 1000);
                let o = Obj::in_bucket(env, style, &bucket, key);
                let body = body_for(key, "long");
                let put = o.call(mode, "PUT").body(&body).sign();
                let r = put.send(env);
                assert_eq!(
                    (r.status, r.code()),
                    (500, "InternalError".to_string()),
                    "{mode:?} PUT of a 1,000-byte key: s3s-fs cannot name its files"
                );
                assert_signature_checked(env, &put, &r);
            }

            let o = Obj::in_bucket(env, style, &bucket, &segmented);
            let r = o.call(mode, "GET").send();
            assert_eq!(r.status, 200, "{mode:?} GET: {}", r.describe());
            assert!(r.body == body_for(&segmented, "long"));
            assert_eq!(
                list(env, style, &bucket, &format!("{prefix}/")),
                BTreeSet::from([segmented.clone()])
            );
            let r = o.call(mode, "DELETE").send();
            assert_eq!(r.status, 204, "{mode:?} DELETE: {}", r.describe());
            assert!(list(env, style, &bucket, &format!("{prefix}/")).is_empty());
        }
    }
}

// ---------------------------------------------------------------------------
// Presigned URLs: response overrides, signed content-type.

#[test]
fn presigned_get_response_overrides() {
    let Some(env) = env() else { return };
    let cases = [
        (
            "attachment; filename=\"a b+c&d=e;f.txt\"",
            "application/x-awsig; charset=utf-8",
        ),
        (
            "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%202024.pdf",
            "application/pdf",
        ),
        ("inline", "text/plain;charset=US-ASCII"),
    ];
    for style in STYLES {
        let key = format!("overrides-{style:?}/report é 1+1=2.txt").to_lowercase();
        let o = Obj::new(env, style, &key);
        o.put_ok(b"report");
        for (disposition, content_type) in cases {
            let params = [
                ("response-content-disposition", disposition),
                ("response-content-type", content_type),
            ];
            let r = o.call(Mode::Presigned, "GET").params(&params).send();
            assert_eq!(r.status, 200, "{style:?} {disposition:?}: {}", r.describe());
            assert_eq!(r.body, b"report");
            assert_eq!(r.header("content-disposition"), Some(disposition));
            assert_eq!(r.header("content-type"), Some(content_type));

            // The overrides are signed: changing one after signing is refused.
            let signed = o.call(Mode::Presigned, "GET").params(&params).sign();
            let tampered = signed.url.replacen(
                "response-content-type=",
                "response-content-type=text%2Fhtml%3B",
                1,
            );
            assert_ne!(tampered, signed.url);
            let r = signed.with_url(tampered).send(env);
            assert_rejected(
                "response-content-type changed",
                &r,
                &["SignatureDoesNotMatch"],
            );
        }
        assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);
    }
}

#[test]
fn presigned_put_with_signed_content_type() {
    let Some(env) = env() else { return };
    for style in STYLES {
        let key = format!("signed-content-type-{style:?}/photo.jpg").to_lowercase();
        let o = Obj::new(env, style, &key);
        let headers = [("content-type", "image/jpeg")];
        let put = o
            .call(Mode::Presigned, "PUT")
            .headers(&headers)
            .body(b"jpeg bytes")
            .sign();
        assert!(put.url.contains("X-Amz-SignedHeaders=content-type%3Bhost&"));

        let r = put.with_header("content-type", "text/html").send(env);
        assert_rejected("another content-type", &r, &["SignatureDoesNotMatch"]);
        let r = put.without_header("content-type").send(env);
        assert_rejected("no content-type", &r, &["SignatureDoesNotMatch"]);
        assert_eq!(o.contents(), None);

        let r = put.send(env);
        assert_eq!(r.status, 200, "{}", r.describe());
        let r = o.call(Mode::Presigned, "GET").send();
        assert_eq!(r.body, b"jpeg bytes");
        assert_eq!(r.header("content-type"), Some("image/jpeg"));
        assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);
    }
}

// ---------------------------------------------------------------------------
// Tampering: every change after signing is refused, the object unchanged.

/// For each style and mode: puts "original" under a fresh key, builds a valid
/// overwrite with `make` (which returns it, tampered), checks that the tampered
/// request is refused with one of `codes` and the object still holds
/// "original", then (when `control` is set) that the untampered request is
/// accepted, so the refusal came from the tampering alone.
fn tamper_case(
    name: &str,
    modes: &[Mode],
    codes: &[&str],
    make: impl Fn(Obj<'_>, Mode) -> (Signed, Option<Signed>),
) {
    let Some(env) = env() else { return };
    let mut seen = BTreeSet::new();
    for style in STYLES {
        for &mode in modes {
            let key = format!("tamper-{name}-{mode:?}-{style:?}/object +é").to_lowercase();
            let o = Obj::new(env, style, &key);
            o.put_ok(b"original");
            let (tampered, control) = make(o, mode);
            let r = tampered.send(env);
            let what = format!("{name} ({mode:?}, {style:?})");
            seen.insert(assert_rejected(&what, &r, codes));
            assert!(
                o.contents().as_deref() == Some(b"original"),
                "{what}: the object changed"
            );
            if let Some(control) = control {
                let r = control.send(env);
                assert!(r.ok(), "{what}, untampered: {}", r.describe());
            }
            assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);
        }
    }
    eprintln!("{name}: codes seen {seen:?}");
}

#[test]
fn tamper_signature_digit() {
    tamper_case(
        "signature",
        &MODES,
        &["SignatureDoesNotMatch"],
        |o, mode| {
            let put = o.call(mode, "PUT").body(b"tampered").sign();
            (put.with_bad_signature(), Some(put))
        },
    );
}

#[test]
fn tamper_signature_digit_on_get() {
    let Some(env) = env() else { return };
    for style in STYLES {
        for mode in MODES {
            let key = format!("tamper-get-{mode:?}-{style:?}/secret").to_lowercase();
            let o = Obj::new(env, style, &key);
            o.put_ok(b"secret contents");
            let get = o.call(mode, "GET").sign();
            let r = get.with_bad_signature().send(env);
            assert_rejected("GET, bad signature", &r, &["SignatureDoesNotMatch"]);
            assert!(!r.body.windows(6).any(|w| w == b"secret"));
            assert_eq!(get.send(env).body, b"secret contents");
            assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);
        }
    }
}

#[test]
fn tamper_key_changed() {
    let Some(env) = env() else { return };
    let done: std::sync::Mutex<Vec<String>> = Default::default();
    tamper_case("key", &MODES, &["SignatureDoesNotMatch"], |o, mode| {
        let put = o.call(mode, "PUT").body(b"tampered").sign();
        let other_key = format!("{}-other", o.key);
        let other = Obj::new(o.env, o.style, &other_key);
        let moved = put.with_url(put.url.replacen(&o.url(), &other.url(), 1));
        assert_ne!(moved.url, put.url);
        done.lock().unwrap().push(other_key.clone());
        (moved, Some(put))
    });
    // The key the request was redirected to was never written.
    for key in done.into_inner().unwrap() {
        for style in STYLES {
            assert_eq!(Obj::new(env, style, &key).contents(), None, "{key}");
        }
    }
}

#[test]
fn tamper_expires_changed() {
    tamper_case(
        "expires",
        &[Mode::Presigned],
        &["SignatureDoesNotMatch"],
        |o, mode| {
            let put = o.call(mode, "PUT").body(b"tampered").expires(300).sign();
            let longer = put
                .url
                .replacen("X-Amz-Expires=300&", "X-Amz-Expires=3600&", 1);
            assert_ne!(longer, put.url);
            (put.with_url(longer), Some(put))
        },
    );
}

#[test]
fn tamper_query_parameter_added() {
    tamper_case("query", &MODES, &["SignatureDoesNotMatch"], |o, mode| {
        let put = o.call(mode, "PUT").body(b"tampered").sign();
        let sep = if put.url.contains('?') { '&' } else { '?' };
        let added = format!("{}{sep}x-awsig-added=1", put.url);
        (put.with_url(added), Some(put))
    });
}

#[test]
fn tamper_signed_header_changed() {
    tamper_case("header", &MODES, &["SignatureDoesNotMatch"], |o, mode| {
        let headers = [
            ("x-amz-meta-owner", "alice"),
            ("content-type", "text/plain"),
        ];
        let put = o
            .call(mode, "PUT")
            .headers(&headers)
            .body(b"tampered")
            .sign();
        (put.with_header("x-amz-meta-owner", "mallory"), Some(put))
    });
}

#[test]
fn tamper_signed_body_changed() {
    tamper_case(
        "body",
        &[Mode::Header],
        // The signature covers x-amz-content-sha256, which the server checks
        // against the body it reads: AWS answers XAmzContentSHA256Mismatch,
        // s3s-fs 500 InternalError.
        &["XAmzContentSHA256Mismatch", "InternalError"],
        |o, mode| {
            let put = o.call(mode, "PUT").body(b"tampered").sign();
            (put.with_body(b"tampereD"), Some(put))
        },
    );
}

#[test]
fn tamper_wrong_secret() {
    tamper_case("secret", &MODES, &["SignatureDoesNotMatch"], |o, mode| {
        let call = o.call(mode, "PUT").body(b"tampered");
        (call.signer(&o.env.wrong_secret).sign(), Some(call.sign()))
    });
}

#[test]
fn tamper_expired_url() {
    let Some(env) = env() else { return };
    let mut urls = Vec::new();
    for style in STYLES {
        let key = format!("tamper-expired-{style:?}/object").to_lowercase();
        let o = Obj::new(env, style, &key);
        o.put_ok(b"original");
        let put = o
            .call(Mode::Presigned, "PUT")
            .body(b"too late")
            .expires(1)
            .sign();
        let get = o.call(Mode::Presigned, "GET").expires(1).sign();
        urls.push((style, key, put, get));
    }
    std::thread::sleep(Duration::from_secs(2));
    for (style, key, put, get) in urls {
        for (what, req) in [("PUT", put), ("GET", get)] {
            let r = req.send(env);
            let code = assert_rejected(&format!("expired {what}"), &r, &["AccessDenied"]);
            assert_eq!(code, "AccessDenied");
            assert!(
                String::from_utf8_lossy(&r.body).contains("expired"),
                "{}",
                r.describe()
            );
        }
        let o = Obj::new(env, style, &key);
        assert!(o.contents().as_deref() == Some(b"original"));
        assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);
    }
}

#[test]
fn tamper_clock_skew() {
    for (name, offset) in [("past", -1800), ("future", 1800)] {
        tamper_case(
            &format!("skew-{name}"),
            &[Mode::Header],
            &["RequestTimeTooSkewed"],
            |o, mode| {
                let off = SigningTime::from_unix_timestamp(unix_now() + offset).unwrap();
                let call = o.call(mode, "PUT").body(b"tampered");
                (call.time(off).sign(), Some(call.sign()))
            },
        );
    }
}

// ---------------------------------------------------------------------------
// POST form uploads from awsig's PostPolicy.

/// A multipart/form-data body written here by hand: `fields` in order, then
/// the file last. Returns the content-type header and the body.
fn multipart(fields: &[(String, String)], filename: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----awsig-e2e-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The form's fields as sent: `overrides` replace a field's value (the
/// fill-in ones, or tampering) or are added at the end.
fn form_fields(form: &PostForm, overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = form
        .fields()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    for (name, value) in overrides {
        match fields
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((name.to_string(), value.to_string())),
        }
    }
    fields
}

fn post(env: &Env, url: &str, fields: &[(String, String)], filename: &str, file: &[u8]) -> Resp {
    let (content_type, body) = multipart(fields, filename, file);
    env.send("POST", url, &[("content-type", &content_type)], Some(&body))
}

fn post_form(env: &Env, form: &PostForm, overrides: &[(&str, &str)], file: &[u8]) -> Resp {
    post(
        env,
        form.url(),
        &form_fields(form, overrides),
        "upload.bin",
        file,
    )
}

fn sign_form(env: &Env, style: Style, policy: PostPolicy, time: SigningTime) -> PostForm {
    policy
        .sign(&env.signer, env.endpoint(style).0, time)
        .unwrap()
}

#[test]
fn post_upload_succeeds() {
    let Some(env) = env() else { return };
    for style in STYLES {
        let prefix = format!("post-ok-{style:?}").to_lowercase();
        let bucket = own_bucket(env, &prefix);
        let bucket = bucket.as_str();

        // An exact key, metadata and content-type conditions, and S3's
        // own default asked for explicitly: 204.
        let key = format!("{prefix}/exact é+=&.txt");
        let form = sign_form(
            env,
            style,
            PostPolicy::new(bucket)
                .key(&key)
                .expires_in(Duration::from_secs(300))
                .field("success_action_status", "204")
                .field("x-amz-meta-owner", "alice")
                .field_eq("Content-Type", "text/plain")
                .content_length_range(1, 1024),
            now(),
        );
        let expected_url = match style {
            Style::VirtualHost => format!("http://{bucket}.{}/", env.domain),
            Style::PathStyle => format!("{}/{bucket}", env.endpoint_url),
        };
        assert_eq!(form.url(), expected_url);
        let r = post_form(env, &form, &[], b"posted bytes");
        assert_eq!(r.status, 204, "{style:?} POST: {}", r.describe());
        let o = Obj::in_bucket(env, style, bucket, &key);
        let r = o.get();
        assert_eq!(r.body, b"posted bytes");
        assert_eq!(r.header("x-amz-meta-owner"), Some("alice"));
        assert_eq!(r.header("content-type"), Some("text/plain"));
        assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);

        // No outcome chosen: the builder asks for success_action_status=201,
        // and the answer is 201 with an XML document naming the key.
        let key = format!("{prefix}/created");
        let form = sign_form(
            env,
            style,
            PostPolicy::new(bucket)
                .key(&key)
                .expires_in(Duration::from_secs(300)),
            now(),
        );
        assert_eq!(form.field("success_action_status"), Some("201"));
        let r = post_form(env, &form, &[], b"created");
        assert_eq!(r.status, 201, "{style:?} POST 201: {}", r.describe());
        let text = String::from_utf8_lossy(&r.body);
        assert!(text.contains(&format!("<Key>{key}</Key>")), "{text}");
        assert!(
            text.contains(&format!("<Bucket>{bucket}</Bucket>")),
            "{text}"
        );
        let o = Obj::in_bucket(env, style, bucket, &key);
        assert_eq!(o.contents().as_deref(), Some(&b"created"[..]));
        assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);

        // A key the page fills in, under the signed prefix.
        let key = format!("{prefix}/user/chosen name (1).txt");
        let form = sign_form(
            env,
            style,
            PostPolicy::new(bucket)
                .key_starts_with(format!("{prefix}/user/"))
                .expires_in(Duration::from_secs(300)),
            now(),
        );
        assert_eq!(form.fill_in().collect::<Vec<_>>(), ["key"]);
        let r = post_form(env, &form, &[("key", &key)], b"chosen");
        assert_eq!(
            r.status,
            201,
            "{style:?} POST starts-with: {}",
            r.describe()
        );
        let o = Obj::in_bucket(env, style, bucket, &key);
        assert_eq!(o.contents().as_deref(), Some(&b"chosen"[..]));
        assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);

        // `${filename}`: the file's name completes the key.
        let form = sign_form(
            env,
            style,
            PostPolicy::new(bucket)
                .key_with_filename(format!("{prefix}/files/"))
                .expires_in(Duration::from_secs(300)),
            now(),
        );
        let r = post(
            env,
            form.url(),
            &form_fields(&form, &[]),
            "photo 1.jpg",
            b"jpeg",
        );
        assert_eq!(
            r.status,
            201,
            "{style:?} POST ${{filename}}: {}",
            r.describe()
        );
        // S3 replaces `${filename}`; s3s-fs 0.14.1 does not, and stores the
        // key literally. Either way the upload was accepted under the policy.
        let substituted = format!("{prefix}/files/photo 1.jpg");
        let literal = format!("{prefix}/files/${{filename}}");
        let stored = [&substituted, &literal]
            .into_iter()
            .find(|key| Obj::in_bucket(env, style, bucket, key).contents().is_some())
            .expect("the ${filename} upload is stored");
        let o = Obj::in_bucket(env, style, bucket, stored);
        assert_eq!(o.contents().as_deref(), Some(&b"jpeg"[..]));
        assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);
    }
}

/// Checks a refused POST: not 2xx with one of `codes`, the object absent.
/// Then posts the compliant form (`control`), which must be accepted, so the
/// refusal came from the violation alone.
#[track_caller]
fn check_post_refused(
    o: Obj<'_>,
    case: &str,
    r: Resp,
    codes: &[&str],
    control: Option<&dyn Fn() -> Resp>,
) -> String {
    let code = assert_rejected(&format!("POST {case} ({:?})", o.style), &r, codes);
    assert_eq!(o.contents(), None, "POST {case}: the object must be absent");
    if let Some(control) = control {
        let r = control();
        assert_eq!(r.status, 201, "POST {case}, compliant: {}", r.describe());
        assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);
    }
    format!("{case}: {code}")
}

/// Forms that break their policy, each refused with the object absent.
/// Each set of codes lists AWS's code first, then the one s3s-fs 0.14.1 gives
/// instead, if different (InvalidPolicyDocument for a failed condition).
#[test]
fn post_upload_rejections() {
    let Some(env) = env() else { return };
    let mut seen = BTreeSet::new();
    for style in STYLES {
        let prefix = format!("post-bad-{style:?}").to_lowercase();
        let bucket = own_bucket(env, &prefix);
        let bucket = bucket.as_str();
        let base = |key: &str| {
            PostPolicy::new(bucket)
                .key(key.to_string())
                .expires_in(Duration::from_secs(300))
        };
        let mut check =
            |case: &str, key: &str, r: Resp, codes: &[&str], control: Option<&dyn Fn() -> Resp>| {
                let o = Obj::in_bucket(env, style, bucket, key);
                seen.insert(check_post_refused(o, case, r, codes, control));
            };

        // One hex digit of the signature changed.
        let key = format!("{prefix}/bad-signature");
        let form = sign_form(env, style, base(&key), now());
        let bad = flip_last_hex_digit(form.signature());
        let r = post_form(env, &form, &[("x-amz-signature", &bad)], b"x");
        check(
            "bad signature",
            &key,
            r,
            &["SignatureDoesNotMatch"],
            Some(&|| post_form(env, &form, &[], b"x")),
        );

        // Signed with another secret.
        let key = format!("{prefix}/wrong-secret");
        let form = base(&key)
            .sign(&env.wrong_secret, env.endpoint(style).0, now())
            .unwrap();
        let r = post_form(env, &form, &[], b"x");
        check("wrong secret", &key, r, &["SignatureDoesNotMatch"], None);

        // The policy document changed after signing (a larger size range).
        let key = format!("{prefix}/policy-changed");
        let form = sign_form(env, style, base(&key).content_length_range(1, 4), now());
        let doc = form.policy().replace(",1,4]", ",1,4000]");
        assert_ne!(doc, form.policy());
        let forged = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, doc);
        let r = post_form(env, &form, &[("policy", &forged)], b"12345");
        check(
            "policy changed",
            &key,
            r,
            &["SignatureDoesNotMatch"],
            Some(&|| post_form(env, &form, &[], b"1234")),
        );

        // A file over the content-length-range, and one under it.
        let key = format!("{prefix}/size");
        let form = sign_form(env, style, base(&key).content_length_range(2, 10), now());
        let r = post_form(env, &form, &[], b"eleven byte");
        check("file too large", &key, r, &["EntityTooLarge"], None);
        let r = post_form(env, &form, &[], b"1");
        check(
            "file too small",
            &key,
            r,
            &["EntityTooSmall"],
            Some(&|| post_form(env, &form, &[], b"ten bytes!")),
        );

        // A key outside the starts-with prefix (and one inside).
        let allowed = format!("{prefix}/allowed/");
        let key = format!("{prefix}/elsewhere/file");
        let form = sign_form(
            env,
            style,
            PostPolicy::new(bucket)
                .key_starts_with(&allowed)
                .expires_in(Duration::from_secs(300)),
            now(),
        );
        let r = post_form(env, &form, &[("key", &key)], b"x");
        check(
            "key outside prefix",
            &key,
            r,
            &["AccessDenied", "InvalidPolicyDocument"],
            None,
        );
        let inside = format!("{allowed}file");
        let r = post_form(env, &form, &[("key", &inside)], b"x");
        assert_eq!(r.status, 201, "POST inside the prefix: {}", r.describe());
        let o = Obj::in_bucket(env, style, bucket, &inside);
        assert_eq!(o.call(Mode::Header, "DELETE").send().status, 204);

        // An exact-match condition violated.
        let key = format!("{prefix}/exact");
        let form = sign_form(
            env,
            style,
            base(&key).field_eq("x-amz-meta-owner", "alice"),
            now(),
        );
        let r = post_form(env, &form, &[("x-amz-meta-owner", "mallory")], b"x");
        check(
            "exact match violated",
            &key,
            r,
            &["AccessDenied", "InvalidPolicyDocument"],
            Some(&|| post_form(env, &form, &[], b"x")),
        );

        // An expired policy: signed 2 minutes ago (within the server's
        // clock-skew window, so only the expiration can refuse it), expired a
        // minute ago.
        let key = format!("{prefix}/expired");
        let t = unix_now();
        let at = |secs: i64| SigningTime::from_unix_timestamp(t + secs).unwrap();
        let expired = PostPolicy::new(bucket).key(&key).expires_at(at(-60));
        let form = sign_form(env, style, expired, at(-120));
        let r = post_form(env, &form, &[], b"x");
        // Control: the same signing time with a live expiration is accepted.
        let live = PostPolicy::new(bucket).key(&key).expires_at(at(300));
        let live = sign_form(env, style, live, at(-120));
        check(
            "expired policy",
            &key,
            r,
            &["AccessDenied"],
            Some(&|| post_form(env, &live, &[], b"x")),
        );

        // Signed an hour ago, expired half an hour ago: S3 refuses it for the
        // expiration; s3s-fs also checks x-amz-date against its clock, and
        // answers RequestTimeTooSkewed first.
        let expired = PostPolicy::new(bucket).key(&key).expires_at(at(-1800));
        let form = sign_form(env, style, expired, at(-3600));
        let r = post_form(env, &form, &[], b"x");
        check(
            "expired policy, signed an hour ago",
            &key,
            r,
            &["AccessDenied", "RequestTimeTooSkewed"],
            None,
        );
    }
    eprintln!("POST rejections, codes seen: {seen:?}");
}
