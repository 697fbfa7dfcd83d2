//! Signer-level rules from the core issue, each checked through the public
//! API. Expected strings follow AWS's published rules (SigV4 documentation,
//! S3 API reference); where a whole signature is compared, it is against a
//! published vector (tests/conformance.rs) instead.

use std::time::Duration;

use awsig::{
    Credentials, Endpoint, Error, ObjectKey, Payload, Request, SessionTokenMode, Signer,
    SigningSettings, SigningTime,
};

const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLE+tok/en==";

fn signer(service: &str, token: Option<&str>) -> Signer {
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        token.map(str::to_string),
    )
    .unwrap();
    Signer::new(creds, "us-east-1", service).unwrap()
}

fn t() -> SigningTime {
    SigningTime::parse("20150830T123600Z").unwrap()
}

fn hour() -> Duration {
    Duration::from_secs(3600)
}

#[test]
fn host_is_always_signed_with_non_default_port_only() {
    let s = signer("s3", None);
    for (url, host) in [
        ("http://127.0.0.1:9000", "127.0.0.1:9000"),
        ("http://localhost:80", "localhost"),
        ("https://minio.example.com:443", "minio.example.com"),
        ("https://minio.example.com:8443", "minio.example.com:8443"),
        ("http://[::1]:9000", "[::1]:9000"),
    ] {
        let e = Endpoint::parse(url).unwrap();
        let (_, audit) = s
            .audit_sign(&Request::new("GET", &e).bucket("b1"), t())
            .unwrap();
        assert!(
            audit
                .canonical_request
                .contains(&format!("\nhost:{host}\n")),
            "{url}: {audit}"
        );
        assert!(audit.signed_headers.starts_with("host;"));
        let (_, audit) = s
            .audit_presign(&Request::new("GET", &e), t(), hour())
            .unwrap();
        assert!(
            audit
                .canonical_request
                .contains(&format!("\nhost:{host}\n")),
            "{url}"
        );
        assert_eq!(audit.signed_headers, "host");
    }
}

#[test]
fn excluded_headers_are_not_signed_unless_included() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let headers = [
        ("User-Agent", "curl/8"),
        ("X-Amzn-Trace-Id", "Root=1"),
        ("Connection", "keep-alive"),
        ("Transfer-Encoding", "chunked"),
        ("Content-Type", "text/plain"),
    ];
    let req = Request::new("PUT", &e).headers(&headers);
    let (_, audit) = signer("s3", None).audit_sign(&req, t()).unwrap();
    assert_eq!(
        audit.signed_headers,
        "content-type;host;x-amz-content-sha256;x-amz-date"
    );
    let mut settings = SigningSettings::s3();
    settings.include_header("user-agent");
    settings.exclude_header("Content-Type");
    let req = req.settings(&settings);
    let (_, audit) = signer("s3", None).audit_sign(&req, t()).unwrap();
    assert_eq!(
        audit.signed_headers,
        "host;user-agent;x-amz-content-sha256;x-amz-date"
    );
}

#[test]
fn headers_the_signer_writes_are_reserved() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let s = signer("s3", None);
    for name in [
        "Authorization",
        "X-Amz-Date",
        "x-amz-security-token",
        "X-Amz-Content-Sha256",
    ] {
        let headers = [(name, "x")];
        let err = s
            .sign(&Request::new("GET", &e).headers(&headers), t())
            .unwrap_err();
        assert_eq!(err, Error::Reserved(name.to_ascii_lowercase()), "{name}");
    }
    for name in [
        "X-Amz-Signature",
        "x-amz-credential",
        "X-Amz-Expires",
        "X-Amz-Security-Token",
    ] {
        let params = [(name, "x")];
        let req = Request::new("GET", &e).params(&params);
        assert!(
            matches!(s.presign(&req, t(), hour()), Err(Error::Reserved(_))),
            "{name}"
        );
        assert!(
            matches!(s.sign(&req, t()), Err(Error::Reserved(_))),
            "{name}"
        );
    }
    // Generic rules do not send x-amz-content-sha256, so a caller may.
    let headers = [("x-amz-content-sha256", "UNSIGNED-PAYLOAD")];
    assert!(signer("execute-api", None)
        .sign(&Request::new("GET", &e).headers(&headers), t())
        .is_ok());
}

#[test]
fn bad_headers_are_typed_errors_without_values() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let s = signer("s3", None);
    let bad_value = [("x-amz-meta-a", "secret\r\nInjected: yes")];
    let err = s
        .sign(&Request::new("GET", &e).headers(&bad_value), t())
        .unwrap_err();
    assert_eq!(err, Error::InvalidHeaderValue("x-amz-meta-a".into()));
    assert!(!err.to_string().contains("secret"));
    let bad_name = [("x amz", "v")];
    assert!(matches!(
        s.presign(&Request::new("GET", &e).headers(&bad_name), t(), hour()),
        Err(Error::InvalidHeaderName(_))
    ));
}

#[test]
fn expiry_is_whole_seconds_within_bounds() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let req = Request::new("GET", &e)
        .bucket("b1")
        .key(ObjectKey::new("k"));
    let s = signer("s3", None);
    for ok in [1, 3600, 604_800] {
        let url = s.presign(&req, t(), Duration::from_secs(ok)).unwrap();
        assert!(url.as_str().contains(&format!("X-Amz-Expires={ok}&")));
    }
    for bad in [
        Duration::ZERO,
        Duration::from_secs(604_801),
        Duration::from_millis(1500),
    ] {
        assert!(
            matches!(s.presign(&req, t(), bad), Err(Error::InvalidExpiry { .. })),
            "{bad:?}"
        );
    }
    let mut longer = SigningSettings::s3();
    longer.max_expires_secs = 30 * 86_400;
    let req = req.settings(&longer);
    assert!(s
        .presign(&req, t(), Duration::from_secs(30 * 86_400))
        .is_ok());
    assert_eq!(
        s.presign(&req, t(), Duration::from_secs(30 * 86_400 + 1))
            .unwrap_err(),
        Error::InvalidExpiry {
            seconds: 30 * 86_400 + 1,
            max: 30 * 86_400
        }
    );
}

#[test]
fn s3_sends_content_sha256_and_generic_does_not() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let req = Request::new("PUT", &e).payload(Payload::Bytes(b"Welcome to Amazon S3."));
    let s3 = signer("s3", None).sign(&req, t()).unwrap();
    // SHA-256 of the S3 documentation's PUT body (sig-v4-header-based-auth).
    let hash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
    assert_eq!(s3.x_amz_content_sha256(), Some(hash));
    let generic = signer("sqs", None).sign(&req, t()).unwrap();
    assert_eq!(generic.x_amz_content_sha256(), None);
    assert_eq!(generic.headers().count(), 2);
    let unsigned = signer("s3", None)
        .sign(&req.payload(Payload::Unsigned), t())
        .unwrap();
    assert_eq!(unsigned.x_amz_content_sha256(), Some("UNSIGNED-PAYLOAD"));
    let upper =
        Payload::Precomputed("44CE7DD67C959E0D3524FFAC1771DFBBA87D2B6B4B4E99E42034A8B803F8B072");
    let pre = signer("s3", None).sign(&req.payload(upper), t()).unwrap();
    assert_eq!(pre.x_amz_content_sha256(), Some(hash));
    for bad in ["", "abc", &"g".repeat(64)] {
        let r = req.payload(Payload::Precomputed(bad));
        assert_eq!(
            signer("s3", None).sign(&r, t()).unwrap_err(),
            Error::InvalidPayloadHash
        );
    }
}

#[test]
fn presigned_url_is_ready_to_use() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let params = [(
        "response-content-disposition",
        "attachment; filename=\"résumé 2024.pdf\"",
    )];
    let req = Request::new("GET", &e)
        .bucket("examplebucket")
        .key(ObjectKey::new("a b+c=d&e.txt"))
        .params(&params);
    let url = signer("s3", Some(TOKEN))
        .presign(&req, t(), hour())
        .unwrap();
    let url = url.as_str();
    assert!(
        url.starts_with("https://examplebucket.s3.amazonaws.com/a%20b%2Bc%3Dd%26e.txt?"),
        "{url}"
    );
    assert!(url.contains(
        "&response-content-disposition=attachment%3B%20filename%3D%22r%C3%A9sum%C3%A9%202024.pdf%22"
    ));
    assert!(
        url.contains("X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&")
    );
    assert!(url.contains(
        "X-Amz-Security-Token=AQoDYXdzEPT%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEXAMPLE%2Btok%2Fen%3D%3D&"
    ));
    assert!(!url.contains(' ') && !url.contains('+'));
}

#[test]
fn session_token_signed_or_added_after_signing() {
    let e = Endpoint::parse("https://example.amazonaws.com").unwrap();
    let req = Request::new("GET", &e);
    let mut after = SigningSettings::generic();
    after.session_token = SessionTokenMode::AfterSigning;
    let s = signer("service", Some(TOKEN));

    let (signed, audit) = s.audit_sign(&req, t()).unwrap();
    assert!(audit.signed_headers.contains("x-amz-security-token"));
    assert_eq!(signed.x_amz_security_token(), Some(TOKEN));
    let (signed, audit) = s.audit_sign(&req.settings(&after), t()).unwrap();
    assert!(!audit.signed_headers.contains("x-amz-security-token"));
    assert!(!audit.canonical_request.contains("AQoD"));
    assert_eq!(signed.x_amz_security_token(), Some(TOKEN));

    let (url, audit) = s.audit_presign(&req.settings(&after), t(), hour()).unwrap();
    assert!(!audit.canonical_request.contains("X-Amz-Security-Token"));
    let tail = url
        .as_str()
        .rsplit_once("&X-Amz-Security-Token=")
        .unwrap()
        .1;
    assert!(tail.starts_with("AQoDYXdzEPT%2F") && tail.contains("&X-Amz-Signature="));
}

#[test]
fn secrets_never_shown() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let s = signer("s3", Some(TOKEN));
    let (url, audit) = s
        .audit_presign(&Request::new("GET", &e), t(), hour())
        .unwrap();
    let (signed, audit2) = s.audit_sign(&Request::new("GET", &e), t()).unwrap();
    assert!(
        audit.canonical_request.contains("AQoDYXdzEPT%2F"),
        "the fields stay exact"
    );
    let shown = [
        format!("{url}"),
        format!("{url:?}"),
        format!("{audit}"),
        format!("{audit:?}"),
        format!("{audit2}"),
        format!("{signed:?}"),
        format!("{s:?}"),
    ];
    for text in shown {
        assert!(!text.contains("AQoD"), "{text}");
        assert!(!text.contains("EXAMPLEKEY"), "{text}");
    }
}

#[test]
fn redaction_finds_the_token_in_every_form_and_only_the_token() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    // A path that looks like the token parameter must not be mistaken for it.
    let s = signer("s3", Some("secret-tok"));
    let decoy = Request::from_url(
        "GET",
        "https://b1x.s3.amazonaws.com/X-Amz-Security-Token=zz",
    )
    .unwrap();
    let url = s.presign(&decoy, t(), hour()).unwrap();
    let shown = format!("{url} {url:?}");
    assert!(!shown.contains("secret-tok"), "{shown}");
    assert!(shown.contains("/X-Amz-Security-Token=zz?"), "{shown}");
    // A token with whitespace runs is folded in the canonical header value.
    let s = signer("s3", Some("to  k   en"));
    let (_, audit) = s.audit_sign(&Request::new("GET", &e), t()).unwrap();
    assert!(audit
        .canonical_request
        .contains("x-amz-security-token:to k en\n"));
    let shown = format!("{audit} {audit:?}");
    assert!(
        !shown.contains("to k en") && !shown.contains("to  k"),
        "{shown}"
    );
}

#[test]
fn object_keys_and_encoded_paths_differ() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let s = signer("s3", None);
    let key = Request::new("GET", &e)
        .bucket("examplebucket")
        .key(ObjectKey::new("a%20b"));
    let (_, audit) = s.audit_sign(&key, t()).unwrap();
    assert!(audit.canonical_request.starts_with("GET\n/a%2520b\n"));
    let path = awsig::EncodedPath::new("/a%20b").unwrap();
    let wire = Request::new("GET", &e).bucket("examplebucket").path(path);
    let (_, audit) = s.audit_sign(&wire, t()).unwrap();
    assert!(audit.canonical_request.starts_with("GET\n/a%20b\n"));
}

#[test]
fn upload_part_presign_signs_part_number_and_upload_id() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let params = [("partNumber", "2"), ("uploadId", "VXBsb2FkIElE+/=")];
    let req = Request::new("PUT", &e)
        .bucket("examplebucket")
        .key(ObjectKey::new("big.bin"))
        .params(&params);
    let (url, audit) = signer("s3", None).audit_presign(&req, t(), hour()).unwrap();
    let query = audit.canonical_request.lines().nth(2).unwrap();
    assert!(
        query.ends_with("&partNumber=2&uploadId=VXBsb2FkIElE%2B%2F%3D"),
        "{query}"
    );
    assert!(url
        .as_str()
        .contains("&partNumber=2&uploadId=VXBsb2FkIElE%2B%2F%3D&X-Amz-Signature="));
}

#[test]
fn expiry_past_year_9999_does_not_panic() {
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let late = SigningTime::parse("99991231T235959Z").unwrap();
    let url = signer("s3", None)
        .presign(&Request::new("GET", &e), late, hour())
        .unwrap();
    assert_eq!(url.expires_at().amz_date(), "99991231T235959Z");
}

#[test]
fn plus_in_incoming_query_is_a_literal_plus() {
    // A query string already on the wire is taken as RFC 3986 text, not as a
    // form: `+` is a plus and signs as `%2B`, never as a space (`%20`).
    let s = signer("s3", None);
    let req = Request::from_url(
        "GET",
        "https://examplebucket.s3.amazonaws.com/k?a=b+c&d=e%20f",
    )
    .unwrap();
    let (_, audit) = s.audit_sign(&req, t()).unwrap();
    assert_eq!(
        audit.canonical_request.lines().nth(2),
        Some("a=b%2Bc&d=e%20f")
    );
    // The same value given raw (unencoded) signs the same way.
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let params = [("a", "b+c"), ("d", "e f")];
    let raw = Request::new("GET", &e)
        .bucket("examplebucket")
        .key(ObjectKey::new("k"))
        .params(&params);
    let (_, raw_audit) = s.audit_sign(&raw, t()).unwrap();
    assert_eq!(raw_audit.canonical_request, audit.canonical_request);
}
