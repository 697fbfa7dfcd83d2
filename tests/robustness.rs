//! No panic on any input: arbitrary text (control bytes, unicode, `%`
//! sequences) in every field gives either a signature or a typed error.

use std::time::Duration;

use awsig::{
    Credentials, EncodedPath, Endpoint, ObjectKey, Payload, PostPolicy, Request, Signer,
    SigningTime,
};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,40}",
        "[a-z0-9%/.?#&=+ \\r\\n\\t:@\\[\\]-]{0,40}",
    ]
}

/// URL-ish text: a scheme prefix (whole, cut short, odd case) and anything.
fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        ("(https?|HTTPS?|hTtP)(:/{0,3})?", text()).prop_map(|(scheme, rest)| scheme + &rest),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics(
        method in text(), url in url(), bucket in text(), key in text(), path in text(),
        query in text(), hn in text(), hv in text(), pn in text(), pv in text(),
        region in text(), service in text(), time in text(), hash in text(),
        akid in text(), secret in text(), token in proptest::option::of(text()),
        expires in 0u64..1_000_000,
    ) {
        let _ = SigningTime::parse(&time);
        let _ = Endpoint::parse(&url);
        let _ = EncodedPath::new(&path);
        if let Ok(r) = Request::from_url(&method, &url) {
            let _ = r.url_prefix();
        }
        // Bad credentials, region or service are refused up front; carry on
        // with valid ones so the other inputs are exercised too.
        let signer = Credentials::new(akid, secret, token)
            .and_then(|creds| Signer::new(creds, &region, &service))
            .unwrap_or_else(|_| {
                let creds = Credentials::new("AKID", "secret", Some("tok".into())).unwrap();
                Signer::new(creds, "us-east-1", "s3").unwrap()
            });
        let t = SigningTime::parse("20240101T000000Z").unwrap();
        let headers = [(hn.as_str(), hv.as_str())];
        let params = [(pn.as_str(), pv.as_str())];
        let endpoint = Endpoint::aws_s3("us-east-1").unwrap();
        let mut requests = vec![Request::new(&method, &endpoint)
            .bucket(&bucket)
            .key(ObjectKey::new(&key))
            .query(&query)
            .headers(&headers)
            .params(&params)
            .payload(Payload::Precomputed(&hash))];
        if let Ok(r) = Request::from_url(&method, &url) {
            requests.push(r.headers(&headers).params(&params));
        }
        if let Ok(p) = EncodedPath::new(&path) {
            requests.push(Request::new("GET", &endpoint).bucket(&bucket).path(p).query(&query));
        }
        for req in requests {
            let _ = signer.sign(&req, t);
            let _ = signer.audit_sign(&req, t);
            let _ = signer.presign(&req, t, Duration::from_secs(expires));
            let _ = signer.audit_presign(&req, t, Duration::from_secs(expires));
            let _ = req.url_prefix();
        }
        let form = PostPolicy::new(bucket.as_str())
            .key(key.as_str())
            .expires_in(Duration::from_secs(expires))
            .field(hn.as_str(), hv.as_str())
            .field_eq(pn.as_str(), pv.as_str())
            .starts_with(hv.as_str(), pv.as_str())
            .content_length_range(expires, expires / 2)
            .sign(&signer, &endpoint, t);
        if let Ok(form) = form {
            let _ = (form.to_json(), form.to_html(), format!("{form:?}"));
        }
        if let Ok(e) = Endpoint::parse(&url) {
            let _ = PostPolicy::new(bucket.as_str()).key_starts_with(key.as_str())
                .expires_in(Duration::from_millis(expires)).sign(&signer, &e, t);
        }
    }
}

/// Error text escapes a name once (`\r\n` shown as the two escapes, not as
/// `\\r\\n`).
#[test]
fn names_are_escaped_once() {
    use awsig::{Credentials, Endpoint, Request, Signer, SigningTime};
    let creds = Credentials::new("AKID", "secret", None).unwrap();
    let err = Signer::new(creds.clone(), "x\r\ny", "s3").unwrap_err();
    assert_eq!(err.to_string(), r#"invalid region "x\r\ny""#);
    let signer = Signer::new(creds, "us-east-1", "s3").unwrap();
    let e = Endpoint::aws_s3("us-east-1").unwrap();
    let headers = [("x\ty", "v")];
    let err = signer
        .sign(
            &Request::new("GET", &e).headers(&headers),
            SigningTime::parse("20240101T000000Z").unwrap(),
        )
        .unwrap_err();
    assert_eq!(err.to_string(), r#"invalid header name "x\ty""#);
}
