//! Property tests on stable for the public entry points: arbitrary bytes and
//! field lists through the fuzz harness (the same code as the cargo-fuzz
//! targets), and properties checked against independent references:
//! presigned paths decode back to the key, signing is deterministic, a
//! signature is 64 lowercase hex and is HMAC-SHA256 under the key derived
//! from the secret, and any change to the secret changes it.

mod fuzz_harness;

use std::time::Duration;

use awsig::{Credentials, Endpoint, ObjectKey, Payload, Request, Signer, SigningTime};
use fuzz_harness::{join, percent_decode, reference_signature, sha256_hex, Outcome, TARGETS};
use proptest::prelude::*;

/// Bytes that are mostly field separators and text (so that inputs reach
/// past the first field), sometimes anything.
fn field_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => "[ -~]{0,24}".prop_map(String::into_bytes),
        2 => any::<String>().prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 0..24),
    ]
}

/// An input for the harness: up to 20 fields joined by the separator.
fn fields_input() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(field_bytes(), 0..21).prop_map(|fields| {
        let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        join(&refs)
    })
}

/// Field lists for `sign`/`presign` that build valid requests more often:
/// valid credentials, scope and time, with arbitrary request parts.
fn request_input() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec(any::<u8>(), 7),
        "[A-Z]{1,7}",
        prop_oneof!["[a-z0-9-]{3,12}", "[ -~]{0,12}"],
        any::<String>(),
        "/[ -~]{0,20}",
        "[ -~]{0,20}",
        proptest::collection::vec("[ -~]{0,12}", 6),
        any::<String>(),
        proptest::option::of("[!-~]{1,16}"),
        "[A-Za-z0-9]{1,8}",
    )
        .prop_map(
            |(flags, method, bucket, key, path, query, hp, payload, token, secret)| {
                let mut fields: Vec<Vec<u8>> = vec![
                    flags,
                    method.into_bytes(),
                    bucket.into_bytes(),
                    key.into_bytes(),
                    path.into_bytes(),
                    query.into_bytes(),
                ];
                fields.extend(hp.into_iter().map(String::into_bytes));
                fields.push(payload.into_bytes());
                fields.push(b"AKIDEXAMPLE".to_vec());
                fields.push(secret.into_bytes());
                fields.push(token.unwrap_or_default().into_bytes());
                fields.push(b"us-east-1".to_vec());
                fields.push(b"s3".to_vec());
                fields.push(b"20240101T000000Z".to_vec());
                fields.push(b"https://examplebucket.s3.amazonaws.com/k?a=1".to_vec());
                let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
                join(&refs)
            },
        )
}

fn signer(secret: &str, token: Option<&str>) -> Signer {
    let creds = Credentials::new("AKIDEXAMPLE", secret, token.map(str::to_owned)).unwrap();
    Signer::new(creds, "us-east-1", "s3").unwrap()
}

fn time() -> SigningTime {
    SigningTime::parse("20240101T000000Z").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every target survives arbitrary bytes.
    #[test]
    fn targets_take_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        for (_, target) in TARGETS {
            target(&data);
        }
    }

    /// Every target survives arbitrary field lists.
    #[test]
    fn targets_take_arbitrary_fields(data in fields_input()) {
        for (_, target) in TARGETS {
            target(&data);
        }
    }

    /// `sign` and `presign` on mostly valid requests, through every check.
    #[test]
    fn signing_targets_take_arbitrary_requests(data in request_input()) {
        fuzz_harness::sign(&data);
        fuzz_harness::presign(&data);
    }

    /// For printable ASCII keys (and any unicode key), the presigned URL's
    /// path decodes back to `/` + key, in both addressing styles.
    #[test]
    fn presigned_path_decodes_to_the_key(
        key in prop_oneof!["[ -~]{0,40}", any::<String>()],
        bucket in "[a-z0-9][a-z0-9-]{1,20}[a-z0-9]",
    ) {
        let s = signer("secret", None);
        let aws = Endpoint::aws_s3("us-east-1").unwrap();
        let local = Endpoint::parse("http://127.0.0.1:9000").unwrap();
        for (endpoint, expected) in [
            (&aws, format!("/{key}")),
            (&local, if key.is_empty() { format!("/{bucket}") } else { format!("/{bucket}/{key}") }),
        ] {
            let req = Request::new("GET", endpoint).bucket(&bucket).key(ObjectKey::new(&key));
            let url = s.presign(&req, time(), Duration::from_secs(60)).unwrap();
            let rest = &url.as_str()[url.as_str().find("://").unwrap() + 3..];
            let path = &rest[rest.find('/').unwrap()..rest.find('?').unwrap()];
            prop_assert_eq!(percent_decode(path), expected);
            prop_assert!(!path.contains(['?', '#', ' ']));
        }
    }

    /// Signing is deterministic, the signature is 64 lowercase hex and is
    /// HMAC-SHA256 of the string to sign under the key derived from the
    /// secret, and the presigned and audited signatures agree.
    #[test]
    fn signatures_are_deterministic_hex_hmac(
        secret in "[!-~]{1,40}",
        key in any::<String>(),
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let s = signer(&secret, None);
        let e = Endpoint::aws_s3("us-east-1").unwrap();
        let req = Request::new("PUT", &e).bucket("examplebucket").key(ObjectKey::new(&key))
            .payload(Payload::Bytes(&body));
        let a = s.sign(&req, time()).unwrap();
        let b = s.sign(&req, time()).unwrap();
        prop_assert_eq!(a.authorization(), b.authorization());
        prop_assert!(fuzz_harness::is_signature(a.signature()));
        let body_hash = sha256_hex(&body);
        prop_assert_eq!(a.x_amz_content_sha256(), Some(body_hash.as_str()));
        let (_, audit) = s.audit_sign(&req, time()).unwrap();
        prop_assert_eq!(
            reference_signature(&secret, "20240101", "us-east-1", "s3", audit.string_to_sign.as_bytes()),
            a.signature()
        );

        let u1 = s.presign(&req, time(), Duration::from_secs(300)).unwrap();
        let u2 = s.presign(&req, time(), Duration::from_secs(300)).unwrap();
        prop_assert_eq!(u1.as_str(), u2.as_str());
        prop_assert!(fuzz_harness::is_signature(u1.signature()));
        let (u3, audit) = s.audit_presign(&req, time(), Duration::from_secs(300)).unwrap();
        prop_assert_eq!(u3.signature(), audit.signature.as_str());
        prop_assert_eq!(u1.signature(), audit.signature.as_str());
    }

    /// Changing one byte of the secret changes every signature.
    #[test]
    fn one_byte_of_the_secret_changes_the_signature(
        secret in "[!-~]{1,40}",
        index in any::<prop::sample::Index>(),
        replacement in 0x21u8..0x7f,
    ) {
        let i = index.index(secret.len());
        prop_assume!(secret.as_bytes()[i] != replacement);
        let mut other = secret.clone().into_bytes();
        other[i] = replacement;
        let other = String::from_utf8(other).unwrap();
        let (a, b) = (signer(&secret, None), signer(&other, None));
        let e = Endpoint::aws_s3("us-east-1").unwrap();
        let req = Request::new("GET", &e).bucket("examplebucket").key(ObjectKey::new("k"));
        let (sa, sb) = (a.sign(&req, time()).unwrap(), b.sign(&req, time()).unwrap());
        prop_assert_ne!(sa.signature(), sb.signature());
        let d = Duration::from_secs(60);
        let (ua, ub) = (a.presign(&req, time(), d).unwrap(), b.presign(&req, time(), d).unwrap());
        prop_assert_ne!(ua.signature(), ub.signature());
    }

    /// Credentials, signers, headers and URLs never print the secret or
    /// the token (checked by the `parse` and `sign` targets on arbitrary
    /// secrets and tokens of printable ASCII, long enough to be distinctive).
    #[test]
    fn printed_forms_hide_secrets(secret in "[!-~]{12,30}", token in "[!-~]{12,30}") {
        let mut fields: Vec<Vec<u8>> = vec![vec![0, 0, 0, 60]];
        fields.extend([&b"GET"[..], b"examplebucket", b"k"].map(<[u8]>::to_vec));
        fields.extend(std::iter::repeat_n(Vec::new(), 9));
        fields.extend([b"AKIDEXAMPLE".to_vec(), secret.clone().into_bytes(), token.clone().into_bytes()]);
        fields.extend([b"us-east-1".to_vec(), b"s3".to_vec()]);
        let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        let data = join(&refs);
        prop_assert_eq!(fuzz_harness::sign(&data), Outcome::Checked);
        prop_assert_eq!(fuzz_harness::presign(&data), Outcome::Checked);

        let s = signer(&secret, Some(&token));
        let e = Endpoint::aws_s3("us-east-1").unwrap();
        let req = Request::new("GET", &e).bucket("examplebucket").key(ObjectKey::new("k"));
        let printed = [
            format!("{:?}", s.credentials()),
            s.credentials().to_string(),
            format!("{s:?}"),
            format!("{:?}", s.sign(&req, time()).unwrap()),
            s.presign(&req, time(), Duration::from_secs(60)).unwrap().to_string(),
            format!("{:?}", s.presign(&req, time(), Duration::from_secs(60)).unwrap()),
        ];
        for text in printed {
            prop_assert!(!text.contains(&secret), "{}", text);
            prop_assert!(!text.contains(&token), "{}", text);
            prop_assert!(!text.contains(&fuzz_harness::uri_encode(&token)), "{}", text);
        }
    }
}
