//! awsig's verifier beside awsig's signer, on the same requests, in one
//! process, with warm signing-key caches on both sides:
//!
//! - `verify_presign_get`: the presigned GET of the S3 documentation
//!   (`examplebucket`, `test.txt`, us-east-1, 2013-05-24, expires 86400,
//!   `host` the only signed header);
//! - `verify_put_header`: a header-signed PUT of a small body (`host`,
//!   `content-type`, `x-amz-content-sha256`, `x-amz-date` signed), with the
//!   body hashed on both sides (`…/hashed`: `Payload::Bytes` to sign, the
//!   verifier's `PayloadCheck::Sha256` fed the body) or on neither
//!   (`…/declared`: `Payload::Precomputed` to sign, the hasher dropped).
//!
//! ```text
//! cargo bench --bench verify
//! ```
//!
//! `verify` times everything a server does once its HTTP parser has the
//! method, target and headers: `IncomingRequest::new`, `Verifier::parse`,
//! the secret lookup (one entry), `Unverified::verify` and the payload
//! check. `sign` times `Signer::presign` (to a `String`) or `Signer::sign`.
//! `…/next_second` cases take a request signed one second after the
//! previous one (same day: the cached key still hits), verified at its own
//! signing time.
//!
//! s3s (the server-side SigV4 peer) is not here: its `sig_v4` module is
//! private (`mod sig_v4;` in `s3s/src/lib.rs`, 0.14 and later), and its
//! signature check is reachable only through `S3Service::call`, i.e. with
//! routing, S3 operation parsing and dispatch.
//!
//! Every group first checks the signatures against the S3 documentation
//! or aws-sigv4, and that the verifier accepts them and refuses a tampered
//! copy; quote the ratios within one run (the machine is shared and noisy).

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    sign as aws_sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SigningSettings as AwsSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use awsig::{
    AuthorizationHeaders, Credentials, Endpoint, IncomingRequest, ObjectKey, Payload, PayloadCheck,
    Request, Signer, SigningTime, Verifier, VerifyError,
};
use criterion::{criterion_group, criterion_main, Criterion};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const BUCKET: &str = "examplebucket";
const HOST: &str = "examplebucket.s3.amazonaws.com";
const ORIGIN: &str = "https://examplebucket.s3.amazonaws.com";

// The presigned GET of the S3 documentation ("Authenticating Requests:
// Using Query Parameters", example), and its signature there.
const DOC_KEY: &str = "test.txt";
const DOC_UNIX: i64 = 1_369_353_600; // 2013-05-24T00:00:00Z
const DOC_EXPIRES: Duration = Duration::from_secs(86_400);
const DOC_SIGNATURE: &str = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

// The PUT: the body of the S3 documentation's PUT example.
const PUT_KEY: &str = "photos/2024/cat picture.jpg";
const PUT_UNIX: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z
const BODY: &[u8] = b"Welcome to Amazon S3.";
const BODY_SHA256: &str = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
const CONTENT_TYPE: &str = "text/plain";

fn credentials() -> Credentials {
    Credentials::new(AKID, SECRET, None).unwrap()
}

fn at(unix: i64) -> SigningTime {
    SigningTime::from_unix_timestamp(unix).unwrap()
}

/// `start` and the 4095 seconds after it.
fn next_seconds(start: i64) -> Vec<SigningTime> {
    (0..4096).map(|s| at(start + s)).collect()
}

fn verifier() -> Verifier {
    Verifier::new(REGION, "s3").unwrap()
}

/// The server's secret store: one entry.
fn lookup<'c>(creds: &'c Credentials, akid: &str) -> Option<&'c Credentials> {
    (creds.access_key_id() == akid).then_some(creds)
}

// --- presigned GET ----------------------------------------------------------

fn presign_doc(signer: &Signer, endpoint: &Endpoint, time: SigningTime) -> String {
    let req = Request::new("GET", endpoint)
        .bucket(BUCKET)
        .key(ObjectKey::new(DOC_KEY));
    signer
        .presign(&req, time, DOC_EXPIRES)
        .unwrap()
        .into_string()
}

/// The request target of a presigned URL (what the server sees).
fn target(url: &str) -> &str {
    url.strip_prefix(ORIGIN).expect("virtual-host URL")
}

/// Verifies a GET with query authentication, as a server would.
fn verify_get(
    verifier: &Verifier,
    creds: &Credentials,
    target: &str,
    headers: &[(&str, &str)],
    now: SigningTime,
) -> Result<(), VerifyError> {
    let req = IncomingRequest::new("GET", target, headers)?;
    let unverified = verifier.parse(&req, now)?;
    let Some(creds) = lookup(creds, unverified.access_key_id()) else {
        return Err(unverified.unknown_access_key());
    };
    match unverified.verify(creds)?.into_payload() {
        PayloadCheck::Unsigned => Ok(()),
        other => panic!("a presigned GET: {other:?}"),
    }
}

fn presign_get(c: &mut Criterion) {
    let endpoint = Endpoint::aws_s3(REGION).unwrap();
    let signer = Signer::new(credentials(), REGION, "s3").unwrap();
    let verifier = verifier();
    let creds = credentials();
    let t = at(DOC_UNIX);
    let now = at(DOC_UNIX + 60);
    let headers = [("Host", HOST)];

    let url = presign_doc(&signer, &endpoint, t);
    assert!(
        url.ends_with(&format!("X-Amz-Signature={DOC_SIGNATURE}")),
        "{url}"
    );
    let target = target(&url);
    // Warms the verifier's key cache, and checks it accepts the URL.
    verify_get(&verifier, &creds, target, &headers, now).unwrap();
    let tampered = target.replace("test.txt", "test.txu");
    assert_eq!(
        verify_get(&verifier, &creds, &tampered, &headers, now)
            .unwrap_err()
            .code(),
        "SignatureDoesNotMatch"
    );

    // One URL per second, each verified at its own signing time.
    let seconds = next_seconds(DOC_UNIX);
    let urls: Vec<String> = seconds
        .iter()
        .map(|&s| presign_doc(&signer, &endpoint, s))
        .collect();
    for (u, &s) in urls.iter().zip(&seconds).step_by(511) {
        verify_get(&verifier, &creds, self::target(u), &headers, s).unwrap();
    }

    let mut g = c.benchmark_group("verify_presign_get");
    g.bench_function("awsig/sign", |b| {
        b.iter(|| presign_doc(black_box(&signer), &endpoint, t))
    });
    g.bench_function("awsig/verify", |b| {
        b.iter(|| {
            verify_get(
                black_box(&verifier),
                &creds,
                black_box(target),
                &headers,
                now,
            )
        })
    });
    g.bench_function("awsig/sign/next_second", |b| {
        let mut s = seconds.iter().cycle();
        b.iter(|| presign_doc(black_box(&signer), &endpoint, *s.next().unwrap()))
    });
    g.bench_function("awsig/verify/next_second", |b| {
        let mut i = urls.iter().map(|u| self::target(u)).zip(&seconds).cycle();
        b.iter(|| {
            let (target, &now) = i.next().unwrap();
            verify_get(black_box(&verifier), &creds, target, &headers, now)
        })
    });
    g.finish();
}

// --- header-signed PUT ------------------------------------------------------

fn sign_put(
    signer: &Signer,
    endpoint: &Endpoint,
    time: SigningTime,
    payload: Payload<'_>,
) -> AuthorizationHeaders {
    let req = Request::new("PUT", endpoint)
        .bucket(BUCKET)
        .key(ObjectKey::new(PUT_KEY))
        .headers(&[("content-type", CONTENT_TYPE)])
        .payload(payload);
    signer.sign(&req, time).unwrap()
}

/// The PUT as it arrives: the client's headers (two of them not signed) and
/// the signer's, in the order an SDK sends them.
struct Arrived {
    authorization: String,
    x_amz_date: String,
}

impl Arrived {
    fn new(signed: &AuthorizationHeaders) -> Self {
        assert_eq!(signed.x_amz_content_sha256(), Some(BODY_SHA256));
        Arrived {
            authorization: signed.authorization().to_string(),
            x_amz_date: signed.x_amz_date().to_string(),
        }
    }

    fn headers(&self) -> [(&str, &str); 7] {
        [
            ("Host", HOST),
            ("User-Agent", "aws-sdk-rust/1.0 os/linux lang/rust"),
            ("Content-Length", "21"),
            ("Content-Type", CONTENT_TYPE),
            ("X-Amz-Content-SHA256", BODY_SHA256),
            ("X-Amz-Date", &self.x_amz_date),
            ("Authorization", &self.authorization),
        ]
    }
}

/// The path of the PUT as it arrives.
const PUT_TARGET: &str = "/photos/2024/cat%20picture.jpg";

/// Verifies a header-signed PUT, as a server would; `hash_body` feeds the
/// body to the payload check (else the hasher is dropped unfed).
fn verify_put(
    verifier: &Verifier,
    creds: &Credentials,
    headers: &[(&str, &str)],
    now: SigningTime,
    body: &[u8],
    hash_body: bool,
) -> Result<(), VerifyError> {
    let req = IncomingRequest::new("PUT", PUT_TARGET, headers)?;
    let unverified = verifier.parse(&req, now)?;
    let Some(creds) = lookup(creds, unverified.access_key_id()) else {
        return Err(unverified.unknown_access_key());
    };
    match unverified.verify(creds)?.into_payload() {
        PayloadCheck::Sha256(mut hasher) if hash_body => {
            hasher.update(body);
            hasher.finish()
        }
        PayloadCheck::Sha256(_) => Ok(()),
        other => panic!("a PUT with a declared hash: {other:?}"),
    }
}

/// aws-sigv4's signature of the same PUT (S3 settings, x-amz-content-sha256).
fn aws_put_signature(time: i64) -> String {
    let identity: Identity = AwsCredentials::new(AKID, SECRET, None, None, "bench").into();
    let mut settings = AwsSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name("s3")
        .time(UNIX_EPOCH + Duration::from_secs(time as u64))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let request = SignableRequest::new(
        "PUT",
        format!("{ORIGIN}{PUT_TARGET}"),
        [("host", HOST), ("content-type", CONTENT_TYPE)].into_iter(),
        SignableBody::Bytes(BODY),
    )
    .unwrap();
    let (_, signature) = aws_sign(request, &params).unwrap().into_parts();
    signature
}

fn put_header(c: &mut Criterion) {
    let endpoint = Endpoint::aws_s3(REGION).unwrap();
    let signer = Signer::new(credentials(), REGION, "s3").unwrap();
    let verifier = verifier();
    let creds = credentials();
    let t = at(PUT_UNIX);
    let now = at(PUT_UNIX + 1);

    let signed = sign_put(&signer, &endpoint, t, Payload::Bytes(BODY));
    assert_eq!(signed.signature(), aws_put_signature(PUT_UNIX), "aws-sigv4");
    assert!(signed
        .authorization()
        .contains("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,"));
    let declared = sign_put(&signer, &endpoint, t, Payload::Precomputed(BODY_SHA256));
    assert_eq!(declared.authorization(), signed.authorization());
    let arrived = Arrived::new(&signed);
    let headers = arrived.headers();
    // Warms the verifier's key cache, and checks what it accepts.
    verify_put(&verifier, &creds, &headers, now, BODY, true).unwrap();
    let err = |headers: &[(&str, &str)], body: &[u8]| {
        verify_put(&verifier, &creds, headers, now, body, true)
            .unwrap_err()
            .code()
    };
    assert_eq!(
        err(&headers, b"Welcome to Amazon S4."),
        "XAmzContentSHA256Mismatch"
    );
    let mut retyped = headers;
    retyped[3].1 = "text/html";
    assert_eq!(err(&retyped, BODY), "SignatureDoesNotMatch");

    let seconds = next_seconds(PUT_UNIX);
    let arrivals: Vec<Arrived> = seconds
        .iter()
        .map(|&s| Arrived::new(&sign_put(&signer, &endpoint, s, Payload::Bytes(BODY))))
        .collect();
    let lists: Vec<[(&str, &str); 7]> = arrivals.iter().map(Arrived::headers).collect();
    for (h, &s) in lists.iter().zip(&seconds).step_by(511) {
        verify_put(&verifier, &creds, h, s, BODY, true).unwrap();
    }

    let mut g = c.benchmark_group("verify_put_header");
    g.bench_function("awsig/sign/hashed", |b| {
        b.iter(|| {
            sign_put(
                black_box(&signer),
                &endpoint,
                t,
                Payload::Bytes(black_box(BODY)),
            )
        })
    });
    g.bench_function("awsig/verify/hashed", |b| {
        b.iter(|| {
            verify_put(
                black_box(&verifier),
                &creds,
                black_box(&headers),
                now,
                black_box(BODY),
                true,
            )
        })
    });
    g.bench_function("awsig/sign/declared", |b| {
        b.iter(|| {
            sign_put(
                black_box(&signer),
                &endpoint,
                t,
                Payload::Precomputed(black_box(BODY_SHA256)),
            )
        })
    });
    g.bench_function("awsig/verify/declared", |b| {
        b.iter(|| {
            verify_put(
                black_box(&verifier),
                &creds,
                black_box(&headers),
                now,
                BODY,
                false,
            )
        })
    });
    g.bench_function("awsig/sign/hashed/next_second", |b| {
        let mut s = seconds.iter().cycle();
        b.iter(|| {
            sign_put(
                black_box(&signer),
                &endpoint,
                *s.next().unwrap(),
                Payload::Bytes(BODY),
            )
        })
    });
    g.bench_function("awsig/verify/hashed/next_second", |b| {
        let mut i = lists.iter().zip(&seconds).cycle();
        b.iter(|| {
            let (headers, &now) = i.next().unwrap();
            verify_put(black_box(&verifier), &creds, headers, now, BODY, true)
        })
    });
    g.finish();
}

criterion_group!(benches, presign_get, put_header);
criterion_main!(benches);
