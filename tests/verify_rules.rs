//! The verifier's rules, each with the answer S3 gives: round trips of
//! awsig's own signatures, every one-character change refused, and the
//! known bypasses of other servers' verifiers (unsigned `x-amz-copy-source`,
//! a signed header missing, duplicate `X-Amz-*` parameters, bad
//! `X-Amz-Expires`, a credential date that is not the request date, hex
//! case, extra or repeated `Authorization` fields).

use std::time::Duration;

use awsig::{
    Credentials, Endpoint, IncomingRequest, ObjectKey, Payload, PayloadCheck, Request, Signer,
    SigningTime, StreamingPayload, Verified, Verifier, VerifyError,
};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const HOST: &str = "127.0.0.1:9000";

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET, None).unwrap()
}

fn t0() -> SigningTime {
    SigningTime::parse("20240315T101500Z").unwrap()
}

fn later(secs: i64) -> SigningTime {
    SigningTime::from_unix_timestamp(t0().to_offset_datetime().unix_timestamp() + secs).unwrap()
}

/// A request as it goes on the wire.
#[derive(Clone, Debug)]
struct Wire {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Wire {
    fn check_with(
        &self,
        verifier: &Verifier,
        now: SigningTime,
        creds: &Credentials,
    ) -> Result<Verified, VerifyError> {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let req = IncomingRequest::new(&self.method, &self.target, &headers)?;
        let verified = verifier.parse(&req, now)?.verify(creds)?;
        if let PayloadCheck::Sha256(mut h) = verified.payload().clone() {
            h.update(&self.body);
            h.finish()?;
        }
        Ok(verified)
    }

    fn check(&self) -> Result<Verified, VerifyError> {
        self.check_with(&Verifier::new("us-east-1", "s3").unwrap(), t0(), &creds())
    }

    fn code(&self) -> &'static str {
        match self.check() {
            Ok(_) => "accepted",
            Err(e) => e.code(),
        }
    }

    fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn without_header(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    fn map_header(mut self, name: &str, f: impl Fn(&str) -> String) -> Self {
        for (n, v) in &mut self.headers {
            if n.eq_ignore_ascii_case(name) {
                *v = f(v);
            }
        }
        self
    }
}

fn signer() -> Signer {
    Signer::new(creds(), "us-east-1", "s3").unwrap()
}

/// A header-signed PUT of awsig's signer, path style.
fn signed_put(key: &str, query: &str, headers: &[(&str, &str)], body: &[u8]) -> Wire {
    let endpoint = Endpoint::parse(&format!("http://{HOST}")).unwrap();
    let req = Request::new("PUT", &endpoint)
        .bucket("bucket")
        .key(ObjectKey::new(key))
        .query(query)
        .headers(headers)
        .payload(Payload::Bytes(body));
    let signed = signer().sign(&req, t0()).unwrap();
    let prefix = req.url_prefix();
    let path = &prefix[prefix.find(HOST).unwrap() + HOST.len()..];
    let mut all: Vec<(String, String)> = vec![("Host".into(), HOST.into())];
    all.extend(headers.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    all.extend(
        signed
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_string())),
    );
    Wire {
        method: "PUT".into(),
        target: if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        },
        headers: all,
        body: body.to_vec(),
    }
}

/// A presigned URL of awsig's signer, as it arrives.
fn presigned(method: &str, key: &str, headers: &[(&str, &str)], expires: u64) -> Wire {
    let endpoint = Endpoint::parse(&format!("http://{HOST}")).unwrap();
    let req = Request::new(method, &endpoint)
        .bucket("bucket")
        .key(ObjectKey::new(key))
        .headers(headers);
    let url = signer()
        .presign(&req, t0(), Duration::from_secs(expires))
        .unwrap();
    let url = url.as_str();
    let mut all: Vec<(String, String)> = vec![("Host".into(), HOST.into())];
    all.extend(headers.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    Wire {
        method: method.into(),
        target: url[url.find(HOST).unwrap() + HOST.len()..].to_string(),
        headers: all,
        body: Vec::new(),
    }
}

fn authorization(w: &Wire) -> String {
    w.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .unwrap()
        .1
        .clone()
}

#[test]
fn round_trips_verify() {
    let body = b"hello, verifier";
    let put = signed_put(
        "dir/a b+c=d~é.txt",
        "partNumber=1&uploadId=x%2By",
        &[
            ("Content-Type", "text/plain"),
            ("x-amz-meta-owner", "  me  too "),
        ],
        body,
    );
    let v = put.check().unwrap();
    assert_eq!(v.access_key_id(), AKID);
    assert_eq!(
        v.credential_scope().to_string(),
        "20240315/us-east-1/s3/aws4_request"
    );
    assert_eq!(
        v.signed_headers(),
        "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-owner"
    );
    assert!(v.expires_at().is_none());
    let get = presigned("GET", "dir/a b+c=d~é.txt", &[], 3600);
    let v = get.check().unwrap();
    assert_eq!(v.expires_at().unwrap(), later(3600));
    assert!(matches!(v.payload(), PayloadCheck::Unsigned));
    let put = presigned("PUT", "k", &[("Content-Type", "image/png")], 60);
    assert!(put.check().is_ok());
    // The headers in another order and case, with optional whitespace.
    let mut shuffled = signed_put("k", "", &[("Content-Type", "text/plain")], body);
    shuffled.headers.reverse();
    for (n, v) in &mut shuffled.headers {
        *n = n.to_ascii_uppercase();
        *v = format!(" {v}\t");
    }
    assert!(shuffled.check().is_ok());
}

/// Replaces byte `i` of `s` with another of the same kind (digit, letter),
/// or `None` for bytes whose change would be a syntax error rather than
/// another request.
fn mutate(s: &str, i: usize) -> Option<String> {
    let b = s.as_bytes()[i];
    let c = match b {
        b'0'..=b'8' => b + 1,
        b'9' => b'0',
        b'a'..=b'y' | b'A'..=b'Y' => b + 1,
        b'z' | b'Z' => b - 1,
        _ => return None,
    };
    let mut out = s.as_bytes().to_vec();
    out[i] = c;
    String::from_utf8(out).ok()
}

#[test]
fn every_one_character_change_is_refused_with_s3s_code() {
    let put = signed_put(
        "photos/cat.jpg",
        "tagging=&versionId=3HL4kqtJlcpXroDTDmJ",
        &[
            ("Content-Type", "image/jpeg"),
            ("x-amz-meta-camera", "X100"),
        ],
        b"jpeg bytes",
    );
    assert!(put.check().is_ok());
    let mut tried = 0;
    for i in 0..put.method.len() {
        let mut w = put.clone();
        w.method = mutate(&put.method, i).unwrap();
        assert_eq!(w.code(), "SignatureDoesNotMatch", "method {}", w.method);
        tried += 1;
    }
    for i in 0..put.target.len() {
        let Some(target) = mutate(&put.target, i) else {
            continue;
        };
        let mut w = put.clone();
        w.target = target;
        assert_eq!(w.code(), "SignatureDoesNotMatch", "target {}", w.target);
        tried += 1;
    }
    for (h, (name, value)) in put.headers.iter().enumerate() {
        for i in 0..value.len() {
            let Some(v) = mutate(value, i) else { continue };
            let mut w = put.clone();
            w.headers[h].1 = v.clone();
            let want = match name.as_str() {
                // Not hex: not a payload hash.
                "x-amz-content-sha256" if !v.as_bytes()[i].is_ascii_hexdigit() => "InvalidArgument",
                // Signed: the signature is checked before the body.
                "x-amz-content-sha256" => "SignatureDoesNotMatch",
                // Year, month or day: the credential's date is another day;
                // a letter (`T`, `Z`): no valid date.
                "x-amz-date" if i < 8 => "AuthorizationHeaderMalformed",
                "x-amz-date" if !value.as_bytes()[i].is_ascii_digit() => "AccessDenied",
                // Hours or more off: outside the 15 minutes.
                "x-amz-date" if i < 11 => "RequestTimeTooSkewed",
                "x-amz-date" => "SignatureDoesNotMatch",
                // A signature digit that is no longer hex: malformed.
                "authorization"
                    if authorization_change(value, i) == "SignatureDoesNotMatch"
                        && !v.as_bytes()[i].is_ascii_hexdigit() =>
                {
                    "AuthorizationHeaderMalformed"
                }
                "authorization" => authorization_change(value, i),
                _ => "SignatureDoesNotMatch",
            };
            let got = w.code();
            // A digit of the date turned into an impossible one (month 13).
            let ok = got == want
                || (name == "x-amz-date" && got == "AccessDenied" && want != "SignatureDoesNotMatch")
                // A renamed header is unsigned, missing, or out of order.
                || (want == "signed-headers"
                    && ["AccessDenied", "AuthorizationHeaderMalformed", "SignatureDoesNotMatch"]
                        .contains(&got));
            assert!(ok, "{name}: {v:?}: got {got}, want {want}");
            tried += 1;
        }
    }
    let body_changed = Wire {
        body: b"jpeg bytez".to_vec(),
        ..put.clone()
    };
    assert_eq!(body_changed.code(), "XAmzContentSHA256Mismatch");
    assert!(tried > 300, "{tried}");
}

/// The answer S3 gives when byte `i` of the `Authorization` value changes.
fn authorization_change(value: &str, i: usize) -> &'static str {
    let part = |name: &str| {
        let start = value.find(name).unwrap() + name.len();
        let end = value[start..].find(',').map_or(value.len(), |e| start + e);
        (start..end).contains(&i)
    };
    if i < "AWS4-HMAC-SHA256".len() {
        return "InvalidRequest";
    }
    if part("Credential=") {
        let cred_start = value.find("Credential=").unwrap() + "Credential=".len();
        let field = value[cred_start..i].matches('/').count();
        return match field {
            0 => "InvalidAccessKeyId",
            _ => "AuthorizationHeaderMalformed",
        };
    }
    if part("SignedHeaders=") || part("Signature=") {
        // A changed name is not signed (or not sorted); a changed digit of
        // the signature does not match.
        return if part("Signature=") {
            "SignatureDoesNotMatch"
        } else {
            "signed-headers"
        };
    }
    "AuthorizationHeaderMalformed"
}

#[test]
fn component_names_and_signed_headers_changes_are_refused() {
    let put = signed_put("k", "", &[("Content-Type", "a/b")], b"");
    let auth = authorization(&put);
    for i in 0..auth.len() {
        if authorization_change(&auth, i) != "signed-headers" {
            continue;
        }
        let Some(v) = mutate(&auth, i) else { continue };
        let w = put.clone().map_header("authorization", |_| v.clone());
        let code = w.code();
        assert!(
            [
                "AccessDenied",
                "AuthorizationHeaderMalformed",
                "SignatureDoesNotMatch"
            ]
            .contains(&code),
            "{v}: {code}"
        );
    }
}

#[test]
fn unsigned_x_amz_copy_source_is_refused() {
    let put = signed_put("dst", "", &[], b"").with_header("x-amz-copy-source", "/other/secret");
    match put.check() {
        Err(e @ VerifyError::HeadersNotSigned(_)) => {
            assert_eq!((e.code(), e.status()), ("AccessDenied", 403));
            assert!(e
                .to_xml()
                .contains("<HeadersNotSigned>x-amz-copy-source</HeadersNotSigned>"));
        }
        other => panic!("{other:?}"),
    }
    let url = presigned("PUT", "dst", &[], 600)
        .with_header("X-Amz-Copy-Source", "/other/secret")
        .with_header("x-amz-meta-a", "1");
    assert_eq!(
        url.check().unwrap_err(),
        VerifyError::HeadersNotSigned(vec!["x-amz-copy-source".into(), "x-amz-meta-a".into()])
    );
    // Signed, the same header is accepted.
    let signed = presigned("PUT", "dst", &[("x-amz-copy-source", "/other/secret")], 600);
    assert!(signed.check().is_ok());
}

#[test]
fn signed_headers_must_be_present_and_host_signed() {
    let put = signed_put("k", "", &[("Content-Type", "text/plain")], b"");
    assert_eq!(
        put.clone()
            .without_header("content-type")
            .check()
            .unwrap_err(),
        VerifyError::SignedHeaderMissing("content-type".into())
    );
    let url = presigned("GET", "k", &[("Range", "bytes=0-1")], 60);
    assert_eq!(
        url.clone().without_header("range").code(),
        "SignatureDoesNotMatch"
    );
    // A SignedHeaders list without host.
    let no_host = put.map_header("authorization", |a| {
        a.replace("content-type;host;", "content-type;")
    });
    assert_eq!(
        no_host.check().unwrap_err(),
        VerifyError::HeadersNotSigned(vec!["host".into()])
    );
    // Required by the server.
    let v = Verifier::new("us-east-1", "s3")
        .unwrap()
        .require_signed_header("Content-MD5");
    let plain = signed_put("k", "", &[], b"");
    let err = plain.check_with(&v, t0(), &creds()).unwrap_err();
    assert_eq!(
        err,
        VerifyError::MissingSecurityHeader("content-md5".into())
    );
    let with_md5 = plain
        .clone()
        .with_header("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==");
    let err = with_md5.check_with(&v, t0(), &creds()).unwrap_err();
    assert_eq!(
        err,
        VerifyError::HeadersNotSigned(vec!["content-md5".into()])
    );
}

#[test]
fn duplicate_or_malformed_query_parameters_are_refused() {
    let url = presigned("GET", "k", &[], 3600);
    let with = |extra: &str| Wire {
        target: format!("{}&{extra}", url.target),
        ..url.clone()
    };
    for extra in [
        "X-Amz-Date=20240315T101500Z",
        "x-amz-signature=00",
        "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240315%2Fus-east-1%2Fs3%2Faws4_request",
        "X-Amz-Expires=3600",
        "X-Amz-SignedHeaders=host",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
    ] {
        assert_eq!(
            with(extra).code(),
            "AuthorizationQueryParametersError",
            "{extra}"
        );
    }
    let expires = |e: &str| Wire {
        target: url
            .target
            .replace("X-Amz-Expires=3600", &format!("X-Amz-Expires={e}")),
        ..url.clone()
    };
    for e in ["-1", "0", "604801", "1.5", "", "0x10"] {
        assert_eq!(
            expires(e).code(),
            "AuthorizationQueryParametersError",
            "{e}"
        );
    }
    assert_eq!(expires("604800").code(), "SignatureDoesNotMatch");
    let missing = Wire {
        target: url.target.replace("&X-Amz-SignedHeaders=host", ""),
        ..url.clone()
    };
    assert!(missing
        .check()
        .unwrap_err()
        .message()
        .starts_with("Query-string authentication version 4 requires"));
    // Both header and query authentication.
    let put = signed_put("k", "", &[], b"");
    let both = Wire {
        target: url.target.clone(),
        ..put
    };
    assert_eq!(both.code(), "InvalidArgument");
    // Neither.
    let none = Wire {
        target: "/bucket/k".into(),
        ..url.clone()
    };
    assert_eq!(
        none.check().unwrap_err(),
        VerifyError::MissingAuthentication
    );
    // A shorter maximum expiry.
    let v = Verifier::new("us-east-1", "s3")
        .unwrap()
        .with_max_expires(Duration::from_secs(600));
    let err = url.check_with(&v, t0(), &creds()).unwrap_err();
    assert_eq!(
        err.message(),
        "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 600 seconds"
    );
}

#[test]
fn credential_date_region_and_service_are_checked() {
    let put = signed_put("k", "", &[], b"");
    let other_day = put
        .clone()
        .map_header("authorization", |a| a.replace("/20240315/", "/20240314/"));
    let err = other_day.check().unwrap_err();
    assert_eq!(err.code(), "AuthorizationHeaderMalformed");
    assert!(
        err.message()
            .contains("This date is not the same as X-Amz-Date"),
        "{}",
        err.message()
    );
    let url = presigned("GET", "k", &[], 60);
    let q = Wire {
        target: url.target.replace("%2F20240315%2F", "%2F20240316%2F"),
        ..url.clone()
    };
    assert_eq!(q.code(), "AuthorizationQueryParametersError");

    let region = put
        .clone()
        .map_header("authorization", |a| a.replace("/us-east-1/", "/eu-west-1/"));
    let err = region.check().unwrap_err();
    assert_eq!(err.code(), "AuthorizationHeaderMalformed");
    assert!(err.to_xml().contains("<Region>us-east-1</Region>"));
    assert!(err
        .message()
        .ends_with("the region 'eu-west-1' is wrong; expecting 'us-east-1'"));
    let two = Verifier::new("eu-west-1", "s3")
        .unwrap()
        .with_regions(&["eu-west-1", "us-east-1"])
        .unwrap();
    assert!(put.check_with(&two, t0(), &creds()).is_ok());

    let service = put
        .clone()
        .map_header("authorization", |a| a.replace("/s3/", "/s4/"));
    assert!(service
        .check()
        .unwrap_err()
        .message()
        .contains("incorrect service \"s4\""));
    let terminal = put.map_header("authorization", |a| {
        a.replace("aws4_request", "aws4_requesu")
    });
    assert!(terminal
        .check()
        .unwrap_err()
        .message()
        .contains("incorrect terminal"));
}

#[test]
fn signature_hex_case_and_authorization_fields() {
    let put = signed_put("k", "", &[], b"");
    let auth = authorization(&put);
    let sig = &auth[auth.len() - 64..];
    // AWS writes lowercase; the same digits in uppercase are not the signature.
    assert!(sig.bytes().any(|b| b.is_ascii_lowercase()));
    let upper = put.clone().map_header("authorization", |a| {
        a.replace(sig, &sig.to_ascii_uppercase())
    });
    assert_eq!(upper.code(), "SignatureDoesNotMatch");
    let url = presigned("GET", "k", &[], 60);
    let qsig = &url.target[url.target.len() - 64..];
    let q = Wire {
        target: url.target.replace(qsig, &qsig.to_ascii_uppercase()),
        ..url.clone()
    };
    assert_eq!(q.code(), "SignatureDoesNotMatch");

    let cases = [
        format!("{auth}, Signature={sig}"),
        format!("{auth}, Extra=1"),
        format!("{auth},"),
        auth.replace(", SignedHeaders=", ", SignedHeaders=host;"),
        auth.replacen("Credential=", "Credential=x, Credential=", 1),
        auth.replace(", Signature=", ", Signature=, Signature="),
        auth.replace("Credential=", "credential="),
    ];
    for a in cases {
        let w = put.clone().map_header("authorization", |_| a.clone());
        assert_eq!(w.code(), "AuthorizationHeaderMalformed", "{a}");
    }
    // Without spaces after the commas (some SDKs): the same signature.
    let tight = put
        .clone()
        .map_header("authorization", |a| a.replace(", ", ","));
    assert!(tight.check().is_ok());
    // A repeated Authorization header.
    let twice = put.clone().with_header("Authorization", &auth);
    assert_eq!(twice.code(), "AuthorizationHeaderMalformed");
}

#[test]
fn payload_hash_rules() {
    let put = signed_put("k", "", &[], b"body");
    assert_eq!(
        put.clone().without_header("x-amz-content-sha256").code(),
        "InvalidRequest"
    );
    let bad = put
        .clone()
        .map_header("x-amz-content-sha256", |_| "abc".into());
    assert_eq!(bad.code(), "InvalidArgument");
    let twice = put
        .clone()
        .with_header("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
    assert_eq!(twice.code(), "InvalidArgument");
    // The body given to the verifier at once.
    let headers: Vec<(&str, &str)> = put
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let v = Verifier::new("us-east-1", "s3").unwrap();
    let given = |body: &[u8]| {
        let req = IncomingRequest::new("PUT", &put.target, &headers)
            .unwrap()
            .payload(Payload::Bytes(body));
        v.parse(&req, t0()).and_then(|u| u.verify(&creds()))
    };
    assert!(matches!(
        given(b"body").unwrap().payload(),
        PayloadCheck::Checked
    ));
    assert_eq!(
        given(b"bodY").unwrap_err().code(),
        "XAmzContentSHA256Mismatch"
    );
    // Unsigned and streaming payloads are never reported as checked.
    let endpoint = Endpoint::parse(&format!("http://{HOST}")).unwrap();
    for (payload, want) in [
        (Payload::Unsigned, "unsigned"),
        (
            Payload::Streaming(StreamingPayload::Aws4HmacSha256Payload),
            "streaming",
        ),
        (
            Payload::Streaming(StreamingPayload::UnsignedPayloadTrailer),
            "streaming",
        ),
    ] {
        let req = Request::new("PUT", &endpoint)
            .bucket("b")
            .key(ObjectKey::new("k"))
            .payload(payload);
        let signed = signer().sign(&req, t0()).unwrap();
        let mut hs = vec![("Host".to_string(), HOST.to_string())];
        hs.extend(
            signed
                .headers()
                .map(|(n, v)| (n.to_string(), v.to_string())),
        );
        let w = Wire {
            method: "PUT".into(),
            target: "/b/k".into(),
            headers: hs,
            body: Vec::new(),
        };
        let got = match w.check().unwrap().payload() {
            PayloadCheck::Unsigned => "unsigned",
            PayloadCheck::Streaming(_) => "streaming",
            other => panic!("{other:?}"),
        };
        assert_eq!(got, want);
    }
}

#[test]
fn credentials_and_session_tokens_must_match() {
    let put = signed_put("k", "", &[], b"");
    let v = Verifier::new("us-east-1", "s3").unwrap();
    let other = Credentials::new("AKIAOTHER", SECRET, None).unwrap();
    assert_eq!(
        put.check_with(&v, t0(), &other).unwrap_err().code(),
        "InvalidAccessKeyId"
    );
    let with_token = Credentials::new(AKID, SECRET, Some("issued-token".into())).unwrap();
    assert_eq!(
        put.check_with(&v, t0(), &with_token).unwrap_err(),
        VerifyError::InvalidToken
    );

    let token_signer = Signer::new(with_token.clone(), "us-east-1", "s3").unwrap();
    let endpoint = Endpoint::parse(&format!("http://{HOST}")).unwrap();
    let req = Request::new("GET", &endpoint)
        .bucket("b")
        .key(ObjectKey::new("k"));
    let signed = token_signer.sign(&req, t0()).unwrap();
    let mut hs = vec![("Host".to_string(), HOST.to_string())];
    hs.extend(
        signed
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_string())),
    );
    let w = Wire {
        method: "GET".into(),
        target: "/b/k".into(),
        headers: hs,
        body: Vec::new(),
    };
    assert!(w.check_with(&v, t0(), &with_token).is_ok());
    assert_eq!(
        w.check_with(&v, t0(), &creds()).unwrap_err(),
        VerifyError::InvalidToken
    );
    let stolen = Credentials::new(AKID, SECRET, Some("other-token".into())).unwrap();
    assert_eq!(
        w.check_with(&v, t0(), &stolen).unwrap_err(),
        VerifyError::InvalidToken
    );
    // The token is signed: a different one on the wire fails either way.
    let swapped = w
        .clone()
        .map_header("x-amz-security-token", |_| "other-token".into());
    assert!(swapped.check_with(&v, t0(), &stolen).is_err());

    let url = token_signer
        .presign(&req, t0(), Duration::from_secs(60))
        .unwrap();
    let target = url.as_str()[url.as_str().find(HOST).unwrap() + HOST.len()..].to_string();
    let q = Wire {
        method: "GET".into(),
        target,
        headers: vec![("Host".into(), HOST.into())],
        body: Vec::new(),
    };
    assert!(q.check_with(&v, t0(), &with_token).is_ok());
    assert_eq!(
        q.check_with(&v, t0(), &creds()).unwrap_err(),
        VerifyError::InvalidToken
    );
    // Never in an error.
    let err = q
        .check_with(
            &v,
            t0(),
            &Credentials::new(AKID, "wrong", Some("issued-token".into())).unwrap(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    assert!(
        !err.to_xml().contains("issued-token") && !format!("{err:?}{err}").contains("issued-token")
    );
}

#[test]
fn time_rules() {
    let put = signed_put("k", "", &[], b"");
    let v = Verifier::new("us-east-1", "s3").unwrap();
    assert!(put.check_with(&v, later(900), &creds()).is_ok());
    let err = put.check_with(&v, later(901), &creds()).unwrap_err();
    assert_eq!(err.code(), "RequestTimeTooSkewed");
    assert!(err
        .to_xml()
        .contains("<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>"));
    assert!(err
        .to_xml()
        .contains("<ServerTime>2024-03-15T10:30:01Z</ServerTime>"));
    let tight = Verifier::new("us-east-1", "s3")
        .unwrap()
        .with_clock_skew(Duration::from_secs(60));
    assert_eq!(
        put.check_with(&tight, later(61), &creds())
            .unwrap_err()
            .code(),
        "RequestTimeTooSkewed"
    );
    // `Date` instead of `x-amz-date`: the time is read from it (no
    // MissingDate), then the signed x-amz-date is missing.
    let dated = put
        .clone()
        .without_header("x-amz-date")
        .with_header("Date", "Fri, 15 Mar 2024 10:15:00 GMT");
    assert_eq!(
        dated.check().unwrap_err(),
        VerifyError::SignedHeaderMissing("x-amz-date".into())
    );
    let no_date = put.clone().without_header("x-amz-date");
    assert_eq!(no_date.check().unwrap_err(), VerifyError::MissingDate);
    for bad in [
        "Fri, 15 Mar 2024 10:15:00 +0000",
        "2024-03-15T10:15:00Z",
        "Fri, 32 Mar 2024 10:15:00 GMT",
    ] {
        let w = put
            .clone()
            .without_header("x-amz-date")
            .with_header("Date", bad);
        assert_eq!(w.check().unwrap_err(), VerifyError::MissingDate, "{bad}");
    }
    let url = presigned("GET", "k", &[], 60);
    assert!(url.check_with(&v, later(60), &creds()).is_ok());
    let err = url.check_with(&v, later(61), &creds()).unwrap_err();
    assert_eq!(err.message(), "Request has expired");
    assert!(err
        .to_xml()
        .contains("<X-Amz-Expires>60</X-Amz-Expires><Expires>2024-03-15T10:16:00Z</Expires>"));
    assert!(url.check_with(&v, later(-900), &creds()).is_ok());
    assert_eq!(
        url.check_with(&v, later(-901), &creds())
            .unwrap_err()
            .message(),
        "Request is not yet valid"
    );
}
