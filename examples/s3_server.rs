//! A small S3-style HTTP/1.1 server that checks every request with awsig's
//! [`Verifier`]: objects kept in memory, for trying S3 clients (boto3, the AWS
//! CLI, SDKs, curl with presigned URLs) against the verifier.
//!
//! ```text
//! cargo run --example s3_server -- [--listen 127.0.0.1:0] [--region us-east-1]...
//!     [--domain localhost]... [--credentials AKID:SECRET[:SESSION_TOKEN]]...
//! ```
//!
//! It prints `http://ADDRESS:PORT` on stdout once it listens (port 0, the
//! default, picks a free port), and one line per request on stderr.
//!
//! - Credentials: each `--credentials` adds a key; `AWS_ACCESS_KEY_ID`,
//!   `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`) add one more. With
//!   none, AWS's documented example key (`AKIAIOSFODNN7EXAMPLE` /
//!   `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`) is used.
//! - Addressing: path style (`/bucket/key`), and virtual-host style when the
//!   `Host` is `BUCKET.DOMAIN[:PORT]` for a `--domain` (default `localhost`).
//! - Operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket,
//!   ListObjectsV2, PutObject, GetObject, HeadObject, DeleteObject, and
//!   browser POST uploads (with the `post-verify` feature). Anything
//!   else is answered `501 NotImplemented` (after authentication).
//! - Bodies: `x-amz-content-sha256` with a SHA-256 is checked while the body
//!   is read; `UNSIGNED-PAYLOAD` is accepted; aws-chunked bodies
//!   (`STREAMING-*`) are refused with `501 NotImplemented` for now.
//!
//! How a request goes through the verifier is in [`Server::authenticate`] and
//! [`Server::handle`]: the request line and the header lines are handed over
//! exactly as they arrived; the signature is checked before the body is read
//! (so a refused upload is never stored, and with `Expect: 100-continue` not
//! even sent); the body is hashed as it is read.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

#[cfg(feature = "post-verify")]
use awsig::PostUpload;
use awsig::{Credentials, IncomingRequest, PayloadCheck, SigningTime, Verifier, VerifyError};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

const EXAMPLE_ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const EXAMPLE_SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// The request line and header lines together, at most.
const MAX_HEAD: usize = 64 * 1024;
/// The largest body accepted (S3 allows 5 GiB in one PUT; this keeps
/// everything in memory).
const MAX_BODY: u64 = 64 * 1024 * 1024;
/// An idle keep-alive connection is closed after this.
const IDLE: Duration = Duration::from_secs(60);

const S3_XMLNS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

fn main() {
    if let Err(message) = run() {
        eprintln!("s3_server: {message}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let config = Config::from_args()?;
    let listener = TcpListener::bind(&config.listen)
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let server = Arc::new(Server::new(config)?);

    println!("http://{addr}");
    io::stdout().flush().map_err(|e| e.to_string())?;

    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let server = Arc::clone(&server);
        std::thread::spawn(move || server.serve(stream));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Configuration

struct Config {
    listen: String,
    regions: Vec<String>,
    domains: Vec<String>,
    credentials: Vec<Credentials>,
}

impl Config {
    fn from_args() -> Result<Config, String> {
        let mut config = Config {
            listen: "127.0.0.1:0".into(),
            regions: Vec::new(),
            domains: Vec::new(),
            credentials: Vec::new(),
        };
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or(format!("{flag} needs a value"));
            match flag.as_str() {
                "--listen" => config.listen = value()?,
                "--region" => config.regions.push(value()?),
                "--domain" => config.domains.push(value()?.to_ascii_lowercase()),
                "--credentials" => {
                    let value = value()?;
                    let mut parts = value.splitn(3, ':');
                    let (Some(akid), Some(secret)) = (parts.next(), parts.next()) else {
                        return Err("--credentials takes AKID:SECRET[:SESSION_TOKEN]".into());
                    };
                    let token = parts.next().map(str::to_string);
                    config
                        .credentials
                        .push(Credentials::new(akid, secret, token).map_err(|e| e.to_string())?);
                }
                "--help" | "-h" => {
                    println!("usage: s3_server [--listen ADDR] [--region R]... [--domain D]... [--credentials AKID:SECRET[:TOKEN]]...");
                    std::process::exit(0);
                }
                other => return Err(format!("unknown argument {other:?} (try --help)")),
            }
        }
        if let Ok(from_env) = Credentials::from_env() {
            config.credentials.push(from_env);
        }
        if config.credentials.is_empty() {
            eprintln!(
                "s3_server: no credentials given: accepting AWS's example key {EXAMPLE_ACCESS_KEY}"
            );
            config.credentials.push(
                Credentials::new(EXAMPLE_ACCESS_KEY, EXAMPLE_SECRET_KEY, None)
                    .map_err(|e| e.to_string())?,
            );
        }
        if config.regions.is_empty() {
            config.regions.push("us-east-1".into());
        }
        if config.domains.is_empty() {
            config.domains.push("localhost".into());
        }
        Ok(config)
    }
}

// ---------------------------------------------------------------------------
// The server: authentication, then the S3 operations

struct Server {
    verifier: Verifier,
    credentials: Vec<Credentials>,
    domains: Vec<String>,
    buckets: Mutex<BTreeMap<String, Bucket>>,
    request_ids: AtomicU64,
}

struct Bucket {
    created: SystemTime,
    objects: BTreeMap<String, Object>,
}

struct Object {
    body: Vec<u8>,
    etag: String,
    last_modified: SystemTime,
    content_type: String,
    /// `x-amz-meta-*` and `x-amz-checksum-*` headers as the client sent
    /// them (names lowercase), given back on GET and HEAD.
    stored_headers: Vec<(String, String)>,
}

/// A request line and its header lines, as they arrived.
struct Head {
    method: String,
    /// The request target, not decoded: `/path?query`.
    target: String,
    /// Names and values as sent (the value is everything after the colon).
    headers: Vec<(String, String)>,
    http10: bool,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim_matches([' ', '\t']))
    }
}

/// What the server answers.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Server {
    fn new(config: Config) -> Result<Server, String> {
        let regions: Vec<&str> = config.regions.iter().map(String::as_str).collect();
        // S3's rules (x-amz-content-sha256, no path normalization, ...),
        // 15 minutes of clock skew, presigned URLs of at most 7 days.
        let verifier = Verifier::new(regions[0], "s3")
            .and_then(|v| v.with_regions(&regions))
            .map_err(|e| e.to_string())?;
        Ok(Server {
            verifier,
            credentials: config.credentials,
            domains: config.domains,
            buckets: Mutex::new(BTreeMap::new()),
            request_ids: AtomicU64::new(1),
        })
    }

    /// One connection: requests one after another (keep-alive), until the
    /// client closes it or a request leaves it unusable.
    fn serve(&self, stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(IDLE));
        let Ok(mut writer) = stream.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(stream);
        loop {
            let head = match read_head(&mut reader) {
                Ok(Some(head)) => head,
                Ok(None) => return,
                Err(e) => {
                    let response = s3_error(400, "BadRequest", &format!("Bad request: {e}"));
                    let _ = write_response(&mut writer, &response, false, true);
                    return;
                }
            };
            let (response, keep_open) = self.handle(&head, &mut reader, &mut writer);
            let request_id = self.request_ids.fetch_add(1, Ordering::Relaxed);
            log(&head, &response, request_id);
            let close = !keep_open || head.http10 || wants_close(&head);
            let mut response = response;
            response
                .headers
                .push(("x-amz-request-id".into(), format!("{request_id:016X}")));
            let written = write_response(&mut writer, &response, head.method == "HEAD", close);
            if written.is_err() || close {
                linger_close(reader.get_mut());
                return;
            }
        }
    }

    /// Authenticates, reads the body while checking its hash, and runs the
    /// operation. The `bool` is whether the connection can take another
    /// request (false when the body was left unread).
    fn handle(
        &self,
        head: &Head,
        reader: &mut BufReader<TcpStream>,
        writer: &mut TcpStream,
    ) -> (Response, bool) {
        let framing = match body_framing(head) {
            Ok(f) => f,
            Err(e) => return (s3_error(400, "BadRequest", e), false),
        };
        let expects_continue = head
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));

        #[cfg(feature = "post-verify")]
        if let Some(boundary) = post_upload_boundary(head) {
            return self.post_upload(head, &boundary, reader, writer, framing);
        }

        // 1. The signature, before a byte of the body is read.
        let check = match self.authenticate(head) {
            Ok(check) => check,
            Err(refusal) if expects_continue => {
                // The client waits for "100 Continue" before it sends the
                // body: refuse now and close the connection.
                return (refusal, false);
            }
            Err(refusal) => {
                // The body is on its way: read it (and drop it) so that the
                // client reads the refusal rather than a reset connection.
                let drained = read_body(reader, framing, |_| {}).is_ok();
                return (refusal, drained);
            }
        };

        // 2. The body, hashed as it is read when its SHA-256 was signed.
        if expects_continue
            && framing != Framing::Empty
            && writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err()
        {
            return (s3_error(400, "BadRequest", "connection lost"), false);
        }
        let mut hasher = match check {
            PayloadCheck::Sha256(hasher) => Some(hasher),
            // `Checked` happens only when the body was given to the
            // verifier; `Unsigned` (UNSIGNED-PAYLOAD) needs nothing.
            _ => None,
        };
        let mut body = Vec::new();
        let read = read_body(reader, framing, |piece| {
            if let Some(h) = hasher.as_mut() {
                h.update(piece);
            }
            body.extend_from_slice(piece);
        });
        if let Err(e) = read {
            return (e, false);
        }
        if let Some(hasher) = hasher {
            // XAmzContentSHA256Mismatch: the body is not the one signed.
            if let Err(err) = hasher.finish() {
                return (refusal(&err), true);
            }
        }

        // 3. The operation, on a request that is now fully verified.
        (self.operation(head, body), true)
    }

    /// The verifier at work: the request as it arrived → `parse` (no secret
    /// needed) → the secret of the access key it names → `verify` → what
    /// remains to check in the body.
    fn authenticate(&self, head: &Head) -> Result<PayloadCheck, Response> {
        let headers: Vec<(&str, &str)> = head
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request =
            IncomingRequest::new(&head.method, &head.target, &headers).map_err(|e| refusal(&e))?;
        let now = SigningTime::now().map_err(|e| s3_error(500, "InternalError", &e.to_string()))?;

        let unverified = self
            .verifier
            .parse(&request, now)
            .map_err(|e| refusal(&e))?;
        let Some(credentials) = self
            .credentials
            .iter()
            .find(|c| c.access_key_id() == unverified.access_key_id())
        else {
            return Err(refusal(&unverified.unknown_access_key()));
        };
        let verified = unverified.verify(credentials).map_err(|e| refusal(&e))?;

        match verified.into_payload() {
            PayloadCheck::Streaming(kind) => Err(s3_error(
                501,
                "NotImplemented",
                &format!(
                    "A header you provided implies functionality that is not implemented: \
                     aws-chunked bodies ({}) are not supported by this server yet",
                    kind.as_str()
                ),
            )),
            other => Ok(other),
        }
    }

    /// A browser upload (POST with a multipart form, feature `post-verify`):
    /// the form fields → `Verifier::parse_post` (the policy, in time) → the
    /// secret → `verify` (signature, conditions) → the file's size → stored
    /// under the key the policy allowed, answered as S3 does
    /// (`success_action_redirect`, `success_action_status`, else 204).
    #[cfg(feature = "post-verify")]
    fn post_upload(
        &self,
        head: &Head,
        boundary: &str,
        reader: &mut BufReader<TcpStream>,
        writer: &mut TcpStream,
        framing: Framing,
    ) -> (Response, bool) {
        if head
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
            && writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err()
        {
            return (s3_error(400, "BadRequest", "connection lost"), false);
        }
        let mut body = Vec::new();
        if let Err(e) = read_body(reader, framing, |piece| body.extend_from_slice(piece)) {
            return (e, false);
        }
        let Some(form) = multipart::parse(&body, boundary) else {
            let e = s3_error(
                400,
                "MalformedPOSTRequest",
                "The body of your POST request is not well-formed multipart/form-data.",
            );
            return (e, true);
        };
        let Some(file) = form.file else {
            let e = s3_error(
                400,
                "InvalidArgument",
                "POST requires exactly one file upload per request.",
            );
            return (e, true);
        };
        let (path, _) = head.target.split_once('?').unwrap_or((&head.target, ""));
        let bucket = match self.bucket_and_key(head, path) {
            Ok((Some(b), None)) => b,
            Ok(_) => {
                return (
                    s3_error(
                        405,
                        "MethodNotAllowed",
                        "POST uploads go to the bucket's URL",
                    ),
                    true,
                )
            }
            Err(response) => return (response, true),
        };
        let fields: Vec<(&str, &str)> = form
            .fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let upload = PostUpload::new(&bucket, &fields).file_name(&file.name);
        let verified = SigningTime::now()
            .map_err(|e| s3_error(500, "InternalError", &e.to_string()))
            .and_then(|now| {
                self.verifier
                    .parse_post(&upload, now)
                    .map_err(|e| refusal(&e))
            })
            .and_then(|unverified| {
                let found = self
                    .credentials
                    .iter()
                    .find(|c| c.access_key_id() == unverified.access_key_id());
                match found {
                    Some(creds) => unverified.verify(creds).map_err(|e| refusal(&e)),
                    None => Err(refusal(&VerifyError::InvalidAccessKeyId(
                        unverified.access_key_id().into(),
                    ))),
                }
            })
            .and_then(|v| {
                v.check_size(file.data.len() as u64)
                    .map(|()| v)
                    .map_err(|e| refusal(&e))
            });
        let verified = match verified {
            Ok(v) => v,
            Err(response) => return (response, true),
        };
        // The object: stored with the form's Content-Type and x-amz-meta-*.
        let field = |name: &str| {
            form.fields
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let stored = Head {
            method: "PUT".into(),
            target: String::new(),
            headers: form
                .fields
                .iter()
                .filter(|(n, _)| n.to_ascii_lowercase().starts_with("x-amz-meta-"))
                .cloned()
                .chain(field("content-type").map(|v| ("content-type".to_string(), v)))
                .collect(),
            http10: false,
        };
        let key = verified.key().to_string();
        let put = self.put_object(bucket.clone(), key.clone(), &stored, file.data);
        if put.status != 200 {
            return (put, true);
        }
        let etag = put
            .headers
            .iter()
            .find(|(n, _)| n == "ETag")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let response = match verified.success_action_redirect() {
            Some(url) => {
                let sep = if url.contains('?') { '&' } else { '?' };
                let q = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
                let location = format!(
                    "{url}{sep}bucket={}&key={}&etag={}",
                    q(&bucket),
                    q(&key),
                    q(&etag)
                );
                Response {
                    status: 303,
                    headers: vec![("Location".into(), location)],
                    body: Vec::new(),
                }
            }
            None if verified.success_action_status() == 201 => {
                let mut xml = String::from("<PostResponse>");
                element(&mut xml, "Location", &format!("/{bucket}/{key}"));
                element(&mut xml, "Bucket", &bucket);
                element(&mut xml, "Key", &key);
                element(&mut xml, "ETag", &etag);
                xml.push_str("</PostResponse>");
                xml_response(201, xml)
            }
            None => empty(verified.success_action_status()),
        };
        (response, true)
    }

    /// Routes a verified request to its S3 operation.
    fn operation(&self, head: &Head, body: Vec<u8>) -> Response {
        let (path, query) = head.target.split_once('?').unwrap_or((&head.target, ""));
        let query: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        let param = |name: &str| {
            query
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let (bucket, key) = match self.bucket_and_key(head, path) {
            Ok(bk) => bk,
            Err(response) => return response,
        };
        // Sub-resources and operations this server does not have (ACLs,
        // tagging, multipart uploads, ...): refused rather than mistaken for
        // a plain GET or PUT.
        let known = [
            "list-type",
            "prefix",
            "delimiter",
            "max-keys",
            "continuation-token",
            "start-after",
            "encoding-type",
            "fetch-owner",
            "x-id",
        ];
        if let Some((name, _)) = query
            .iter()
            .find(|(n, _)| !known.contains(&n.as_str()) && !n.starts_with("X-Amz-"))
        {
            return s3_error(
                501,
                "NotImplemented",
                &format!("{name:?} is not implemented by this server"),
            );
        }
        let method = head.method.as_str();
        match (method, bucket, key) {
            ("GET", None, _) => self.list_buckets(),
            ("PUT", Some(b), None) => self.create_bucket(b),
            ("HEAD", Some(b), None) => self.head_bucket(b),
            ("DELETE", Some(b), None) => self.delete_bucket(b),
            ("GET", Some(b), None) if param("list-type") == Some("2") => {
                self.list_objects_v2(b, &param)
            }
            ("GET", Some(_), None) => s3_error(
                501,
                "NotImplemented",
                "only ListObjectsV2 (list-type=2) lists objects here",
            ),
            ("PUT", Some(_), Some(_)) if head.header("x-amz-copy-source").is_some() => s3_error(
                501,
                "NotImplemented",
                "CopyObject is not implemented by this server",
            ),
            ("PUT", Some(b), Some(k)) => self.put_object(b, k, head, body),
            ("GET" | "HEAD", Some(b), Some(k)) => self.get_object(b, k, head),
            ("DELETE", Some(b), Some(k)) => self.delete_object(b, k),
            _ => s3_error(
                405,
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
            ),
        }
    }

    /// The bucket from the `Host` (virtual-host style) or the first path
    /// segment (path style), and the key, decoded. The `Host` header is
    /// always signed, so routing by it is safe.
    fn bucket_and_key(
        &self,
        head: &Head,
        path: &str,
    ) -> Result<(Option<String>, Option<String>), Response> {
        let decode = |s: &str| {
            percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| s3_error(400, "InvalidURI", "Couldn't parse the specified URI."))
        };
        let host = head.header("host").unwrap_or("").to_ascii_lowercase();
        let host_name = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
        let vhost_bucket = self.domains.iter().find_map(|d| {
            host_name
                .strip_suffix(d.as_str())
                .and_then(|b| b.strip_suffix('.'))
                .filter(|b| !b.is_empty())
        });
        let rest = path.strip_prefix('/').unwrap_or(path);
        let (bucket, key) = match vhost_bucket {
            Some(b) => (Some(b.to_string()), rest),
            None => match rest.split_once('/') {
                _ if rest.is_empty() => (None, ""),
                Some((b, k)) => (Some(decode(b)?), k),
                None => (Some(decode(rest)?), ""),
            },
        };
        let key = if key.is_empty() {
            None
        } else {
            Some(decode(key)?)
        };
        Ok((bucket, key))
    }

    fn list_buckets(&self) -> Response {
        let buckets = self.buckets.lock().unwrap();
        let mut xml = format!(
            "<ListAllMyBucketsResult xmlns=\"{S3_XMLNS}\"><Owner><ID>awsig</ID>\
             <DisplayName>awsig</DisplayName></Owner><Buckets>"
        );
        for (name, bucket) in buckets.iter() {
            xml.push_str("<Bucket>");
            element(&mut xml, "Name", name);
            element(&mut xml, "CreationDate", &iso8601(bucket.created));
            xml.push_str("</Bucket>");
        }
        xml.push_str("</Buckets></ListAllMyBucketsResult>");
        xml_response(200, xml)
    }

    fn create_bucket(&self, name: String) -> Response {
        if !valid_bucket_name(&name) {
            return s3_error(
                400,
                "InvalidBucketName",
                "The specified bucket is not valid.",
            );
        }
        let mut buckets = self.buckets.lock().unwrap();
        if buckets.contains_key(&name) {
            return s3_error(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.");
        }
        buckets.insert(
            name.clone(),
            Bucket {
                created: SystemTime::now(),
                objects: BTreeMap::new(),
            },
        );
        let mut response = empty(200);
        response
            .headers
            .push(("Location".into(), format!("/{name}")));
        response
    }

    fn head_bucket(&self, name: String) -> Response {
        match self.buckets.lock().unwrap().contains_key(&name) {
            true => empty(200),
            false => no_such_bucket(),
        }
    }

    fn delete_bucket(&self, name: String) -> Response {
        let mut buckets = self.buckets.lock().unwrap();
        match buckets.get(&name) {
            None => no_such_bucket(),
            Some(b) if !b.objects.is_empty() => s3_error(
                409,
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty",
            ),
            Some(_) => {
                buckets.remove(&name);
                empty(204)
            }
        }
    }

    /// `GET /bucket?list-type=2`: keys in UTF-8 binary order, `prefix`,
    /// `delimiter` (common prefixes), `max-keys`, `start-after`,
    /// `continuation-token`, and `encoding-type=url` (which boto3 and the AWS
    /// CLI always ask for).
    fn list_objects_v2<'q>(
        &self,
        name: String,
        param: &dyn Fn(&str) -> Option<&'q str>,
    ) -> Response {
        let buckets = self.buckets.lock().unwrap();
        let Some(bucket) = buckets.get(&name) else {
            return no_such_bucket();
        };
        let prefix = param("prefix").unwrap_or("");
        let delimiter = param("delimiter").filter(|d| !d.is_empty());
        let url_encoded = match param("encoding-type") {
            None => false,
            Some("url") => true,
            Some(_) => {
                return s3_error(
                    400,
                    "InvalidArgument",
                    "Invalid Encoding Method specified in Request",
                )
            }
        };
        let max_keys = match param("max-keys").map(str::parse::<usize>) {
            None => 1000,
            Some(Ok(n)) => n.min(1000),
            Some(Err(_)) => {
                return s3_error(
                    400,
                    "InvalidArgument",
                    "Provided max-keys not an integer or within integer range",
                )
            }
        };
        // The token is the last key (or common prefix) of the previous page,
        // in hex: opaque to clients, as S3's.
        let after = match param("continuation-token") {
            Some(token) => match hex::decode(token)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
            {
                Some(key) => Some(key),
                None => {
                    return s3_error(
                        400,
                        "InvalidArgument",
                        "The continuation token provided is incorrect",
                    )
                }
            },
            None => param("start-after").map(str::to_string),
        };

        let mut contents: Vec<(&String, &Object)> = Vec::new();
        let mut common_prefixes: Vec<String> = Vec::new();
        let mut last = None;
        let mut truncated = false;
        let candidates = bucket
            .objects
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .filter(|(k, _)| after.as_ref().is_none_or(|a| k.as_str() > a.as_str()));
        for (key, object) in candidates {
            let rolled_up = delimiter.and_then(|d| {
                key[prefix.len()..]
                    .find(d)
                    .map(|i| key[..prefix.len() + i + d.len()].to_string())
            });
            if let Some(common) = &rolled_up {
                if common_prefixes.last() == Some(common) {
                    continue;
                }
                // A common prefix the previous page ended with.
                if after
                    .as_ref()
                    .is_some_and(|a| a.starts_with(common.as_str()))
                {
                    continue;
                }
            }
            if contents.len() + common_prefixes.len() == max_keys {
                truncated = true;
                break;
            }
            match rolled_up {
                Some(common) => {
                    last = Some(common.clone());
                    common_prefixes.push(common);
                }
                None => {
                    last = Some(key.clone());
                    contents.push((key, object));
                }
            }
        }

        let text = |s: &str| match url_encoded {
            true => utf8_percent_encode(s, URL_ENCODING_TYPE).to_string(),
            false => s.to_string(),
        };
        let mut xml = format!("<ListBucketResult xmlns=\"{S3_XMLNS}\">");
        element(&mut xml, "Name", &name);
        element(&mut xml, "Prefix", &text(prefix));
        if let Some(d) = delimiter {
            element(&mut xml, "Delimiter", &text(d));
        }
        element(&mut xml, "MaxKeys", &max_keys.to_string());
        if url_encoded {
            element(&mut xml, "EncodingType", "url");
        }
        let count = contents.len() + common_prefixes.len();
        element(&mut xml, "KeyCount", &count.to_string());
        element(
            &mut xml,
            "IsTruncated",
            if truncated { "true" } else { "false" },
        );
        if let Some(token) = param("continuation-token") {
            element(&mut xml, "ContinuationToken", token);
        }
        if truncated {
            let token = hex::encode(last.unwrap_or_default());
            element(&mut xml, "NextContinuationToken", &token);
        }
        if let Some(start_after) = param("start-after") {
            element(&mut xml, "StartAfter", &text(start_after));
        }
        for (key, object) in contents {
            xml.push_str("<Contents>");
            element(&mut xml, "Key", &text(key));
            element(&mut xml, "LastModified", &iso8601(object.last_modified));
            element(&mut xml, "ETag", &object.etag);
            element(&mut xml, "Size", &object.body.len().to_string());
            element(&mut xml, "StorageClass", "STANDARD");
            xml.push_str("</Contents>");
        }
        for common in common_prefixes {
            xml.push_str("<CommonPrefixes>");
            element(&mut xml, "Prefix", &text(&common));
            xml.push_str("</CommonPrefixes>");
        }
        xml.push_str("</ListBucketResult>");
        xml_response(200, xml)
    }

    fn put_object(&self, bucket: String, key: String, head: &Head, body: Vec<u8>) -> Response {
        if key.len() > 1024 {
            return s3_error(400, "KeyTooLongError", "Your key is too long");
        }
        let mut buckets = self.buckets.lock().unwrap();
        let Some(bucket) = buckets.get_mut(&bucket) else {
            return no_such_bucket();
        };
        // S3's ETag of a single-part upload is the body's MD5; here it is
        // the first half of its SHA-256 (clients treat it as opaque).
        let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..16]));
        let stored_headers = head
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.to_ascii_lowercase(),
                    v.trim_matches([' ', '\t']).to_string(),
                )
            })
            .filter(|(n, _)| n.starts_with("x-amz-meta-") || n.starts_with("x-amz-checksum-"))
            .filter(|(n, _)| n != "x-amz-checksum-algorithm")
            .collect();
        let object = Object {
            body,
            etag: etag.clone(),
            last_modified: SystemTime::now(),
            content_type: head
                .header("content-type")
                .unwrap_or("binary/octet-stream")
                .to_string(),
            stored_headers,
        };
        bucket.objects.insert(key, object);
        let mut response = empty(200);
        response.headers.push(("ETag".into(), etag));
        response
    }

    fn get_object(&self, bucket: String, key: String, head: &Head) -> Response {
        let buckets = self.buckets.lock().unwrap();
        let Some(bucket) = buckets.get(&bucket) else {
            return no_such_bucket();
        };
        let Some(object) = bucket.objects.get(&key) else {
            return s3_error(404, "NoSuchKey", "The specified key does not exist.");
        };
        let checksums = head
            .header("x-amz-checksum-mode")
            .is_some_and(|m| m.eq_ignore_ascii_case("ENABLED"));
        let mut headers = vec![
            ("Content-Type".to_string(), object.content_type.clone()),
            ("ETag".to_string(), object.etag.clone()),
            ("Last-Modified".to_string(), http_date(object.last_modified)),
            ("Accept-Ranges".to_string(), "none".to_string()),
        ];
        for (name, value) in &object.stored_headers {
            if checksums || !name.starts_with("x-amz-checksum-") {
                headers.push((name.clone(), value.clone()));
            }
        }
        Response {
            status: 200,
            headers,
            body: object.body.clone(),
        }
    }

    fn delete_object(&self, bucket: String, key: String) -> Response {
        let mut buckets = self.buckets.lock().unwrap();
        let Some(bucket) = buckets.get_mut(&bucket) else {
            return no_such_bucket();
        };
        // S3 answers 204 whether the key existed or not.
        bucket.objects.remove(&key);
        empty(204)
    }
}

/// What `encoding-type=url` encodes: everything but `A-Z a-z 0-9 - _ . ~ /`
/// (boto3 decodes with `unquote_plus`, so `+` must be `%2B`).
const URL_ENCODING_TYPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

fn valid_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

// ---------------------------------------------------------------------------
// Responses

/// A refusal from the verifier: S3's status and `<Error>` body.
fn refusal(err: &VerifyError) -> Response {
    xml_response(err.status(), err.to_xml())
}

/// Another S3 error, in the same format.
fn s3_error(status: u16, code: &str, message: &str) -> Response {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
    element(&mut xml, "Code", code);
    element(&mut xml, "Message", message);
    xml.push_str("</Error>");
    Response {
        status,
        headers: vec![("Content-Type".into(), "application/xml".into())],
        body: xml.into_bytes(),
    }
}

fn no_such_bucket() -> Response {
    s3_error(404, "NoSuchBucket", "The specified bucket does not exist")
}

fn xml_response(status: u16, xml: String) -> Response {
    let body = if xml.starts_with("<?xml") {
        xml
    } else {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}")
    };
    Response {
        status,
        headers: vec![("Content-Type".into(), "application/xml".into())],
        body: body.into_bytes(),
    }
}

fn empty(status: u16) -> Response {
    Response {
        status,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// `<name>text</name>`, the text escaped.
fn element(xml: &mut String, name: &str, text: &str) {
    xml.push('<');
    xml.push_str(name);
    xml.push('>');
    for c in text.chars() {
        match c {
            '&' => xml.push_str("&amp;"),
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            '"' => xml.push_str("&quot;"),
            '\'' => xml.push_str("&apos;"),
            '\r' => xml.push_str("&#13;"),
            c => xml.push(c),
        }
    }
    xml.push_str("</");
    xml.push_str(name);
    xml.push('>');
}

/// `2009-10-12T17:50:30.000Z`, as in S3's XML.
fn iso8601(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
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

/// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110).
fn http_date(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        &t.weekday().to_string()[..3],
        t.day(),
        &t.month().to_string()[..3],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn log(head: &Head, response: &Response, request_id: u64) {
    // The path only: a presigned URL's query is a bearer credential.
    let path = head.target.split('?').next().unwrap_or("");
    let code = match response.status {
        400.. => {
            let body = String::from_utf8_lossy(&response.body);
            body.split("<Code>")
                .nth(1)
                .and_then(|s| s.split("</Code>").next())
                .map(|c| format!(" {c}"))
                .unwrap_or_default()
        }
        _ => String::new(),
    };
    eprintln!(
        "{request_id:016X} {} {path} -> {}{code}",
        head.method, response.status
    );
}

// ---------------------------------------------------------------------------
// HTTP/1.1, just enough: request head, Content-Length or chunked bodies,
// keep-alive, Expect: 100-continue.

/// Reads a request line and its header lines. `Ok(None)` when the client
/// closed the connection between requests.
fn read_head(reader: &mut BufReader<TcpStream>) -> Result<Option<Head>, String> {
    let mut lines = Vec::new();
    let mut total = 0;
    loop {
        let mut line = Vec::new();
        let n = reader
            .by_ref()
            .take((MAX_HEAD - total + 1) as u64)
            .read_until(b'\n', &mut line)
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return match lines.is_empty() {
                true => Ok(None),
                false => Err("connection closed in the request head".into()),
            };
        }
        total += n;
        if total > MAX_HEAD {
            return Err("request head too large".into());
        }
        if !line.ends_with(b"\n") {
            return Err("connection closed in the request head".into());
        }
        line.pop();
        if line.ends_with(b"\r") {
            line.pop();
        }
        if line.is_empty() {
            if lines.is_empty() {
                continue; // RFC 9112: empty lines before a request line are ignored
            }
            break;
        }
        lines.push(String::from_utf8(line).map_err(|_| "a header line that is not UTF-8")?);
    }
    let request_line = lines.remove(0);
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("malformed request line".into());
    };
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(format!("unsupported version {version:?}"));
    }
    let mut headers = Vec::with_capacity(lines.len());
    for line in lines {
        if line.starts_with([' ', '\t']) {
            return Err("obsolete line folding".into());
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err("a header line without a colon".into());
        };
        if name.is_empty() || name.ends_with([' ', '\t']) {
            return Err("malformed header name".into());
        }
        // The value exactly as sent: the verifier trims and folds spaces
        // itself, as the canonical request requires.
        headers.push((name.to_string(), value.to_string()));
    }
    Ok(Some(Head {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        http10: version == "HTTP/1.0",
    }))
}

fn wants_close(head: &Head) -> bool {
    head.header("connection")
        .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close")))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    Empty,
    Length(u64),
    Chunked,
}

fn body_framing(head: &Head) -> Result<Framing, &'static str> {
    let lengths: Vec<&str> = head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.trim_matches([' ', '\t']))
        .collect();
    if let Some(te) = head.header("transfer-encoding") {
        if !lengths.is_empty() {
            return Err("both Transfer-Encoding and Content-Length");
        }
        return match te.rsplit(',').next().map(str::trim) {
            Some(last) if last.eq_ignore_ascii_case("chunked") => Ok(Framing::Chunked),
            _ => Err("a transfer coding other than chunked"),
        };
    }
    match lengths.as_slice() {
        [] => Ok(Framing::Empty),
        [first, rest @ ..] if rest.iter().all(|v| v == first) => first
            .parse::<u64>()
            .map(|n| {
                if n == 0 {
                    Framing::Empty
                } else {
                    Framing::Length(n)
                }
            })
            .map_err(|_| "an invalid Content-Length"),
        _ => Err("conflicting Content-Length headers"),
    }
}

/// Reads the body, handing it to `sink` piece by piece (HTTP chunk framing
/// removed; an aws-chunked body never gets here).
fn read_body(
    reader: &mut BufReader<TcpStream>,
    framing: Framing,
    mut sink: impl FnMut(&[u8]),
) -> Result<(), Response> {
    let too_large = || {
        s3_error(
            400,
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
        )
    };
    let lost = |e: io::Error| {
        s3_error(400, "IncompleteBody", &format!("You did not provide the number of bytes specified by the Content-Length HTTP header: {e}"))
    };
    let mut copy = |reader: &mut BufReader<TcpStream>, mut n: u64| -> Result<(), Response> {
        let mut buf = [0u8; 16 * 1024];
        while n > 0 {
            let want = buf.len().min(n as usize);
            reader.read_exact(&mut buf[..want]).map_err(lost)?;
            sink(&buf[..want]);
            n -= want as u64;
        }
        Ok(())
    };
    match framing {
        Framing::Empty => Ok(()),
        Framing::Length(n) if n > MAX_BODY => Err(too_large()),
        Framing::Length(n) => copy(reader, n),
        Framing::Chunked => {
            let mut total = 0u64;
            loop {
                let line = read_line(reader).map_err(lost)?;
                let size = line.split(';').next().unwrap_or("").trim();
                let size = u64::from_str_radix(size, 16)
                    .map_err(|_| s3_error(400, "BadRequest", "invalid chunk size"))?;
                if size == 0 {
                    // Trailer fields, up to the empty line.
                    while !read_line(reader).map_err(lost)?.is_empty() {}
                    return Ok(());
                }
                total = total.saturating_add(size);
                if total > MAX_BODY {
                    return Err(too_large());
                }
                copy(reader, size)?;
                if !read_line(reader).map_err(lost)?.is_empty() {
                    return Err(s3_error(400, "BadRequest", "chunk not followed by CRLF"));
                }
            }
        }
    }
}

fn read_line(reader: &mut BufReader<TcpStream>) -> io::Result<String> {
    let mut line = Vec::new();
    reader.by_ref().take(4096).read_until(b'\n', &mut line)?;
    if !line.ends_with(b"\n") {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "line too long or cut",
        ));
    }
    line.pop();
    if line.ends_with(b"\r") {
        line.pop();
    }
    String::from_utf8(line).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn write_response(
    writer: &mut TcpStream,
    response: &Response,
    head_request: bool,
    close: bool,
) -> io::Result<()> {
    let reason = match response.status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        _ => "",
    };
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", response.status);
    out.push_str(&format!("Date: {}\r\n", http_date(SystemTime::now())));
    out.push_str("Server: awsig-example\r\n");
    for (name, value) in &response.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if response.status != 204 {
        out.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_request {
        bytes.extend_from_slice(&response.body);
    }
    writer.write_all(&bytes)?;
    writer.flush()
}

/// Closes after the response without resetting the connection: what the
/// client may still send (an unread body) is read for a moment and dropped,
/// so that the client reads the response instead of "connection reset".
fn linger_close(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut buf = [0u8; 16 * 1024];
    let mut left = MAX_BODY;
    while let Ok(n @ 1..) = stream.read(&mut buf) {
        left = left.saturating_sub(n as u64);
        if left == 0 {
            break;
        }
    }
}

/// The boundary of a `POST` with a `multipart/form-data` body and no other
/// authentication: a browser upload.
#[cfg(feature = "post-verify")]
fn post_upload_boundary(head: &Head) -> Option<String> {
    if head.method != "POST" || head.header("authorization").is_some() {
        return None;
    }
    let content_type = head.header("content-type")?;
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (n, v) = p.split_once('=')?;
        n.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// A `multipart/form-data` body: the fields before the file, and the file.
#[cfg(feature = "post-verify")]
mod multipart {
    pub struct Form {
        pub fields: Vec<(String, String)>,
        pub file: Option<File>,
    }

    pub struct File {
        /// The `filename` parameter as the browser sent it.
        pub name: String,
        pub data: Vec<u8>,
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    /// `name="..."` of a `Content-Disposition` header, as sent (browsers
    /// send `"` as `%22` and other bytes raw).
    fn param(disposition: &str, name: &str) -> Option<String> {
        let at = disposition.find(&format!("{name}=\""))? + name.len() + 2;
        let end = at + disposition[at..].find('"')?;
        Some(disposition[at..end].to_string())
    }

    /// The parts up to and including the file (S3 ignores fields after it).
    pub fn parse(body: &[u8], boundary: &str) -> Option<Form> {
        let delimiter = format!("--{boundary}");
        let mut rest = &body[find(body, delimiter.as_bytes())? + delimiter.len()..];
        let mut form = Form {
            fields: Vec::new(),
            file: None,
        };
        let next = format!("\r\n--{boundary}");
        while let Some(after) = rest.strip_prefix(b"\r\n") {
            let head_end = find(after, b"\r\n\r\n")?;
            let head = std::str::from_utf8(&after[..head_end]).ok()?;
            let content = &after[head_end + 4..];
            let end = find(content, next.as_bytes())?;
            let data = &content[..end];
            rest = &content[end + next.len()..];
            let disposition = head
                .split("\r\n")
                .find_map(|l| {
                    l.split_once(':')
                        .filter(|(n, _)| n.trim().eq_ignore_ascii_case("content-disposition"))
                })?
                .1;
            let name = param(disposition, "name")?;
            if name.eq_ignore_ascii_case("file") {
                form.file = Some(File {
                    name: param(disposition, "filename").unwrap_or_default(),
                    data: data.to_vec(),
                });
                return Some(form);
            }
            form.fields
                .push((name, String::from_utf8(data.to_vec()).ok()?));
        }
        Some(form)
    }
}
