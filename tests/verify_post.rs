//! POST upload verification (feature `post-verify`): AWS's documented
//! browser-upload example verifies at its time; every form the policy
//! builder writes verifies; and each refusal carries S3's code.
#![cfg(feature = "post-verify")]

use std::time::Duration;

use awsig::{
    Credentials, Endpoint, PostPolicy, PostUpload, Signer, SigningTime, VerifiedPost, Verifier,
    VerifyError,
};
use base64::Engine as _;

mod common;

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET, None).unwrap()
}

fn at(s: &str) -> SigningTime {
    SigningTime::parse(s).unwrap()
}

fn check(
    bucket: &str,
    fields: &[(String, String)],
    file_name: Option<&str>,
    now: SigningTime,
) -> Result<VerifiedPost, VerifyError> {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let mut upload = PostUpload::new(bucket, &pairs);
    if let Some(f) = file_name {
        upload = upload.file_name(f);
    }
    Verifier::new("us-east-1", "s3")
        .unwrap()
        .parse_post(&upload, now)?
        .verify(&creds())
}

#[test]
fn aws_documented_post_example_verifies() {
    let Some(root) = common::vectors() else {
        return;
    };
    let ex = common::s3_doc_example(&root, "s3-browser-post-policy");
    let fields: Vec<(String, String)> = ex["form_fields_as_printed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let name = p[0].as_str().unwrap().to_string();
            let value = match name.as_str() {
                "Policy" => ex["policy_base64"].as_str().unwrap().to_string(),
                "X-Amz-Signature" => ex["expected_signature"].as_str().unwrap().to_string(),
                _ => p[1].as_str().unwrap().to_string(),
            };
            (name, value)
        })
        .collect();
    let v = check(
        "sigv4examplebucket",
        &fields,
        Some("photo.jpg"),
        at("20151229T000000Z"),
    )
    .unwrap();
    assert_eq!(v.key(), "user/user1/photo.jpg");
    assert_eq!(v.access_key_id(), AKID);
    assert_eq!(
        v.credential_scope().to_string(),
        "20151229/us-east-1/s3/aws4_request"
    );
    assert_eq!(
        v.success_action_redirect(),
        Some("http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html")
    );
    assert_eq!(v.expiration(), "2015-12-30T12:00:00.000Z");
    // The policy expires on 2015-12-30 at noon.
    let late = check(
        "sigv4examplebucket",
        &fields,
        Some("photo.jpg"),
        at("20151230T120000Z"),
    );
    assert_eq!(late.unwrap_err(), VerifyError::PolicyExpired);
    // Another bucket in the URL, another Content-Type, a flipped signature.
    let err = check(
        "otherbucket",
        &fields,
        Some("p.jpg"),
        at("20151229T000000Z"),
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Invalid according to Policy: Policy Condition failed: {\"bucket\":\"sigv4examplebucket\"}"
    );
    let mut text = fields.clone();
    text.iter_mut()
        .find(|(n, _)| n == "Content-Type")
        .unwrap()
        .1 = "text/html".into();
    let err = check(
        "sigv4examplebucket",
        &text,
        Some("p.jpg"),
        at("20151229T000000Z"),
    )
    .unwrap_err();
    assert_eq!((err.code(), err.status()), ("AccessDenied", 403));
    assert!(
        err.message()
            .contains("[\"starts-with\",\"$Content-Type\",\"image/\"]"),
        "{}",
        err.message()
    );
    let mut bad = fields.clone();
    let sig = &mut bad
        .iter_mut()
        .find(|(n, _)| n == "X-Amz-Signature")
        .unwrap()
        .1;
    *sig = sig.replace('8', "9");
    let err = check(
        "sigv4examplebucket",
        &bad,
        Some("p.jpg"),
        at("20151229T000000Z"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    assert!(!err.to_xml().contains("<CanonicalRequest>"));
}

fn signer() -> Signer {
    Signer::new(creds(), "us-east-1", "s3").unwrap()
}

const T: &str = "20240315T101500Z";

/// A form of the builder, as a browser sends it (the file left out).
fn form(policy: PostPolicy<'_>) -> Vec<(String, String)> {
    let form = policy
        .sign(&signer(), &Endpoint::aws_s3("us-east-1").unwrap(), at(T))
        .unwrap();
    form.fields()
        .filter(|(n, _)| *n != "file")
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
    {
        Some(f) => f.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

fn base() -> PostPolicy<'static> {
    PostPolicy::new("uploads-bucket").expires_in(Duration::from_secs(600))
}

#[test]
fn every_builder_form_verifies() {
    let policies = [
        base().key("a.txt"),
        base().key_starts_with("user/42/"),
        base().key_with_filename("incoming/"),
        base()
            .key("k")
            .field("acl", "private")
            .starts_with("Content-Type", "image/")
            .content_length_range(1, 1024)
            .field("success_action_status", "201"),
        base()
            .key("k")
            .field_eq("x-amz-meta-owner", "me")
            .starts_with("x-amz-meta-tag", ""),
    ];
    for p in policies {
        let mut fields = form(p);
        // What the page fills in.
        if fields.iter().any(|(n, _)| n == "Content-Type") {
            set(&mut fields, "Content-Type", "image/png");
        }
        if fields.iter().any(|(n, v)| n == "key" && v == "user/42/") {
            set(&mut fields, "key", "user/42/report.pdf");
        }
        let v = check("uploads-bucket", &fields, Some("my \"photo\" é.txt"), at(T))
            .unwrap_or_else(|e| panic!("{fields:?}: {e}"));
        assert!(v.check_size(10).is_ok());
        if v.key().starts_with("incoming/") {
            assert_eq!(v.key(), "incoming/my \"photo\" é.txt");
        }
    }
    // Field names in another case.
    let mut upper = form(base().key("k").field("acl", "private"));
    for (n, _) in &mut upper {
        *n = n.to_ascii_uppercase();
    }
    assert!(check("uploads-bucket", &upper, None, at(T)).is_ok());
    // With a session token, which must be the credentials' own.
    let token_creds = Credentials::new(AKID, SECRET, Some("the-token".into())).unwrap();
    let s = Signer::new(token_creds.clone(), "us-east-1", "s3").unwrap();
    let f = base()
        .key("k")
        .sign(&s, &Endpoint::aws_s3("us-east-1").unwrap(), at(T))
        .unwrap();
    let fields: Vec<(&str, &str)> = f.fields().filter(|(n, _)| *n != "file").collect();
    let v = Verifier::new("us-east-1", "s3").unwrap();
    let upload = PostUpload::new("uploads-bucket", &fields);
    assert!(v
        .parse_post(&upload, at(T))
        .unwrap()
        .verify(&token_creds)
        .is_ok());
    assert_eq!(
        v.parse_post(&upload, at(T))
            .unwrap()
            .verify(&creds())
            .unwrap_err(),
        VerifyError::InvalidToken
    );
}

/// A policy document signed as the builder would, for documents the
/// builder refuses to write.
fn signed_document(document: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(document);
    let signed = awsig::sign_policy_document(&signer(), at(T), document.as_bytes());
    assert_eq!(signed.policy_base64, b64);
    let mut fields: Vec<(String, String)> = vec![
        ("key".into(), "k".into()),
        ("x-amz-algorithm".into(), "AWS4-HMAC-SHA256".into()),
        (
            "x-amz-credential".into(),
            format!("{AKID}/20240315/us-east-1/s3/aws4_request"),
        ),
        ("x-amz-date".into(), T.into()),
        ("policy".into(), b64),
        ("x-amz-signature".into(), signed.signature.to_string()),
    ];
    fields.extend(extra.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    fields
}

const SIGNED_CONDITIONS: &str = r#"{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"AKIAIOSFODNN7EXAMPLE/20240315/us-east-1/s3/aws4_request"},{"x-amz-date":"20240315T101500Z"}"#;

fn document(conditions: &str) -> String {
    format!(
        r#"{{"expiration":"2024-03-15T11:00:00.000Z","conditions":[{SIGNED_CONDITIONS},{{"bucket":"b"}},{conditions}]}}"#
    )
}

#[test]
fn refusals_carry_s3s_codes() {
    let ok = form(
        base()
            .key_starts_with("user/")
            .content_length_range(10, 100)
            .field("acl", "private"),
    );
    let with = |name: &str, value: &str| {
        let mut f = ok.clone();
        set(&mut f, name, value);
        f
    };
    let run = |f: &[(String, String)]| check("uploads-bucket", f, None, at(T));
    assert!(run(&with("key", "user/x")).is_ok());
    let code =
        |r: Result<VerifiedPost, VerifyError>| r.map(|_| "accepted").unwrap_or_else(|e| e.code());

    // Expired, 10 minutes after signing.
    let late = check(
        "uploads-bucket",
        &with("key", "user/x"),
        None,
        at("20240315T102500Z"),
    );
    assert_eq!(
        late.unwrap_err().message(),
        "Invalid according to Policy: Policy expired."
    );
    // A wrong signature; the policy edited after signing.
    let sig = ok
        .iter()
        .find(|(n, _)| n == "x-amz-signature")
        .unwrap()
        .1
        .clone();
    let flipped = format!(
        "{}{}",
        &sig[..63],
        if sig.ends_with('0') { '1' } else { '0' }
    );
    assert_eq!(
        code(run(&with("x-amz-signature", &flipped))),
        "SignatureDoesNotMatch"
    );
    let policy = ok.iter().find(|(n, _)| n == "policy").unwrap().1.clone();
    let doc = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(&policy)
            .unwrap(),
    )
    .unwrap();
    let edited = base64::engine::general_purpose::STANDARD
        .encode(doc.replace("\"private\"", "\"public-read\""));
    let mut f = with("acl", "public-read");
    set(&mut f, "policy", &edited);
    set(&mut f, "key", "user/x");
    assert_eq!(code(run(&f)), "SignatureDoesNotMatch");
    // A field no condition covers; x-ignore- and file fields are exempt.
    let mut f = with("key", "user/x");
    f.push(("x-amz-meta-extra".into(), "1".into()));
    let err = run(&f).unwrap_err();
    assert_eq!(
        err.message(),
        "Invalid according to Policy: Extra input fields: x-amz-meta-extra"
    );
    let mut f = with("key", "user/x");
    f.push(("x-ignore-tracking".into(), "1".into()));
    f.push(("file".into(), "".into()));
    assert!(run(&f).is_ok());
    // A condition value changed; the key outside its starts-with.
    let mut f = with("acl", "public-read");
    set(&mut f, "key", "user/x");
    assert_eq!(
        run(&f).unwrap_err().message(),
        "Invalid according to Policy: Policy Condition failed: {\"acl\":\"private\"}"
    );
    assert_eq!(code(run(&with("key", "admin/x"))), "AccessDenied");
    // Missing required fields; a repeated field.
    for name in [
        "x-amz-credential",
        "policy",
        "x-amz-signature",
        "key",
        "x-amz-date",
        "x-amz-algorithm",
    ] {
        let f: Vec<(String, String)> = ok.iter().filter(|(n, _)| n != name).cloned().collect();
        let err = run(&f).unwrap_err();
        assert_eq!(
            err,
            VerifyError::MissingPostField(match name {
                "x-amz-credential" => "x-amz-credential",
                "policy" => "policy",
                "x-amz-signature" => "x-amz-signature",
                "key" => "key",
                "x-amz-date" => "x-amz-date",
                _ => "x-amz-algorithm",
            })
        );
        assert_eq!(err.code(), "InvalidArgument");
    }
    let mut f = with("key", "user/x");
    f.push(("Key".into(), "user/y".into()));
    assert_eq!(code(run(&f)), "InvalidArgument");
    // Sizes over and under the range.
    let v = run(&with("key", "user/x")).unwrap();
    assert_eq!(v.check_size(101).unwrap_err().code(), "EntityTooLarge");
    assert_eq!(v.check_size(9).unwrap_err().code(), "EntityTooSmall");
    assert!(v.check_size(10).is_ok() && v.check_size(100).is_ok());
    assert!(v
        .check_size(101)
        .unwrap_err()
        .to_xml()
        .contains("<ProposedSize>101</ProposedSize><MaxSizeAllowed>100</MaxSizeAllowed>"));

    // Documents the builder does not write, signed correctly.
    let doc_check = |doc: &str, extra: &[(&str, &str)]| {
        let f = signed_document(doc, extra);
        check("b", &f, None, at(T))
    };
    assert!(doc_check(&document(r#"{"key":"k"}"#), &[]).is_ok());
    let two = doc_check(&document(r#"{"key":"k","acl":"private"}"#), &[]).unwrap_err();
    assert_eq!(two.code(), "InvalidPolicyDocument");
    assert!(two
        .message()
        .contains("Simple-Conditions must have exactly one property"));
    let dup = doc_check(
        &document(r#"{"key":"k"}"#).replacen(
            "\"expiration\"",
            "\"expiration\":\"2099-01-01T00:00:00Z\",\"expiration\"",
            1,
        ),
        &[],
    );
    assert_eq!(code(dup), "InvalidPolicyDocument");
    // The MinIO bug: a starts-with on $key next to an exact key, both held.
    let both = document(r#"{"key":"k"},["starts-with","$key","user/"]"#);
    let err = doc_check(&both, &[]).unwrap_err();
    assert_eq!(err.message(), "Invalid according to Policy: Policy Condition failed: [\"starts-with\",\"$key\",\"user/\"]");
    // No condition on x-amz-credential: the field is not covered.
    let uncovered = r#"{"expiration":"2024-03-15T11:00:00Z","conditions":[{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-date":"20240315T101500Z"},{"bucket":"b"},{"key":"k"}]}"#;
    let err = doc_check(uncovered, &[]).unwrap_err();
    assert_eq!(
        err.message(),
        "Invalid according to Policy: Extra input fields: x-amz-credential"
    );
    // starts-with "" allows any value, but the field must be there.
    let any = document(r#"{"key":"k"},["starts-with","$x-amz-meta-tag",""]"#);
    assert!(doc_check(&any, &[("x-amz-meta-tag", "anything")]).is_ok());
    assert_eq!(code(doc_check(&any, &[])), "AccessDenied");
    // success_action_status as S3 reads it.
    let st = document(r#"{"key":"k"},{"success_action_status":"201"}"#);
    assert_eq!(
        doc_check(&st, &[("success_action_status", "201")])
            .unwrap()
            .success_action_status(),
        201
    );
    assert_eq!(
        doc_check(&document(r#"{"key":"k"}"#), &[])
            .unwrap()
            .success_action_status(),
        204
    );
}
