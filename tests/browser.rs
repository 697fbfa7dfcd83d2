//! A real browser fills in and submits the upload forms awsig writes:
//! headless Chromium (Debian's `chromium`, installed with `chromedriver` by
//! `scripts/install-chromium.sh`), driven through chromedriver's W3C
//! WebDriver HTTP API, opens a page holding [`PostForm::to_html`] (or the
//! page `awsig post-policy --format html` prints), types into its text
//! fields, chooses a file with "send keys" to the file input, and clicks
//! Upload.
//!
//! - Against s3s-fs (running under `scripts/e2e.sh`, as for tests/e2e.rs):
//!   a good upload lands under its key and the browser shows S3's 201 XML
//!   answer, or follows `success_action_redirect`; with S3's old default
//!   (204) the browser visibly stays on the form; a file over the
//!   `content-length-range` is refused and the object is absent; keys typed
//!   with `é` and `日本` into a page served without a charset (so
//!   windows-1252) land under exactly those keys.
//! - Against a capture server in this test: the multipart body Chromium
//!   sends is read byte for byte and checked with awsig's POST verifier.
//!   The file name `my "photo" é.txt` arrives as `my %22photo%22 é.txt`
//!   (the HTML standard's form encoding), UTF-8 even in a windows-1252 page,
//!   and `uploads/${filename}` verifies as `uploads/my %22photo%22 é.txt`, the
//!   key S3 stores (S3 substitutes the name as sent; s3s-fs does not
//!   substitute at all). The same form without `accept-charset` sends `é`
//!   as the byte 0xE9 and `日本` as `&#26085;&#26412;`: the attribute is what
//!   makes the difference. And the `required` file input keeps the browser
//!   from sending a form without a file.
//!
//! Skipped with a loud message when Chromium, chromedriver or the s3s-fs
//! server is missing; under `CI` they fail instead.
//!
//! One browser at a time (a lock): each test starts its own chromedriver and
//! Chromium, with a fresh profile, and stops them when it ends.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use awsig::{
    Addressing, Credentials, Endpoint, ObjectKey, PostForm, PostPolicy, Request, Signer,
    SigningTime,
};
use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const REGION: &str = "us-east-1";
/// How long any one thing the browser does may take.
const WAIT: Duration = Duration::from_secs(30);

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Straight to stderr: the harness captures the output of passing tests.
fn skip(why: &str) {
    let _ = writeln!(std::io::stderr(), "\n*** BROWSER TEST SKIPPED: {why} ***\n");
}

/// Whether Chromium and chromedriver are installed (else skipped, or a
/// failure under CI).
fn have_browser() -> bool {
    if Path::new(CHROMIUM).is_file() && Path::new(CHROMEDRIVER).is_file() {
        return true;
    }
    let why = format!("{CHROMIUM} or {CHROMEDRIVER} is missing: run scripts/install-chromium.sh");
    if ci() {
        panic!("{why}");
    }
    skip(&why);
    false
}

fn unique() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh directory under cargo's tmp dir for tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("browser/{name}-{}", unique()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn agent(timeout: Duration) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections(0)
        .timeout_global(Some(timeout))
        .build();
    ureq::Agent::new_with_config(config)
}

/// Polls `f` until it gives a value, at most `WAIT`.
#[track_caller]
fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------------------
// The browser, through chromedriver's W3C WebDriver API

/// The W3C WebDriver key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver on a free port and one Chromium session; both stopped on
/// drop (the session deleted, which quits Chromium, then chromedriver
/// killed by its PID).
struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    dir: PathBuf,
    _one_at_a_time: MutexGuard<'static, ()>,
}

impl Browser {
    fn start() -> Browser {
        static ONE: Mutex<()> = Mutex::new(());
        let guard = ONE.lock().unwrap_or_else(PoisonError::into_inner);
        let dir = scratch("chromium");
        let agent = agent(Duration::from_secs(60));
        // The port may be taken between `free_port` and chromedriver's bind.
        for attempt in 1..=3 {
            let port = free_port();
            let log = dir.join(format!("chromedriver-{attempt}.log"));
            let mut driver = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver");
            let base = format!("http://127.0.0.1:{port}");
            let deadline = Instant::now() + Duration::from_secs(10);
            let ready = loop {
                if let Ok(Some(_)) = driver.try_wait() {
                    break false;
                }
                let status = agent
                    .get(format!("{base}/status"))
                    .call()
                    .ok()
                    .and_then(|mut r| r.body_mut().read_to_string().ok())
                    .and_then(|t| serde_json::from_str::<Value>(&t).ok());
                if status.is_some_and(|s| s["value"]["ready"] == true) {
                    break true;
                }
                if Instant::now() > deadline {
                    break false;
                }
                std::thread::sleep(Duration::from_millis(50));
            };
            if !ready {
                let _ = driver.kill();
                let _ = driver.wait();
                eprintln!(
                    "chromedriver did not come up on port {port} (attempt {attempt}): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
                continue;
            }
            let mut browser = Browser {
                driver,
                base,
                session: String::new(),
                agent: agent.clone(),
                dir: dir.clone(),
                _one_at_a_time: guard,
            };
            let profile = dir.join("profile");
            let caps = json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                "timeouts": {"pageLoad": 30_000, "script": 30_000, "implicit": 0},
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    // The machine's network is closed: these keep Chromium
                    // from waiting on services it cannot reach.
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage",
                        format!("--user-data-dir={}", profile.display()),
                    ],
                },
            }}});
            let session = browser
                .call("POST", "/session", Some(caps))
                .unwrap_or_else(|e| panic!("new Chromium session: {e}"));
            browser.session = session["sessionId"]
                .as_str()
                .expect("sessionId")
                .to_string();
            return browser;
        }
        panic!("could not start chromedriver");
    }

    /// One WebDriver command; its `value`, or the error it answered.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(serde_json::to_vec(&body.unwrap_or(json!({}))).unwrap()),
        };
        let mut response = response.map_err(|e| format!("{method} {path}: {e}"))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| format!("{method} {path}: {e}: {text}"))?;
        if status != 200 {
            return Err(format!(
                "{method} {path}: {status} {}: {}",
                v["value"]["error"], v["value"]["message"]
            ));
        }
        Ok(v["value"].clone())
    }

    #[track_caller]
    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.call(method, &path, body)
            .unwrap_or_else(|e| panic!("WebDriver: {e}"))
    }

    fn goto(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url })));
    }

    fn url(&self) -> String {
        self.session_call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The element a CSS selector finds.
    #[track_caller]
    fn find(&self, css: &str) -> String {
        let found = self.session_call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        found[ELEMENT].as_str().expect("an element").to_string()
    }

    /// Types `text` at the end of a text input, or chooses the file at the
    /// path `text` in a file input.
    fn send_keys(&self, element: &str, text: &str) {
        self.session_call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn click(&self, element: &str) {
        self.session_call("POST", &format!("/element/{element}/click"), None);
    }

    fn script(&self, js: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({"script": js, "args": []})),
        )
    }

    /// Clicks Upload, and waits until the browser shows another page.
    fn submit_and_leave(&self, page_url: &str) -> Shown {
        let submit = self.find("input[type=submit]");
        self.click(&submit);
        let what = format!("the browser to leave {page_url} (a 204 would keep it there)");
        wait_for(&what, || {
            let url = self.url();
            let done = url != page_url && self.script("return document.readyState") == "complete";
            done.then_some(())
        });
        self.shown()
    }

    /// What the browser shows now.
    fn shown(&self) -> Shown {
        let v = self.script(
            "const nav = performance.getEntriesByType('navigation')[0];
             const source = document.getElementById('webkit-xml-viewer-source-xml');
             return [location.href, nav ? nav.responseStatus : 0, document.contentType,
                     document.body ? document.body.innerText : document.documentElement.textContent,
                     source ? source.innerHTML : new XMLSerializer().serializeToString(document)];",
        );
        Shown {
            url: v[0].as_str().unwrap_or_default().to_string(),
            status: v[1].as_u64().unwrap_or_default() as u16,
            content_type: v[2].as_str().unwrap_or_default().to_string(),
            text: v[3].as_str().unwrap_or_default().to_string(),
            markup: v[4].as_str().unwrap_or_default().to_string(),
        }
    }

    /// Opens `page_url`, checks the charset the page was read in, types
    /// `typed` (field name, text appended to its value) and chooses `file`.
    fn fill_in(&self, page_url: &str, charset: &str, typed: &[(&str, &str)], file: Option<&Path>) {
        self.goto(page_url);
        assert_eq!(
            self.script("return document.characterSet"),
            charset,
            "the charset {page_url} was read in"
        );
        for (name, text) in typed {
            let input = self.find(&format!("input[name=\"{name}\"]"));
            self.send_keys(&input, text);
        }
        if let Some(file) = file {
            let input = self.find("input[type=file]");
            self.send_keys(&input, file.to_str().expect("utf-8 path"));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        if std::thread::panicking() {
            for entry in std::fs::read_dir(&self.dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "log") {
                    let log = std::fs::read_to_string(&path).unwrap_or_default();
                    let tail: Vec<&str> = log.lines().rev().take(40).collect();
                    eprintln!("--- {} (last lines):", path.display());
                    for line in tail.iter().rev() {
                        eprintln!("{line}");
                    }
                }
            }
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The page the browser shows after a submit.
#[derive(Debug)]
struct Shown {
    url: String,
    /// The HTTP status of the response the page came from.
    status: u16,
    content_type: String,
    /// The text the page shows (for S3's XML answer, Chromium's XML viewer
    /// shows the document tree).
    text: String,
    /// The document as markup: for an XML answer, the source the XML viewer
    /// keeps.
    markup: String,
}

impl Shown {
    /// S3's XML answer to a `201` upload, naming `bucket` and `key`.
    #[track_caller]
    fn assert_created(&self, bucket: &str, key: &str) {
        assert_eq!(self.status, 201, "{self:?}");
        assert!(self.content_type.contains("xml"), "{self:?}");
        assert!(self.markup.contains("<PostResponse"), "{self:?}");
        // What a person sees: the viewer's tree, with the key in it.
        assert!(self.text.contains("<PostResponse"), "{self:?}");
        assert!(self.text.contains(key), "{self:?}");
        for (element, value) in [("Bucket", bucket), ("Key", key)] {
            let escaped = value.replace('&', "&amp;").replace('<', "&lt;");
            assert!(
                self.markup
                    .contains(&format!("<{element}>{escaped}</{element}>")),
                "{element} {value:?} not in {self:?}"
            );
        }
        assert!(self.markup.contains("<ETag>"), "{self:?}");
    }
}

// ---------------------------------------------------------------------------
// The site the pages come from, and a server that captures what is posted

/// A tiny HTTP/1.1 server on 127.0.0.1 (one thread per connection, every
/// answer `Connection: close`): GET serves the pages put in `pages`, POST is
/// captured and answered with a small page.
struct Site {
    addr: String,
    pages: Arc<Pages>,
    /// Every request target asked for, in order.
    requests: Arc<Mutex<Vec<String>>>,
    posted: Arc<Mutex<Vec<Posted>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// The pages by path: content type and body.
type Pages = Mutex<HashMap<String, (String, Vec<u8>)>>;

/// A POST as it arrived.
#[derive(Clone, Debug)]
struct Posted {
    target: String,
    content_type: String,
    body: Vec<u8>,
}

impl Site {
    fn start() -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the site");
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let pages: Arc<Pages> = Arc::default();
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let posted: Arc<Mutex<Vec<Posted>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (pages, requests, posted, stop) = (
                Arc::clone(&pages),
                Arc::clone(&requests),
                Arc::clone(&posted),
                Arc::clone(&stop),
            );
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (pages, requests, posted) = (
                        Arc::clone(&pages),
                        Arc::clone(&requests),
                        Arc::clone(&posted),
                    );
                    // Chromium opens connections it may never use: each
                    // has its own thread and a read timeout.
                    std::thread::spawn(move || {
                        let _ = serve(stream, &pages, &requests, &posted);
                    });
                }
            })
        };
        Site {
            addr,
            pages,
            requests,
            posted,
            stop,
            thread: Some(thread),
        }
    }

    /// Serves `html` at `path`; with a charset (`<meta charset="utf-8">` and
    /// in the content type) or with none anywhere.
    fn page(&self, path: &str, html: &str, charset: bool) -> String {
        let body = if charset && !html.contains("<meta charset") {
            html.replacen("<head>", "<head><meta charset=\"utf-8\">", 1)
        } else {
            html.to_string()
        };
        let content_type = if charset {
            "text/html; charset=utf-8"
        } else {
            "text/html"
        };
        self.pages.lock().unwrap().insert(
            path.to_string(),
            (content_type.to_string(), body.into_bytes()),
        );
        format!("{}{path}", self.addr)
    }

    fn posted(&self) -> Vec<Posted> {
        self.posted.lock().unwrap().clone()
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop.
        let _ = TcpStream::connect(self.addr.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A page around a form; the `<head>` gets no charset here.
fn page_with(form_html: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>upload</title></head><body>\n{form_html}</body></html>\n"
    )
}

fn serve(
    stream: TcpStream,
    pages: &Pages,
    requests: &Mutex<Vec<String>>,
    posted: &Mutex<Vec<Posted>>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut words = line.split_whitespace();
    let (method, target) = (
        words.next().unwrap_or("").to_string(),
        words.next().unwrap_or("").to_string(),
    );
    if method.is_empty() {
        return Ok(());
    }
    let (mut length, mut content_type) = (0usize, String::new());
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("content-type") {
                content_type = value.to_string();
            }
        }
    }
    let mut body = vec![0; length.min(16 << 20)];
    reader.read_exact(&mut body)?;
    requests.lock().unwrap().push(target.clone());
    let path = target.split('?').next().unwrap_or("");
    let (status, content_type, body) = if method == "POST" {
        posted.lock().unwrap().push(Posted {
            target: target.clone(),
            content_type,
            body,
        });
        let html =
            "<!DOCTYPE html><html><head><title>captured</title></head><body>captured</body></html>";
        (
            "200 OK",
            "text/html; charset=utf-8".to_string(),
            html.into(),
        )
    } else if let Some((content_type, body)) = pages.lock().unwrap().get(path).cloned() {
        ("200 OK", content_type, body)
    } else {
        (
            "404 Not Found",
            "text/plain".to_string(),
            b"not found".to_vec(),
        )
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

/// One part of a multipart/form-data body, as the browser sent it.
#[derive(Debug)]
struct Part {
    name: String,
    /// The `filename` parameter's bytes, between its quotes.
    filename: Option<Vec<u8>>,
    value: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The parts of a multipart/form-data body (RFC 7578), parsed here.
fn multipart(content_type: &str, body: &[u8]) -> Vec<Part> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .expect("a boundary");
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = &body[find(body, &delimiter).expect("first delimiter") + delimiter.len()..];
    while let Some(part) = rest.strip_prefix(b"\r\n") {
        let end = find(part, &delimiter).expect("closing delimiter");
        let (head_and_value, next) = (&part[..end], &part[end + delimiter.len()..]);
        let value_at = find(head_and_value, b"\r\n\r\n").expect("part headers") + 4;
        let head = String::from_utf8_lossy(&head_and_value[..value_at]).into_owned();
        let value = head_and_value[value_at..]
            .strip_suffix(b"\r\n")
            .expect("CRLF before the delimiter");
        let disposition = &head_and_value[..value_at];
        let param = |name: &[u8]| -> Option<Vec<u8>> {
            let at = find(disposition, name)? + name.len();
            let len = disposition[at..].iter().position(|&b| b == b'"')?;
            Some(disposition[at..at + len].to_vec())
        };
        assert!(head.contains("form-data"), "{head}");
        parts.push(Part {
            name: String::from_utf8(param(b" name=\"").expect("name")).expect("utf-8 name"),
            filename: param(b"; filename=\""),
            value: value.to_vec(),
        });
        rest = next;
    }
    assert!(rest.starts_with(b"--"), "the closing delimiter ends in --");
    parts
}

// ---------------------------------------------------------------------------
// The S3 servers: s3s-fs (started by scripts/e2e.sh) and awsig's test server

/// An S3 server and a bucket on it, reached path style.
struct S3 {
    /// For messages: `s3s-fs` or `awsig s3_server`.
    name: &'static str,
    /// `http://127.0.0.1:PORT`, path style.
    endpoint: Endpoint,
    bucket: String,
    /// The access key and secret (for `awsig post-policy`).
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    keys: (String, String),
    signer: Signer,
    agent: ureq::Agent,
    /// The awsig test server, stopped on drop.
    #[cfg(feature = "post-verify")]
    _server: Option<ExampleServer>,
}

impl S3 {
    /// s3s-fs, from the variables `scripts/e2e.sh` exports; None (skipped)
    /// outside it, a failure under CI.
    fn s3s_fs() -> Option<S3> {
        let Ok(endpoint) = std::env::var("AWSIG_E2E_ENDPOINT") else {
            if ci() {
                panic!("the browser tests must run via scripts/e2e.sh in CI (AWSIG_E2E_ENDPOINT is not set)");
            }
            skip("run scripts/e2e.sh for s3s-fs (AWSIG_E2E_ENDPOINT is not set)");
            return None;
        };
        let var = |name: &str| {
            std::env::var(name)
                .unwrap_or_else(|_| panic!("{name} must be set with AWSIG_E2E_ENDPOINT"))
        };
        let keys = (var("AWSIG_E2E_ACCESS_KEY"), var("AWSIG_E2E_SECRET_KEY"));
        let creds = Credentials::new(&keys.0, &keys.1, None).unwrap();
        Some(S3 {
            name: "s3s-fs",
            keys,
            endpoint: Endpoint::parse(&endpoint)
                .expect("AWSIG_E2E_ENDPOINT")
                .with_addressing(Addressing::PathStyle),
            bucket: var("AWSIG_E2E_PATH_BUCKET"),
            signer: Signer::new(creds, REGION, "s3").unwrap(),
            agent: agent(Duration::from_secs(30)),
            #[cfg(feature = "post-verify")]
            _server: None,
        })
    }

    /// awsig's test server (`examples/s3_server.rs`, which checks uploads
    /// with awsig's POST verifier), started here with a bucket of its own.
    #[cfg(feature = "post-verify")]
    fn awsig() -> S3 {
        let server = ExampleServer::start();
        let creds = Credentials::new(AKID, SECRET, None).unwrap();
        let s3 = S3 {
            name: "awsig s3_server",
            keys: (AKID.into(), SECRET.into()),
            endpoint: Endpoint::parse(&server.url)
                .unwrap()
                .with_addressing(Addressing::PathStyle),
            bucket: "browser-uploads".into(),
            signer: Signer::new(creds, REGION, "s3").unwrap(),
            agent: agent(Duration::from_secs(30)),
            _server: Some(server),
        };
        let create = Request::new("PUT", &s3.endpoint).bucket(&s3.bucket);
        let url = s3
            .signer
            .presign(
                &create,
                SigningTime::now().unwrap(),
                Duration::from_secs(60),
            )
            .unwrap();
        let r = s3
            .agent
            .put(url.as_str())
            .send_empty()
            .expect("CreateBucket");
        assert_eq!(r.status(), 200, "CreateBucket on the awsig test server");
        s3
    }

    fn sign(&self, policy: PostPolicy<'_>) -> PostForm {
        policy
            .sign(&self.signer, &self.endpoint, SigningTime::now().unwrap())
            .unwrap()
    }

    /// The object's bytes (a presigned GET), or None when it is absent.
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        let request = Request::new("GET", &self.endpoint)
            .bucket(&self.bucket)
            .key(ObjectKey::new(key));
        let url = self
            .signer
            .presign(
                &request,
                SigningTime::now().unwrap(),
                Duration::from_secs(60),
            )
            .unwrap();
        let mut r = self.agent.get(url.as_str()).call().expect("GET");
        let status = r.status().as_u16();
        let body = r.body_mut().read_to_vec().expect("GET body");
        match status {
            200 => Some(body),
            404 => None,
            _ => panic!(
                "{}: GET {key:?}: {status} {}",
                self.name,
                String::from_utf8_lossy(&body)
            ),
        }
    }
}

/// `examples/s3_server` on a free port (built once per test run, with this
/// test's features, and copied aside so that another build of the example
/// with other features cannot swap it); killed by its PID on drop, its log
/// shown if the test failed.
#[cfg(feature = "post-verify")]
struct ExampleServer {
    child: Child,
    url: String,
    log: PathBuf,
}

#[cfg(feature = "post-verify")]
impl ExampleServer {
    fn binary() -> &'static Path {
        static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
        BINARY.get_or_init(|| {
            // target/<profile>/deps/browser-HASH → target/<profile>
            let exe = std::env::current_exe().expect("test binary path");
            let profile = exe
                .parent()
                .and_then(Path::parent)
                .expect("target/<profile>");
            let target = profile.parent().expect("target dir");
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let mut build = Command::new(cargo);
            build
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(["build", "--quiet", "--example", "s3_server", "--target-dir"])
                .arg(target);
            if profile.file_name().is_some_and(|n| n == "release") {
                build.arg("--release");
            }
            let mut features = vec!["post-verify"];
            if cfg!(feature = "cli") {
                features.push("cli");
            }
            build.args(["--features", &features.join(",")]);
            let out = build.output().expect("run cargo build --example s3_server");
            assert!(
                out.status.success(),
                "cargo build --example s3_server failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let copy = scratch("s3_server").join("s3_server");
            std::fs::copy(profile.join("examples/s3_server"), &copy)
                .expect("copy examples/s3_server");
            copy
        })
    }

    fn start() -> ExampleServer {
        let log = scratch("s3_server-log").join("server.log");
        let mut child = Command::new(Self::binary())
            .args(["--credentials", &format!("{AKID}:{SECRET}")])
            .args(["--region", REGION])
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("server log"))
            .spawn()
            .expect("start examples/s3_server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server prints its address");
        let url = line.trim().to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{line:?}");
        ExampleServer { child, url, log }
    }
}

#[cfg(feature = "post-verify")]
impl Drop for ExampleServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            eprintln!("--- awsig s3_server log ({}):\n{log}", self.log.display());
        }
    }
}

/// A file to choose, `size` bytes, named `name`.
fn file(dir: &Path, name: &str, size: usize) -> (PathBuf, Vec<u8>) {
    let bytes: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
    let path = dir.join(name);
    std::fs::write(&path, &bytes).expect("write the file to upload");
    (path, bytes)
}

// ---------------------------------------------------------------------------
// Uploads, the same cases against each server

/// The form `to_html` writes, in a page with a charset: a good upload lands
/// under the key typed in, and the browser shows S3's 201 answer (the
/// builder's default); a file over the range is refused (the browser shows
/// the error) and nothing is stored; a form with a redirect lands and the
/// browser follows it; a form with S3's own default (204) lands too, but the
/// browser stays on the form, which is why the default is 201.
fn to_html_uploads(s3: &S3) {
    let site = Site::start();
    let browser = Browser::start();
    let dir = scratch("files");
    let prefix = format!("browser/{}/", unique());
    let bucket = s3.bucket.as_str();
    let on = s3.name;

    // A key the page fills in, and a size range.
    let user = format!("{prefix}user/");
    let form = s3.sign(
        PostPolicy::new(bucket)
            .key_starts_with(user.as_str())
            .content_length_range(1, 64)
            .expires_in(Duration::from_secs(600)),
    );
    assert_eq!(form.field("success_action_status"), Some("201"));
    let page = site.page("/form.html", &page_with(&form.to_html()), true);

    let (good, bytes) = file(&dir, "good.txt", 40);
    browser.fill_in(&page, "UTF-8", &[("key", "good.txt")], Some(&good));
    let shown = browser.submit_and_leave(&page);
    let key = format!("{user}good.txt");
    assert_eq!(shown.url, form.url(), "{on}: {shown:?}");
    shown.assert_created(bucket, &key);
    assert_eq!(s3.get(&key), Some(bytes), "{on}: {key}");

    let (large, _) = file(&dir, "large.txt", 65);
    browser.fill_in(&page, "UTF-8", &[("key", "large.txt")], Some(&large));
    let shown = browser.submit_and_leave(&page);
    assert_eq!(shown.status, 400, "{on}: {shown:?}");
    assert!(shown.markup.contains("<Error"), "{on}: {shown:?}");
    assert!(shown.text.contains("EntityTooLarge"), "{on}: {shown:?}");
    assert_eq!(s3.get(&format!("{user}large.txt")), None, "{on}");

    // A redirect: S3 answers 303, the browser goes to the page named, with
    // bucket, key and etag in its query.
    let key = format!("{prefix}redirected.txt");
    let done = site.page("/done", &page_with("<p>Upload done</p>\n"), true);
    let form = s3.sign(
        PostPolicy::new(bucket)
            .key(key.as_str())
            .field("success_action_redirect", done.as_str())
            .expires_in(Duration::from_secs(600)),
    );
    assert_eq!(form.field("success_action_status"), None);
    let page = site.page("/redirect.html", &page_with(&form.to_html()), true);
    let (f, bytes) = file(&dir, "redirected.txt", 10);
    browser.fill_in(&page, "UTF-8", &[], Some(&f));
    let shown = browser.submit_and_leave(&page);
    assert!(
        shown.url.starts_with(&format!("{done}?")),
        "{on}: {shown:?}"
    );
    let query: HashMap<String, String> = url::Url::parse(&shown.url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(
        query.get("bucket").map(String::as_str),
        Some(bucket),
        "{on}"
    );
    assert_eq!(query.get("key"), Some(&key), "{on}");
    assert!(
        query.get("etag").is_some_and(|e| !e.is_empty()),
        "{on}: {query:?}"
    );
    assert_eq!(shown.status, 200, "{on}: {shown:?}");
    assert!(shown.text.contains("Upload done"), "{on}: {shown:?}");
    assert!(
        site.requests()
            .iter()
            .any(|t| t.starts_with("/done?bucket=")),
        "{on}: {:?}",
        site.requests()
    );
    assert_eq!(s3.get(&key), Some(bytes), "{on}");

    // S3's own default, 204: stored, but the browser shows nothing new.
    let key = format!("{prefix}no-content.txt");
    let form = s3.sign(
        PostPolicy::new(bucket)
            .key(key.as_str())
            .field("success_action_status", "204")
            .expires_in(Duration::from_secs(600)),
    );
    let page = site.page("/no-content.html", &page_with(&form.to_html()), true);
    let (f, bytes) = file(&dir, "no-content.txt", 10);
    browser.fill_in(&page, "UTF-8", &[], Some(&f));
    let submit = browser.find("input[type=submit]");
    browser.click(&submit);
    let stored = wait_for("the 204 upload to be stored", || s3.get(&key));
    assert_eq!(stored, bytes, "{on}");
    // Give the browser time to show something, if it were to.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        browser.url(),
        page,
        "{on}: a 204 leaves the browser on the form"
    );
    assert_eq!(
        browser.script("return document.querySelectorAll('form').length"),
        1
    );
}

/// Keys typed with `é` and `日本` into a page served with no charset at all
/// (the browser reads it as windows-1252) land under exactly those keys:
/// `accept-charset="utf-8"` makes the browser send UTF-8 anyway.
fn non_ascii_keys_from_a_page_without_charset(s3: &S3) {
    let site = Site::start();
    let browser = Browser::start();
    let dir = scratch("files");
    let user = format!("browser/{}/user/", unique());
    let bucket = s3.bucket.as_str();
    let form = s3.sign(
        PostPolicy::new(bucket)
            .key_starts_with(user.as_str())
            .content_length_range(1, 64)
            .expires_in(Duration::from_secs(600)),
    );
    let page = site.page("/plain.html", &page_with(&form.to_html()), false);
    for (i, name) in ["é.txt", "日本.txt"].into_iter().enumerate() {
        let (f, bytes) = file(&dir, &format!("{i}.txt"), 20 + i);
        browser.fill_in(&page, "windows-1252", &[("key", name)], Some(&f));
        let shown = browser.submit_and_leave(&page);
        let key = format!("{user}{name}");
        shown.assert_created(bucket, &key);
        assert_eq!(s3.get(&key), Some(bytes), "{}: {key}", s3.name);
    }
    // Not under the key a windows-1252 form would have sent.
    assert_eq!(s3.get(&format!("{user}&#26085;&#26412;.txt")), None);
}

/// The page `awsig post-policy --format html` prints (the built binary),
/// its action pointed at the server (the command writes AWS's URL; the URL
/// is not signed): the upload lands and the browser shows S3's 201 answer;
/// a file over the range is refused and absent.
#[cfg(feature = "cli")]
fn cli_page_uploads(s3: &S3) {
    let site = Site::start();
    let browser = Browser::start();
    let dir = scratch("files");
    let bucket = s3.bucket.as_str();
    let on = s3.name;
    let prefix = format!("browser/{}/cli/", unique());
    let out = Command::new(env!("CARGO_BIN_EXE_awsig"))
        .args([
            "post-policy",
            &format!("s3://{bucket}"),
            "--key-starts-with",
            &prefix,
            "--content-length-range",
            "1:64",
            "--expires",
            "10m",
            "--region",
            REGION,
            "--format",
            "html",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &dir)
        .env("AWS_ACCESS_KEY_ID", &s3.keys.0)
        .env("AWS_SECRET_ACCESS_KEY", &s3.keys.1)
        .output()
        .expect("run awsig post-policy");
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8(out.stdout).expect("utf-8 page");
    let aws_url = format!("action=\"https://{bucket}.s3.amazonaws.com/\"");
    assert!(printed.contains(&aws_url), "{printed}");
    let local = s3
        .sign(
            PostPolicy::new(bucket)
                .key("k")
                .expires_in(Duration::from_secs(1)),
        )
        .url()
        .to_string();
    let html = printed.replace(&aws_url, &format!("action=\"{local}\""));
    assert!(html.contains("<meta charset=\"utf-8\">"), "{html}");
    let page = site.page("/cli.html", &html, true);

    let (f, bytes) = file(&dir, "from-cli.txt", 30);
    browser.fill_in(&page, "UTF-8", &[("key", "from-cli.txt")], Some(&f));
    let shown = browser.submit_and_leave(&page);
    let key = format!("{prefix}from-cli.txt");
    assert_eq!(shown.url, local, "{on}: {shown:?}");
    shown.assert_created(bucket, &key);
    assert_eq!(s3.get(&key), Some(bytes), "{on}");

    let (f, _) = file(&dir, "too-large.txt", 65);
    browser.fill_in(&page, "UTF-8", &[("key", "too-large.txt")], Some(&f));
    let shown = browser.submit_and_leave(&page);
    assert_eq!(shown.status, 400, "{on}: {shown:?}");
    assert!(shown.text.contains("EntityTooLarge"), "{on}: {shown:?}");
    assert_eq!(s3.get(&format!("{prefix}too-large.txt")), None, "{on}");
}

#[test]
fn to_html_uploads_to_s3s_fs() {
    if have_browser() {
        if let Some(s3) = S3::s3s_fs() {
            to_html_uploads(&s3);
        }
    }
}

#[test]
fn non_ascii_keys_from_a_page_without_charset_land_in_s3s_fs() {
    if have_browser() {
        if let Some(s3) = S3::s3s_fs() {
            non_ascii_keys_from_a_page_without_charset(&s3);
        }
    }
}

#[cfg(feature = "cli")]
#[test]
fn cli_page_uploads_to_s3s_fs() {
    if have_browser() {
        if let Some(s3) = S3::s3s_fs() {
            cli_page_uploads(&s3);
        }
    }
}

#[cfg(feature = "post-verify")]
#[test]
fn to_html_uploads_to_the_awsig_server() {
    if have_browser() {
        to_html_uploads(&S3::awsig());
    }
}

#[cfg(feature = "post-verify")]
#[test]
fn non_ascii_keys_from_a_page_without_charset_land_in_the_awsig_server() {
    if have_browser() {
        non_ascii_keys_from_a_page_without_charset(&S3::awsig());
    }
}

#[cfg(all(feature = "post-verify", feature = "cli"))]
#[test]
fn cli_page_uploads_to_the_awsig_server() {
    if have_browser() {
        cli_page_uploads(&S3::awsig());
    }
}

/// `uploads/${filename}` with a file named `my "photo" é.txt`, chosen in a
/// page without a charset: the awsig server stores it under the name as
/// Chromium sent it, `uploads/my %22photo%22 é.txt`, as S3 does (s3s-fs
/// 0.14.1 does not substitute `${filename}` at all), and the browser shows
/// that key in S3's 201 answer.
#[cfg(feature = "post-verify")]
#[test]
fn a_file_name_with_quotes_and_accents_lands_in_the_awsig_server() {
    if !have_browser() {
        return;
    }
    let s3 = S3::awsig();
    let site = Site::start();
    let browser = Browser::start();
    let dir = scratch("files");
    let bucket = s3.bucket.as_str();
    let form = s3.sign(
        PostPolicy::new(bucket)
            .key_with_filename("uploads/")
            .content_length_range(1, 64)
            .expires_in(Duration::from_secs(600)),
    );
    assert_eq!(form.field("key"), Some("uploads/${filename}"));
    let page = site.page("/photo.html", &page_with(&form.to_html()), false);
    let (f, bytes) = file(&dir, "my \"photo\" é.txt", 33);
    browser.fill_in(&page, "windows-1252", &[], Some(&f));
    let shown = browser.submit_and_leave(&page);
    let key = "uploads/my %22photo%22 é.txt";
    shown.assert_created(bucket, key);
    assert_eq!(s3.get(key), Some(bytes));
    assert_eq!(s3.get("uploads/my \"photo\" é.txt"), None);
    assert_eq!(s3.get("uploads/${filename}"), None);
}

// ---------------------------------------------------------------------------
// What the browser sends, captured, and read by awsig's verifier

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// A form signed for the capture server: it posts to `SITE/BUCKET`.
fn capture_form(site: &Site, policy: PostPolicy<'_>) -> PostForm {
    let signer = Signer::new(Credentials::new(AKID, SECRET, None).unwrap(), REGION, "s3").unwrap();
    let endpoint = Endpoint::parse(&site.addr)
        .unwrap()
        .with_addressing(Addressing::PathStyle);
    policy
        .sign(&signer, &endpoint, SigningTime::now().unwrap())
        .unwrap()
}

/// Submits, then waits for the capture server's answer page; the one POST
/// it received, parsed.
fn submit_captured(browser: &Browser, site: &Site, page: &str) -> (Posted, Vec<Part>) {
    let before = site.posted().len();
    let shown = browser.submit_and_leave(page);
    assert!(shown.text.contains("captured"), "{shown:?}");
    let posted = site.posted();
    assert_eq!(posted.len(), before + 1, "one POST per submit");
    let last = posted[before].clone();
    let parts = multipart(&last.content_type, &last.body);
    (last, parts)
}

/// The fields before the file (as text), and the file part.
fn split_file(parts: &[Part]) -> (Vec<(String, String)>, &Part) {
    let (file, fields) = parts.split_last().expect("parts");
    assert_eq!(file.name, "file", "the file is the last part");
    let fields = fields
        .iter()
        .map(|p| {
            let value = String::from_utf8(p.value.clone())
                .unwrap_or_else(|_| panic!("{} is not UTF-8: {:?}", p.name, p.value));
            (p.name.clone(), value)
        })
        .collect();
    (fields, file)
}

/// What awsig's POST verifier makes of a captured upload: the key it is
/// stored under and the status to answer with (the signature, every
/// condition and the size checked). None without the `post-verify` feature.
#[cfg(feature = "post-verify")]
fn verify_captured(
    posted: &Posted,
    fields: &[(String, String)],
    file_name: &str,
    size: u64,
) -> Option<(String, u16)> {
    let bucket = posted
        .target
        .trim_start_matches('/')
        .split(['/', '?'])
        .next()
        .unwrap();
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let upload = awsig::PostUpload::new(bucket, &pairs).file_name(file_name);
    let verified = awsig::Verifier::new(REGION, "s3")
        .unwrap()
        .parse_post(&upload, SigningTime::now().unwrap())
        .and_then(|u| u.verify(&Credentials::new(AKID, SECRET, None).unwrap()))
        .unwrap_or_else(|e| panic!("{}: {}", e.code(), e.message()));
    verified.check_size(size).unwrap();
    Some((verified.key().to_string(), verified.success_action_status()))
}

#[cfg(not(feature = "post-verify"))]
fn verify_captured(_: &Posted, _: &[(String, String)], _: &str, _: u64) -> Option<(String, u16)> {
    skip("the POST verifier needs --features post-verify: what Chromium sent is checked, not verified");
    None
}

/// In a page served without a charset (windows-1252): the file named
/// `my "photo" é.txt` is sent as `my %22photo%22 é.txt` in UTF-8, the key
/// typed with `é` and `日本` in UTF-8, and awsig's verifier reads the
/// `uploads/${filename}` form as the key S3 stores,
/// `uploads/my %22photo%22 é.txt`. The same form without `accept-charset`
/// sends windows-1252 (`é` as 0xE9, `日本` as character references), and a
/// form whose file is not chosen is not sent at all.
#[test]
fn what_chromium_sends_is_what_the_verifier_reads() {
    if !have_browser() {
        return;
    }
    let site = Site::start();
    let browser = Browser::start();
    let dir = scratch("files");

    // `${filename}`: the name as the browser sends it.
    let form = capture_form(
        &site,
        PostPolicy::new("capture-bucket")
            .key_with_filename("uploads/")
            .content_length_range(1, 64)
            .expires_in(Duration::from_secs(600)),
    );
    let page = site.page("/filename.html", &page_with(&form.to_html()), false);
    let (f, bytes) = file(&dir, "my \"photo\" é.txt", 12);
    browser.fill_in(&page, "windows-1252", &[], Some(&f));
    let (posted, parts) = submit_captured(&browser, &site, &page);
    assert!(posted.target.starts_with("/capture-bucket"), "{posted:?}");
    let (fields, file_part) = split_file(&parts);
    let sent_name = file_part.filename.clone().expect("a filename");
    // The HTML standard's multipart/form-data encoding: `"` as %22; the
    // rest in the form's charset, UTF-8.
    assert_eq!(
        String::from_utf8_lossy(&sent_name),
        "my %22photo%22 é.txt",
        "{sent_name:?}"
    );
    assert_eq!(file_part.value, bytes);
    let sent_fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let expected: Vec<(&str, &str)> = form.fields().collect();
    assert_eq!(sent_fields, expected, "the fields as written, in order");
    let name = String::from_utf8(sent_name).unwrap();
    if let Some(verified) = verify_captured(&posted, &fields, &name, bytes.len() as u64) {
        assert_eq!(verified, ("uploads/my %22photo%22 é.txt".to_string(), 201));
    }

    // Typed keys, the page still without a charset.
    let form = capture_form(
        &site,
        PostPolicy::new("capture-bucket")
            .key_starts_with("user/")
            .expires_in(Duration::from_secs(600)),
    );
    let html = form.to_html();
    let page = site.page("/typed.html", &page_with(&html), false);
    let without = html.replace(" accept-charset=\"utf-8\"", "");
    assert_ne!(without, html);
    let page_without = site.page("/typed-without.html", &page_with(&without), false);
    let (f, bytes) = file(&dir, "typed.txt", 5);
    for (typed, windows_1252) in [
        ("é.txt", &b"user/\xe9.txt"[..]),
        ("日本.txt", b"user/&#26085;&#26412;.txt"),
    ] {
        browser.fill_in(&page, "windows-1252", &[("key", typed)], Some(&f));
        let (posted, parts) = submit_captured(&browser, &site, &page);
        let (fields, file_part) = split_file(&parts);
        let key = &fields.iter().find(|(n, _)| n == "key").unwrap().1;
        assert_eq!(key, &format!("user/{typed}"));
        let name = String::from_utf8(file_part.filename.clone().unwrap()).unwrap();
        assert_eq!(name, "typed.txt");
        if let Some(verified) = verify_captured(&posted, &fields, &name, bytes.len() as u64) {
            assert_eq!(verified, (format!("user/{typed}"), 201));
        }

        // The control: without accept-charset, windows-1252.
        browser.fill_in(&page_without, "windows-1252", &[("key", typed)], Some(&f));
        let (_, parts) = submit_captured(&browser, &site, &page_without);
        let key = parts.iter().find(|p| p.name == "key").unwrap();
        assert_eq!(
            key.value,
            windows_1252,
            "{:?}",
            String::from_utf8_lossy(&key.value)
        );
    }

    // No file chosen: the required file input keeps the form from being sent.
    browser.fill_in(&page, "windows-1252", &[("key", "nofile.txt")], None);
    let before = site.posted().len();
    let submit = browser.find("input[type=submit]");
    browser.click(&submit);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(browser.url(), page);
    assert_eq!(
        browser.script("return document.querySelector('input[type=file]').validity.valueMissing"),
        true
    );
    assert_eq!(site.posted().len(), before, "nothing posted without a file");
}
