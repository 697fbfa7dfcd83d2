//! awsig side by side with its peers, on identical inputs and a fixed time:
//! bucket `examplebucket`, key `photos/2024/cat picture.jpg`, us-east-1,
//! expires 3600, `UNSIGNED-PAYLOAD`, virtual-host addressing.
//!
//! ```text
//! cargo bench --bench signing
//! ```
//!
//! `…/next_second` cases sign each request one second after the previous
//! one (same day, so the cached signing key still hits): a service signing
//! less than once a second. The peers keep no per-second state, so their
//! cost does not depend on the time.
//!
//! Every group first asserts that all signers produced the same signature;
//! quote the ratios within one run (the machine is shared and noisy).

use std::borrow::Cow;
use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    sign as aws_sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings as AwsSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use awsig::{
    sign_policy_document, Credentials, Endpoint, ObjectKey, Payload, PostPolicy, Request, Signer,
    SigningTime,
};
use criterion::{criterion_group, criterion_main, Criterion};
use rusty_s3::S3Action as _;

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const BUCKET: &str = "examplebucket";
const KEY: &str = "photos/2024/cat picture.jpg";
const REGION: &str = "us-east-1";
const UNIX: u64 = 1_704_067_200; // 2024-01-01T00:00:00Z
const EXPIRES: Duration = Duration::from_secs(3600);
const PAYLOAD_SHA256: &str = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
const PUT_HEADERS: [(&str, &str); 4] = [
    ("content-type", "image/jpeg"),
    ("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg=="),
    ("x-amz-meta-owner", "alice"),
    ("x-amz-storage-class", "STANDARD_IA"),
];

fn awsig_signer() -> Signer {
    Signer::new(Credentials::new(AKID, SECRET, None).unwrap(), REGION, "s3").unwrap()
}

fn time() -> SigningTime {
    SigningTime::from_unix_timestamp(UNIX as i64).unwrap()
}

/// The fixed time and the 4095 seconds after it, made before the timing.
fn next_seconds() -> Vec<SigningTime> {
    (0..4096)
        .map(|s| SigningTime::from_unix_timestamp(UNIX as i64 + s).unwrap())
        .collect()
}

fn query_signature(url: &str) -> &str {
    url.split_once("X-Amz-Signature=").expect("signed URL").1
}

// --- awsig ------------------------------------------------------------------

fn awsig_presign(signer: &Signer, endpoint: &Endpoint, time: SigningTime) -> String {
    let req = Request::new("GET", endpoint)
        .bucket(BUCKET)
        .key(ObjectKey::new(KEY))
        .payload(Payload::Unsigned);
    signer.presign(&req, time, EXPIRES).unwrap().into_string()
}

fn awsig_put(
    signer: &Signer,
    endpoint: &Endpoint,
    time: SigningTime,
) -> awsig::AuthorizationHeaders {
    let req = Request::new("PUT", endpoint)
        .bucket(BUCKET)
        .key(ObjectKey::new(KEY))
        .headers(&PUT_HEADERS)
        .payload(Payload::Precomputed(PAYLOAD_SHA256));
    signer.sign(&req, time).unwrap()
}

/// Six conditions besides the mandatory ones.
fn awsig_post(
    signer: &Signer,
    endpoint: &Endpoint,
    time: SigningTime,
    expires_at: SigningTime,
) -> awsig::PostForm {
    PostPolicy::new(BUCKET)
        .key_starts_with("photos/")
        .expires_at(expires_at)
        .field("acl", "private")
        .starts_with("Content-Type", "image/")
        .field("x-amz-meta-owner", "alice")
        .field("success_action_status", "201")
        .field("Cache-Control", "max-age=60")
        .content_length_range(1, 10 << 20)
        .sign(signer, endpoint, time)
        .unwrap()
}

// --- rusty-s3 ---------------------------------------------------------------

struct RustyS3 {
    bucket: rusty_s3::Bucket,
    credentials: rusty_s3::Credentials,
    time: jiff::Timestamp,
}

impl RustyS3 {
    fn new() -> Self {
        RustyS3 {
            bucket: rusty_s3::Bucket::new(
                "https://s3.amazonaws.com".parse().unwrap(),
                rusty_s3::UrlStyle::VirtualHost,
                BUCKET,
                REGION,
            )
            .unwrap(),
            credentials: rusty_s3::Credentials::new(AKID, SECRET),
            time: jiff::Timestamp::from_second(UNIX as i64).unwrap(),
        }
    }

    fn presign(&self) -> url::Url {
        rusty_s3::actions::GetObject::new(&self.bucket, Some(&self.credentials), KEY)
            .sign_with_time(EXPIRES, &self.time)
    }
}

// --- aws-sigv4 --------------------------------------------------------------

fn aws_identity() -> Identity {
    AwsCredentials::new(AKID, SECRET, None, None, "bench").into()
}

fn aws_settings() -> AwsSettings {
    let mut settings = AwsSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings
}

/// The signing parameters: S3, us-east-1, the fixed time.
fn aws_params(
    identity: &Identity,
    settings: AwsSettings,
) -> aws_sigv4::http_request::SigningParams<'_> {
    v4::SigningParams::builder()
        .identity(identity)
        .region(REGION)
        .name("s3")
        .time(UNIX_EPOCH + Duration::from_secs(UNIX))
        .settings(settings)
        .build()
        .unwrap()
        .into()
}

/// aws-sigv4 with S3 settings, through to a URL string.
fn aws_presign(identity: &Identity) -> String {
    let mut settings = aws_settings();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(EXPIRES);
    let params = aws_params(identity, settings);
    let url = "https://examplebucket.s3.amazonaws.com/photos/2024/cat%20picture.jpg";
    let request = SignableRequest::new(
        "GET",
        Cow::Borrowed(url),
        std::iter::once(("host", "examplebucket.s3.amazonaws.com")),
        SignableBody::UnsignedPayload,
    )
    .unwrap();
    let (instructions, _) = aws_sign(request, &params).unwrap().into_parts();
    let mut out = String::from(url);
    for (i, (name, value)) in instructions.params().iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(name);
        out.push('=');
        out.extend(percent_encoding::utf8_percent_encode(value, AWS_QUERY));
    }
    out
}

const AWS_QUERY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// aws-sigv4 with S3 settings: the headers of a signed PUT.
fn aws_put(identity: &Identity) -> Vec<(String, String)> {
    let mut settings = aws_settings();
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let params = aws_params(identity, settings);
    let headers = std::iter::once(("host", "examplebucket.s3.amazonaws.com")).chain(PUT_HEADERS);
    let request = SignableRequest::new(
        "PUT",
        "https://examplebucket.s3.amazonaws.com/photos/2024/cat%20picture.jpg",
        headers,
        SignableBody::Precomputed(PAYLOAD_SHA256.to_string()),
    )
    .unwrap();
    let (instructions, _) = aws_sign(request, &params).unwrap().into_parts();
    let (headers, _) = instructions.into_parts();
    headers
        .into_iter()
        .map(|h| (h.name().to_string(), h.value().to_string()))
        .collect()
}

// --- rust-s3 ----------------------------------------------------------------

/// rust-s3's `presign_post` with the same six conditions (it always signs
/// at the current time).
fn rust_s3_post(bucket: &s3::Bucket) -> s3::post_policy::PresignedPost {
    use s3::post_policy::{PostPolicy as S3Policy, PostPolicyField as F, PostPolicyValue as V};
    let policy = S3Policy::new(3600)
        .condition(F::Key, V::StartsWith("photos/".into()))
        .unwrap()
        .condition(F::Acl, V::Exact("private".into()))
        .unwrap()
        .condition(F::ContentType, V::StartsWith("image/".into()))
        .unwrap()
        .condition(F::AmzMeta("owner".into()), V::Exact("alice".into()))
        .unwrap()
        .condition(F::SuccessActionStatus, V::Exact("201".into()))
        .unwrap()
        .condition(F::CacheControl, V::Exact("max-age=60".into()))
        .unwrap()
        .condition(F::ContentLengthRange, V::Range(1, 10 << 20))
        .unwrap();
    bucket.presign_post(policy).unwrap()
}

fn rust_s3_bucket() -> Box<s3::Bucket> {
    let creds = s3::creds::Credentials::new(Some(AKID), Some(SECRET), None, None, None).unwrap();
    s3::Bucket::new(BUCKET, REGION.parse().unwrap(), creds).unwrap()
}

// --- benches ----------------------------------------------------------------

fn presign_get(c: &mut Criterion) {
    let t = time();
    let endpoint = Endpoint::aws_s3(REGION).unwrap();
    let signer = awsig_signer();
    let rusty = RustyS3::new();
    let identity = aws_identity();

    let ours = awsig_presign(&signer, &endpoint, t);
    let theirs = rusty.presign();
    let aws = aws_presign(&identity);
    assert_eq!(
        query_signature(&ours),
        query_signature(theirs.as_str()),
        "rusty-s3"
    );
    assert_eq!(query_signature(&ours), query_signature(&aws), "aws-sigv4");
    assert_eq!(ours, aws, "same URL");

    let mut g = c.benchmark_group("presign_get");
    g.bench_function("awsig/cached_key", |b| {
        b.iter(|| awsig_presign(black_box(&signer), &endpoint, t))
    });
    g.bench_function("awsig/cached_key/next_second", |b| {
        let seconds = next_seconds();
        let mut t = seconds.iter().cycle();
        b.iter(|| awsig_presign(black_box(&signer), &endpoint, *t.next().unwrap()))
    });
    // A fresh key: a different day for every URL, so every presign derives
    // its signing key (and goes through a cache miss).
    let days: Vec<SigningTime> = (0..4096)
        .map(|d| SigningTime::from_unix_timestamp(UNIX as i64 + d * 86_400).unwrap())
        .collect();
    let fresh = awsig_signer();
    assert_eq!(
        query_signature(&awsig_presign(&fresh, &endpoint, days[0])),
        query_signature(theirs.as_str())
    );
    g.bench_function("awsig/fresh_key", |b| {
        let mut day = days.iter().cycle();
        b.iter(|| awsig_presign(black_box(&fresh), &endpoint, *day.next().unwrap()))
    });
    g.bench_function("rusty-s3", |b| b.iter(|| black_box(&rusty).presign()));
    g.bench_function("aws-sigv4", |b| {
        b.iter(|| aws_presign(black_box(&identity)))
    });
    g.finish();
}

fn put_header(c: &mut Criterion) {
    let t = time();
    let endpoint = Endpoint::aws_s3(REGION).unwrap();
    let signer = awsig_signer();
    let identity = aws_identity();

    let ours = awsig_put(&signer, &endpoint, t);
    let theirs = aws_put(&identity);
    let aws_auth = theirs
        .iter()
        .find(|(n, _)| n == "authorization")
        .map(|(_, v)| v.as_str())
        .unwrap();
    assert!(
        aws_auth.ends_with(&format!("Signature={}", ours.signature())),
        "{aws_auth}"
    );
    assert!(aws_auth.contains(
        "SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-owner;x-amz-storage-class,"
    ));

    let mut g = c.benchmark_group("put_header");
    g.bench_function("awsig", |b| {
        b.iter(|| awsig_put(black_box(&signer), &endpoint, t))
    });
    g.bench_function("awsig/next_second", |b| {
        let seconds = next_seconds();
        let mut t = seconds.iter().cycle();
        b.iter(|| awsig_put(black_box(&signer), &endpoint, *t.next().unwrap()))
    });
    g.bench_function("aws-sigv4", |b| b.iter(|| aws_put(black_box(&identity))));
    g.finish();
}

fn post_policy(c: &mut Criterion) {
    let t = time();
    let endpoint = Endpoint::aws_s3(REGION).unwrap();
    let signer = awsig_signer();
    let bucket = rust_s3_bucket();

    // rust-s3 signs at the current time with its own JSON layout, so the two
    // documents differ byte for byte. Check instead that (a) awsig signs
    // rust-s3's exact document to rust-s3's signature, and (b) awsig's own
    // policy has the same conditions.
    let theirs = rust_s3_post(&bucket);
    let field = |name: &str| {
        theirs
            .fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let their_time = SigningTime::parse(&field("x-amz-date")).unwrap();
    let document = base64_decode(&field("policy"));
    let resigned = sign_policy_document(&signer, their_time, &document);
    assert_eq!(resigned.signature, field("x-amz-signature"), "rust-s3");
    let expires_at = SigningTime::from_unix_timestamp(UNIX as i64 + 3600).unwrap();
    let ours = awsig_post(&signer, &endpoint, t, expires_at);
    let their_doc = String::from_utf8(document).unwrap();
    for condition in [
        r#"["starts-with","$key","photos/"]"#,
        r#"{"acl":"private"}"#,
        r#"["starts-with","$Content-Type","image/"]"#,
        r#"{"x-amz-meta-owner":"alice"}"#,
        r#"{"success_action_status":"201"}"#,
        r#"{"Cache-Control":"max-age=60"}"#,
        r#"["content-length-range",1,10485760]"#,
    ] {
        assert!(ours.policy().contains(condition), "awsig lacks {condition}");
        assert!(
            their_doc.contains(condition),
            "rust-s3 lacks {condition}: {their_doc}"
        );
    }

    let mut g = c.benchmark_group("post_policy");
    g.bench_function("awsig", |b| {
        b.iter(|| awsig_post(black_box(&signer), &endpoint, t, expires_at))
    });
    g.bench_function("rust-s3", |b| b.iter(|| rust_s3_post(black_box(&bucket))));
    g.finish();
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

criterion_group!(benches, presign_get, put_header, post_policy);
criterion_main!(benches);
