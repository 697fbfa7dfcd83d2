//! Differential property test: awsig against the `aws-sigv4` crate (AWS's own
//! Rust signer), run side by side on the same random requests, in both rule
//! sets (S3 and generic services) and both outputs (`Authorization` header
//! and presigned URL). Every request must give the same signature and the same
//! signed-header list. 5,000 random requests per mode and output in CI (the
//! `CI` environment variable), 1,000 otherwise; `PROPTEST_CASES` overrides.
//!
//! Inputs cover unicode, reserved characters, spaces, `+`, `=`, `%`, `~` in
//! keys and query parameters, `//`, `.` and `..` segments, repeated and empty
//! query parameters, whitespace-laden and repeated headers, mixed-case header
//! names, ports, and session tokens containing `+ / =`.
//!
//! Each awsig request is built twice — from raw parts (`ObjectKey`, raw query
//! pairs) and from the encoded wire URL (`Request::from_url`) — and both must
//! match aws-sigv4, which only ever sees the wire URL.
//!
//! ## Input classes excluded, because aws-sigv4 is wrong there
//! - **A raw `+` in the wire query.** aws-sigv4 parses the query with
//!   `form_urlencoded`, which turns `+` into a space; S3 and SigV4 take it as a
//!   literal plus. The generator always sends `+` as `%2B` on the wire (a `+` in
//!   a raw value is still covered). Our behaviour for a raw `+` is proven by
//!   `tests/rules.rs` (`plus_in_incoming_query_is_a_literal_plus`).
//! - **Tabs and line breaks in header values.** aws-sigv4 folds only runs of
//!   spaces; SigV4 folds all sequential whitespace (the v4 vector
//!   `get-header-value-multiline`, which aws-sigv4 skips and our conformance
//!   test passes). Header values here use spaces only.
//! - **Non-ASCII header values.** `http::HeaderValue` refuses them.
//! - **Excluded header names.** The two crates ship different default
//!   exclusion lists (ours adds the hop-by-hop headers); generated names avoid
//!   both lists, and the lists themselves are unit-tested in `tests/rules.rs`.
//! - **`x-amz-user-agent` and `x-amz-checksum-mode` in presigned URLs**, which
//!   aws-sigv4 silently leaves unsigned; names are generated without them.

use std::borrow::Cow;
use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    sign as aws_sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings as AwsSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use awsig::{
    Credentials, Endpoint, ObjectKey, Payload, Request, Signer, SigningSettings, SigningTime,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use proptest::prelude::*;

/// Strict SigV4 encoding, written here independently of awsig's encoder:
/// everything but `A-Z a-z 0-9 - _ . ~` as `%XX`.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
const STRICT_PATH: &AsciiSet = &STRICT.remove(b'/');

fn cases() -> u32 {
    if let Some(n) = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    if std::env::var_os("CI").is_some() {
        5000
    } else {
        1000
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Rules {
    S3,
    Generic,
}

#[derive(Clone, Debug)]
struct Case {
    method: &'static str,
    authority: &'static str,
    https: bool,
    key: String,
    query: Vec<(String, String, bool)>,
    headers: Vec<(String, String)>,
    body: Body,
    token: Option<String>,
    secret: String,
    region: String,
    service: String,
    unix: i64,
    expires: u64,
}

#[derive(Clone, Debug)]
enum Body {
    Bytes(Vec<u8>),
    Precomputed(String),
    Unsigned,
}

/// Characters that make encoders disagree: reserved, `%`, `+`, `=`, `~`,
/// space, multi-byte UTF-8.
fn text(max: usize) -> impl Strategy<Value = String> {
    let re = format!(
        "[a-zA-Z0-9 +=%~&?#!*'()@:,;$_.\\-\\[\\]|^`{{}}\"<>\\\\éü日本語🚀\u{7f}]{{0,{max}}}"
    );
    prop_oneof![
        4 => proptest::string::string_regex(&re).unwrap(),
        1 => any::<String>().prop_map(move |s| s.chars().take(max).collect()),
    ]
}

fn key() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        6 => text(12),
        1 => Just(String::new()),
        1 => Just(".".to_string()),
        1 => Just("..".to_string()),
        1 => Just("%20".to_string()),
    ];
    proptest::collection::vec(segment, 0..5).prop_map(|s| s.join("/"))
}

fn query() -> impl Strategy<Value = Vec<(String, String, bool)>> {
    let name = prop_oneof![
        2 => Just("a".to_string()),
        2 => Just("Param".to_string()),
        1 => Just("Param-3".to_string()),
        1 => Just("response-content-disposition".to_string()),
        4 => text(8).prop_filter("non-empty name", |s| !s.is_empty()),
    ];
    let value = prop_oneof![3 => text(16), 1 => Just(String::new())];
    // The bool asks for `k` instead of `k=` on the wire when the value is empty.
    proptest::collection::vec((name, value, any::<bool>()), 0..6)
}

/// Names neither crate excludes by default nor adds itself.
fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Content-Type".to_string()),
        Just("x-amz-meta-a".to_string()),
        Just("X-Amz-Meta-A".to_string()),
        Just("content-md5".to_string()),
        Just("Cache-Control".to_string()),
        "[a-zA-Z][a-zA-Z0-9-]{0,12}".prop_filter("not excluded or reserved", |n| {
            let n = n.to_ascii_lowercase();
            !awsig::DEFAULT_EXCLUDED_HEADERS.contains(&n.as_str())
                && ![
                    "host",
                    "x-amz-date",
                    "x-amz-security-token",
                    "x-amz-content-sha256",
                    "x-amz-user-agent",
                    "x-amz-checksum-mode",
                    "x-amzn-trace-id",
                ]
                .contains(&n.as_str())
        }),
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    // Printable ASCII with runs of spaces at either end and inside.
    "( {0,3}[!-~]{0,8}){0,4} {0,3}"
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(Body::Bytes),
        "[0-9a-f]{64}".prop_map(Body::Precomputed),
        Just(Body::Unsigned),
    ]
}

fn case(rules: Rules) -> impl Strategy<Value = Case> {
    let service = match rules {
        Rules::S3 => Just("s3".to_string()).boxed(),
        Rules::Generic => prop_oneof![
            Just("iam".to_string()),
            Just("execute-api".to_string()),
            Just("dynamodb".to_string()),
            "[a-z][a-z0-9-]{0,10}",
        ]
        .boxed(),
    };
    (
        (
            prop_oneof![
                Just("GET"),
                Just("PUT"),
                Just("POST"),
                Just("DELETE"),
                Just("HEAD")
            ],
            prop_oneof![
                Just(("examplebucket.s3.amazonaws.com", true)),
                Just(("s3.us-west-2.amazonaws.com", true)),
                Just(("example.amazonaws.com:8443", true)),
                Just(("127.0.0.1:9000", false)),
                Just(("localhost", false)),
            ],
            key(),
            query(),
            proptest::collection::vec((header_name(), header_value()), 0..5),
            body(),
        ),
        (
            proptest::option::of("[A-Za-z0-9+/=]{8,60}"),
            "[A-Za-z0-9+/=]{1,40}",
            prop_oneof![Just("us-east-1".to_string()), "[a-z]{2}-[a-z]{2,9}-[1-9]"],
            service,
            // 2001-09-09 .. 2099-12-31
            1_000_000_000i64..4_102_444_800,
            1u64..=604_800,
        ),
    )
        .prop_map(
            |(
                (method, (authority, https), key, query, headers, body),
                (token, secret, region, service, unix, expires),
            )| Case {
                method,
                authority,
                https,
                key,
                query,
                headers,
                body,
                token,
                secret,
                region,
                service,
                unix,
                expires,
            },
        )
}

impl Case {
    fn origin(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.authority)
    }

    fn wire_path(&self) -> String {
        format!("/{}", utf8_percent_encode(&self.key, STRICT_PATH))
    }

    fn wire_query(&self) -> String {
        let pairs: Vec<String> = self
            .query
            .iter()
            .map(|(k, v, bare)| {
                let k = utf8_percent_encode(k, STRICT);
                if v.is_empty() && *bare {
                    k.to_string()
                } else {
                    format!("{k}={}", utf8_percent_encode(v, STRICT))
                }
            })
            .collect();
        pairs.join("&")
    }

    fn wire_url(&self) -> String {
        let query = self.wire_query();
        if query.is_empty() {
            format!("{}{}", self.origin(), self.wire_path())
        } else {
            format!("{}{}?{query}", self.origin(), self.wire_path())
        }
    }

    fn aws_body(&self) -> SignableBody<'_> {
        match &self.body {
            Body::Bytes(b) => SignableBody::Bytes(b),
            Body::Precomputed(h) => SignableBody::Precomputed(h.clone()),
            Body::Unsigned => SignableBody::UnsignedPayload,
        }
    }

    fn payload(&self) -> Payload<'_> {
        match &self.body {
            Body::Bytes(b) => Payload::Bytes(b),
            Body::Precomputed(h) => Payload::Precomputed(h),
            Body::Unsigned => Payload::Unsigned,
        }
    }

    /// aws-sigv4's signature and signed-header list.
    fn aws(&self, rules: Rules, presign: bool) -> (String, String) {
        let identity: Identity = AwsCredentials::new(
            "AKIDEXAMPLE",
            self.secret.clone(),
            self.token.clone(),
            None,
            "differential",
        )
        .into();
        let mut settings = AwsSettings::default();
        if rules == Rules::S3 {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            if !presign {
                settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
            }
        }
        if presign {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(self.expires));
        }
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(UNIX_EPOCH + Duration::from_secs(self.unix as u64))
            .settings(settings)
            .build()
            .expect("aws-sigv4 params")
            .into();
        let body = if presign {
            self.presign_body_aws(rules)
        } else {
            self.aws_body()
        };
        let request = SignableRequest::new(
            self.method,
            Cow::Owned(self.wire_url()),
            self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            body,
        )
        .expect("aws-sigv4 request");
        let out = aws_sign(request, &params).expect("aws-sigv4 signs");
        let signature = out.signature().to_string();
        let (headers, query) = out.into_parts().0.into_parts();
        let signed = if presign {
            query
                .iter()
                .find(|(n, _)| *n == "X-Amz-SignedHeaders")
                .map(|(_, v)| v.to_string())
        } else {
            headers
                .iter()
                .find(|h| h.name() == "authorization")
                .and_then(|h| h.value().split("SignedHeaders=").nth(1))
                .and_then(|s| s.split(',').next())
                .map(str::to_string)
        };
        (signature, signed.expect("signed headers"))
    }

    /// Presigned S3 URLs sign `UNSIGNED-PAYLOAD`; other services the empty body.
    fn presign_body_aws(&self, rules: Rules) -> SignableBody<'_> {
        match rules {
            Rules::S3 => SignableBody::UnsignedPayload,
            Rules::Generic => SignableBody::Bytes(b""),
        }
    }

    /// A signer for this case's credentials, region, service and rules.
    fn signer(&self, rules: Rules) -> Signer {
        let creds = Credentials::new("AKIDEXAMPLE", self.secret.as_str(), self.token.clone())
            .expect("credentials");
        let settings = match rules {
            Rules::S3 => SigningSettings::s3(),
            Rules::Generic => SigningSettings::generic(),
        };
        Signer::new(creds, &self.region, &self.service)
            .expect("signer")
            .with_settings(settings)
    }

    /// awsig's signature and signed-header list, for one way of building the
    /// request, with `shared` (built by [`Case::signer`] for the same
    /// secret, region, service and rules) or a signer of its own.
    fn ours(
        &self,
        rules: Rules,
        presign: bool,
        request: Request<'_>,
        shared: Option<&Signer>,
    ) -> (String, String, String) {
        let own;
        let signer = match shared {
            Some(s) => s,
            None => {
                own = self.signer(rules);
                &own
            }
        };
        let time = SigningTime::from_unix_timestamp(self.unix).expect("time");
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = request.headers(&headers);
        if presign {
            let request = match rules {
                Rules::S3 => request,
                Rules::Generic => request.payload(Payload::Bytes(b"")),
            };
            let expires = Duration::from_secs(self.expires);
            let (url, audit) = signer
                .audit_presign(&request, time, expires)
                .expect("audit");
            let plain = signer.presign(&request, time, expires).expect("presign");
            assert_eq!(plain.as_str(), url.as_str());
            (
                audit.signature.clone(),
                audit.signed_headers.clone(),
                audit.canonical_request.clone(),
            )
        } else {
            let request = request.payload(self.payload());
            let (out, audit) = signer.audit_sign(&request, time).expect("audit");
            let plain = signer.sign(&request, time).expect("sign");
            assert_eq!(plain.authorization(), out.authorization());
            (
                audit.signature.clone(),
                audit.signed_headers.clone(),
                audit.canonical_request.clone(),
            )
        }
    }

    fn check(&self, rules: Rules, presign: bool) -> Result<(), TestCaseError> {
        self.check_with(rules, presign, None)
    }

    fn check_with(
        &self,
        rules: Rules,
        presign: bool,
        shared: Option<&Signer>,
    ) -> Result<(), TestCaseError> {
        let expected = self.aws(rules, presign);
        let url = self.wire_url();
        let from_url = Request::from_url(self.method, &url).expect("wire URL parses");
        let endpoint = Endpoint::parse(&self.origin()).expect("endpoint");
        let raw: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(k, v, _)| (k.as_str(), v.as_str()))
            .collect();
        let from_parts = Request::new(self.method, &endpoint)
            .key(ObjectKey::new(&self.key))
            .params(&raw);
        for (how, request) in [("wire URL", from_url), ("raw parts", from_parts)] {
            let (signature, signed, creq) = self.ours(rules, presign, request, shared);
            prop_assert_eq!(
                (&signature, &signed),
                (&expected.0, &expected.1),
                "{:?} {} from {}: awsig canonical request:\n{}\nwire URL: {}",
                rules,
                if presign { "presign" } else { "header" },
                how,
                creq,
                url
            );
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn s3_header_signing_matches_aws_sigv4(c in case(Rules::S3)) {
        c.check(Rules::S3, false)?;
    }

    #[test]
    fn s3_presigning_matches_aws_sigv4(c in case(Rules::S3)) {
        c.check(Rules::S3, true)?;
    }

    #[test]
    fn generic_header_signing_matches_aws_sigv4(c in case(Rules::Generic)) {
        c.check(Rules::Generic, false)?;
    }

    #[test]
    fn generic_presigning_matches_aws_sigv4(c in case(Rules::Generic)) {
        c.check(Rules::Generic, true)?;
    }
}

/// Signers that live across many requests, as in a service: the key cache
/// and each thread's front (with the HMAC state kept after a string to
/// sign's first block) carry over from one request to the next. Requests in
/// the same second, the next second and back, presigned and header-signed,
/// alternate between two signers with different secrets sharing one cache;
/// every signature must still be aws-sigv4's.
#[test]
fn long_lived_signers_match_aws_sigv4() {
    let cache = std::sync::Arc::new(awsig::SigningKeyCache::new());
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: (cases() / 50).max(8),
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let strategy = proptest::collection::vec(case(Rules::S3), 48);
    runner
        .run(&strategy, |cases| {
            let base = 1_700_000_000;
            let seconds = [0, 0, 1, 0, 2, 2, 0, 86_400];
            let mut signers: Vec<(String, Signer)> = Vec::new();
            for (i, mut c) in cases.into_iter().enumerate() {
                c.secret = ["first/secret+A", "second/secret+B"][usize::from(i % 3 == 0)].into();
                c.token = None;
                c.region = "us-east-1".into();
                c.service = "s3".into();
                c.unix = base + seconds[i % seconds.len()];
                if !signers.iter().any(|(s, _)| *s == c.secret) {
                    let signer = c.signer(Rules::S3).with_cache(cache.clone());
                    signers.push((c.secret.clone(), signer));
                }
                let signer = signers
                    .iter()
                    .find(|(s, _)| *s == c.secret)
                    .map(|(_, signer)| signer);
                c.check_with(Rules::S3, i % 2 == 0, signer)?;
            }
            Ok(())
        })
        .unwrap();
}
