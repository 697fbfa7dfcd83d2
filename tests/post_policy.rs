//! POST policies: the AWS documentation example reproduced exactly, a
//! cross-check against rust-s3's `presign_post`, a first-principles HMAC
//! chain written here, property tests on generated policies, and every
//! error case.

use std::collections::BTreeMap;
use std::time::Duration;

use awsig::{
    sign_policy_document, Addressing, Credentials, Endpoint, Error, PostForm, PostPolicy, Signer,
    SigningTime,
};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use proptest::prelude::*;
use serde_json::Value;
use sha2::Sha256;

mod common;

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn signer(token: Option<&str>) -> Signer {
    let creds = Credentials::new(AKID, SECRET, token.map(str::to_string)).unwrap();
    Signer::new(creds, "us-east-1", "s3").unwrap()
}

fn t(s: &str) -> SigningTime {
    SigningTime::parse(s).unwrap()
}

/// The SigV4 POST signature computed from first principles, independently
/// of awsig: kDate → kRegion → kService → kSigning, then HMAC of the base64
/// policy.
fn reference_signature(secret: &str, date: &str, region: &str, policy_b64: &str) -> String {
    fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
        m.update(data);
        m.finalize().into_bytes().to_vec()
    }
    let k = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k = hmac(&k, region.as_bytes());
    let k = hmac(&k, b"s3");
    let k = hmac(&k, b"aws4_request");
    hex::encode(hmac(&k, policy_b64.as_bytes()))
}

fn b64_decode(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

/// Whether a parsed policy has a condition that covers `name = value`
/// (exact in either form, or `starts-with`; names case-insensitive).
fn covered(conditions: &[Value], name: &str, value: &str) -> bool {
    conditions.iter().any(|c| match c {
        Value::Object(m) => m
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case(name) && v == value),
        Value::Array(a) => {
            let field = a[1].as_str().unwrap_or("");
            let operand = a[2].as_str().unwrap_or("");
            field.len() > 1
                && field[1..].eq_ignore_ascii_case(name)
                && match a[0].as_str() {
                    Some("eq") => operand == value,
                    Some("starts-with") => value.starts_with(operand),
                    _ => false,
                }
        }
        _ => false,
    })
}

/// Checks every structural promise of a form: the policy is JSON, base64
/// round-trips, every field but `policy` and `x-amz-signature` is covered by
/// a condition, the signature is the first-principles one, the order is the
/// documented one.
fn check_form(form: &PostForm, secret: &str, time: &SigningTime) -> Vec<Value> {
    assert_eq!(b64_decode(form.policy_base64()), form.policy().as_bytes());
    let doc: Value = serde_json::from_str(form.policy()).expect("policy is JSON");
    assert_eq!(doc["expiration"], form.expiration());
    let conditions = doc["conditions"].as_array().expect("conditions").clone();
    for (name, value) in form.fields() {
        if name != "policy" && name != "x-amz-signature" {
            assert!(
                covered(&conditions, name, value),
                "{name} not covered in {}",
                form.policy()
            );
        }
    }
    assert_eq!(
        form.signature(),
        reference_signature(secret, time.date_stamp(), "us-east-1", form.policy_base64())
    );
    let names: Vec<&str> = form.fields().map(|(n, _)| n).collect();
    assert_eq!(names[0], "key");
    let tail: Vec<&str> = names.iter().rev().take(5).rev().copied().collect();
    let expected_tail = if form.field("x-amz-security-token").is_some() {
        [
            "x-amz-algorithm",
            "x-amz-credential",
            "x-amz-date",
            "x-amz-security-token",
            "x-amz-signature",
        ]
    } else {
        [
            "policy",
            "x-amz-algorithm",
            "x-amz-credential",
            "x-amz-date",
            "x-amz-signature",
        ]
    };
    assert_eq!(tail, expected_tail);
    conditions
}

#[test]
fn aws_documentation_example_byte_for_byte() {
    let Some(root) = common::vectors() else {
        return;
    };
    let ex = common::s3_doc_example(&root, "s3-browser-post-policy");
    let document = ex["policy_document"].as_str().unwrap();
    assert!(
        document.contains("\r\n"),
        "the documented policy has CRLF line ends"
    );
    let time = t(ex["date"].as_str().unwrap());
    let signed = sign_policy_document(&signer(None), time, document.as_bytes());
    assert_eq!(signed.policy_base64, ex["policy_base64"].as_str().unwrap());
    assert_eq!(signed.signature, ex["expected_signature"].as_str().unwrap());
}

/// The builder, given the documented example's inputs, writes a policy with
/// the same conditions (compared as parsed JSON) and the documented fields.
#[test]
fn aws_documentation_example_from_the_builder() {
    let Some(root) = common::vectors() else {
        return;
    };
    let ex = common::s3_doc_example(&root, "s3-browser-post-policy");
    let time = t(ex["date"].as_str().unwrap());
    let form = PostPolicy::new("sigv4examplebucket")
        .key_with_filename("user/user1/")
        .expires_at(t("2015-12-30T12:00:00Z"))
        .field("acl", "public-read")
        .field(
            "success_action_redirect",
            "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html",
        )
        .starts_with("Content-Type", "image/")
        .field("x-amz-meta-uuid", "14365123651274")
        .field("x-amz-server-side-encryption", "AES256")
        .starts_with("x-amz-meta-tag", "")
        .sign(&signer(None), &Endpoint::aws_s3("us-east-1").unwrap(), time)
        .unwrap();
    let ours = check_form(&form, SECRET, &time);
    let documented: Value = serde_json::from_str(ex["policy_document"].as_str().unwrap()).unwrap();
    let as_set = |v: &[Value]| {
        let mut s: Vec<String> = v.iter().map(Value::to_string).collect();
        s.sort();
        s
    };
    assert_eq!(
        as_set(&ours),
        as_set(documented["conditions"].as_array().unwrap())
    );
    assert_eq!(documented["expiration"], form.expiration());
    assert_eq!(
        form.url(),
        format!("https://{}/", ex["host"].as_str().unwrap())
    );

    // The documented form fields (names case-insensitive; the page fills in
    // Content-Type with image/jpeg, we start it at the prefix).
    let ours: BTreeMap<String, &str> = form
        .fields()
        .map(|(n, v)| (n.to_ascii_lowercase(), v))
        .collect();
    for pair in ex["form_fields_as_printed"].as_array().unwrap() {
        let name = pair[0].as_str().unwrap().to_ascii_lowercase();
        let value = pair[1].as_str().unwrap();
        let got = ours
            .get(&name)
            .unwrap_or_else(|| panic!("missing field {name}"));
        match name.as_str() {
            "policy" => assert_eq!(*got, form.policy_base64()),
            "x-amz-signature" => assert_eq!(*got, form.signature()),
            "content-type" => assert!(value.starts_with(got)),
            _ => assert_eq!(got, &value, "{name}"),
        }
    }
    assert_eq!(
        form.fill_in().collect::<Vec<_>>(),
        ["Content-Type", "x-amz-meta-tag"]
    );
}

/// rust-s3 (an independent implementation) signs a policy at the current
/// time; awsig signs the very same document at the same `x-amz-date` and must
/// give the same signature, and the awsig builder must write the same
/// conditions.
#[test]
fn cross_check_with_rust_s3_presign_post() {
    use s3::post_policy::{PostPolicy as S3PostPolicy, PostPolicyField, PostPolicyValue};
    let creds = s3::creds::Credentials::new(Some(AKID), Some(SECRET), None, None, None).unwrap();
    let bucket = s3::Bucket::new("examplebucket", "us-east-1".parse().unwrap(), creds).unwrap();
    let policy = S3PostPolicy::new(3600)
        .condition(
            PostPolicyField::Key,
            PostPolicyValue::StartsWith("uploads/".into()),
        )
        .unwrap()
        .condition(
            PostPolicyField::Acl,
            PostPolicyValue::Exact("private".into()),
        )
        .unwrap()
        .condition(
            PostPolicyField::ContentType,
            PostPolicyValue::StartsWith("image/".into()),
        )
        .unwrap()
        .condition(
            PostPolicyField::AmzMeta("owner".into()),
            PostPolicyValue::Exact("a \"b\" \\ é".into()),
        )
        .unwrap()
        .condition(
            PostPolicyField::ContentLengthRange,
            PostPolicyValue::Range(1, 1 << 20),
        )
        .unwrap()
        // What awsig's builder adds by itself when no outcome is chosen.
        .condition(
            PostPolicyField::SuccessActionStatus,
            PostPolicyValue::Exact("201".into()),
        )
        .unwrap();
    let theirs = bucket.presign_post(policy).unwrap();
    let field = |n: &str| -> &str {
        theirs
            .fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("rust-s3 gave no {n}"))
    };
    let time = t(field("x-amz-date"));
    let document = b64_decode(field("policy"));
    let signed = sign_policy_document(&signer(None), time, &document);
    assert_eq!(signed.policy_base64, field("policy"));
    assert_eq!(signed.signature, field("x-amz-signature"));

    let doc: Value = serde_json::from_slice(&document).unwrap();
    let expires = t(doc["expiration"].as_str().unwrap());
    let ours = PostPolicy::new("examplebucket")
        .key_starts_with("uploads/")
        .expires_at(expires)
        .field("acl", "private")
        .starts_with("Content-Type", "image/")
        .field("x-amz-meta-owner", "a \"b\" \\ é")
        .content_length_range(1, 1 << 20)
        .sign(&signer(None), &Endpoint::aws_s3("us-east-1").unwrap(), time)
        .unwrap();
    let ours_doc: Value = serde_json::from_str(ours.policy()).unwrap();
    // rust-s3 writes `["eq", "$acl", …]` for exact conditions and
    // `{"bucket": …}`-style objects for the mandatory ones; compare meaning.
    let normal = |v: &Value| -> Vec<String> {
        let mut out: Vec<String> = v["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| match c {
                Value::Object(m) => {
                    let (k, v) = m.iter().next().unwrap();
                    format!("eq ${} {v}", k.to_ascii_lowercase())
                }
                Value::Array(a) if a[0] == "content-length-range" => {
                    format!("range {} {}", a[1], a[2])
                }
                Value::Array(a) => format!(
                    "{} {} {}",
                    a[0].as_str().unwrap(),
                    a[1].as_str().unwrap().to_ascii_lowercase(),
                    a[2]
                ),
                other => panic!("unexpected condition {other}"),
            })
            .collect();
        out.sort();
        out
    };
    assert_eq!(normal(&ours_doc), normal(&doc));
}

#[test]
fn session_token_is_a_condition_and_a_field_and_never_debugged() {
    let token = "FQoGZXIvYXdzE+/token=";
    let time = t("20240101T000000Z");
    let form = PostPolicy::new("examplebucket")
        .key("a.txt")
        .expires_in(Duration::from_secs(60))
        .sign(
            &signer(Some(token)),
            &Endpoint::aws_s3("us-east-1").unwrap(),
            time,
        )
        .unwrap();
    check_form(&form, SECRET, &time);
    assert_eq!(form.field("x-amz-security-token"), Some(token));
    assert!(form
        .policy()
        .contains(r#"{"x-amz-security-token":"FQoGZXIvYXdzE+/token="}"#));
    let debug = format!("{form:?}");
    assert!(!debug.contains(token) && !debug.contains("FQoG"), "{debug}");
    assert!(!debug.contains(form.policy_base64()));
}

#[test]
fn upload_urls() {
    let time = t("20240101T000000Z");
    let url = |bucket: &str, endpoint: Endpoint| {
        PostPolicy::new(bucket)
            .key("k")
            .expires_in(Duration::from_secs(60))
            .sign(&signer(None), &endpoint, time)
            .unwrap()
            .url()
            .to_string()
    };
    let aws = || Endpoint::aws_s3("eu-west-1").unwrap();
    assert_eq!(
        url("photos", aws()),
        "https://photos.s3.eu-west-1.amazonaws.com/"
    );
    assert_eq!(
        url("my.photos", aws()),
        "https://s3.eu-west-1.amazonaws.com/my.photos"
    );
    assert_eq!(
        url("photos", aws().with_addressing(Addressing::PathStyle)),
        "https://s3.eu-west-1.amazonaws.com/photos"
    );
    let minio = || Endpoint::parse("http://127.0.0.1:9000").unwrap();
    assert_eq!(url("photos", minio()), "http://127.0.0.1:9000/photos");
    let local = Endpoint::parse("http://localhost:9000")
        .unwrap()
        .with_addressing(Addressing::VirtualHost);
    assert_eq!(url("photos", local), "http://photos.localhost:9000/");
}

#[test]
fn json_and_html_outputs() {
    let time = t("20240101T000000Z");
    let form = PostPolicy::new("examplebucket")
        .key_starts_with("u/")
        .expires_in(Duration::from_secs(60))
        .field("x-amz-meta-note", "<script>\"&'</script>")
        .starts_with("Content-Type", "")
        .sign(&signer(None), &Endpoint::aws_s3("us-east-1").unwrap(), time)
        .unwrap();
    let json: Value = serde_json::from_str(&form.to_json()).unwrap();
    assert_eq!(json["url"], form.url());
    assert_eq!(json["expiration"], "2024-01-01T00:01:00.000Z");
    assert_eq!(json["fill_in"], serde_json::json!(["key", "Content-Type"]));
    for (name, value) in form.fields() {
        assert_eq!(json["fields"][name], value);
    }
    assert_eq!(
        json["fields"].as_object().unwrap().len(),
        form.fields().len()
    );

    let html = form.to_html();
    assert!(html.starts_with(
        "<form action=\"https://examplebucket.s3.amazonaws.com/\" method=\"post\" \
         enctype=\"multipart/form-data\" accept-charset=\"utf-8\">\n"
    ));
    assert!(html.contains("  <input type=\"file\" name=\"file\" required>\n"));
    assert!(!html.contains("<script>"));
    assert!(html.contains("value=\"&lt;script&gt;&quot;&amp;&#39;&lt;/script&gt;\""));
    assert!(html.contains("<label>key <input type=\"text\" name=\"key\" value=\"u/\"></label>"));
    let file = html.find("type=\"file\"").unwrap();
    for (name, _) in form.fields() {
        assert!(
            html.find(&format!("name=\"{name}\"")).unwrap() < file,
            "{name} after the file"
        );
    }
}

/// Without `success_action_status` or `success_action_redirect` S3 answers
/// 204 with an empty body (its documentation: "If the value is set to 200
/// or 204, Amazon S3 returns an empty document"; 204 is the default), and a
/// browser stays on the form. So the builder asks for 201 unless the
/// caller chose an outcome, by any of the three field names S3 reads, in
/// any case, exact or `starts-with`.
#[test]
fn outcome_defaults_to_201_unless_chosen() {
    let time = t("20240101T000000Z");
    let aws = Endpoint::aws_s3("us-east-1").unwrap();
    let base = || {
        PostPolicy::new("examplebucket")
            .key("k")
            .expires_in(Duration::from_secs(60))
    };
    let sign = |p: PostPolicy| p.sign(&signer(None), &aws, time).unwrap();
    let statuses = |form: &PostForm| -> Vec<String> {
        let doc: Value = serde_json::from_str(form.policy()).unwrap();
        doc["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c.to_string()
                    .to_ascii_lowercase()
                    .contains("success_action_status")
            })
            .map(Value::to_string)
            .collect()
    };

    let form = sign(base());
    check_form(&form, SECRET, &time);
    assert_eq!(form.field("success_action_status"), Some("201"));
    assert_eq!(statuses(&form), [r#"{"success_action_status":"201"}"#]);
    // An exact-match field: after the key, before the policy.
    let names: Vec<&str> = form.fields().map(|(n, _)| n).collect();
    assert_eq!(names[..3], ["key", "success_action_status", "policy"]);
    assert!(form
        .to_html()
        .contains("<input type=\"hidden\" name=\"success_action_status\" value=\"201\">"));
    let json: Value = serde_json::from_str(&form.to_json()).unwrap();
    assert_eq!(json["fields"]["success_action_status"], "201");

    // The caller's choice is kept as given, and nothing is added.
    for (policy, field) in [
        (base().field("success_action_status", "204"), Some("204")),
        (base().field("SUCCESS_ACTION_STATUS", "200"), Some("200")),
        (base().field_eq("success_action_status", "201"), Some("201")),
        (base().starts_with("success_action_status", ""), Some("")),
        (
            base().field("success_action_redirect", "https://example.com/done"),
            None,
        ),
        (
            base().starts_with("Success_Action_Redirect", "https://example.com/"),
            None,
        ),
        (base().field("redirect", "https://example.com/old"), None),
    ] {
        let form = sign(policy.clone());
        check_form(&form, SECRET, &time);
        assert_eq!(form.field("success_action_status"), field, "{policy:?}");
        // The caller's condition only: none added.
        let expected = usize::from(field.is_some());
        assert_eq!(statuses(&form).len(), expected, "{}", form.policy());
    }
}

/// Control characters (C0 and DEL, tab and line breaks included) in a value,
/// a prefix or the key are refused when signing, naming the field: the form
/// would carry them into HTML attributes, and the browser would send
/// something else (NUL as U+FFFD, line breaks as CRLF) than was signed.
#[test]
fn control_characters_in_values_are_refused() {
    let time = t("20240101T000000Z");
    let aws = Endpoint::aws_s3("us-east-1").unwrap();
    let base = || PostPolicy::new("examplebucket").expires_in(Duration::from_secs(60));
    let refused = |policy: PostPolicy, field: &str, value: &str| {
        let err = policy.sign(&signer(None), &aws, time).unwrap_err();
        match &err {
            Error::InvalidPostField { name, reason } => {
                assert_eq!(name, field, "{value:?}");
                assert!(reason.contains("control characters"), "{reason}");
            }
            e => panic!("{value:?} in {field}: {e:?}"),
        }
        // The message names the field, not the value.
        assert!(!err.to_string().contains(value), "{err}");
    };
    for c in [
        '\0', '\x1f', '\x7f', '\t', '\r', '\n', '\x0b', '\x0c', '\x08',
    ] {
        let value = format!("image/{c}png");
        refused(
            base().key("k").field("Content-Type", value.as_str()),
            "Content-Type",
            &value,
        );
        refused(
            base().key("k").field_eq("x-amz-meta-a", value.as_str()),
            "x-amz-meta-a",
            &value,
        );
        refused(
            base().key("k").starts_with("Content-Type", value.as_str()),
            "Content-Type",
            &value,
        );
        refused(base().key(value.as_str()), "key", &value);
        refused(base().key_starts_with(value.as_str()), "key", &value);
        refused(base().key_with_filename(value.as_str()), "key", &value);
    }
    // Everything else is kept: spaces, quotes, markup, non-ASCII (C1
    // controls included: HTML keeps them in attribute values).
    let value = "a b \"<&>' résumé \u{85}\u{9f}\u{2028}";
    let form = base()
        .key(value)
        .field("x-amz-meta-a", value)
        .sign(&signer(None), &aws, time)
        .unwrap();
    assert_eq!(form.field("key"), Some(value));
    assert_eq!(form.field("x-amz-meta-a"), Some(value));
}

/// `to_json` is safe to inline in `<script>`: no `<`, `>`, `&`, U+2028 or
/// U+2029 in the text, and the values parse back unchanged.
#[test]
fn json_is_safe_inside_a_script_element() {
    let time = t("20240101T000000Z");
    let closing = "</script><!--";
    let separators = "a\u{2028}b\u{2029}c & d > e";
    let form = PostPolicy::new("examplebucket")
        .key("<k>&\u{2028}")
        .expires_in(Duration::from_secs(60))
        .field("x-amz-meta-closing", closing)
        .field_eq("x-amz-meta-separators", separators)
        .starts_with("Content-Type", "<img&")
        .sign(&signer(None), &Endpoint::aws_s3("us-east-1").unwrap(), time)
        .unwrap();
    let text = form.to_json();
    for c in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(!text.contains(c), "{c:?} in {text}");
    }
    for escape in [r"\u003c", r"\u003e", r"\u0026", r"\u2028", r"\u2029"] {
        assert!(text.contains(escape), "no {escape} in {text}");
    }
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["fields"]["key"], "<k>&\u{2028}");
    assert_eq!(json["fields"]["x-amz-meta-closing"], closing);
    assert_eq!(json["fields"]["x-amz-meta-separators"], separators);
    assert_eq!(json["fields"]["Content-Type"], "<img&");
    for (name, value) in form.fields() {
        assert_eq!(json["fields"][name], value);
    }
    assert_eq!(json["fill_in"], serde_json::json!(["Content-Type"]));
    // The signed policy document is unchanged: the characters as they are.
    assert!(form
        .policy()
        .contains(&format!("{{\"x-amz-meta-closing\":\"{closing}\"}}")));
    assert!(form.policy().contains(separators));
}

#[test]
fn errors() {
    let time = t("20240101T000000Z");
    let aws = Endpoint::aws_s3("us-east-1").unwrap();
    let base = || {
        PostPolicy::new("examplebucket")
            .key("k")
            .expires_in(Duration::from_secs(60))
    };
    let sign = |p: PostPolicy| p.sign(&signer(None), &aws, time);
    type Expect = fn(&Error) -> bool;
    let cases: Vec<(PostPolicy, Expect)> = vec![
        (base().expires_at(time), |e| {
            matches!(e, Error::InvalidPolicyExpiration { .. })
        }),
        (base().expires_at(t("20231231T235959Z")), |e| {
            matches!(e, Error::InvalidPolicyExpiration { .. })
        }),
        (base().expires_in(Duration::ZERO), |e| {
            matches!(e, Error::InvalidPolicyExpiration { .. })
        }),
        (base().expires_in(Duration::from_micros(999)), |e| {
            matches!(e, Error::InvalidPolicyExpiration { .. })
        }),
        (base().expires_in(Duration::from_secs(u64::MAX)), |e| {
            matches!(e, Error::InvalidTime(_))
        }),
        (base().content_length_range(10, 9), |e| {
            matches!(e, Error::InvalidContentLengthRange { min: 10, max: 9 })
        }),
        (
            PostPolicy::new("")
                .key("k")
                .expires_in(Duration::from_secs(1)),
            |e| *e == Error::InvalidBucket(String::new()),
        ),
        (
            PostPolicy::new("a/b")
                .key("k")
                .expires_in(Duration::from_secs(1)),
            |e| matches!(e, Error::InvalidBucket(_)),
        ),
        (
            PostPolicy::new("b").expires_in(Duration::from_secs(1)),
            |e| *e == Error::MissingPolicyElement("key"),
        ),
        (PostPolicy::new("b").key("k"), |e| {
            *e == Error::MissingPolicyElement("expiration")
        }),
        (base().field("$acl", "x"), |e| {
            matches!(e, Error::InvalidPostField { .. })
        }),
        (base().field("a cl", "x"), |e| {
            matches!(e, Error::InvalidPostField { .. })
        }),
        (base().field("acl\n", "x"), |e| {
            matches!(e, Error::InvalidPostField { .. })
        }),
        (base().starts_with("", "x"), |e| {
            matches!(e, Error::InvalidPostField { .. })
        }),
        (base().starts_with("Content Type", "x"), |e| {
            matches!(e, Error::InvalidPostField { .. })
        }),
        (base().field("key", "x"), |e| {
            matches!(e, Error::InvalidPostField { .. })
        }),
        (base().field("bucket", "x"), |e| {
            matches!(e, Error::InvalidPostField { .. })
        }),
        (base().field("X-Amz-Signature", "x"), |e| {
            matches!(e, Error::Reserved(_))
        }),
        (base().field("policy", "x"), |e| {
            matches!(e, Error::Reserved(_))
        }),
        (base().field_eq("x-amz-credential", "x"), |e| {
            matches!(e, Error::Reserved(_))
        }),
        (
            PostPolicy::new("examplebucket")
                .key("")
                .expires_in(Duration::from_secs(1)),
            |e| matches!(e, Error::InvalidPostField { .. }),
        ),
        (base().field("success_action_status", "302"), |e| {
            matches!(e, Error::InvalidPostField { .. })
        }),
        (
            base()
                .field("acl", "private")
                .field_eq("ACL", "public-read"),
            |e| *e == Error::ConflictingConditions("acl".into()),
        ),
        (
            base()
                .starts_with("Content-Type", "image/")
                .field("Content-Type", "text/plain"),
            |e| matches!(e, Error::ConflictingConditions(_)),
        ),
        (
            base()
                .starts_with("x-amz-meta-a", "ab")
                .starts_with("x-amz-meta-a", "ac"),
            |e| matches!(e, Error::ConflictingConditions(_)),
        ),
    ];
    for (i, (policy, expected)) in cases.into_iter().enumerate() {
        let err = sign(policy).expect_err(&format!("case {i} signed"));
        assert!(expected(&err), "case {i}: {err:?}");
        let message = err.to_string();
        assert!(
            !message.contains(SECRET) && !message.is_empty(),
            "{message}"
        );
    }
    // S3 checks that the policy is signed for s3.
    let iam = Signer::new(
        Credentials::new(AKID, SECRET, None).unwrap(),
        "us-east-1",
        "iam",
    )
    .unwrap();
    assert!(matches!(
        base().sign(&iam, &aws, time),
        Err(Error::InvalidService(_))
    ));
    // The signed policy's Debug hides the policy (it may carry a token).
    let signed = sign_policy_document(
        &signer(Some("tok")),
        time,
        b"{\"x-amz-security-token\":\"tok\"}",
    );
    let debug = format!("{signed:?}");
    assert!(
        !debug.contains(&signed.policy_base64) && debug.contains(&signed.signature),
        "{debug}"
    );
    // Compatible conditions are fine; an exact value wins over its prefix.
    let form = sign(
        base()
            .field("Content-Type", "image/png")
            .starts_with("content-type", "image/")
            .field("Content-Type", "image/png"),
    )
    .unwrap();
    assert_eq!(form.field("content-type"), Some("image/png"));
    assert_eq!(form.fill_in().len(), 0);
    assert_eq!(
        form.fields()
            .filter(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .count(),
        1
    );
}

/// Field names S3 knows (and custom ones).
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("acl".to_string()),
        Just("Content-Type".to_string()),
        Just("Cache-Control".to_string()),
        Just("Content-Disposition".to_string()),
        Just("success_action_redirect".to_string()),
        Just("tagging".to_string()),
        Just("x-amz-server-side-encryption".to_string()),
        Just("x-amz-storage-class".to_string()),
        "x-amz-meta-[a-z0-9_-]{1,12}",
    ]
}

/// Text with what JSON must escape, markup, and unicode; now and then with
/// control characters too, which signing refuses in a value.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        19 => "[a-zA-Z0-9 \"\\\\/é日本🚀${}<>&'+=%\u{2028}]{0,24}",
        1 => "[a-zA-Z0-9 \"\\\\/\u{0}-\u{1f}\u{7f}é日本🚀${}<>&'+=%]{0,24}",
    ]
}

fn has_control(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_control())
}

#[derive(Debug, Clone)]
enum Cond {
    Field(String, String),
    Eq(String, String),
    StartsWith(String, String),
}

fn cond() -> impl Strategy<Value = Cond> {
    prop_oneof![
        (field_name(), text()).prop_map(|(n, v)| Cond::Field(n, v)),
        (field_name(), text()).prop_map(|(n, v)| Cond::Eq(n, v)),
        (field_name(), text()).prop_map(|(n, v)| Cond::StartsWith(n, v)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_policies_are_valid_and_covered(
        key in text(),
        key_kind in 0..3u8,
        conds in proptest::collection::vec(cond(), 0..8),
        range in proptest::option::of((0u64..1000, 0u64..1000)),
        token in proptest::option::of("[A-Za-z0-9+/=]{1,40}"),
        secs in 1i64..4_000_000_000,
        expires in 1u64..1_000_000_000,
    ) {
        let time = SigningTime::from_unix_timestamp(secs).unwrap();
        let mut policy = PostPolicy::new("examplebucket").expires_in(Duration::from_millis(expires));
        policy = match key_kind {
            0 => policy.key(key.clone()),
            1 => policy.key_starts_with(key.clone()),
            _ => policy.key_with_filename(key.clone()),
        };
        for c in &conds {
            policy = match c.clone() {
                Cond::Field(n, v) => policy.field(n, v),
                Cond::Eq(n, v) => policy.field_eq(n, v),
                Cond::StartsWith(n, v) => policy.starts_with(n, v),
            };
        }
        if let Some((a, b)) = range {
            policy = policy.content_length_range(a, b);
        }
        let result = policy.sign(&signer(token.as_deref()), &Endpoint::aws_s3("us-east-1").unwrap(), time);
        match result {
            Ok(form) => {
                let conditions = check_form(&form, SECRET, &time);
                let doc: Value = serde_json::from_str(form.policy()).unwrap();
                // Every string given came through the JSON unchanged.
                let bucket = serde_json::json!({"bucket": "examplebucket"});
                prop_assert!(conditions.contains(&bucket));
                for c in &conds {
                    let (Cond::Field(n, v) | Cond::Eq(n, v) | Cond::StartsWith(n, v)) = c;
                    let found = conditions.iter().any(|x| x.to_string().contains(&serde_json::to_string(v).unwrap()) && x.to_string().contains(n.as_str()));
                    prop_assert!(found, "{c:?} missing in {doc}");
                }
                if let Some((a, b)) = range {
                    prop_assert!(conditions.contains(&serde_json::json!(["content-length-range", a, b])));
                }
                if let Some(tok) = &token {
                    prop_assert_eq!(form.field("x-amz-security-token"), Some(tok.as_str()));
                }
                let serialized: Value = serde_json::from_str(&form.to_json()).unwrap();
                prop_assert_eq!(serialized["fields"]["policy"].as_str(), Some(form.policy_base64()));
            }
            Err(Error::ConflictingConditions(_)) | Err(Error::InvalidContentLengthRange { .. }) => {}
            Err(Error::InvalidPostField { name, reason }) if reason.contains("control characters") => {
                // The key first, then the conditions in order.
                let first = if has_control(&key) {
                    Some("key")
                } else {
                    conds.iter().find_map(|c| {
                        let (Cond::Field(n, v) | Cond::Eq(n, v) | Cond::StartsWith(n, v)) = c;
                        has_control(v).then_some(n.as_str())
                    })
                };
                prop_assert_eq!(Some(name.as_str()), first);
            }
            Err(Error::InvalidPostField { name, .. }) => prop_assert!(name == "key" && key.is_empty() && key_kind == 0),
            Err(Error::InvalidTime(_)) => prop_assert!(secs + (expires / 1000) as i64 > 253_402_300_799),
            Err(e) => prop_assert!(false, "unexpected {e:?}"),
        }
    }
}

/// 50,000 conditions: distinct fields, one field given many times in
/// different cases, and a long chain of compatible prefixes. Signing was
/// quadratic (16k conditions took about 2 s, these 50k over a minute);
/// linear, this is a few hundred milliseconds in a debug build, so four
/// seconds is a bound that holds on a loaded machine and still tells the
/// two apart. A conflict at the very end is found as quickly.
#[test]
fn many_conditions_sign_in_linear_time() {
    const N: usize = 50_000;
    let time = t("20240101T000000Z");
    let aws = Endpoint::aws_s3("us-east-1").unwrap();
    let long_type = "image/".to_string() + &"x".repeat(64);
    let mut policy = PostPolicy::new("examplebucket")
        .key("k")
        .expires_in(Duration::from_secs(60));
    for i in 0..N {
        policy = match i % 10 {
            0..=3 => policy.field(format!("x-amz-meta-e{i}"), format!("v{i}")),
            4..=7 => policy.starts_with(format!("x-amz-meta-s{i}"), format!("p{i}")),
            8 => policy.field(if i % 20 == 8 { "acl" } else { "ACL" }, "private"),
            _ => policy.starts_with("Content-Type", &long_type[..6 + i % 64]),
        };
    }
    let signer = signer(None);
    let start = std::time::Instant::now();
    let form = policy.sign(&signer, &aws, time).unwrap();
    let elapsed = start.elapsed();
    eprintln!("{elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(4),
        "{N} conditions: {elapsed:?}"
    );

    // key, 20k + 20k distinct fields, acl, success_action_status (no
    // outcome chosen), Content-Type, then the 5 the signer writes.
    assert_eq!(form.fields().len(), 1 + 4 * N / 10 * 2 + 3 + 5);
    assert_eq!(form.field("acl"), Some("private"));
    // The longest of the compatible prefixes is the starting value.
    assert_eq!(form.field("content-type"), Some(&long_type[..6 + 63]));
    assert_eq!(form.fill_in().len(), 4 * N / 10 + 1);
    let doc: Value = serde_json::from_str(form.policy()).unwrap();
    // bucket, key, the N given, success_action_status, and algorithm,
    // credential and date (no session token here).
    assert_eq!(doc["conditions"].as_array().unwrap().len(), N + 6);

    let start = std::time::Instant::now();
    let err = policy
        .starts_with("content-type", "image/y")
        .sign(&signer, &aws, time)
        .unwrap_err();
    let elapsed = start.elapsed();
    eprintln!("{elapsed:?}");
    assert_eq!(err, Error::ConflictingConditions("Content-Type".into()));
    assert!(
        elapsed < Duration::from_secs(4),
        "{N} conditions: {elapsed:?}"
    );
}
