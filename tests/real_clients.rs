//! Real S3 clients that nobody here wrote, against `examples/s3_server.rs`
//! (an in-memory S3-style server whose every request goes through awsig's
//! `Verifier`):
//!
//! - boto3 (SigV4, path and virtual-host style): objects with awkward keys,
//!   listings, presigned URLs fetched with urllib, session tokens, and
//!   requests changed after signing by a `before-send` hook;
//! - the AWS CLI (`awscli` from PyPI, v1, with its own copy of botocore):
//!   `s3api`, `s3 ls`/`cp` and `s3 presign`;
//! - the `aws-sigv4` crate (AWS's Rust SDK signer) and the `rusty-s3` crate,
//!   with requests sent by ureq;
//! - curl, with awsig's own CLI output (`awsig sign --format curl`, `awsig
//!   presign`).
//!
//! A request that succeeds proves that the verifier accepts what a real
//! client signs; each refusal is asserted by the S3 error code the client
//! parsed out of the server's XML (botocore's parser, the CLI's message, or
//! the XML body), and by the object not being stored.
//!
//! The Python clients come from `scripts/install-python-clients.sh`, found at
//! `$AWSIG_PYTHON_CLIENTS`, else `${AWSIG_TOOLS:-$HOME/.cache/awsig-tools}/venv`.
//! Without them these tests skip loudly, and under `CI` they fail. Each test
//! starts a server of its own (a fresh port, an empty store), so tests run in
//! parallel. The server binary is built by `cargo build --example s3_server`
//! (a no-op when `cargo test` has just built the examples).
//!
//! aws-chunked bodies: botocore ≥ 1.36 adds a CRC32 checksum to uploads. Over
//! plain HTTP (this server) it sends it in a header and signs the body's
//! SHA-256, which the verifier checks; over HTTPS it sends an aws-chunked body
//! (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`), which awsig does not verify yet and
//! the server refuses with `501 NotImplemented`
//! (`boto3_aws_chunked_uploads_are_refused_until_chunked_verification`).
//! Behind TLS, clients need `AWS_REQUEST_CHECKSUM_CALCULATION=when_required`
//! until chunked verification lands.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    sign as aws_sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings as AwsSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use base64::Engine as _;
use rusty_s3::S3Action as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// Temporary credentials: an access key that is valid only with its token.
const TEMP_ACCESS_KEY: &str = "ASIAIOSFODNN7EXAMPLE";
const TEMP_SECRET_KEY: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
const TEMP_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN/+sdGVzdA==";

/// Keys that tend to break signers and servers: spaces, `+` (a space in a
/// form-encoded query, a plus in a path), `=` `&` `;` `,` `:` `@` `$`,
/// sub-delims that SigV4 encodes but RFC 3986 allows raw, `%` that is not
/// an escape, `?` and `#`, non-ASCII, a trailing `/`, `//`, and dot
/// segments (which S3 rules sign and route as they are, never resolved).
const AWKWARD_KEYS: &[&str] = &[
    "plain.txt",
    "with space.txt",
    "dir/sub/ünïcödé 日本語.txt",
    "a+b=c&d.txt",
    "semi;colon,comma:colon@at$dollar",
    "tilde~star*quote'paren(1)!",
    "percent%20not-an-escape%",
    "question?hash#bracket[1]{2}",
    "emoji 😀.bin",
    "caret^backtick`pipe|lt<gt>\"quote\\backslash",
    "dir/",
    "double//slash",
    "dir/./dot/../segments",
    "../up",
    "..",
];

// ---------------------------------------------------------------------------
// Environment: CI or not, the clients, the server binary

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// A client that is not there: a failure under CI, else a loud skip
/// (straight to stderr: the harness captures the output of passing tests).
fn missing(what: &str, how: &str) {
    if ci() {
        panic!("{what} is required under CI: {how}");
    }
    let _ = writeln!(
        std::io::stderr(),
        "\n*** REAL-CLIENT TEST SKIPPED: {what} not found ({how}) ***\n"
    );
}

struct PythonClients {
    python: PathBuf,
    aws: PathBuf,
}

/// boto3 and the AWS CLI, as scripts/install-python-clients.sh installs them.
fn python_clients() -> Option<&'static PythonClients> {
    static CLIENTS: OnceLock<Option<PythonClients>> = OnceLock::new();
    let found = CLIENTS.get_or_init(|| {
        let venv = match std::env::var_os("AWSIG_PYTHON_CLIENTS") {
            Some(v) => PathBuf::from(v),
            None => match std::env::var_os("AWSIG_TOOLS") {
                Some(t) => PathBuf::from(t).join("venv"),
                None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/awsig-tools/venv"),
            },
        };
        let clients = PythonClients {
            python: venv.join("bin/python"),
            aws: venv.join("bin/aws"),
        };
        let boto3 = Command::new(&clients.python)
            .args(["-c", "import boto3"])
            .output()
            .is_ok_and(|o| o.status.success());
        (boto3 && clients.aws.is_file()).then_some(clients)
    });
    if found.is_none() {
        missing(
            "boto3 / the AWS CLI",
            "run scripts/install-python-clients.sh, or set AWSIG_PYTHON_CLIENTS to its venv",
        );
    }
    found.as_ref()
}

/// `target/<profile>`, from this test binary's path (`target/<profile>/deps/`).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .to_path_buf()
}

/// The example server, built once per test run (with the features this
/// test was built with, so the library is not rebuilt).
fn server_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let profile = profile_dir();
        let target = profile.parent().expect("target dir");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "--quiet", "--example", "s3_server", "--target-dir"])
            .arg(target);
        // What cargo sets for this test process describes this package: a
        // build script that watches one of them (ring's watches
        // CARGO_MANIFEST_DIR) would otherwise be rerun, and the outer build
        // then redone.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            let per_crate = ["CARGO_PKG_", "CARGO_BIN_EXE_"]
                .iter()
                .any(|p| name.starts_with(p))
                || [
                    "CARGO_MANIFEST_DIR",
                    "CARGO_MANIFEST_PATH",
                    "CARGO_CRATE_NAME",
                    "CARGO_BIN_NAME",
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_TARGET_TMPDIR",
                    "CARGO_RUSTC_CURRENT_DIR",
                    "OUT_DIR",
                ]
                .contains(&name.as_ref());
            if per_crate {
                build.env_remove(name.as_ref());
            }
        }
        if profile.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        let features: Vec<&str> = [
            ("cli", cfg!(feature = "cli")),
            ("post-verify", cfg!(feature = "post-verify")),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect();
        if !features.is_empty() {
            build.args(["--features", &features.join(",")]);
        }
        // Its output (warnings included) is shown only if it fails.
        let out = build.output().expect("run cargo build --example s3_server");
        assert!(
            out.status.success(),
            "cargo build --example s3_server failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let binary = profile.join("examples/s3_server");
        assert!(binary.is_file(), "{} was not built", binary.display());
        binary
    })
}

/// A directory of its own for each caller, under cargo's tmp dir for tests.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "real_clients/{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

// ---------------------------------------------------------------------------
// The server

/// `examples/s3_server` on a free port; stopped (and its log shown, when the
/// test failed) on drop.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    url: String,
    port: u16,
    log: PathBuf,
}

impl Server {
    /// With the example key and the temporary (token-bound) key.
    fn start(name: &str) -> Server {
        let log = scratch(name).join("server.log");
        let mut command = Command::new(server_binary());
        command
            .args(["--credentials", &format!("{ACCESS_KEY}:{SECRET_KEY}")])
            .args([
                "--credentials",
                &format!("{TEMP_ACCESS_KEY}:{TEMP_SECRET_KEY}:{TEMP_TOKEN}"),
            ])
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("server log"));
        let mut child = command.spawn().expect("start the example server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("server prints its address");
        let url = line.trim().to_string();
        let port = url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("server printed {line:?}, not http://127.0.0.1:PORT"));
        Server {
            child,
            url,
            port,
            log,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            eprintln!("--- server log ({}):\n{log}", self.log.display());
        }
    }
}

// ---------------------------------------------------------------------------
// Helpers: the clients' environment, HTTP, XML

/// A command with no AWS settings from the user's environment or files.
fn isolated(program: &Path, config_file: &Path) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        let proxy = name.to_ascii_lowercase().ends_with("_proxy");
        if name.starts_with("AWS_") || name.starts_with("PYTHON") || proxy {
            command.env_remove(&name);
        }
    }
    command
        .env("AWS_CONFIG_FILE", config_file)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "*")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null());
    command
}

/// Runs one case of tests/real_clients/boto3_cases.py and returns what it
/// reported.
fn boto3(server: &Server, case: &str, args: Value) -> Value {
    let clients = python_clients().expect("checked by the caller");
    let dir = scratch(case);
    let config = dir.join("aws-config");
    std::fs::write(&config, "").unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real_clients/boto3_cases.py");
    let out = isolated(&clients.python, &config)
        .arg(script)
        .arg(case)
        .arg(args.to_string())
        .env("AWSIG_S3_ENDPOINT", &server.url)
        .env("AWSIG_S3_ACCESS_KEY", ACCESS_KEY)
        .env("AWSIG_S3_SECRET_KEY", SECRET_KEY)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "boto3 case {case} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "boto3 case {case}: {e}\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(
            v.as_str()
                .unwrap_or_else(|| panic!("base64 expected, got {v}")),
        )
        .expect("base64")
}

/// A body of its own for each key (binary bytes included).
fn body_for(key: &str) -> Vec<u8> {
    let mut body = format!("the body of {key}\n").into_bytes();
    body.extend(0u8..=255);
    body
}

/// The text of the first `<name>` element of an XML body (entities of the
/// five predefined kinds decoded).
fn xml_element(xml: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(xml);
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&format!("</{name}>"))?;
    Some(
        text[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// `(status, S3 error code)` of a response with an XML `<Error>` body.
fn refusal(status: u16, body: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(body);
    assert!(
        text.contains("<Error>"),
        "expected an S3 <Error> body with status {status}, got {text:?}"
    );
    (status, xml_element(body, "Code").expect("<Code>"))
}

/// `{"status", "body"}` from boto3_cases.py's `fetch`, as `refusal`.
fn fetched_refusal(v: &Value) -> (u16, String) {
    refusal(v["status"].as_u64().unwrap() as u16, &unb64(&v["body"]))
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn code(&self) -> (u16, String) {
        refusal(self.status, &self.body)
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// Sends `request` as it is (ureq adds `host`, `content-length` and its own
/// `user-agent`/`accept`, none of them `x-amz-*`).
fn send(request: http::Request<Vec<u8>>) -> Resp {
    let response = agent().run(request).expect("HTTP request");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = response.into_body().read_to_vec().expect("response body");
    Resp {
        status,
        headers,
        body,
    }
}

fn request(method: &str, url: &str, body: Vec<u8>) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method(method)
        .uri(url)
        .body(body)
        .expect("request")
}

/// SigV4 (S3) encoding of a key, written here independently of awsig:
/// everything but `A-Z a-z 0-9 - _ . ~ /` as `%XX`.
fn encode_key(key: &str) -> String {
    const KEY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(key, KEY).to_string()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

// ---------------------------------------------------------------------------
// boto3

/// put/head/get/list/delete with awkward keys, path style: every body comes
/// back byte for byte; the listing has exactly the keys put, in UTF-8 binary
/// order, as boto3 decodes them from `encoding-type=url`.
#[test]
fn boto3_objects_round_trip_with_awkward_keys() {
    if python_clients().is_none() {
        return;
    }
    let server = Server::start("boto3-objects");
    round_trip_with_boto3(&server, "path");
}

/// The same with virtual-host addressing: `Host: BUCKET.localhost:PORT` and
/// `/key` as the path.
#[test]
fn boto3_objects_round_trip_virtual_host_style() {
    if python_clients().is_none() {
        return;
    }
    let server = Server::start("boto3-vhost");
    round_trip_with_boto3(&server, "virtual");
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(
        log.lines().any(|l| l.contains(" PUT /plain.txt -> 200")),
        "the server saw virtual-host requests (path without the bucket):\n{log}"
    );
}

fn round_trip_with_boto3(server: &Server, style: &str) {
    let bucket = "awkward-keys";
    let objects: Vec<Value> = AWKWARD_KEYS
        .iter()
        .map(|k| json!({"key": k, "body": b64(&body_for(k))}))
        .collect();
    let out = boto3(
        server,
        "objects",
        json!({"bucket": bucket, "objects": objects, "prefix": "dir/", "addressing_style": style}),
    );
    assert_eq!(out["create"], json!({}), "CreateBucket succeeded");
    assert_eq!(out["head_bucket"], 200);
    for key in AWKWARD_KEYS {
        let o = &out["objects"][key];
        let body = body_for(key);
        assert_eq!(
            unb64(&o["body"]),
            body,
            "GetObject {key:?} returns the bytes put"
        );
        assert_eq!(o["head_length"], body.len(), "HeadObject {key:?}");
        assert_eq!(o["head_etag"], o["put_etag"], "{key:?}");
        assert_eq!(o["head_type"], "text/plain; charset=utf-8", "{key:?}");
        assert_eq!(o["head_metadata"], json!({"origin": "boto3"}), "{key:?}");
    }
    let mut sorted: Vec<&str> = AWKWARD_KEYS.to_vec();
    sorted.sort(); // str order is UTF-8 byte order, S3's listing order
    assert_eq!(
        out["list"],
        json!(sorted),
        "ListObjectsV2 lists every key once, in order"
    );
    assert_eq!(out["list_key_count"], AWKWARD_KEYS.len());
    let sizes: Vec<usize> = sorted.iter().map(|k| body_for(k).len()).collect();
    assert_eq!(out["list_sizes"], json!(sizes));
    let in_dir: Vec<&str> = sorted
        .iter()
        .copied()
        .filter(|k| k.starts_with("dir/"))
        .collect();
    assert_eq!(out["list_prefix"], json!(in_dir), "Prefix=dir/");
    let top: Vec<&str> = sorted
        .iter()
        .copied()
        .filter(|k| !k.contains('/'))
        .collect();
    assert_eq!(out["list_delimited"]["keys"], json!(top), "Delimiter=/");
    // Up to and including the first '/', once each, in order.
    let mut prefixes: Vec<&str> = sorted
        .iter()
        .filter_map(|k| k.find('/').map(|i| &k[..=i]))
        .collect();
    prefixes.dedup();
    assert_eq!(prefixes, ["../", "dir/", "double/"]);
    assert_eq!(
        out["list_delimited"]["prefixes"],
        json!(prefixes),
        "Delimiter=/ common prefixes"
    );
    let pages: Vec<Vec<String>> = serde_json::from_value(out["paginated"].clone()).unwrap();
    assert!(pages.iter().all(|p| p.len() <= 2), "{pages:?}");
    assert_eq!(
        pages.concat(),
        sorted,
        "continuation tokens walk the whole list"
    );
    assert_eq!(out["delete"], 204);
    let first = AWKWARD_KEYS[0];
    let rest: Vec<&str> = sorted.iter().copied().filter(|k| *k != first).collect();
    assert_eq!(out["after_delete"], json!(rest), "{first:?} deleted");
    assert_eq!(out["get_deleted"]["Code"], "NoSuchKey");
    assert_eq!(out["get_deleted"]["status"], 404);
    assert_eq!(out["missing_bucket"]["Code"], "NoSuchBucket");
}

/// generate_presigned_url, fetched with urllib: a PUT stores the body, a GET
/// returns it; one character changed in the signature or in the key is
/// SignatureDoesNotMatch (and the PUT stores nothing); an expired URL is
/// AccessDenied "Request has expired".
#[test]
fn boto3_presigned_urls_and_their_tampering() {
    if python_clients().is_none() {
        return;
    }
    let server = Server::start("boto3-presigned");
    for (style, key) in [
        ("path", "presigned/ünï code+plus=eq.txt"),
        ("virtual", "presigned/virtual host.txt"),
    ] {
        let body = body_for(key);
        let out = boto3(
            &server,
            "presigned",
            json!({"bucket": format!("presigned-{style}"), "key": key, "body": b64(&body), "addressing_style": style}),
        );
        let get_url = out["get_url"].as_str().unwrap();
        assert!(
            get_url.contains("X-Amz-Algorithm=AWS4-HMAC-SHA256"),
            "{get_url}"
        );
        if style == "virtual" {
            assert!(
                get_url.starts_with("http://presigned-virtual.localhost:"),
                "{get_url}"
            );
        }
        assert_eq!(out["put"]["status"], 200, "presigned PUT: {}", out["put"]);
        assert_eq!(out["get"]["status"], 200);
        assert_eq!(
            unb64(&out["get"]["body"]),
            body,
            "presigned GET returns the PUT body"
        );
        for tampered in ["signature_changed", "key_changed", "put_signature_changed"] {
            assert_eq!(
                fetched_refusal(&out[tampered]),
                (403, "SignatureDoesNotMatch".to_string()),
                "{style}: {tampered}"
            );
        }
        assert_eq!(
            unb64(&out["get_after_refused_put"]["body"]),
            body,
            "a refused presigned PUT stores nothing"
        );
        assert_eq!(
            fetched_refusal(&out["expired"]),
            (403, "AccessDenied".to_string())
        );
        let expired = unb64(&out["expired"]["body"]);
        assert_eq!(
            xml_element(&expired, "Message").as_deref(),
            Some("Request has expired")
        );
        assert_eq!(xml_element(&expired, "X-Amz-Expires").as_deref(), Some("1"));
    }
}

/// Requests boto3 signed, then changed by a `before-send` hook, and other
/// wrong signatures: each is refused with S3's code (as botocore parsed it)
/// and stores nothing; the same request unchanged is accepted.
#[test]
fn boto3_tampered_requests_are_refused_with_s3_codes() {
    if python_clients().is_none() {
        return;
    }
    let server = Server::start("boto3-tampered");
    let out = boto3(&server, "tampered", json!({"bucket": "tampered"}));
    let expect = |case: &str, status: u16, code: &str| {
        let e = &out[case]["error"];
        assert_eq!(e["Code"], code, "{case}: {}", out[case]);
        assert_eq!(e["status"], status, "{case}");
        assert_eq!(out[case]["stored"], false, "{case}: nothing stored");
        e
    };
    let e = expect("unsigned_meta", 403, "AccessDenied");
    assert_eq!(
        e["Message"],
        "There were headers present in the request which were not signed"
    );
    assert_eq!(e["HeadersNotSigned"], "x-amz-meta-added");
    let e = expect("unsigned_copy_source", 403, "AccessDenied");
    assert_eq!(e["HeadersNotSigned"], "x-amz-copy-source");
    let e = expect("content_type_changed", 403, "SignatureDoesNotMatch");
    // The server's canonical request, as botocore read it from the XML:
    // the changed value is what the server signed.
    let creq = e["CanonicalRequest"].as_str().unwrap();
    assert!(
        creq.starts_with("PUT\n/tampered/tampered/content_type_changed\n"),
        "{creq}"
    );
    assert!(creq.contains("\ncontent-type:text/html\n"), "{creq}");
    assert!(e["StringToSign"]
        .as_str()
        .unwrap()
        .starts_with("AWS4-HMAC-SHA256\n"));
    expect("date_changed_same_day", 403, "SignatureDoesNotMatch");
    // Another day than the credential's: S3's AuthorizationHeaderMalformed.
    expect(
        "date_changed_other_day",
        400,
        "AuthorizationHeaderMalformed",
    );
    let e = expect("body_changed", 400, "XAmzContentSHA256Mismatch");
    assert_eq!(e["ClientComputedContentSHA256"], sha256_hex(b"0123456789"));
    assert_eq!(e["S3ComputedContentSHA256"], sha256_hex(b"9876543210"));
    expect("wrong_secret", 403, "SignatureDoesNotMatch");
    let e = expect("unknown_key", 403, "InvalidAccessKeyId");
    assert_eq!(e["AWSAccessKeyId"], "AKIAUNKNOWNEXAMPLE00");
    assert_eq!(out["untampered"], json!({"ok": true, "stored": true}));
}

/// Temporary credentials: the session token is signed in the header or the
/// presigned query; another token, or none, is InvalidToken.
#[test]
fn boto3_session_token() {
    if python_clients().is_none() {
        return;
    }
    let server = Server::start("boto3-token");
    let out = boto3(
        &server,
        "session_token",
        json!({"bucket": "temporary", "access_key": TEMP_ACCESS_KEY, "secret_key": TEMP_SECRET_KEY, "token": TEMP_TOKEN}),
    );
    assert_eq!(out["create"], true);
    assert_eq!(out["put"], true);
    assert_eq!(unb64(&out["get"]), b"temporary");
    assert_eq!(out["presigned_has_token"], true);
    assert_eq!(out["presigned_get"]["status"], 200);
    assert_eq!(unb64(&out["presigned_get"]["body"]), b"temporary");
    for case in ["wrong_token", "no_token"] {
        assert_eq!(out[case]["Code"], "InvalidToken", "{case}: {}", out[case]);
        assert_eq!(out[case]["status"], 400, "{case}");
    }
}

/// What botocore does with checksums, and what the server makes of it:
/// - by default over HTTP: the body's SHA-256 signed, a CRC32 in a signed
///   header; accepted, and the CRC32 given back validates on GET;
/// - by default over HTTPS (the choice botocore makes for an https://
///   endpoint, forced here with a `before-call` hook): an aws-chunked body
///   with a trailing checksum, `STREAMING-UNSIGNED-PAYLOAD-TRAILER`; the
///   server refuses it with 501 NotImplemented, not an acceptance, and
///   stores nothing (chunked verification is not implemented yet);
/// - with `request_checksum_calculation = when_required` (what
///   `AWS_REQUEST_CHECKSUM_CALCULATION=when_required` sets): no checksum,
///   a plain signed body even where botocore would otherwise chunk; accepted.
#[test]
fn boto3_aws_chunked_uploads_are_refused_until_chunked_verification() {
    if python_clients().is_none() {
        return;
    }
    let server = Server::start("boto3-checksums");
    let out = boto3(&server, "checksums", json!({"bucket": "checksums"}));
    let body_hash = sha256_hex(b"checksummed body");

    let http = &out["default_http"];
    assert_eq!(http["error"], Value::Null, "{http}");
    assert_eq!(http["stored"], true);
    assert_eq!(http["sent"]["x-amz-content-sha256"], body_hash.as_str());
    assert_eq!(http["sent"]["content-encoding"], Value::Null);
    assert_eq!(http["sent"]["x-amz-sdk-checksum-algorithm"], "CRC32");
    let crc = http["sent"]["x-amz-checksum-crc32"]
        .as_str()
        .expect("CRC32 header");
    assert_eq!(
        http["checksum_crc32"], crc,
        "given back, validated by botocore on GET"
    );
    assert_eq!(unb64(&http["body"]), b"checksummed body");

    let chunked = &out["default_https_choice"];
    assert_eq!(
        chunked["sent"]["x-amz-content-sha256"],
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    );
    assert_eq!(chunked["sent"]["content-encoding"], "aws-chunked");
    assert_eq!(chunked["sent"]["transfer-encoding"], "chunked");
    assert_eq!(chunked["sent"]["x-amz-trailer"], "x-amz-checksum-crc32");
    assert_eq!(chunked["error"]["Code"], "NotImplemented", "{chunked}");
    assert_eq!(chunked["error"]["status"], 501);
    assert_eq!(chunked["stored"], false);

    let required = &out["when_required_https_choice"];
    assert_eq!(required["error"], Value::Null, "{required}");
    assert_eq!(required["stored"], true);
    assert_eq!(required["sent"]["x-amz-content-sha256"], body_hash.as_str());
    assert_eq!(required["sent"]["content-encoding"], Value::Null);
    assert_eq!(required["sent"]["x-amz-checksum-crc32"], Value::Null);
}

// ---------------------------------------------------------------------------
// The AWS CLI

/// An `aws` command against the server: `--endpoint-url`, path style, SigV4
/// (also for `s3 presign`, whose default is SigV2), one attempt.
struct AwsCli<'a> {
    clients: &'a PythonClients,
    server: &'a Server,
    dir: PathBuf,
    config: PathBuf,
}

impl<'a> AwsCli<'a> {
    fn new(clients: &'a PythonClients, server: &'a Server, name: &str) -> AwsCli<'a> {
        let dir = scratch(name);
        let config = dir.join("aws-config");
        std::fs::write(
            &config,
            "[default]\nregion = us-east-1\nmax_attempts = 1\n\
             s3 =\n  addressing_style = path\n  signature_version = s3v4\n",
        )
        .unwrap();
        AwsCli {
            clients,
            server,
            dir,
            config,
        }
    }

    fn run_with(&self, args: &[&str], secret: &str, env: &[(&str, &str)]) -> Output {
        let mut command = isolated(&self.clients.aws, &self.config);
        command
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .args(["--endpoint-url", &self.server.url, "--output", "json"])
            .args(args)
            .current_dir(&self.dir);
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().expect("run aws")
    }

    /// Runs and expects success; stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run_with(args, SECRET_KEY, &[]);
        assert!(
            out.status.success(),
            "aws {args:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("aws {args:?}: {e}: {text}"))
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }
}

/// `aws s3api` create-bucket, put-object (a file body: `Expect:
/// 100-continue`), head-object, get-object, list-objects-v2, delete-object.
#[test]
fn aws_cli_s3api_round_trip() {
    let Some(clients) = python_clients() else {
        return;
    };
    let server = Server::start("aws-s3api");
    let aws = AwsCli::new(clients, &server, "aws-s3api");
    let version = aws.ok(&["--version"]);
    eprintln!("{}", version.trim());
    aws.json(&["s3api", "create-bucket", "--bucket", "cli-bucket"]);
    let keys = [
        "dir/a b+c=d.txt",
        "ünïcödé/日本語 😀",
        "semi;colon,comma&amp",
        "plain",
    ];
    for key in keys {
        let body = body_for(key);
        let file = aws.file("upload.bin", &body);
        let put = aws.json(&[
            "s3api",
            "put-object",
            "--bucket",
            "cli-bucket",
            "--key",
            key,
            "--body",
            &file,
            "--metadata",
            "origin=aws-cli",
        ]);
        assert!(put["ETag"].is_string(), "{put}");
        let head = aws.json(&[
            "s3api",
            "head-object",
            "--bucket",
            "cli-bucket",
            "--key",
            key,
        ]);
        assert_eq!(head["ContentLength"], body.len());
        assert_eq!(head["Metadata"], json!({"origin": "aws-cli"}));
        let target = aws.dir.join("download.bin");
        let get = aws.json(&[
            "s3api",
            "get-object",
            "--bucket",
            "cli-bucket",
            "--key",
            key,
            target.to_str().unwrap(),
        ]);
        assert_eq!(get["ETag"], put["ETag"]);
        assert_eq!(std::fs::read(&target).unwrap(), body, "{key:?}");
    }
    let list = aws.json(&["s3api", "list-objects-v2", "--bucket", "cli-bucket"]);
    let listed: Vec<&str> = list["Contents"]
        .as_array()
        .expect("Contents")
        .iter()
        .map(|c| c["Key"].as_str().unwrap())
        .collect();
    let mut sorted = keys.to_vec();
    sorted.sort();
    assert_eq!(listed, sorted);
    let deleted = aws.ok(&[
        "s3api",
        "delete-object",
        "--bucket",
        "cli-bucket",
        "--key",
        keys[0],
    ]);
    assert_eq!(deleted.trim(), "", "DeleteObject prints nothing");
    let list = aws.json(&[
        "s3api",
        "list-objects-v2",
        "--bucket",
        "cli-bucket",
        "--prefix",
        "dir/",
    ]);
    assert_eq!(list.get("Contents"), None, "{list}");
}

/// What the CLI sends over HTTP by default (from `--debug`): a signed
/// SHA-256 of the body and a CRC32 header, not aws-chunked; with
/// `AWS_REQUEST_CHECKSUM_CALCULATION=when_required`, no checksum at all.
/// Both are accepted.
#[test]
fn aws_cli_uploads_sign_the_body_over_http() {
    let Some(clients) = python_clients() else {
        return;
    };
    let server = Server::start("aws-checksum");
    let aws = AwsCli::new(clients, &server, "aws-checksum");
    aws.json(&["s3api", "create-bucket", "--bucket", "cli-checksum"]);
    let file = aws.file("body.txt", b"checksummed by the CLI");
    for (setting, crc32) in [(None, true), (Some("when_required"), false)] {
        let env: Vec<(&str, &str)> = setting
            .map(|s| ("AWS_REQUEST_CHECKSUM_CALCULATION", s))
            .into_iter()
            .collect();
        let out = aws.run_with(
            &[
                "--debug",
                "s3api",
                "put-object",
                "--bucket",
                "cli-checksum",
                "--key",
                "k",
                "--body",
                &file,
            ],
            SECRET_KEY,
            &env,
        );
        let debug = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{setting:?}: {debug}");
        let sent = debug
            .lines()
            .find(|l| l.contains("Sending http request:") && l.contains("method=PUT"))
            .expect("the request in the debug log");
        let hash = sha256_hex(b"checksummed by the CLI");
        assert!(
            sent.contains(&format!("'X-Amz-Content-SHA256': b'{hash}'")),
            "{setting:?}: {sent}"
        );
        assert!(!sent.contains("aws-chunked"), "{sent}");
        assert_eq!(
            sent.contains("x-amz-checksum-crc32"),
            crc32,
            "{setting:?}: {sent}"
        );
        assert!(sent.contains("'Expect': b'100-continue'"), "{sent}");
    }
}

/// `aws s3 ls`, `aws s3 cp` both ways, and `aws s3 presign` fetched.
#[test]
fn aws_cli_s3_commands_and_presign() {
    let Some(clients) = python_clients() else {
        return;
    };
    let server = Server::start("aws-s3");
    let aws = AwsCli::new(clients, &server, "aws-s3");
    aws.json(&["s3api", "create-bucket", "--bucket", "cli-s3"]);
    let key = "photos/2024/cat picture+1=ü.jpg";
    let body = body_for(key);
    let file = aws.file("cat.jpg", &body);
    let uploaded = aws.ok(&["s3", "cp", &file, &format!("s3://cli-s3/{key}")]);
    assert!(uploaded.contains("upload:"), "{uploaded}");
    aws.ok(&["s3", "cp", &file, "s3://cli-s3/top.txt"]);

    let buckets = aws.ok(&["s3", "ls"]);
    assert!(buckets.lines().any(|l| l.ends_with(" cli-s3")), "{buckets}");
    let top = aws.ok(&["s3", "ls", "s3://cli-s3/"]);
    assert!(top.lines().any(|l| l.trim() == "PRE photos/"), "{top}");
    assert!(top.lines().any(|l| l.ends_with(" top.txt")), "{top}");
    let all = aws.ok(&["s3", "ls", "--recursive", "s3://cli-s3/"]);
    let listed: Vec<(u64, String)> = all
        .lines()
        .map(|line| {
            // "2024-01-01 12:00:00       1234 the key"
            let mut rest = line;
            let mut fields = Vec::new();
            for _ in 0..3 {
                rest = rest.trim_start();
                let end = rest.find(' ').unwrap_or(rest.len());
                fields.push(&rest[..end]);
                rest = &rest[end..];
            }
            (fields[2].parse().unwrap(), rest[1..].to_string())
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (body.len() as u64, key.to_string()),
            (body.len() as u64, "top.txt".to_string())
        ]
    );

    let target = aws.dir.join("back.jpg");
    aws.ok(&[
        "s3",
        "cp",
        &format!("s3://cli-s3/{key}"),
        target.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&target).unwrap(), body);

    let url = aws.ok(&[
        "s3",
        "presign",
        &format!("s3://cli-s3/{key}"),
        "--expires-in",
        "300",
    ]);
    let url = url.trim();
    assert!(url.contains("X-Amz-Signature="), "SigV4: {url}");
    let got = send(request("GET", url, Vec::new()));
    assert_eq!(got.status, 200);
    assert_eq!(got.body, body, "the presigned URL returns the object");
    let tampered = url.replace("X-Amz-Expires=300", "X-Amz-Expires=301");
    assert_eq!(
        send(request("GET", &tampered, Vec::new())).code(),
        (403, "SignatureDoesNotMatch".to_string())
    );
}

/// The CLI's refusals: its message names the code it parsed from the XML.
#[test]
fn aws_cli_refusals() {
    let Some(clients) = python_clients() else {
        return;
    };
    let server = Server::start("aws-refusals");
    let aws = AwsCli::new(clients, &server, "aws-refusals");
    aws.json(&["s3api", "create-bucket", "--bucket", "cli-refusals"]);
    let file = aws.file("x.txt", b"not to be stored");
    let out = aws.run_with(
        &[
            "s3api",
            "put-object",
            "--bucket",
            "cli-refusals",
            "--key",
            "x",
            "--body",
            &file,
        ],
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEX",
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(
            "An error occurred (SignatureDoesNotMatch) when calling the PutObject operation"
        ),
        "{stderr}"
    );
    let out = aws.run_with(
        &[
            "s3api",
            "head-object",
            "--bucket",
            "cli-refusals",
            "--key",
            "x",
        ],
        SECRET_KEY,
        &[],
    );
    assert!(!out.status.success(), "nothing was stored");
    assert!(String::from_utf8_lossy(&out.stderr).contains("(404)"));
}

/// `aws s3 presign` signs with SigV2 unless the profile says s3v4: the
/// server (SigV4 only) refuses it. S3 answers SigV2 in its SigV4-only
/// regions with 400 InvalidRequest "The authorization mechanism you have
/// provided is not supported. Please use AWS4-HMAC-SHA256."
#[test]
fn aws_cli_sigv2_presigned_url_is_refused_as_s3_does() {
    let Some(clients) = python_clients() else {
        return;
    };
    let server = Server::start("aws-sigv2");
    let aws = AwsCli::new(clients, &server, "aws-sigv2");
    aws.json(&["s3api", "create-bucket", "--bucket", "cli-sigv2"]);
    let file = aws.file("x.txt", b"v2");
    aws.json(&[
        "s3api",
        "put-object",
        "--bucket",
        "cli-sigv2",
        "--key",
        "x",
        "--body",
        &file,
    ]);
    std::fs::write(&aws.config, "[default]\nregion = us-east-1\n").unwrap();
    let url = aws.ok(&["s3", "presign", "s3://cli-sigv2/x"]);
    let url = url.trim();
    assert!(
        url.contains("AWSAccessKeyId=") && url.contains("Signature="),
        "SigV2: {url}"
    );
    let got = send(request("GET", url, Vec::new()));
    assert_ne!(got.status, 200, "a SigV2 URL is never accepted");
    assert_eq!(got.code(), (400, "InvalidRequest".to_string()));
    assert_eq!(
        xml_element(&got.body, "Message").as_deref(),
        Some("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
    );
}

// ---------------------------------------------------------------------------
// aws-sigv4 (AWS's Rust SDK signer)

/// A request signed by aws-sigv4 with S3's settings: headers, or the query
/// for a presigned URL.
fn aws_sigv4(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: SignableBody<'_>,
    presign: Option<Duration>,
    token: Option<(&str, &str, &str)>,
) -> http::Request<Vec<u8>> {
    let (akid, secret, token) = match token {
        Some((a, s, t)) => (a, s, Some(t.to_string())),
        None => (ACCESS_KEY, SECRET_KEY, None),
    };
    let identity: Identity = AwsCredentials::new(akid, secret, token, None, "real_clients").into();
    let mut settings = AwsSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    match presign {
        Some(expires) => {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(expires);
        }
        None => settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256,
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("s3")
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .expect("aws-sigv4 params")
        .into();
    let signable = SignableRequest::new(method, url, headers.iter().copied(), body.clone())
        .expect("signable request");
    let (instructions, _signature) = aws_sign(signable, &params)
        .expect("aws-sigv4 signs")
        .into_parts();
    let mut request = http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        SignableBody::Bytes(b) => b.to_vec(),
        _ => Vec::new(),
    };
    let mut request = request.body(body).expect("request");
    instructions.apply_to_request_http1x(&mut request);
    request
}

/// aws-sigv4 header signatures (signed body, UNSIGNED-PAYLOAD, a session
/// token) and presigned URLs: accepted; a body changed after signing is
/// XAmzContentSHA256Mismatch.
#[test]
fn aws_sigv4_crate_signed_and_presigned_requests() {
    let server = Server::start("aws-sigv4");
    let base = format!("{}/sigv4-bucket", server.url);
    let host = format!("127.0.0.1:{}", server.port);
    let h = [("host", host.as_str())];
    let put = aws_sigv4("PUT", &base, &h, SignableBody::Bytes(b""), None, None);
    assert_eq!(send(put).status, 200, "CreateBucket");

    let key = "aws sigv4/ünï+code=1;2.txt";
    let url = format!("{base}/{}", encode_key(key));
    let body = body_for(key);
    let mut put = aws_sigv4("PUT", &url, &h, SignableBody::Bytes(&body), None, None);
    assert!(put.headers()["authorization"]
        .to_str()
        .unwrap()
        .starts_with("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"));
    *put.body_mut() = body.clone();
    assert_eq!(send(put).status, 200, "PutObject, signed body");
    let get = aws_sigv4("GET", &url, &h, SignableBody::Bytes(b""), None, None);
    let got = send(get);
    assert_eq!((got.status, got.body), (200, body.clone()));

    // UNSIGNED-PAYLOAD in the header.
    let mut put = aws_sigv4("PUT", &url, &h, SignableBody::UnsignedPayload, None, None);
    assert_eq!(put.headers()["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
    *put.body_mut() = b"unsigned body".to_vec();
    assert_eq!(send(put).status, 200, "PutObject, UNSIGNED-PAYLOAD");

    // A presigned GET.
    let get = aws_sigv4(
        "GET",
        &url,
        &h,
        SignableBody::UnsignedPayload,
        Some(Duration::from_secs(300)),
        None,
    );
    assert!(get.uri().query().unwrap().contains("X-Amz-Signature="));
    let got = send(get);
    assert_eq!((got.status, got.body), (200, b"unsigned body".to_vec()));

    // A session token, signed in the header.
    let temp = Some((TEMP_ACCESS_KEY, TEMP_SECRET_KEY, TEMP_TOKEN));
    let get = aws_sigv4("GET", &url, &h, SignableBody::Bytes(b""), None, temp);
    assert_eq!(get.headers()["x-amz-security-token"], TEMP_TOKEN);
    assert_eq!(send(get).status, 200, "GetObject with a session token");

    // The body changed after signing.
    let mut put = aws_sigv4("PUT", &url, &h, SignableBody::Bytes(b"signed"), None, None);
    *put.body_mut() = b"sent!!".to_vec();
    let refused = send(put);
    assert_eq!(
        refused.code(),
        (400, "XAmzContentSHA256Mismatch".to_string())
    );
    assert_eq!(
        xml_element(&refused.body, "S3ComputedContentSHA256"),
        Some(sha256_hex(b"sent!!"))
    );
    let get = aws_sigv4("GET", &url, &h, SignableBody::Bytes(b""), None, None);
    assert_eq!(
        send(get).body,
        b"unsigned body",
        "the refused PUT stored nothing"
    );
}

// ---------------------------------------------------------------------------
// rusty-s3 (presigned URLs only)

/// rusty-s3's presigned actions sent with ureq: CreateBucket, PutObject,
/// GetObject, HeadObject, ListObjectsV2 (its response parsed by rusty-s3's
/// own strict XML parser), DeleteObject; URLs signed an hour ago (expired)
/// or an hour ahead (not yet valid) are AccessDenied.
#[test]
fn rusty_s3_presigned_actions() {
    let server = Server::start("rusty-s3");
    let endpoint: url::Url = server.url.parse().unwrap();
    let bucket = rusty_s3::Bucket::new(
        endpoint,
        rusty_s3::UrlStyle::Path,
        "rusty-bucket",
        "us-east-1",
    )
    .unwrap();
    let creds = rusty_s3::Credentials::new(ACCESS_KEY, SECRET_KEY);
    let minute = Duration::from_secs(60);
    let send_url =
        |method: &str, url: url::Url, body: Vec<u8>| send(request(method, url.as_str(), body));

    let create = bucket.create_bucket(&creds);
    assert_eq!(
        send_url("PUT", create.sign(minute), create.body().into_bytes()).status,
        200
    );
    let keys = [
        "rusty/a b.txt",
        "rusty/ünï+code=.txt",
        "rusty/sub/deeper.txt",
        "top",
    ];
    for key in keys {
        let url = bucket.put_object(Some(&creds), key).sign(minute);
        assert_eq!(send_url("PUT", url, body_for(key)).status, 200, "{key:?}");
        let got = send_url(
            "GET",
            bucket.get_object(Some(&creds), key).sign(minute),
            Vec::new(),
        );
        assert_eq!((got.status, got.body), (200, body_for(key)), "{key:?}");
        let head = send_url(
            "HEAD",
            bucket.head_object(Some(&creds), key).sign(minute),
            Vec::new(),
        );
        assert_eq!(head.status, 200);
        assert_eq!(
            head.header("content-length"),
            Some(body_for(key).len().to_string().as_str())
        );
    }

    let mut list = bucket.list_objects_v2(Some(&creds));
    list.with_prefix("rusty/");
    list.with_delimiter("/");
    list.with_max_keys(2);
    let page = send_url("GET", list.sign(minute), Vec::new());
    assert_eq!(page.status, 200);
    let parsed =
        rusty_s3::actions::ListObjectsV2::parse_response(std::str::from_utf8(&page.body).unwrap())
            .expect("rusty-s3 parses the listing");
    let listed: Vec<&str> = parsed.contents.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(listed, ["rusty/a b.txt"], "keys in UTF-8 order: 's' < 'ü'");
    let prefixes: Vec<&str> = parsed
        .common_prefixes
        .iter()
        .map(|p| p.prefix.as_str())
        .collect();
    assert_eq!(prefixes, ["rusty/sub/"]);
    let token = parsed.next_continuation_token.expect("truncated after 2");
    let mut rest = bucket.list_objects_v2(Some(&creds));
    rest.with_prefix("rusty/");
    rest.with_delimiter("/");
    rest.with_continuation_token(token);
    let page = send_url("GET", rest.sign(minute), Vec::new());
    let parsed =
        rusty_s3::actions::ListObjectsV2::parse_response(std::str::from_utf8(&page.body).unwrap())
            .unwrap();
    let listed: Vec<&str> = parsed.contents.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(listed, ["rusty/ünï+code=.txt"]);
    assert!(parsed.common_prefixes.is_empty());
    assert_eq!(parsed.next_continuation_token, None);

    let now = jiff::Timestamp::now();
    let hour = jiff::SignedDuration::from_hours(1);
    let get = bucket.get_object(Some(&creds), "top");
    let expired = send_url("GET", get.sign_with_time(minute, &(now - hour)), Vec::new());
    assert_eq!(expired.code(), (403, "AccessDenied".to_string()));
    assert_eq!(
        xml_element(&expired.body, "Message").as_deref(),
        Some("Request has expired")
    );
    let early = send_url("GET", get.sign_with_time(minute, &(now + hour)), Vec::new());
    assert_eq!(early.code(), (403, "AccessDenied".to_string()));
    assert_eq!(
        xml_element(&early.body, "Message").as_deref(),
        Some("Request is not yet valid")
    );

    let temp = rusty_s3::Credentials::new_with_token(TEMP_ACCESS_KEY, TEMP_SECRET_KEY, TEMP_TOKEN);
    let got = send_url(
        "GET",
        bucket.get_object(Some(&temp), "top").sign(minute),
        Vec::new(),
    );
    assert_eq!(
        (got.status, got.body),
        (200, body_for("top")),
        "session token in the query"
    );

    let delete = bucket.delete_object(Some(&creds), "top").sign(minute);
    assert_eq!(send_url("DELETE", delete, Vec::new()).status, 204);
    let gone = send_url(
        "GET",
        bucket.get_object(Some(&creds), "top").sign(minute),
        Vec::new(),
    );
    assert_eq!(gone.code(), (404, "NoSuchKey".to_string()));
}

// ---------------------------------------------------------------------------
// curl, with awsig's CLI

/// `awsig sign --format curl` run by sh, and `awsig presign` URLs fetched by
/// curl: accepted; the same with one character changed: refused.
#[test]
fn curl_with_awsig_cli_output() {
    let Some(awsig) = option_env!("CARGO_BIN_EXE_awsig") else {
        missing(
            "the awsig binary",
            "build the tests with --features cli (or --all-features)",
        );
        return;
    };
    let has_curl = Command::new("sh")
        .args(["-c", "command -v curl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_curl {
        missing("curl", "install curl");
        return;
    }
    let server = Server::start("curl");
    let dir = scratch("curl");
    let awsig_out = |args: &[&str]| {
        let out = isolated(Path::new(awsig), Path::new("/dev/null"))
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_REGION", "us-east-1")
            .args(args)
            .output()
            .expect("run awsig");
        assert!(
            out.status.success(),
            "awsig {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    // Runs a shell command line that ends with curl arguments, adding
    // `-sS -o FILE -w '%{http_code}'`: the status and the body.
    let curl = |command_line: &str| -> (u16, Vec<u8>) {
        let body = dir.join("curl-body");
        let _ = std::fs::remove_file(&body);
        let line = format!(
            "{command_line} -sS -o '{}' -w '%{{http_code}}'",
            body.display()
        );
        let out = isolated(Path::new("sh"), Path::new("/dev/null"))
            .args(["-c", &line])
            .output()
            .expect("sh");
        assert!(
            out.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let status = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("status");
        (status, std::fs::read(&body).unwrap_or_default())
    };
    let signed = |method: &str, url: &str, data: Option<&str>| {
        let mut args = vec![
            "sign",
            url,
            "-X",
            method,
            "--service",
            "s3",
            "--format",
            "curl",
        ];
        if let Some(d) = data {
            args.extend(["--data", d]);
        }
        awsig_out(&args)
    };

    let bucket_url = format!("{}/curl-bucket", server.url);
    assert_eq!(
        curl(&signed("PUT", &bucket_url, None)).0,
        200,
        "CreateBucket"
    );
    let key = "curl dir/a b+c=d ü.txt";
    let url = format!("{bucket_url}/{}", encode_key(key));
    let command = signed("PUT", &url, Some("sent by curl"));
    assert!(command.starts_with("curl "), "{command}");
    assert_eq!(curl(&command).0, 200, "PutObject: {command}");
    assert_eq!(
        curl(&signed("GET", &url, None)),
        (200, b"sent by curl".to_vec())
    );

    // The body changed, same length.
    let tampered = command.replace("'sent by curl'", "'SENT BY CURL'");
    assert_ne!(tampered, command);
    let (status, body) = curl(&tampered);
    assert_eq!(
        refusal(status, &body),
        (400, "XAmzContentSHA256Mismatch".to_string())
    );
    // A signed header changed.
    let date_at = command.find("x-amz-date: ").unwrap() + "x-amz-date: 20260101T00000".len();
    let mut tampered = command.clone();
    let digit = if &command[date_at..date_at + 1] == "9" {
        "8"
    } else {
        "9"
    };
    tampered.replace_range(date_at..date_at + 1, digit);
    let (status, body) = curl(&tampered);
    assert_eq!(
        refusal(status, &body),
        (403, "SignatureDoesNotMatch".to_string())
    );
    assert_eq!(
        curl(&signed("GET", &url, None)).1,
        b"sent by curl",
        "nothing stored"
    );

    // Presigned: GET, PUT, and a changed signature.
    let endpoint = server.url.as_str();
    let s3_url = format!("s3://curl-bucket/{key}");
    let get_url = awsig_out(&["presign", &s3_url, "--endpoint", endpoint]);
    assert_eq!(
        curl(&format!("curl '{get_url}'")),
        (200, b"sent by curl".to_vec())
    );
    let put_url = awsig_out(&[
        "presign",
        &s3_url,
        "--endpoint",
        endpoint,
        "--method",
        "PUT",
    ]);
    let file = dir.join("upload.txt");
    std::fs::write(&file, b"presigned upload").unwrap();
    let put = format!(
        "curl -X PUT --data-binary '@{}' '{put_url}'",
        file.display()
    );
    assert_eq!(curl(&put).0, 200);
    assert_eq!(curl(&format!("curl '{get_url}'")).1, b"presigned upload");
    let sig_at = get_url.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let mut tampered = get_url.clone();
    let c = if &get_url[sig_at..sig_at + 1] == "0" {
        "1"
    } else {
        "0"
    };
    tampered.replace_range(sig_at..sig_at + 1, c);
    let (status, body) = curl(&format!("curl '{tampered}'"));
    assert_eq!(
        refusal(status, &body),
        (403, "SignatureDoesNotMatch".to_string())
    );
}

// ---------------------------------------------------------------------------
// The server itself, over raw TCP

/// A request with no authentication, keep-alive, a request on the same
/// connection after a refusal, and an unsigned `Expect: 100-continue`
/// upload refused before its body is sent.
#[test]
fn example_server_over_raw_tcp() {
    let server = Server::start("raw-tcp");
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let read_response = |stream: &mut TcpStream| -> (u16, Vec<u8>) {
        let mut head = Vec::new();
        let mut byte = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).expect("response head");
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap();
        let status = head[9..12].parse().unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .map_or(0, |n| n.parse().unwrap());
        let mut body = vec![0; length];
        stream.read_exact(&mut body).unwrap();
        (status, body)
    };
    let host = format!("127.0.0.1:{}", server.port);
    for _ in 0..2 {
        write!(stream, "GET /bucket/key HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
        let (status, body) = read_response(&mut stream);
        assert_eq!(refusal(status, &body), (403, "AccessDenied".to_string()));
        assert_eq!(
            xml_element(&body, "Message").as_deref(),
            Some("Access Denied")
        );
    }
    // Signed with aws-sigv4, over the same connection.
    let url = format!("{}/raw-bucket", server.url);
    let signed = aws_sigv4(
        "PUT",
        &url,
        &[("host", &host)],
        SignableBody::Bytes(b""),
        None,
        None,
    );
    write!(stream, "PUT /raw-bucket HTTP/1.1\r\n").unwrap();
    for (name, value) in signed.headers() {
        write!(stream, "{name}: {}\r\n", value.to_str().unwrap()).unwrap();
    }
    write!(stream, "Content-Length: 0\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut stream).0, 200);

    // An upload that waits for 100 Continue, with a wrong signature: the
    // refusal comes first, and the body is never needed.
    let started = Instant::now();
    let key_url = format!("{url}/expect");
    let signed = aws_sigv4(
        "PUT",
        &key_url,
        &[("host", &host)],
        SignableBody::Bytes(b"x"),
        None,
        None,
    );
    write!(stream, "PUT /raw-bucket/expect HTTP/1.1\r\n").unwrap();
    for (name, value) in signed.headers() {
        write!(stream, "{name}: {}\r\n", value.to_str().unwrap()).unwrap();
    }
    write!(
        stream,
        "x-amz-meta-unsigned: 1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"
    )
    .unwrap();
    let (status, body) = read_response(&mut stream);
    assert_eq!(refusal(status, &body), (403, "AccessDenied".to_string()));
    assert_eq!(
        xml_element(&body, "HeadersNotSigned").as_deref(),
        Some("x-amz-meta-unsigned")
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// boto3's `generate_presigned_post` forms, posted by a plain HTTP client
/// (feature `post-verify`): the examples's POST uploads go through
/// `Verifier::parse_post` / `verify` / `check_size`.
#[cfg(feature = "post-verify")]
#[test]
fn boto3_presigned_post_forms() {
    if python_clients().is_none() {
        return;
    }
    let server = Server::start("boto3-post");
    // As Chromium sends it: `"` as %22, non-ASCII raw (S3 substitutes
    // what was sent for ${filename}).
    let out = boto3(
        &server,
        "presigned_post",
        json!({"bucket": "post-forms", "file_name": "my \"photo\" é.txt"}),
    );
    assert_eq!(out["typed"]["status"], 204, "{}", out["typed"]);
    assert_eq!(out["typed_exists"], true);
    assert_eq!(out["typed_content_type"], "image/png");
    assert_eq!(
        fetched_refusal(&out["too_large"]),
        (400, "EntityTooLarge".to_string())
    );
    assert_eq!(out["too_large_exists"], false);
    for refused in ["wrong_type", "extra_field"] {
        assert_eq!(
            fetched_refusal(&out[refused]),
            (403, "AccessDenied".to_string()),
            "{refused}"
        );
    }
    let extra = unb64(&out["extra_field"]["body"]);
    assert_eq!(
        xml_element(&extra, "Message").as_deref(),
        Some("Invalid according to Policy: Extra input fields: x-amz-meta-extra")
    );
    assert_eq!(
        fetched_refusal(&out["policy_edited"]),
        (403, "SignatureDoesNotMatch".to_string())
    );
    assert_eq!(out["named"]["status"], 201, "{}", out["named"]);
    let xml = unb64(&out["named"]["body"]);
    assert_eq!(
        xml_element(&xml, "Key").as_deref(),
        Some("uploads/my %22photo%22 é.txt")
    );
    assert_eq!(out["named_exists"], true);
    assert_eq!(out["named_exists_unquoted"], false);
}
