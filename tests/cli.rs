//! The `awsig` binary, run as a user would: AWS's documented examples
//! reproduced through the command line, credentials and region from the
//! environment and from shared profile files, and every bad-input case.
//!
//! Each run gets an environment without `AWS_*` variables and a `HOME` of its
//! own, and no run may print a secret access key (checked in [`awsig`]).
#![cfg(feature = "cli")]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use hmac::{KeyInit, Mac};
use serde_json::Value;

/// The S3 documentation's example keys (also what `--demo` uses).
const DOC_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const DOC_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// The fixture profiles' secrets.
const DEFAULT_SECRET: &str = "defaultSECRETdefaultSECRET";
const SECOND_SECRET: &str = "secondSECRET/second+SECRET";
const SECOND_TOKEN: &str = "tokenSECOND";

/// Secrets that must never appear in any output.
const SECRETS: [&str; 4] = [
    DOC_SECRET,
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    DEFAULT_SECRET,
    SECOND_SECRET,
];

/// The example called `name` in a vectors JSON file.
fn example(file: &str, name: &str) -> Option<Value> {
    let text = common::read(&common::vectors()?.join(file));
    let all: Value = serde_json::from_str(&text).expect("vectors JSON");
    let found = all["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {file}"));
    Some(found.clone())
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// A directory of its own under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "awsig-cli-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Exit 0, nothing on stderr; returns stdout.
    fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "{self:?}");
        assert_eq!(self.stderr, "", "{self:?}");
        &self.stdout
    }

    /// Exit `code`, stdout empty, one `awsig: error:` line on stderr; returns it.
    fn fails(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "{self:?}");
        assert_eq!(self.stdout, "", "{self:?}");
        assert!(self.stderr.starts_with("awsig: error: "), "{self:?}");
        assert!(self.stderr.ends_with('\n'), "{self:?}");
        assert_eq!(self.stderr.lines().count(), 1, "{self:?}");
        self.stderr.trim_end()
    }
}

/// Runs the binary with `HOME` = `home`, no `AWS_*` variables but `env`.
fn awsig_in(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_awsig"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(&name);
        }
    }
    cmd.env_remove("USERPROFILE").env("HOME", home);
    cmd.args(args).envs(env.iter().copied());
    let out = cmd.output().expect("run awsig");
    let run = Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    };
    for secret in SECRETS {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "a secret was printed by {args:?}: {run:?}"
        );
    }
    run
}

/// Runs the binary with an empty `HOME` of its own.
fn awsig(args: &[&str], env: &[(&str, &str)]) -> Run {
    let home = TempDir::new();
    awsig_in(&home.0, args, env)
}

const DOC_ENV: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", DOC_ID),
    ("AWS_SECRET_ACCESS_KEY", DOC_SECRET),
];

// ---------------------------------------------------------------- presign

#[test]
fn presign_prints_the_s3_documentation_url() {
    let Some(ex) = example("s3-doc-examples.json", "s3-presigned-get-object") else {
        return;
    };
    let expected = format!("{}\n", s(&ex["expected_presigned_url"]));
    let args = [
        "presign",
        "s3://examplebucket/test.txt",
        "--time",
        "2013-05-24T00:00:00Z",
        "--expires",
        "86400",
        "--region",
        "us-east-1",
    ];
    assert_eq!(awsig(&args, &DOC_ENV).ok(), expected);
    // Deterministic with --time.
    assert_eq!(awsig(&args, &DOC_ENV).ok(), expected);
    // The other time form, a duration with a unit, the region by default.
    let other = [
        "presign",
        "s3://examplebucket/test.txt",
        "--time",
        s(&ex["date"]),
        "--expires",
        "1d",
    ];
    assert_eq!(awsig(&other, &DOC_ENV).ok(), expected);
    // The URL form of the same object.
    let url = format!("https://{}{}", s(&ex["host"]), s(&ex["uri"]));
    let by_url = [
        "presign",
        &url,
        "--time",
        s(&ex["date"]),
        "--expires",
        "86400",
    ];
    assert_eq!(awsig(&by_url, &DOC_ENV).ok(), expected);
    // --demo uses the same documented keys, and says so on stderr.
    let mut demo = args.to_vec();
    demo.push("--demo");
    let run = awsig(&demo, &[]);
    assert_eq!((run.code, run.stdout.as_str()), (0, expected.as_str()));
    assert!(run.stderr.contains(DOC_ID), "{run:?}");
    assert!(run.stderr.contains("example credentials"), "{run:?}");
}

#[test]
fn presign_addressing_keys_and_parameters() {
    let t = ["--time", "20240101T000000Z", "--demo"];
    let presign = |extra: &[&str]| {
        let mut args = vec!["presign"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&t);
        let run = awsig(&args, &[]);
        assert_eq!(run.code, 0, "{run:?}");
        run.stdout
    };
    let url = presign(&["s3://bkt/photos/cat picture+1.jpg"]);
    assert!(
        url.starts_with(
            "https://bkt.s3.amazonaws.com/photos/cat%20picture%2B1.jpg?X-Amz-Algorithm="
        ),
        "{url}"
    );
    assert_eq!(url.lines().count(), 1);
    let url = presign(&["s3://bkt/k", "--region", "eu-west-1"]);
    assert!(
        url.starts_with("https://bkt.s3.eu-west-1.amazonaws.com/k?"),
        "{url}"
    );
    assert!(url.contains("%2Feu-west-1%2Fs3%2Faws4_request"), "{url}");
    let url = presign(&["s3://my.bucket/k"]);
    assert!(
        url.starts_with("https://s3.amazonaws.com/my.bucket/k?"),
        "{url}"
    );
    let url = presign(&["s3://bkt/k", "--path-style"]);
    assert!(url.starts_with("https://s3.amazonaws.com/bkt/k?"), "{url}");
    let url = presign(&["s3://bkt/k", "--endpoint", "http://127.0.0.1:9000"]);
    assert!(url.starts_with("http://127.0.0.1:9000/bkt/k?"), "{url}");
    let url = presign(&[
        "s3://bkt/k",
        "-X",
        "put",
        "--expires",
        "15m",
        "-H",
        "Content-Type: text/plain",
        "--query",
        "response-content-disposition=attachment; filename=\"a b.txt\"",
    ]);
    assert!(url.contains("X-Amz-Expires=900&"), "{url}");
    assert!(
        url.contains("X-Amz-SignedHeaders=content-type%3Bhost&"),
        "{url}"
    );
    assert!(
        url.contains("response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22"),
        "{url}"
    );
    // A URL keeps its encoding; the region comes from the host.
    let url = presign(&["https://bkt.s3.ap-south-1.amazonaws.com/a%20b"]);
    assert!(
        url.starts_with("https://bkt.s3.ap-south-1.amazonaws.com/a%20b?"),
        "{url}"
    );
    assert!(url.contains("%2Fap-south-1%2Fs3%2F"), "{url}");
}

// ---------------------------------------------------------------- sign

/// The `awsig sign` arguments for an S3 documentation header example.
fn s3_header_example_args(ex: &Value) -> Vec<String> {
    let mut url = format!("https://{}{}", s(&ex["host"]), s(&ex["canonical_uri"]));
    if !s(&ex["query"]).is_empty() {
        url = format!("{url}?{}", s(&ex["query"]));
    }
    let mut args = vec![
        "sign".to_string(),
        url,
        "--method".into(),
        s(&ex["method"]).into(),
        "--time".into(),
        s(&ex["date"]).into(),
    ];
    for h in ex["headers"].as_array().expect("headers") {
        let name = s(&h[0]);
        if !["host", "x-amz-date", "x-amz-content-sha256"]
            .contains(&name.to_ascii_lowercase().as_str())
        {
            args.push("--header".into());
            args.push(format!("{name}: {}", s(&h[1])));
        }
    }
    if let Some(body) = ex["payload"]["utf8"].as_str() {
        args.push("--data".into());
        args.push(body.into());
    }
    args
}

/// The documented header, with `, ` after each comma as SDKs (and awsig)
/// write it; the page prints it without spaces (see the vectors file).
fn documented_authorization(ex: &Value) -> String {
    s(&ex["expected_authorization_header_as_printed"]).replace(',', ", ")
}

#[test]
fn sign_reproduces_the_s3_documentation_header_examples() {
    let Some(ex) = example("s3-doc-examples.json", "s3-header-get-object-range") else {
        return;
    };
    let args = s3_header_example_args(&ex);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(args.contains(&"Range: bytes=0-9"), "{args:?}");
    let out = awsig(&args, &DOC_ENV).ok().to_string();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            format!("x-amz-date: {}", s(&ex["date"])),
            format!("x-amz-content-sha256: {}", s(&ex["payload"]["sha256"])),
            format!("authorization: {}", documented_authorization(&ex)),
        ]
    );

    for name in [
        "s3-header-put-object",
        "s3-header-get-bucket-lifecycle",
        "s3-header-list-objects",
    ] {
        let ex = example("s3-doc-examples.json", name).expect("vectors");
        let args = s3_header_example_args(&ex);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = awsig(&args, &DOC_ENV).ok().to_string();
        let expected = format!("authorization: {}", documented_authorization(&ex));
        assert!(out.lines().any(|l| l == expected), "{name}: {out}");
    }
}

#[test]
fn sign_reproduces_the_iam_listusers_example_with_generic_rules() {
    let Some(ex) = example(
        "aws-general-reference-examples.json",
        "iam-listusers-get-20150830",
    ) else {
        return;
    };
    let env = [
        ("AWS_ACCESS_KEY_ID", s(&ex["credentials"]["access_key_id"])),
        (
            "AWS_SECRET_ACCESS_KEY",
            s(&ex["credentials"]["secret_access_key"]),
        ),
    ];
    let content_type = format!("Content-Type: {}", s(&ex["headers"][1][1]));
    // The service (iam) comes from the host; no x-amz-content-sha256.
    let args = [
        "sign",
        s(&ex["url"]),
        "-H",
        &content_type,
        "--time",
        s(&ex["date"]),
    ];
    let out = awsig(&args, &env).ok().to_string();
    assert_eq!(
        out,
        format!(
            "x-amz-date: {}\nauthorization: {}\n",
            s(&ex["date"]),
            s(&ex["expected_authorization_header"])
        )
    );
    let mut explicit = args.to_vec();
    explicit.extend(["--service", "iam", "--region", "us-east-1"]);
    assert_eq!(awsig(&explicit, &env).ok(), out);
}

#[test]
fn sign_formats_curl_and_json() {
    let Some(ex) = example("s3-doc-examples.json", "s3-header-put-object") else {
        return;
    };
    let args = s3_header_example_args(&ex);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let authorization = format!("authorization: {}", documented_authorization(&ex));

    args.extend(["--format", "json"]);
    let out = awsig(&args, &DOC_ENV).ok().to_string();
    let json: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(json["method"], "PUT");
    assert_eq!(
        json["url"],
        "https://examplebucket.s3.amazonaws.com/test%24file.text"
    );
    assert_eq!(json["signature"], s(&ex["expected_signature"]));
    let headers = json["headers"].as_object().expect("headers object");
    assert_eq!(
        format!("authorization: {}", s(&headers["authorization"])),
        authorization
    );
    assert_eq!(headers["x-amz-storage-class"], "REDUCED_REDUNDANCY");
    assert_eq!(headers["Date"], "Fri, 24 May 2013 00:00:00 GMT");
    assert_eq!(headers["x-amz-content-sha256"], s(&ex["payload"]["sha256"]));

    let n = args.len();
    args[n - 1] = "curl";
    let out = awsig(&args, &DOC_ENV).ok().to_string();
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("curl -X PUT "), "{out}");
    assert!(
        out.trim_end()
            .ends_with(" https://examplebucket.s3.amazonaws.com/test%24file.text"),
        "{out}"
    );
    // What a shell makes of it: run it with printf in place of curl.
    if let Some(words) = shell_words(&out) {
        assert_eq!(words[0], "curl");
        let pairs: Vec<(&str, &str)> = words
            .windows(2)
            .map(|w| (w[0].as_str(), w[1].as_str()))
            .collect();
        assert!(pairs.contains(&("-H", authorization.as_str())), "{words:?}");
        assert!(
            pairs.contains(&("-H", "x-amz-storage-class: REDUCED_REDUNDANCY")),
            "{words:?}"
        );
        assert!(
            pairs.contains(&("--data-binary", "Welcome to Amazon S3.")),
            "{words:?}"
        );
    }
}

#[test]
fn curl_command_survives_the_shell() {
    let args = [
        "sign",
        "https://bkt.s3.amazonaws.com/it%27s/a%20b?x=1&y=2",
        "-X",
        "POST",
        "-H",
        "x-amz-meta-note: it's $(not) `run` \"here\"",
        "--data",
        "body with 'quotes' and $HOME",
        "--format",
        "curl",
        "--time",
        "20240101T000000Z",
        "--demo",
    ];
    let run = awsig(&args, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let Some(words) = shell_words(&run.stdout) else {
        return;
    };
    assert_eq!(words[..3], ["curl", "-X", "POST"]);
    assert!(words.contains(&"x-amz-meta-note: it's $(not) `run` \"here\"".to_string()));
    assert!(words.contains(&"body with 'quotes' and $HOME".to_string()));
    assert_eq!(
        words.last().map(String::as_str),
        Some("https://bkt.s3.amazonaws.com/it%27s/a%20b?x=1&y=2")
    );
    // A file body is passed to curl as @path.
    let dir = TempDir::new();
    let file = dir.write("body.bin", "payload");
    let file = file.to_str().expect("utf-8 path");
    let args = [
        "sign",
        "https://bkt.s3.amazonaws.com/k",
        "-X",
        "PUT",
        "--data-file",
        file,
        "--format",
        "curl",
        "--demo",
    ];
    let run = awsig(&args, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let words = shell_words(&run.stdout).expect("sh ran before");
    assert!(words.contains(&format!("@{file}")), "{words:?}");
}

/// The host is signed in lowercase, so `--format curl` prints the URL that
/// was signed (host lowercase, no default port, no fragment), not the one
/// typed: curl sends the host as it is in the URL, and a server signing the
/// `Host` it receives would compute another signature. Checked by signing
/// the command's own method, URL, headers and body again with aws-sigv4.
#[test]
fn curl_prints_the_url_that_was_signed() {
    let typed = "HTTPS://BKT.S3.AmazonAWS.com:443/Mixed%20Case/Key?x=1&Y=2#top";
    let signed_url = "https://bkt.s3.amazonaws.com/Mixed%20Case/Key?x=1&Y=2";
    let args = |format| {
        [
            "sign",
            typed,
            "-X",
            "PUT",
            "-H",
            "x-amz-meta-note: Hi",
            "--data",
            "hello",
            "--format",
            format,
            "--time",
            "20240101T000000Z",
        ]
    };
    let out = awsig(&args("curl"), &DOC_ENV).ok().to_string();
    // Quoted for the shell (`&`).
    assert!(
        out.trim_end().ends_with(&format!(" '{signed_url}'")),
        "{out}"
    );
    for typed_part in ["BKT", "AmazonAWS", ":443", "#top"] {
        assert!(!out.contains(typed_part), "{out}");
    }
    // The JSON of the same request: the same URL.
    let json: Value =
        serde_json::from_str(awsig(&args("json"), &DOC_ENV).ok()).expect("valid JSON");
    assert_eq!(json["url"], signed_url);

    let Some(words) = shell_words(&out) else {
        return; // no POSIX shell
    };
    assert_eq!(words.last().map(String::as_str), Some(signed_url));
    let (mut method, mut headers, mut body) = ("GET", Vec::new(), None);
    for pair in words[1..words.len() - 1].chunks(2) {
        match pair[0].as_str() {
            "-X" => method = pair[1].as_str(),
            "-H" => {
                // `Content-Type:` (curl then sends none) is no header.
                if let Some((name, value)) = pair[1].split_once(": ") {
                    headers.push((name.to_string(), value.to_string()));
                }
            }
            "--data-binary" => body = Some(pair[1].as_bytes()),
            other => panic!("unexpected {other:?} in {words:?}"),
        }
    }
    assert_eq!(method, "PUT");
    assert_eq!(body, Some(&b"hello"[..]));
    // The same headers as the JSON shows.
    let by_name = json["headers"].as_object().expect("headers");
    assert_eq!(by_name.len(), headers.len(), "{headers:?}");
    for (name, value) in &headers {
        assert_eq!(by_name[name.as_str()], value.as_str(), "{name}");
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
    };
    let authorization = header("authorization");

    // aws-sigv4 over what curl sends: the caller's header, the URL, the body
    // (it adds x-amz-date and x-amz-content-sha256 itself, for the same
    // time and body).
    let aws_authorization = |url: &str| {
        use aws_sigv4::http_request::{
            sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
            SigningSettings, UriPathNormalizationMode,
        };
        let identity: aws_smithy_runtime_api::client::identity::Identity =
            aws_credential_types::Credentials::new(DOC_ID, DOC_SECRET, None, None, "cli test")
                .into();
        let mut settings = SigningSettings::default();
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("s3")
            .time(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_704_067_200))
            .settings(settings)
            .build()
            .expect("aws-sigv4 params")
            .into();
        let request = SignableRequest::new(
            method,
            url,
            [("x-amz-meta-note", header("x-amz-meta-note"))].into_iter(),
            SignableBody::Bytes(b"hello"),
        )
        .expect("aws-sigv4 request");
        let (instructions, _) = sign(request, &params)
            .expect("aws-sigv4 signs")
            .into_parts();
        let (headers, _) = instructions.into_parts();
        let found = headers.iter().find(|h| h.name() == "authorization");
        found.expect("authorization").value().to_string()
    };
    assert_eq!(aws_authorization(signed_url), authorization);
    // The URL as typed (its host as typed in the Host header) is another
    // signature: what a server would have computed before.
    assert_ne!(
        aws_authorization("https://BKT.S3.AmazonAWS.com/Mixed%20Case/Key?x=1&Y=2"),
        authorization
    );
}

/// The words `sh` makes of a command line (by running `printf` in its place);
/// `None` without a POSIX shell.
fn shell_words(command: &str) -> Option<Vec<String>> {
    let script = format!("set -- {}; printf '%s\\0' \"$@\"", command.trim_end());
    let out = Command::new("sh").arg("-c").arg(script).output().ok()?;
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    Some(text.split_terminator('\0').map(str::to_string).collect())
}

// ---------------------------------------------------------------- explain

#[test]
fn explain_prints_the_documented_intermediates() {
    let Some(ex) = example("s3-doc-examples.json", "s3-presigned-get-object") else {
        return;
    };
    let args = [
        "explain",
        "presign",
        "s3://examplebucket/test.txt",
        "--time",
        s(&ex["date"]),
        "--expires",
        "86400",
    ];
    let out = awsig(&args, &DOC_ENV).ok().to_string();
    for (label, field) in [
        ("Canonical request:\n", "expected_canonical_request"),
        ("String to sign:\n", "expected_string_to_sign"),
    ] {
        let block = format!("{label}{}\n\n", s(&ex[field]));
        assert!(out.contains(&block), "missing {label}{out}");
    }
    assert!(
        out.contains("Credential scope: 20130524/us-east-1/s3/aws4_request\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!("Signed headers: {}\n", s(&ex["signed_headers"]))),
        "{out}"
    );
    assert!(
        out.contains(&format!("Signature: {}\n", s(&ex["expected_signature"]))),
        "{out}"
    );
    assert!(!out.contains("kSigning") && !out.contains("kDate"), "{out}");

    let ex = example("s3-doc-examples.json", "s3-header-get-object-range").expect("vectors");
    let mut args = s3_header_example_args(&ex);
    args.insert(0, "explain".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = awsig(&args, &DOC_ENV).ok().to_string();
    assert!(
        out.contains(&format!(
            "Canonical request:\n{}\n",
            s(&ex["expected_canonical_request"])
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "String to sign:\n{}\n",
            s(&ex["expected_string_to_sign"])
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("Signature: {}", s(&ex["expected_signature"]))),
        "{out}"
    );
    assert!(!out.contains("kSigning"), "{out}");
}

#[test]
fn explain_shows_the_signing_key_chain_only_when_asked() {
    let Some(ex) = example(
        "aws-general-reference-examples.json",
        "signing-key-derivation-20120215-iam",
    ) else {
        return;
    };
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", s(&ex["secret_access_key"])),
    ];
    let time = format!("{}T000000Z", s(&ex["date"]));
    let args = [
        "explain",
        "sign",
        "https://iam.amazonaws.com/",
        "--region",
        s(&ex["region"]),
        "--time",
        &time,
        "--show-signing-key",
    ];
    let out = awsig(&args, &env).ok().to_string();
    for step in ["kDate", "kRegion", "kService", "kSigning"] {
        let line = format!("{:<9} {}", format!("{step}:"), s(&ex["expected"][step]));
        assert!(out.lines().any(|l| l == line), "missing {line}\n{out}");
    }
    // The flag also works before the subcommand.
    let mut before = vec!["explain", "--show-signing-key"];
    before.extend_from_slice(&args[1..7]);
    assert_eq!(awsig(&before, &env).ok(), out);
    let without = awsig(&args[..7], &env).ok().to_string();
    assert!(
        !without.contains("kSigning") && !without.contains("kDate"),
        "{without}"
    );
    assert!(out.starts_with(&without), "{without}\n---\n{out}");

    // The IAM example's documented signing key, from the day of that request.
    let ex = example(
        "aws-general-reference-examples.json",
        "iam-listusers-get-20150830",
    )
    .expect("vectors");
    let args = [
        "explain",
        "sign",
        s(&ex["url"]),
        "--time",
        s(&ex["date"]),
        "--show-signing-key",
    ];
    let out = awsig(&args, &env).ok().to_string();
    let line = format!("kSigning: {}", s(&ex["expected_signing_key"]));
    assert!(out.lines().any(|l| l == line), "{out}");
}

/// An independent HMAC-SHA256, for checking a derived key without awsig.
fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

#[test]
fn explain_chain_matches_an_independent_derivation_for_other_scopes() {
    let args = [
        "explain",
        "presign",
        "s3://bkt/k",
        "--region",
        "eu-west-1",
        "--time",
        "20240229T235959Z",
        "--show-signing-key",
    ];
    let out = awsig(&args, &DOC_ENV).ok().to_string();
    let k_date = hmac_sha256(format!("AWS4{DOC_SECRET}").as_bytes(), b"20240229");
    let k_region = hmac_sha256(&k_date, b"eu-west-1");
    let k_service = hmac_sha256(&k_region, b"s3");
    let k_signing = hmac_sha256(&k_service, b"aws4_request");
    let line = format!("kSigning: {}", hex::encode(k_signing));
    assert!(out.lines().any(|l| l == line), "{out}");
}

// ---------------------------------------------------------------- post-policy

#[test]
fn post_policy_writes_the_documented_browser_form() {
    let Some(ex) = example("s3-doc-examples.json", "s3-browser-post-policy") else {
        return;
    };
    // The page's policy: expires 36 h after the signing time.
    let args = [
        "post-policy",
        "s3://sigv4examplebucket/user/user1/",
        "--time",
        s(&ex["date"]),
        "--expires",
        "36h",
        "--field",
        "acl=public-read",
        "--field",
        "success_action_redirect=http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html",
        "--starts-with",
        "Content-Type=image/",
        "--field",
        "x-amz-meta-uuid=14365123651274",
        "--field",
        "x-amz-server-side-encryption=AES256",
        "--starts-with",
        "x-amz-meta-tag=",
    ];
    let out = awsig(&args, &DOC_ENV).ok().to_string();
    let form: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(form["url"], format!("https://{}/", s(&ex["host"])));
    let documented: Value = serde_json::from_str(s(&ex["policy_document"])).expect("doc policy");
    assert_eq!(form["expiration"], documented["expiration"]);
    let fields = form["fields"].as_object().expect("fields");
    let policy_b64 = s(&fields["policy"]);
    let policy = base64::engine::general_purpose::STANDARD
        .decode(policy_b64)
        .expect("base64 policy");
    let policy: Value = serde_json::from_slice(&policy).expect("policy JSON");
    let as_set = |v: &Value| {
        let mut set: Vec<String> = v
            .as_array()
            .expect("conditions")
            .iter()
            .map(Value::to_string)
            .collect();
        set.sort();
        set
    };
    assert_eq!(
        as_set(&policy["conditions"]),
        as_set(&documented["conditions"])
    );
    assert_eq!(policy["expiration"], documented["expiration"]);
    // The signature, derived here from first principles.
    let k = hmac_sha256(format!("AWS4{DOC_SECRET}").as_bytes(), b"20151229");
    let k = hmac_sha256(&k, b"us-east-1");
    let k = hmac_sha256(&k, b"s3");
    let k = hmac_sha256(&k, b"aws4_request");
    assert_eq!(
        fields["x-amz-signature"],
        hex::encode(hmac_sha256(&k, policy_b64.as_bytes()))
    );
    // The documented fields (names case-insensitive; the page fills
    // Content-Type in with image/jpeg, the form starts it at the prefix).
    for pair in ex["form_fields_as_printed"].as_array().expect("fields") {
        let name = s(&pair[0]).to_ascii_lowercase();
        let got = fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
            .map(|(_, v)| s(v))
            .unwrap_or_else(|| panic!("missing field {name}: {out}"));
        match name.as_str() {
            "policy" | "x-amz-signature" => {}
            "content-type" => assert!(s(&pair[1]).starts_with(got), "{got}"),
            _ => assert_eq!(got, s(&pair[1]), "{name}"),
        }
    }
    assert_eq!(
        form["fill_in"],
        serde_json::json!(["Content-Type", "x-amz-meta-tag"])
    );
}

#[test]
fn post_policy_keys_ranges_and_html() {
    let base = ["--time", "20240101T000000Z", "--demo"];
    let form = |extra: &[&str]| -> Value {
        let mut args = vec!["post-policy"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&base);
        let run = awsig(&args, &[]);
        assert_eq!(run.code, 0, "{run:?}");
        serde_json::from_str(&run.stdout).expect("JSON")
    };
    let policy = |form: &Value| -> String {
        let b = base64::engine::general_purpose::STANDARD
            .decode(s(&form["fields"]["policy"]))
            .expect("base64");
        String::from_utf8(b).expect("utf-8")
    };
    let f = form(&["s3://bkt/reports/2024.pdf"]);
    assert_eq!(f["fields"]["key"], "reports/2024.pdf");
    assert!(
        policy(&f).contains(r#"{"key":"reports/2024.pdf"}"#),
        "{}",
        policy(&f)
    );
    assert!(policy(&f).contains(r#""expiration":"2024-01-01T01:00:00.000Z""#));
    let f = form(&[
        "s3://bkt/uploads/",
        "--content-length-range",
        "1:1048576",
        "--expires",
        "10m",
    ]);
    assert_eq!(f["fields"]["key"], "uploads/${filename}");
    assert!(
        policy(&f).contains(r#"["content-length-range",1,1048576]"#),
        "{}",
        policy(&f)
    );
    assert!(policy(&f).contains(r#""expiration":"2024-01-01T00:10:00.000Z""#));
    let f = form(&["s3://bkt", "--key-starts-with", "user/alice/"]);
    assert_eq!(f["fill_in"], serde_json::json!(["key"]));
    assert!(
        policy(&f).contains(r#"["starts-with","$key","user/alice/"]"#),
        "{}",
        policy(&f)
    );

    let run = awsig(
        &[
            "post-policy",
            "s3://bkt/k",
            "--format",
            "html",
            "--time",
            "20240101T000000Z",
            "--demo",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains(r#"<form action="https://bkt.s3.amazonaws.com/" method="post""#),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains(r#"<input type="file" name="file" required>"#));
    // No outcome chosen: the page asks for S3's 201 and its XML answer.
    assert!(run
        .stdout
        .contains(r#"<input type="hidden" name="success_action_status" value="201">"#));
    assert!(run.stdout.contains(r#"accept-charset="utf-8""#));
}

// ---------------------------------------------------------------- profiles

const CREDENTIALS_FILE: &str = "\
# the fixture's credentials
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = defaultSECRETdefaultSECRET

[second]
aws_access_key_id=AKIDSECOND   ; inline comment
  ; indented comment
aws_secret_access_key   =   secondSECRET/second+SECRET
aws_session_token = tokenSECOND
";

const CONFIG_FILE: &str = "\
[default]
region = eu-west-1

; profile sections in the config file are [profile name]
[profile second]
region = ap-southeast-2
s3 =
  addressing_style = path
output = json

[second]
region = not-a-profile-in-the-config-file

[profile sso]
sso_session = corp
sso_account_id = 111122223333

[profile process]
credential_process = /bin/false
region = us-west-2

[profile half]
aws_access_key_id = AKIDHALF
";

/// A HOME with ~/.aws/credentials and ~/.aws/config.
fn fixture_home() -> TempDir {
    let home = TempDir::new();
    home.write(".aws/credentials", CREDENTIALS_FILE);
    home.write(".aws/config", CONFIG_FILE);
    home
}

/// `(access key id, region)` of a presigned URL's credential, and whether
/// it carries a session token.
fn who(url: &str) -> (String, String, bool) {
    let cred = url
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("X-Amz-Credential="))
        .unwrap_or_else(|| panic!("no credential in {url}"));
    let parts: Vec<&str> = cred.split("%2F").collect();
    (
        parts[0].to_string(),
        parts[2].to_string(),
        url.contains("X-Amz-Security-Token="),
    )
}

fn presign_in(home: &Path, extra: &[&str], env: &[(&str, &str)]) -> (String, String, bool) {
    let mut args = vec!["presign", "s3://bkt/k", "--time", "20240101T000000Z"];
    args.extend_from_slice(extra);
    let run = awsig_in(home, &args, env);
    who(run.ok())
}

fn t(id: &str, region: &str, token: bool) -> (String, String, bool) {
    (id.into(), region.into(), token)
}

#[test]
fn profiles_from_the_shared_files() {
    let home = fixture_home();
    let h = &home.0;
    assert_eq!(
        presign_in(h, &[], &[]),
        t("AKIDDEFAULT", "eu-west-1", false)
    );
    assert_eq!(
        presign_in(h, &["--profile", "second"], &[]),
        t("AKIDSECOND", "ap-southeast-2", true)
    );
    assert_eq!(
        presign_in(h, &[], &[("AWS_PROFILE", "second")]),
        t("AKIDSECOND", "ap-southeast-2", true)
    );
    // --profile wins over AWS_PROFILE.
    assert_eq!(
        presign_in(h, &["--profile", "default"], &[("AWS_PROFILE", "second")]),
        t("AKIDDEFAULT", "eu-west-1", false)
    );
    // Region: --region, then AWS_REGION, then AWS_DEFAULT_REGION, then the profile.
    let regions = [
        ("AWS_REGION", "sa-east-1"),
        ("AWS_DEFAULT_REGION", "ca-central-1"),
    ];
    assert_eq!(
        presign_in(h, &["--region", "me-south-1"], &regions),
        t("AKIDDEFAULT", "me-south-1", false)
    );
    assert_eq!(
        presign_in(h, &[], &regions),
        t("AKIDDEFAULT", "sa-east-1", false)
    );
    assert_eq!(
        presign_in(h, &[], &regions[1..]),
        t("AKIDDEFAULT", "ca-central-1", false)
    );
    // The session token is in the URL, but explain redacts it.
    let args = [
        "explain",
        "presign",
        "s3://bkt/k",
        "--profile",
        "second",
        "--time",
        "20240101T000000Z",
    ];
    let out = awsig_in(h, &args, &[]).ok().to_string();
    assert!(out.contains("X-Amz-Security-Token=<redacted>"), "{out}");
    assert!(!out.contains(SECOND_TOKEN), "{out}");
}

#[test]
fn environment_comes_before_the_files_unless_a_profile_is_named() {
    let home = fixture_home();
    let h = &home.0;
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", DOC_SECRET),
    ];
    assert_eq!(presign_in(h, &[], &env), t("AKIDENV", "eu-west-1", false));
    let with_profile = [env[0], env[1], ("AWS_PROFILE", "second")];
    // The keys from the environment, the region from the profile.
    assert_eq!(
        presign_in(h, &[], &with_profile),
        t("AKIDENV", "ap-southeast-2", false)
    );
    let with_token = [env[0], env[1], ("AWS_SESSION_TOKEN", "envTOKEN")];
    assert_eq!(
        presign_in(h, &[], &with_token),
        t("AKIDENV", "eu-west-1", true)
    );
    // An explicit --profile means that profile (as the AWS CLI does).
    assert_eq!(
        presign_in(h, &["--profile", "second"], &env),
        t("AKIDSECOND", "ap-southeast-2", true)
    );
}

#[test]
fn file_locations_from_the_environment() {
    let dir = TempDir::new();
    let creds = dir.write("elsewhere/creds.ini", CREDENTIALS_FILE);
    let config = dir.write("elsewhere/config.ini", CONFIG_FILE);
    let empty_home = TempDir::new();
    let env = [
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            creds.to_str().expect("utf-8"),
        ),
        ("AWS_CONFIG_FILE", config.to_str().expect("utf-8")),
    ];
    assert_eq!(
        presign_in(&empty_home.0, &["--profile", "second"], &env),
        t("AKIDSECOND", "ap-southeast-2", true)
    );
    // Keys in the credentials file only, region from the config file only.
    let only_creds = [env[0]];
    assert_eq!(
        presign_in(&empty_home.0, &[], &only_creds),
        t("AKIDDEFAULT", "us-east-1", false)
    );
}

#[test]
fn profile_errors_are_one_line_with_exit_code_2() {
    let home = fixture_home();
    let h = &home.0;
    let presign = |extra: &[&str]| {
        let mut args = vec!["presign", "s3://bkt/k"];
        args.extend_from_slice(extra);
        awsig_in(h, &args, &[])
    };
    let run = presign(&["--profile", "missing"]);
    let line = run.fails(2);
    assert!(
        line.contains("\"missing\"") && line.contains(".aws/credentials"),
        "{line}"
    );
    let run = presign(&["--profile", "sso"]);
    assert!(run.fails(2).contains("sso_session"), "{run:?}");
    let run = presign(&["--profile", "process"]);
    assert!(run.fails(2).contains("credential_process"), "{run:?}");
    let run = presign(&["--profile", "half"]);
    assert!(run.fails(2).contains("aws_secret_access_key"), "{run:?}");
    let run = awsig_in(h, &["presign", "s3://bkt/k"], &[("AWS_PROFILE", "missing")]);
    run.fails(2);
}

#[test]
fn no_credentials_at_all() {
    let run = awsig(&["presign", "s3://bkt/k"], &[]);
    let line = run.fails(2);
    for looked_at in [
        "AWS_ACCESS_KEY_ID",
        ".aws/credentials",
        ".aws/config",
        "\"default\"",
    ] {
        assert!(line.contains(looked_at), "{line}");
    }
    let run = awsig(&["sign", "https://bkt.s3.amazonaws.com/k"], &[]);
    run.fails(2);
    let run = awsig(
        &["presign", "s3://bkt/k"],
        &[("AWS_ACCESS_KEY_ID", "AKIDONLY")],
    );
    assert!(run.fails(2).contains("AWS_SECRET_ACCESS_KEY"), "{run:?}");
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_input_is_one_line_on_stderr_and_exit_code_1() {
    let dir = TempDir::new();
    let unreadable = dir.0.join("no-such-file");
    let unreadable = unreadable.to_str().expect("utf-8");
    let p = ["presign", "s3://bkt/k"];
    let u = ["sign", "https://bkt.s3.amazonaws.com/k"];
    let f = ["post-policy", "s3://bkt/k"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        ([&p[..], &["--expires", "soon"]].concat(), "duration"),
        ([&p[..], &["--expires", "1.5h"]].concat(), "duration"),
        ([&p[..], &["--expires", "8d"]].concat(), "maximum"),
        ([&p[..], &["--expires", "604801"]].concat(), "maximum"),
        ([&p[..], &["--expires", "0"]].concat(), "at least 1 second"),
        ([&p[..], &["-H", "Range bytes=0-9"]].concat(), "Name: value"),
        (
            [&u[..], &["--header", "x-amz-meta-a"]].concat(),
            "Name: value",
        ),
        ([&p[..], &["--method", "POST"]].concat(), "unknown method"),
        ([&u[..], &["--method", "FETCH"]].concat(), "unknown method"),
        (
            [&u[..], &["--data-file", unreadable]].concat(),
            "cannot read --data-file",
        ),
        ([&p[..], &["--time", "yesterday"]].concat(), "--time"),
        ([&p[..], &["--query", "=x"]].concat(), "--query"),
        (vec!["presign", "ftp://example.com/k"], "s3://bucket/key"),
        (vec!["presign", "s3:///k"], "bucket"),
        (vec!["sign", "s3://bkt/k"], "presign"),
        (vec!["sign", "http://127.0.0.1:9000/bkt/k"], "--service"),
        (
            vec!["presign", "https://h/k", "--path-style"],
            "s3://bucket/key targets",
        ),
        ([&p[..], &["--endpoint", "ftp://h"]].concat(), "scheme"),
        ([&p[..], &["--region", "us east 1"]].concat(), "region"),
        (
            [&u[..], &["-H", "x-amz-date: 20240101T000000Z"]].concat(),
            "x-amz-date",
        ),
        (
            [&f[..], &["--content-length-range", "10"]].concat(),
            "MIN:MAX",
        ),
        (
            [&f[..], &["--content-length-range", "5:1"]].concat(),
            "content-length-range",
        ),
        ([&f[..], &["--expires", "0"]].concat(), "at least 1 second"),
        ([&f[..], &["--expires", "later"]].concat(), "duration"),
        ([&f[..], &["--key-starts-with", "a/"]].concat(), "not both"),
        ([&f[..], &["--field", "=x"]].concat(), "--field"),
        (
            [&f[..], &["--field", "x-amz-signature=x"]].concat(),
            "x-amz-signature",
        ),
        (
            vec!["post-policy", "https://bkt.s3.amazonaws.com/k"],
            "s3://bucket/key",
        ),
    ];
    for (args, expected) in cases {
        // With and without credentials: bad input is reported as such.
        for env in [&[][..], &DOC_ENV[..]] {
            let run = awsig(&args, env);
            let line = run.fails(1);
            assert!(line.contains(expected), "{args:?}: {line}");
        }
    }
}

#[test]
fn usage_errors_are_one_line_too() {
    let u = "https://bkt.s3.amazonaws.com/k";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        // Values that start with '-' reach awsig's own checks.
        (vec!["presign", "s3://bkt/k", "--expires", "-5"], "duration"),
        (
            vec!["post-policy", "s3://bkt/k", "--expires", "-1h"],
            "duration",
        ),
        (
            vec![
                "post-policy",
                "s3://bkt/k",
                "--content-length-range",
                "-1:5",
            ],
            "MIN:MAX",
        ),
        (vec!["presign", "s3://bkt/k", "--time", "-1"], "--time"),
        (vec!["sign", u, "--time", "-20240101T000000Z"], "--time"),
        // clap's own errors, in one line.
        (
            vec!["post-policy", "s3://bkt/k", "--format", "xml"],
            "invalid value 'xml' for '--format <FORMAT>' [possible values: json, html]",
        ),
        (vec!["sign", u, "--format", "yaml"], "invalid value 'yaml'"),
        (
            vec!["presign", "s3://bkt/k", "--demo", "--profile", "x"],
            "cannot be used with",
        ),
        (
            vec!["sign", u, "--data", "x", "--unsigned-payload"],
            "cannot be used with",
        ),
        (
            vec!["presign"],
            "required arguments were not provided: <s3://BUCKET/KEY | URL>",
        ),
        (
            vec!["presign", "s3://bkt/k", "--bogus"],
            "unexpected argument '--bogus'",
        ),
        (
            vec!["presign", "s3://bkt/k", "--expires"],
            "a value is required",
        ),
        (vec!["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (vec![], "command"),
        (vec!["explain"], "command"),
    ];
    for (args, expected) in cases {
        let run = awsig(&args, &DOC_ENV);
        let line = run.fails(1);
        assert!(line.contains(expected), "{args:?}: {line}");
        assert!(!line.contains("error: error"), "{line}");
        assert!(!line.contains("tip:") && !line.contains("Usage:"), "{line}");
    }
    // Help and version still print normally.
    for args in [&["--help"][..], &["presign", "--help"], &["help", "sign"]] {
        let run = awsig(args, &[]);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:?}");
        assert!(run.stdout.contains("Usage: awsig"), "{run:?}");
    }
    let run = awsig(&["--version"], &[]);
    assert_eq!(run.ok(), format!("awsig {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn header_values_with_line_breaks_are_refused() {
    let t = ["--time", "20240101T000000Z", "--demo"];
    for header in [
        "x-amz-meta-a: b\r\n c",
        "x-amz-meta-a: b\n c",
        "x-amz-meta-a: b\r\nx-amz-meta-b: c",
        "x-amz-meta-a: b\r",
        "x-amz-meta\n-a: b",
    ] {
        for command in [
            &["sign", "https://bkt.s3.amazonaws.com/k", "--format", "curl"][..],
            &["presign", "s3://bkt/k"],
        ] {
            let args = [command, &["-H", header], &t].concat();
            let line = awsig(&args, &[]).fails(1).to_string();
            assert!(
                line.contains("--header") && line.contains("line break"),
                "{line}"
            );
        }
    }
}

#[test]
fn curl_sends_a_length_and_no_form_content_type() {
    let curl = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "sign",
            "https://bkt.s3.amazonaws.com/k",
            "--format",
            "curl",
            "--time",
            "20240101T000000Z",
            "--demo",
        ];
        args.extend_from_slice(extra);
        let run = awsig(&args, &[]);
        assert_eq!(run.code, 0, "{run:?}");
        shell_words(&run.stdout).unwrap_or_default()
    };
    let has = |words: &[String], flag: &str, value: &str| {
        words.windows(2).any(|w| w[0] == flag && w[1] == value)
    };
    if curl(&[]).is_empty() {
        return; // no POSIX shell
    }
    // PUT and POST without a body: an explicit empty body (Content-Length: 0),
    // and curl's form content type removed.
    for method in ["PUT", "POST"] {
        let words = curl(&["-X", method]);
        assert!(has(&words, "--data-binary", ""), "{words:?}");
        assert!(has(&words, "-H", "Content-Type:"), "{words:?}");
    }
    for extra in [
        &["-X", "POST", "--data", "x"][..],
        &["-X", "PUT", "--data", ""],
    ] {
        let words = curl(extra);
        assert!(has(&words, "-H", "Content-Type:"), "{words:?}");
    }
    // The caller's content type is kept (it is signed) and not removed.
    let words = curl(&[
        "-X",
        "PUT",
        "--data",
        "{}",
        "-H",
        "content-type: application/json",
    ]);
    assert!(
        has(&words, "-H", "content-type: application/json"),
        "{words:?}"
    );
    assert!(!words.iter().any(|w| w == "Content-Type:"), "{words:?}");
    // No body at all: GET, DELETE, and an unsigned payload (the caller adds it).
    for extra in [
        &[][..],
        &["-X", "DELETE"],
        &["-X", "PUT", "--unsigned-payload"],
    ] {
        let words = curl(extra);
        assert!(!words.iter().any(|w| w == "--data-binary"), "{words:?}");
        assert!(!words.iter().any(|w| w == "Content-Type:"), "{words:?}");
    }
}

/// Runs a `--format curl` command with the real curl against a local server
/// and returns the request head it received (lowercase); `None` without curl
/// or sh.
fn curl_request_head(extra: &[&str]) -> Option<String> {
    use std::io::{BufRead, BufReader, Read, Write};
    let version = Command::new("curl").arg("--version").output().ok()?;
    if !version.status.success() {
        return None;
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/bkt/k", listener.local_addr().expect("addr"));
    let mut args = vec![
        "sign",
        &url,
        "--service",
        "s3",
        "--format",
        "curl",
        "--demo",
    ];
    args.extend_from_slice(extra);
    let run = awsig(&args, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        while reader.read_line(&mut head).expect("read") > 2 {}
        let head = head.to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |n| n.trim().parse().expect("length"));
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("body");
        let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        reader.get_mut().write_all(reply).expect("reply");
        head
    });
    let script = format!(
        "{} --silent --show-error --max-time 10",
        run.stdout.trim_end()
    );
    let out = Command::new("sh").arg("-c").arg(script).output().ok()?;
    assert!(out.status.success(), "{out:?}");
    Some(server.join().expect("server"))
}

#[test]
fn curl_command_runs_with_a_length_and_without_a_form_content_type() {
    let Some(head) = curl_request_head(&["-X", "PUT"]) else {
        return;
    };
    assert!(head.starts_with("put /bkt/k "), "{head}");
    assert!(head.contains("\r\ncontent-length: 0\r\n"), "{head}");
    assert!(!head.contains("content-type"), "{head}");
    let head = curl_request_head(&["-X", "POST", "--data", "a=b"]).expect("curl ran before");
    assert!(head.starts_with("post /bkt/k "), "{head}");
    assert!(head.contains("\r\ncontent-length: 3\r\n"), "{head}");
    assert!(!head.contains("content-type"), "{head}");
    let head = curl_request_head(&[
        "-X",
        "PUT",
        "--data",
        "<p>",
        "-H",
        "Content-Type: text/html",
    ])
    .expect("curl ran before");
    assert!(head.contains("\r\ncontent-type: text/html\r\n"), "{head}");
}

#[test]
fn urls_must_be_percent_encoded() {
    let t = ["--time", "20240101T000000Z", "--demo"];
    for bad in [
        "https://bkt.s3.amazonaws.com/a b",
        "https://bkt.s3.amazonaws.com/caf\u{e9}",
        "https://bkt.s3.amazonaws.com/a\tb",
        "https://bkt.s3.amazonaws.com/a\u{7f}",
        "https://bkt.s3.amazonaws.com/\"q\"",
        "https://bkt.s3.amazonaws.com/<b>",
        "https://bkt.s3.amazonaws.com/a\\b",
        "https://bkt.s3.amazonaws.com/a^b",
        "https://bkt.s3.amazonaws.com/a`b",
        "https://bkt.s3.amazonaws.com/{a}",
        "https://bkt.s3.amazonaws.com/a|b",
        "https://bkt.s3.amazonaws.com/k?x=a b",
    ] {
        for command in ["presign", "sign"] {
            let args = [&[command, bad][..], &t].concat();
            let line = awsig(&args, &[]).fails(1).to_string();
            assert!(
                line.contains("percent-encoded") && line.contains("s3://bucket/key"),
                "{bad:?}: {line}"
            );
        }
    }
    // Encoded, they are fine (and so is a raw key in s3:// form).
    for good in [
        "https://bkt.s3.amazonaws.com/a%20b%7C%C3%A9",
        "s3://bkt/a b|\u{e9}",
    ] {
        let run = awsig(&[&["presign", good][..], &t].concat(), &[]);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(run.stdout.contains("/a%20b%7C%C3%A9?"), "{run:?}");
    }
}

#[test]
fn global_s3_hosts_mean_us_east_1() {
    let home = fixture_home(); // its default profile says eu-west-1
    let h = &home.0;
    let env = [("AWS_REGION", "eu-central-1")];
    for url in [
        "https://bkt.s3.amazonaws.com/k",
        "https://s3.amazonaws.com/bkt/k",
        "https://s3-external-1.amazonaws.com/bkt/k",
        "https://bkt.s3-external-1.amazonaws.com/k",
    ] {
        let args = ["presign", url, "--time", "20240101T000000Z"];
        for env in [&env[..], &[]] {
            assert_eq!(
                who(awsig_in(h, &args, env).ok()),
                t("AKIDDEFAULT", "us-east-1", false),
                "{url}"
            );
        }
        let args = ["sign", url, "--time", "20240101T000000Z"];
        let out = awsig_in(h, &args, &env).ok().to_string();
        assert!(out.contains("/20240101/us-east-1/s3/aws4_request"), "{out}");
        // --region still wins.
        let args = [
            "presign",
            url,
            "--region",
            "eu-west-3",
            "--time",
            "20240101T000000Z",
        ];
        assert_eq!(who(awsig_in(h, &args, &env).ok()).1, "eu-west-3");
    }
    // A regional host keeps its region; other endpoints have no global default.
    let args = ["presign", "https://bkt.s3.ap-south-1.amazonaws.com/k"];
    assert_eq!(who(awsig_in(h, &args, &env).ok()).1, "ap-south-1");
    let args = ["presign", "https://bkt.s3-accelerate.amazonaws.com/k"];
    assert_eq!(who(awsig_in(h, &args, &env).ok()).1, "eu-central-1");
}

#[test]
fn post_policy_html_is_a_complete_page() {
    let args = [
        "post-policy",
        "s3://bkt/k",
        "--format",
        "html",
        "--time",
        "20240101T000000Z",
        "--demo",
    ];
    let run = awsig(&args, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = run.stdout.as_str();
    assert!(page.starts_with("<!DOCTYPE html>\n<html"), "{page}");
    assert!(page.contains("<meta charset=\"utf-8\">"), "{page}");
    assert!(page.contains("<title>"), "{page}");
    assert!(
        page.contains(r#"<form action="https://bkt.s3.amazonaws.com/" method="post""#),
        "{page}"
    );
    let (form_at, body_end) = (page.find("<form").unwrap(), page.find("</body>").unwrap());
    assert!(
        page[..form_at].contains("<body>") && form_at < body_end,
        "{page}"
    );
    assert!(page.ends_with("</html>\n"), "{page}");
}

#[test]
fn errors_name_the_real_problem() {
    for (args, expected) in [
        (&["sign", "https://s3.amazonaws.com:99999/b"][..], "port"),
        (&["presign", "https://s3.amazonaws.com:99999/b"], "port"),
        (&["sign", "https://"], "host"),
        (&["presign", "https://"], "host"),
        (&["sign", "http://:80/k"], "host"),
    ] {
        let args = [args, &["--demo"]].concat();
        let line = awsig(&args, &[]).fails(1).to_string();
        assert!(line.contains(expected), "{args:?}: {line}");
        assert!(!line.contains("cannot tell the service"), "{line}");
    }
    // Form fields the command line sets otherwise: said in its own terms.
    for (args, expected) in [
        (&["--field", "key=x"][..], "--key-starts-with"),
        (&["--field", "Key=x"], "s3://"),
        (&["--starts-with", "key=uploads/"], "--key-starts-with"),
        (&["--field", "bucket=x"], "s3://"),
        (
            &["--starts-with", "content-length-range=1"],
            "--content-length-range",
        ),
    ] {
        let args = [&["post-policy", "s3://bkt", "--demo"][..], args].concat();
        let line = awsig(&args, &[]).fails(1).to_string();
        assert!(line.contains(expected), "{args:?}: {line}");
        assert!(!line.contains("PostPolicy"), "{line}");
    }
}

#[test]
fn an_unreadable_config_file_is_not_a_credentials_failure_with_other_keys() {
    let dir = TempDir::new(); // a directory: not readable as a file
    let config = dir.0.to_str().expect("utf-8");
    let env = [("AWS_CONFIG_FILE", config)];
    let p = ["presign", "s3://bkt/k", "--time", "20240101T000000Z"];
    // The region would come from the file: bad input, exit 1, naming the way out.
    for extra in [&["--demo"][..], &[]] {
        let with_keys = [env[0], DOC_ENV[0], DOC_ENV[1]];
        let env: &[(&str, &str)] = if extra.is_empty() { &with_keys } else { &env };
        let line = awsig(&[&p[..], extra].concat(), env).fails(1).to_string();
        assert!(
            line.contains("cannot read") && line.contains(config) && line.contains("--region"),
            "{line}"
        );
    }
    // Not needed for the region: not read at all.
    let run = awsig(
        &[&p[..], &["--demo", "--region", "eu-west-1"]].concat(),
        &env,
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(who(&run.stdout).1, "eu-west-1");
    let with_region = [env[0], ("AWS_REGION", "eu-west-2"), DOC_ENV[0], DOC_ENV[1]];
    assert_eq!(who(awsig(&p, &with_region).ok()).1, "eu-west-2");
    // Where the credentials would come from the files, it still is exit code 2.
    let line = awsig(&p, &env).fails(2).to_string();
    assert!(line.contains("cannot read"), "{line}");
    let line = awsig(&[&p[..], &["--region", "eu-west-1"]].concat(), &env)
        .fails(2)
        .to_string();
    assert!(line.contains("cannot read"), "{line}");
}

// ---------------------------------------------------------------- verify

#[test]
fn verify_checks_the_s3_documentation_presigned_url() {
    let Some(ex) = example("s3-doc-examples.json", "s3-presigned-get-object") else {
        return;
    };
    let url = s(&ex["expected_presigned_url"]);
    let out = awsig(&["verify", url, "--time", "20130524T120000Z"], &DOC_ENV);
    let text = out.ok();
    assert!(
        text.starts_with(
            "verified: signed by AKIAIOSFODNN7EXAMPLE for 20130524/us-east-1/s3/aws4_request\n"
        ),
        "{text}"
    );
    assert!(text.contains("expires at: 20130525T000000Z"), "{text}");
    // Used for a PUT: refused, and the method it was signed for is named.
    let put = awsig(
        &["verify", url, "-X", "PUT", "--time", "20130524T120000Z"],
        &DOC_ENV,
    );
    assert_eq!(put.code, 3, "{put:?}");
    assert_eq!(
        put.stderr,
        "awsig: error: signature refused (SignatureDoesNotMatch)\n"
    );
    assert!(
        put.stdout
            .starts_with("refused: SignatureDoesNotMatch (403)"),
        "{put:?}"
    );
    assert!(
        put.stdout
            .contains("Canonical request (server):\nPUT\n/test.txt\n"),
        "{put:?}"
    );
    assert!(
        put.stdout.contains("The signature matches the method GET"),
        "{put:?}"
    );
    // A day and a second later: expired.
    let late = awsig(&["verify", url, "--time", "20130525T000001Z"], &DOC_ENV);
    assert_eq!(late.code, 3);
    assert!(
        late.stdout
            .starts_with("refused: AccessDenied (403): Request has expired"),
        "{late:?}"
    );
    // Another secret for the same access key id.
    let other = [
        ("AWS_ACCESS_KEY_ID", DOC_ID),
        ("AWS_SECRET_ACCESS_KEY", "another-secret"),
    ];
    let wrong = awsig(&["verify", url, "--time", "20130524T120000Z"], &other);
    assert_eq!(wrong.code, 3);
    assert!(
        wrong.stdout.starts_with("refused: SignatureDoesNotMatch"),
        "{wrong:?}"
    );
}

#[test]
fn verify_reads_a_raw_request_and_explain_url_shows_the_canonical_request() {
    let Some(root) = common::vectors() else {
        return;
    };
    let dir = root.join("aws-signing-test-suite/v4/post-x-www-form-urlencoded");
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        ),
    ];
    let header = dir.join("header-signed-request.txt");
    let out = awsig(
        &[
            "verify",
            "--request",
            header.to_str().unwrap(),
            "--time",
            "20150830T123600Z",
        ],
        &env,
    );
    let text = out.ok();
    assert!(
        text.contains("for 20150830/us-east-1/service/aws4_request"),
        "{text}"
    );
    assert!(
        text.contains("body: matches x-amz-content-sha256"),
        "{text}"
    );
    // The same request with CRLF line ends and `curl -v`'s `> ` prefixes.
    let raw = common::read(&header);
    let (head, body) = raw.split_once("\n\n").unwrap();
    let curl_v: String = head.lines().map(|l| format!("> {l}\r\n")).collect();
    let tmp = TempDir::new();
    let file = tmp.write("req.txt", &format!("{curl_v}\r\n{body}"));
    assert!(
        awsig(
            &[
                "verify",
                "--request",
                file.to_str().unwrap(),
                "--time",
                "20150830T123600Z"
            ],
            &env
        )
        .code
            == 0
    );
    // A changed body: the signature (over its hash) does not match.
    let file = tmp.write("bad.txt", &format!("{curl_v}\r\n{body}x"));
    let bad = awsig(
        &[
            "verify",
            "--request",
            file.to_str().unwrap(),
            "--time",
            "20150830T123600Z",
        ],
        &env,
    );
    assert_eq!(bad.code, 3, "{bad:?}");

    // `explain url`: AWS's canonical request, byte for byte, no credentials.
    let dir = root.join("aws-signing-test-suite/v4/get-header-value-trim");
    let query = common::HttpText::parse(&common::read(&dir.join("query-signed-request.txt")));
    let url = format!("https://example.amazonaws.com{}", query.target);
    let mut args = vec!["explain", "url", url.as_str(), "-X", "GET"];
    let header_args: Vec<String> = query
        .headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    for h in &header_args {
        args.extend(["-H", h.as_str()]);
    }
    let explained = awsig(&args, &[]);
    let text = explained.ok();
    let creq = common::read(&dir.join("query-canonical-request.txt"));
    assert!(
        text.starts_with(&format!("Canonical request:\n{creq}\n")),
        "{text}"
    );
}

#[test]
fn explain_against_names_the_first_difference_with_s3s_error() {
    let Some(ex) = example("s3-doc-examples.json", "s3-header-get-object-range") else {
        return;
    };
    // S3's error body for the documented request (its documented canonical
    // request and string to sign), compared with a request whose Range is
    // another: the first difference is that header.
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>{DOC_ID}</AWSAccessKeyId><StringToSign>{}</StringToSign><SignatureProvided>00</SignatureProvided><CanonicalRequest>{}</CanonicalRequest></Error>",
        esc(s(&ex["expected_string_to_sign"])),
        esc(s(&ex["expected_canonical_request"]))
    );
    let tmp = TempDir::new();
    let file = tmp.write("error.xml", &xml);
    let args = |range: &str| -> Vec<String> {
        [
            "explain",
            "--against",
            file.to_str().unwrap(),
            "sign",
            "https://examplebucket.s3.amazonaws.com/test.txt",
            "-H",
            range,
            "--time",
            "20130524T000000Z",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect()
    };
    let run = |range: &str| {
        let a = args(range);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        awsig(&refs, &DOC_ENV)
    };
    let other = run("Range: bytes=0-99");
    let text = other.ok();
    assert!(
        text.contains("first difference: header range (canonical headers)"),
        "{text}"
    );
    assert!(
        text.contains("client signed:   \"bytes=0-99\"\n  server computed: \"bytes=0-9\""),
        "{text}"
    );
    let same = run("Range: bytes=0-9");
    assert!(same.ok().contains(
        "The canonical requests and strings to sign are the same: the signing key differs"
    ));
}
