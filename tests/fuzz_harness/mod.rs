//! The fuzz harness: one function per fuzz target, shared by the cargo-fuzz
//! targets in `fuzz/fuzz_targets/` (nightly), the corpus replay in
//! `tests/fuzz_replay.rs` and the property tests in
//! `tests/proptest_entry_points.rs` (stable).
//!
//! Input format: the bytes are split on `0xFF` (never part of UTF-8) into
//! fields, each read as UTF-8 with invalid sequences replaced by U+FFFD; a
//! missing field is empty (or `None` where a field is optional). Each target
//! documents its field list. A target must never panic on any input: every
//! assertion here is an invariant of the public API checked against values
//! computed independently of the library (HMAC-SHA256 from the `hmac` crate,
//! percent-decoding, JSON parsing), never against its own output alone.
#![allow(dead_code)] // each includer uses part of the harness

use std::time::Duration;

use awsig::{
    sign_policy_document, Addressing, CredentialScope, Credentials, EncodedPath, Endpoint,
    ObjectKey, Payload, PostPolicy, Request, SessionTokenMode, Signer, SigningSettings,
    SigningTime, StreamingPayload,
};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

/// How far an input got: through every check, or refused with a typed
/// error (also checked), or not even a request (a path or URL refused up
/// front).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Signed (or parsed) and every invariant held.
    Checked,
    /// Refused with this error, the same for every variant of the call.
    Refused(awsig::Error),
    /// The request could not be built from the fields.
    Skipped,
    /// Refused by the verifier with this error (the `verify` target).
    Denied(awsig::VerifyError),
}

/// A fuzz target: its name (the folder under `fuzz/corpus/` and
/// `fuzz/artifacts/`) and its body.
pub type Target = (&'static str, fn(&[u8]) -> Outcome);

/// Every target, by name.
pub const TARGETS: [Target; 5] = [
    ("parse", parse),
    ("sign", sign),
    ("presign", presign),
    ("post_policy", post_policy),
    ("verify", verify),
];

pub mod verify;
pub use verify::verify;

/// The field separator of the input format.
pub const SEP: u8 = 0xFF;

/// An input split into fields: raw bytes (for flags and numbers) and text.
pub struct Fields {
    raw: Vec<Vec<u8>>,
    text: Vec<String>,
}

impl Fields {
    /// Splits `data` on [`SEP`].
    pub fn new(data: &[u8]) -> Self {
        let raw: Vec<Vec<u8>> = data.split(|&b| b == SEP).map(<[u8]>::to_vec).collect();
        let text = raw
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        Fields { raw, text }
    }

    /// Field `i` as text, empty when missing.
    pub fn get(&self, i: usize) -> &str {
        self.text.get(i).map_or("", String::as_str)
    }

    /// Field `i` as text, `None` when missing.
    pub fn opt(&self, i: usize) -> Option<&str> {
        self.text.get(i).map(String::as_str)
    }

    /// Byte `n` of field `i`, 0 when missing.
    pub fn byte(&self, i: usize, n: usize) -> u8 {
        self.raw.get(i).and_then(|f| f.get(n)).copied().unwrap_or(0)
    }

    /// Up to `len` (at most 8) bytes of field `i` from byte `n`, little-endian.
    pub fn number(&self, i: usize, n: usize, len: usize) -> u64 {
        let b = self.raw.get(i).map_or(&[][..], Vec::as_slice);
        b.iter()
            .skip(n)
            .take(len.min(8))
            .rev()
            .fold(0, |acc, &x| (acc << 8) | u64::from(x))
    }
}

/// Joins fields into an input (for the property tests and the corpus).
pub fn join(fields: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(SEP);
        }
        out.extend_from_slice(f);
    }
    out
}

// ---------------------------------------------------------------------------
// Independent references.

/// `hex(HMAC-SHA256(kSigning, data))` with the key derived from the secret by
/// the SigV4 chain, written from the spec with the `hmac` crate.
pub fn reference_signature(
    secret: &str,
    date: &str,
    region: &str,
    service: &str,
    data: &[u8],
) -> String {
    fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
        let mut m = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
        m.update(data);
        m.finalize().into_bytes().to_vec()
    }
    let k = mac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k = mac(&k, region.as_bytes());
    let k = mac(&k, service.as_bytes());
    let k = mac(&k, b"aws4_request");
    hex::encode(mac(&k, data))
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// 64 lowercase hex digits.
pub fn is_signature(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// RFC 3986 encoding of everything but the unreserved characters (the form
/// a token takes in a query).
pub fn uri_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decodes a URL path (lossy on invalid UTF-8).
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// `text` with each of `hex` (signatures, hashes) replaced by `<hex>`: the
/// parts of an output that depend on the secret by design.
fn mask(text: &str, hex: &[&str]) -> String {
    let mut out = text.to_owned();
    for h in hex.iter().filter(|h| !h.is_empty()) {
        out = out.replace(h, "<hex>");
    }
    out
}

/// `text` (made with the real secret and token) holds none of their forms
/// unless `reference` (the same output made with placeholders) holds it too,
/// i.e. unless it is there by coincidence (a token `"a"` is in any text).
fn assert_no_leak(what: &str, text: &str, reference: &str, secrets: &[&str]) {
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        for form in [s.to_string(), uri_encode(s)] {
            assert!(
                !text.contains(&form) || reference.contains(&form),
                "{what} shows a secret ({form:?}): {text}"
            );
        }
    }
}

/// A secret or token different from `s`, of the same kind.
fn placeholder(s: &str, base: &str) -> String {
    if s == base {
        format!("{base}2")
    } else {
        base.to_string()
    }
}

// ---------------------------------------------------------------------------
// Shared set-up.

const DEFAULT_TIME: &str = "20240101T000000Z";

/// Credentials and signer from fields; invalid ones are replaced by valid
/// defaults so the other fields are still exercised.
struct Setup {
    secret: String,
    token: Option<String>,
    signer: Signer,
    /// The same signer with placeholder secret and token.
    reference: Signer,
    region: String,
    service: String,
}

impl Setup {
    fn new(akid: &str, secret: &str, token: Option<&str>, region: &str, service: &str) -> Self {
        let valid = Credentials::new(akid, secret, token.map(str::to_owned))
            .and_then(|c| Signer::new(c, region, service))
            .is_ok();
        let (akid, secret, token, region, service) = if valid {
            (akid, secret, token, region, service)
        } else {
            (
                "AKIDEXAMPLE",
                "secret",
                token.map(|_| "token"),
                "us-east-1",
                "s3",
            )
        };
        let make = |secret: &str, token: Option<&str>| {
            let creds = Credentials::new(akid, secret, token.map(str::to_owned))
                .expect("validated credentials");
            Signer::new(creds, region, service).expect("validated scope")
        };
        let p_secret = placeholder(secret, "PLACEHOLDERSECRET");
        let p_token = token.map(|t| placeholder(t, "PLACEHOLDERTOKEN"));
        Setup {
            secret: secret.to_owned(),
            token: token.map(str::to_owned),
            signer: make(secret, token),
            reference: make(&p_secret, p_token.as_deref()),
            region: region.to_owned(),
            service: service.to_owned(),
        }
    }

    fn secrets(&self) -> Vec<&str> {
        let mut s = vec![self.secret.as_str()];
        s.extend(self.token.as_deref());
        s
    }
}

/// The signing time of field `s`, or a default.
fn time_of(s: &str) -> SigningTime {
    SigningTime::parse(s)
        .or_else(|_| SigningTime::parse(DEFAULT_TIME))
        .expect("default time")
}

/// An endpoint from a selector byte and a URL field.
fn endpoint_of(sel: u8, url: &str, region: &str) -> Endpoint {
    let e = match sel % 4 {
        0 => Endpoint::aws_s3(region).ok(),
        1 => Endpoint::parse(url).ok(),
        2 => Endpoint::parse("http://127.0.0.1:9000").ok(),
        _ => Endpoint::parse(url)
            .ok()
            .map(|e| e.with_addressing(Addressing::VirtualHost)),
    };
    e.unwrap_or_else(|| Endpoint::aws_s3("us-east-1").expect("default endpoint"))
}

/// Settings from a selector byte: the service's preset, the other preset,
/// or a variant with the token added after signing and more headers signed.
fn settings_of(sel: u8, service: &str, extra_header: &str) -> SigningSettings {
    let mut s = match sel % 3 {
        0 => SigningSettings::for_service(service),
        1 => SigningSettings::s3(),
        _ => SigningSettings::generic(),
    };
    if sel & 4 != 0 {
        s.session_token = SessionTokenMode::AfterSigning;
    }
    if sel & 8 != 0 {
        s.include_header("user-agent");
        assert!(!s.is_excluded("User-Agent"));
        s.exclude_header(extra_header);
        assert!(s.is_excluded(extra_header));
    }
    if sel & 16 != 0 {
        s.max_expires_secs = u64::MAX;
    }
    s
}

/// Field layout shared by `sign` and `presign`.
mod f {
    pub const FLAGS: usize = 0;
    pub const METHOD: usize = 1;
    pub const BUCKET: usize = 2;
    pub const KEY: usize = 3;
    pub const PATH: usize = 4;
    pub const QUERY: usize = 5;
    pub const H1: usize = 6; // name, then value
    pub const H2: usize = 8;
    pub const P1: usize = 10; // name, then value
    pub const PAYLOAD: usize = 12;
    pub const AKID: usize = 13;
    pub const SECRET: usize = 14;
    pub const TOKEN: usize = 15;
    pub const REGION: usize = 16;
    pub const SERVICE: usize = 17;
    pub const TIME: usize = 18;
    pub const URL: usize = 19;
}

/// The owned inputs of one request.
struct RequestInputs<'a> {
    fields: &'a Fields,
    endpoint: Endpoint,
    headers: Vec<(&'a str, &'a str)>,
    params: Vec<(&'a str, &'a str)>,
    settings: SigningSettings,
}

/// Which of the request forms a flags byte asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Key,
    Path,
    FromUrl,
}

impl<'a> RequestInputs<'a> {
    fn new(fields: &'a Fields, setup: &Setup) -> Self {
        let flags = fields.byte(f::FLAGS, 0);
        let endpoint = endpoint_of(flags >> 2, fields.get(f::URL), &setup.region);
        // A header or param whose name and value are both empty is none.
        let pair = |i: usize| {
            let (n, v) = (fields.get(i), fields.get(i + 1));
            (!n.is_empty() || !v.is_empty()).then_some((n, v))
        };
        let headers: Vec<(&str, &str)> = [f::H1, f::H2].into_iter().filter_map(pair).collect();
        let params: Vec<(&str, &str)> = pair(f::P1).into_iter().collect();
        let settings = settings_of(fields.byte(f::FLAGS, 1), &setup.service, fields.get(f::H2));
        RequestInputs {
            fields,
            endpoint,
            headers,
            params,
            settings,
        }
    }

    fn shape(&self) -> Shape {
        match self.fields.byte(f::FLAGS, 0) % 4 {
            0 | 1 => Shape::Key,
            2 => Shape::Path,
            _ => Shape::FromUrl,
        }
    }

    /// The request, or `None` when the path or URL is refused up front.
    fn request(&'a self) -> Option<Request<'a>> {
        let fl = self.fields;
        let method = fl.get(f::METHOD);
        let mut req = match self.shape() {
            Shape::Key => Request::new(method, &self.endpoint).key(ObjectKey::new(fl.get(f::KEY))),
            Shape::Path => {
                Request::new(method, &self.endpoint).path(EncodedPath::new(fl.get(f::PATH)).ok()?)
            }
            Shape::FromUrl => Request::from_url(method, fl.get(f::URL)).ok()?,
        };
        if self.shape() != Shape::FromUrl && fl.opt(f::BUCKET).is_some() {
            req = req.bucket(fl.get(f::BUCKET));
        }
        if self.shape() != Shape::FromUrl {
            req = req.query(fl.get(f::QUERY));
        }
        req = req.headers(&self.headers).params(&self.params);
        let payload = fl.get(f::PAYLOAD);
        req = match fl.byte(f::FLAGS, 2) % 5 {
            0 => req,
            1 => req.payload(Payload::Bytes(payload.as_bytes())),
            2 => req.payload(Payload::Precomputed(payload)),
            3 => req.payload(Payload::Unsigned),
            _ => req.payload(Payload::Streaming(StreamingPayload::Aws4HmacSha256Payload)),
        };
        if fl.byte(f::FLAGS, 1) & 32 != 0 {
            req = req.settings(&self.settings);
        }
        Some(req)
    }

    /// The settings the signer applies to the request.
    fn effective_settings(&self, signer: &Signer) -> SigningSettings {
        if self.fields.byte(f::FLAGS, 1) & 32 != 0 {
            self.settings.clone()
        } else {
            signer.settings().clone()
        }
    }
}

fn setup_of(fl: &Fields) -> Setup {
    Setup::new(
        fl.get(f::AKID),
        fl.get(f::SECRET),
        fl.opt(f::TOKEN)
            .filter(|_| fl.byte(f::FLAGS, 0) & 0x80 == 0),
        fl.get(f::REGION),
        fl.get(f::SERVICE),
    )
}

/// The canonical-request and string-to-sign invariants shared by `sign` and
/// `presign`: the string to sign is the spec's, over the SHA-256 of the
/// canonical request, and the signature is HMAC-SHA256 over it with the key
/// derived from the secret.
fn check_audit(setup: &Setup, time: &SigningTime, audit: &awsig::Audit, signature: &str) {
    let scope = format!(
        "{}/{}/{}/aws4_request",
        time.date_stamp(),
        setup.region,
        setup.service
    );
    assert_eq!(audit.credential_scope, scope);
    assert_eq!(audit.signature, signature);
    assert!(is_signature(signature), "{signature:?}");
    let expected_sts = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        time.amz_date(),
        sha256_hex(audit.canonical_request.as_bytes())
    );
    assert_eq!(audit.string_to_sign, expected_sts);
    let expected = reference_signature(
        &setup.secret,
        time.date_stamp(),
        &setup.region,
        &setup.service,
        audit.string_to_sign.as_bytes(),
    );
    assert_eq!(
        signature, expected,
        "signature is not HMAC of the string to sign"
    );
    // Signed headers: lowercase, sorted, unique, `host` among them, and the
    // same list closes the canonical request.
    let names: Vec<&str> = audit.signed_headers.split(';').collect();
    assert!(names.contains(&"host"), "{names:?}");
    assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
    assert!(names
        .iter()
        .all(|n| !n.is_empty() && !n.bytes().any(|b| b.is_ascii_uppercase())));
    let lines: Vec<&str> = audit.canonical_request.split('\n').collect();
    assert!(lines.len() >= 6, "{:?}", audit.canonical_request);
    assert_eq!(lines[lines.len() - 2], audit.signed_headers);
}

// ---------------------------------------------------------------------------
// Targets.

/// `parse`: the parsers and validators.
///
/// Fields: time, endpoint URL, encoded path, object key, access key id,
/// secret, session token (optional), date stamp, region, service, method,
/// request URL, header name.
pub fn parse(data: &[u8]) -> Outcome {
    let fl = Fields::new(data);

    // SigningTime::parse: a parsed time prints in both forms and reparses to itself.
    if let Ok(t) = SigningTime::parse(fl.get(0)) {
        let amz = t.amz_date();
        assert_eq!(amz.len(), 16);
        assert_eq!(SigningTime::parse(amz).ok(), Some(t));
        assert_eq!(t.date_stamp(), &amz[..8]);
        assert_eq!(t.to_string(), amz);
        let iso = format!(
            "{}-{}-{}T{}:{}:{}Z",
            &amz[0..4],
            &amz[4..6],
            &amz[6..8],
            &amz[9..11],
            &amz[11..13],
            &amz[13..15]
        );
        assert_eq!(SigningTime::parse(&iso).ok(), Some(t));
        assert_eq!(
            SigningTime::from_offset_datetime(t.to_offset_datetime()).ok(),
            Some(t)
        );
    }

    // Endpoint::parse: what was parsed prints as a URL that parses back the same.
    if let Ok(e) = Endpoint::parse(fl.get(1)) {
        assert!(!e.host().is_empty());
        assert_ne!(e.port(), Some(0));
        let port = e.port().map_or(String::new(), |p| format!(":{p}"));
        let again = format!("{}://{}{port}", e.scheme().as_str(), e.host());
        assert_eq!(Endpoint::parse(&again).ok().as_ref(), Some(&e), "{again}");
        let req = Request::new("GET", &e);
        assert!(req.url_prefix().starts_with(&again), "{}", req.url_prefix());
    }
    let _ = Endpoint::aws_s3(fl.get(8));

    // EncodedPath and ObjectKey keep their text.
    if let Ok(p) = EncodedPath::new(fl.get(2)) {
        assert_eq!(p.as_str(), fl.get(2));
        assert!(p.as_str().starts_with('/'));
        assert!(!p.as_str().contains(['?', '#']));
    }
    assert_eq!(ObjectKey::new(fl.get(3)).as_str(), fl.get(3));

    // Credentials::new: valid ones keep their parts and never print secrets.
    let secret = fl.get(5);
    let token = fl.opt(6);
    if let Ok(c) = Credentials::new(fl.get(4), secret, token.map(str::to_owned)) {
        assert_eq!(c.access_key_id(), fl.get(4));
        assert!(c.access_key_id().bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(c.session_token(), token);
        let r = Credentials::new(
            fl.get(4),
            placeholder(secret, "PLACEHOLDERSECRET"),
            token.map(|t| placeholder(t, "PLACEHOLDERTOKEN")),
        )
        .expect("placeholders are valid");
        let secrets: Vec<&str> = std::iter::once(secret).chain(token).collect();
        for (what, text, reference) in [
            ("Credentials Debug", format!("{c:?}"), format!("{r:?}")),
            ("Credentials Display", c.to_string(), r.to_string()),
        ] {
            assert_eq!(text, reference, "{what} depends on the secret");
            assert_no_leak(what, &text, &reference, &secrets);
        }
    }

    // CredentialScope::new and Signer::new agree on region and service.
    let (date, region, service) = (fl.get(7), fl.get(8), fl.get(9));
    if let Ok(s) = CredentialScope::new(date, region, service) {
        assert_eq!(
            s.to_string(),
            format!("{date}/{region}/{service}/aws4_request")
        );
        assert_eq!((s.date(), s.region(), s.service()), (date, region, service));
    }
    let scope_ok = CredentialScope::new("20240101", region, service).is_ok();
    let creds = Credentials::new("AKID", "secret", None).expect("valid");
    assert_eq!(Signer::new(creds, region, service).is_ok(), scope_ok);

    // Request::from_url: its prefix is a URL that reads back the same.
    let method = fl.get(10);
    if let Ok(r) = Request::from_url(method, fl.get(11)) {
        let prefix = r.url_prefix();
        assert!(prefix.starts_with("http://") || prefix.starts_with("https://"));
        let again = Request::from_url(method, &prefix)
            .unwrap_or_else(|e| panic!("url_prefix {prefix:?} does not parse: {e}"));
        assert_eq!(again.url_prefix(), prefix);
    }

    // Settings: exclude / include a header by any name.
    let name = fl.get(12);
    let mut s = SigningSettings::for_service(service);
    s.exclude_header(name);
    assert!(s.is_excluded(name));
    s.include_header(name);
    assert!(!s.is_excluded(name));
    Outcome::Checked
}

/// `sign`: `Signer::sign` and `Signer::audit_sign` on any request.
///
/// Fields: flags, method, bucket, key, encoded path, query, header 1 name
/// and value, header 2 name and value, param name and value, payload, access
/// key id, secret, token, region, service, time, URL. A missing bucket
/// field means no bucket; a header or param with an empty name and an empty
/// value means none.
///
/// Flags, byte 0: bits 0–1 the request (0, 1: bucket + key; 2: bucket +
/// encoded path; 3: `Request::from_url(URL)`), bits 2–3 the endpoint (0:
/// `aws_s3(region)`; 1: `parse(URL)`; 2: `http://127.0.0.1:9000`; 3:
/// `parse(URL)` with virtual-host addressing), bit 7 drops the token.
/// Byte 1: settings, bits 0–1 (0: the service's preset; 1: S3; 2: generic),
/// bit 2 token added after signing, bit 3 `user-agent` included and header
/// 2's name excluded, bit 4 no expiry limit, bit 5 these settings are set on
/// the request (else the signer's preset applies). Byte 2: the payload (0:
/// none; 1: the payload field's bytes; 2: the field as a precomputed hash;
/// 3: unsigned; 4: streaming).
pub fn sign(data: &[u8]) -> Outcome {
    let fl = Fields::new(data);
    let setup = setup_of(&fl);
    let time = time_of(fl.get(f::TIME));
    let inputs = RequestInputs::new(&fl, &setup);
    let Some(req) = inputs.request() else {
        return Outcome::Skipped;
    };
    let _ = req.url_prefix();

    let signed = match setup.signer.sign(&req, time) {
        Ok(s) => s,
        Err(e) => {
            // Refused: every variant refuses it the same way.
            let _ = e.to_string();
            assert_eq!(setup.signer.audit_sign(&req, time).err(), Some(e.clone()));
            assert_eq!(setup.reference.sign(&req, time).err(), Some(e.clone()));
            return Outcome::Refused(e);
        }
    };
    let again = setup.signer.sign(&req, time).expect("signed once");
    let headers: Vec<(&str, &str)> = signed.headers().collect();
    assert_eq!(
        headers,
        again.headers().collect::<Vec<_>>(),
        "not deterministic"
    );
    let (audited, audit) = setup.signer.audit_sign(&req, time).expect("signed once");
    assert_eq!(headers, audited.headers().collect::<Vec<_>>());
    check_audit(&setup, &time, &audit, signed.signature());

    assert_eq!(signed.x_amz_date(), time.amz_date());
    assert_eq!(signed.x_amz_security_token(), setup.token.as_deref());
    let akid = setup.signer.credentials().access_key_id();
    assert_eq!(
        signed.authorization(),
        format!(
            "AWS4-HMAC-SHA256 Credential={akid}/{}, SignedHeaders={}, Signature={}",
            audit.credential_scope,
            audit.signed_headers,
            signed.signature()
        )
    );
    let settings = inputs.effective_settings(&setup.signer);
    assert_eq!(
        signed.x_amz_content_sha256().is_some(),
        settings.content_sha256_header
    );
    if let Some(h) = signed.x_amz_content_sha256() {
        assert_eq!(audit.canonical_request.rsplit('\n').next(), Some(h));
    }
    if setup.token.is_some() && settings.session_token == SessionTokenMode::Signed {
        assert!(audit
            .signed_headers
            .split(';')
            .any(|n| n == "x-amz-security-token"));
    }

    // No secret in what prints, and the printed forms depend on the secret
    // only through the signature.
    let (r_signed, r_audit) = setup
        .reference
        .audit_sign(&req, time)
        .expect("same request");
    let hex = [
        signed.signature(),
        r_signed.signature(),
        &audit.string_to_sign[audit.string_to_sign.len() - 64..],
        &r_audit.string_to_sign[r_audit.string_to_sign.len() - 64..],
    ];
    let secrets = setup.secrets();
    for (what, text, reference, exact) in [
        (
            "AuthorizationHeaders Debug",
            format!("{signed:?}"),
            format!("{r_signed:?}"),
            true,
        ),
        (
            "Signer Debug",
            format!("{:?}", setup.signer),
            format!("{:?}", setup.reference),
            true,
        ),
        (
            "Audit Debug",
            format!("{audit:?}"),
            format!("{r_audit:?}"),
            false,
        ),
        (
            "Audit Display",
            audit.to_string(),
            r_audit.to_string(),
            false,
        ),
    ] {
        let (text, reference) = (mask(&text, &hex), mask(&reference, &hex));
        if exact {
            assert_eq!(text, reference, "{what} depends on the secret");
        }
        assert_no_leak(what, &text, &reference, &secrets);
    }
    assert_ne!(
        signed.signature(),
        r_signed.signature(),
        "two secrets gave one signature"
    );
    Outcome::Checked
}

/// `presign`: `Signer::presign` and `Signer::audit_presign` on any request.
///
/// Fields: as for [`sign`], with bytes 3..6 of the flags field the expiry in
/// seconds, little-endian (0 and over the maximum are refused), and bit 0 of
/// byte 6 reading it as 7 ms units instead (fractions are refused).
pub fn presign(data: &[u8]) -> Outcome {
    let fl = Fields::new(data);
    let setup = setup_of(&fl);
    let time = time_of(fl.get(f::TIME));
    let inputs = RequestInputs::new(&fl, &setup);
    let Some(req) = inputs.request() else {
        return Outcome::Skipped;
    };
    let secs = fl.number(f::FLAGS, 3, 3);
    let expires = if fl.byte(f::FLAGS, 6) & 1 != 0 {
        Duration::from_millis(secs * 7)
    } else {
        Duration::from_secs(secs)
    };

    let url = match setup.signer.presign(&req, time, expires) {
        Ok(u) => u,
        Err(e) => {
            let _ = e.to_string();
            assert_eq!(
                setup.signer.audit_presign(&req, time, expires).err(),
                Some(e.clone())
            );
            assert_eq!(
                setup.reference.presign(&req, time, expires).err(),
                Some(e.clone())
            );
            return Outcome::Refused(e);
        }
    };
    let again = setup
        .signer
        .presign(&req, time, expires)
        .expect("signed once");
    assert_eq!(url.as_str(), again.as_str(), "not deterministic");
    let (audited, audit) = setup
        .signer
        .audit_presign(&req, time, expires)
        .expect("signed once");
    assert_eq!(url.as_str(), audited.as_str());
    check_audit(&setup, &time, &audit, url.signature());

    // The URL: prefix, canonical query, signature last.
    let s = url.as_str();
    let prefix = req.url_prefix();
    assert!(s.starts_with(&format!("{prefix}?")), "{s} / {prefix}");
    let tail = format!("&X-Amz-Signature={}", url.signature());
    assert!(s.ends_with(&tail));
    let query = &s[prefix.len() + 1..s.len() - tail.len()];
    let canonical_query = audit
        .canonical_request
        .split('\n')
        .nth(2)
        .expect("query line");
    let settings = inputs.effective_settings(&setup.signer);
    match (&setup.token, settings.session_token) {
        (Some(t), SessionTokenMode::AfterSigning) => {
            assert_eq!(
                query,
                format!("{canonical_query}&X-Amz-Security-Token={}", uri_encode(t))
            );
        }
        (Some(t), SessionTokenMode::Signed) => {
            assert_eq!(query, canonical_query);
            let param = format!("X-Amz-Security-Token={}", uri_encode(t));
            assert!(query.split('&').any(|p| p == param), "{query}");
        }
        (None, _) => assert_eq!(query, canonical_query),
    }
    assert!(query.contains(&format!("X-Amz-Date={}", time.amz_date())));
    assert!(query.contains(&format!("X-Amz-Expires={}", expires.as_secs())));
    assert_eq!(url.signed_at(), time);
    let span = url.expires_at().to_offset_datetime() - time.to_offset_datetime();
    if url.expires_at() != SigningTime::parse("99991231T235959Z").expect("valid") {
        assert_eq!(span.whole_seconds(), expires.as_secs() as i64);
    } else {
        assert!(span.whole_seconds() <= expires.as_secs() as i64);
    }

    // The wire path decodes back to the bucket and key.
    if inputs.shape() == Shape::Key {
        let key = fl.get(f::KEY);
        let path = &prefix[prefix.find("://").map_or(0, |i| i + 3)..];
        let path = &path[path.find('/').unwrap_or(path.len())..];
        // The documented rule: the bucket goes in the host with virtual-host
        // addressing when it is a DNS label (3 to 63 of a-z 0-9 -, no
        // leading or trailing -).
        let bucket_in_host = fl.opt(f::BUCKET).is_some_and(|b| {
            inputs.endpoint.addressing() == Addressing::VirtualHost
                && (3..=63).contains(&b.len())
                && b.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                && !b.starts_with('-')
                && !b.ends_with('-')
        });
        let expected = match fl.opt(f::BUCKET) {
            Some(_) if bucket_in_host => format!("/{key}"),
            Some(b) if key.is_empty() => format!("/{b}"),
            Some(b) => format!("/{b}/{key}"),
            None => format!("/{key}"),
        };
        assert_eq!(percent_decode(path), expected, "{prefix}");
    }

    // No secret in what prints.
    let (r_url, r_audit) = setup
        .reference
        .audit_presign(&req, time, expires)
        .expect("same request");
    let hex = [
        url.signature(),
        r_url.signature(),
        &audit.string_to_sign[audit.string_to_sign.len() - 64..],
        &r_audit.string_to_sign[r_audit.string_to_sign.len() - 64..],
    ];
    let secrets = setup.secrets();
    for (what, text, reference, exact) in [
        (
            "PresignedUrl Debug",
            format!("{url:?}"),
            format!("{r_url:?}"),
            true,
        ),
        (
            "PresignedUrl Display",
            url.to_string(),
            r_url.to_string(),
            true,
        ),
        (
            "Audit Debug",
            format!("{audit:?}"),
            format!("{r_audit:?}"),
            false,
        ),
        (
            "Audit Display",
            audit.to_string(),
            r_audit.to_string(),
            false,
        ),
    ] {
        let (text, reference) = (mask(&text, &hex), mask(&reference, &hex));
        if exact {
            assert_eq!(text, reference, "{what} depends on the secret");
        }
        assert_no_leak(what, &text, &reference, &secrets);
    }
    assert_ne!(
        url.signature(),
        r_url.signature(),
        "two secrets gave one signature"
    );
    Outcome::Checked
}

/// `post_policy`: `PostPolicy` building, `sign`, `PostForm::to_json` and
/// `to_html`, and `sign_policy_document`.
///
/// Fields: flags (byte 0: bits 0–1 the key (exact, starts-with,
/// `${filename}`, none), bits 2–3 the endpoint as for [`sign`], bit 7 drops
/// the token; byte 1: bit 0 `field`, bit 1 `field_eq`, bit 2 `starts_with`,
/// bit 3 `content_length_range`, bit 4 `field` twice, bit 6 `expires_at`
/// (the endpoint URL field read as a time) instead of `expires_in`; bytes
/// 2..10: `expires_in` in ms, little-endian), bucket, key, field name, field
/// value, eq name, eq value, starts-with name, starts-with prefix, endpoint
/// URL, secret, token, time, content-length min, max (decimal), a raw policy
/// document.
pub fn post_policy(data: &[u8]) -> Outcome {
    let fl = Fields::new(data);
    let flags = fl.byte(0, 0);
    let conds = fl.byte(0, 1);
    let setup = Setup::new(
        "AKIDEXAMPLE",
        fl.get(10),
        fl.opt(11).filter(|_| flags & 0x80 == 0),
        "us-east-1",
        "s3",
    );
    let time = time_of(fl.get(12));
    let endpoint = endpoint_of(flags >> 2, fl.get(9), "us-east-1");

    let mut policy = PostPolicy::new(fl.get(1));
    policy = match flags % 4 {
        0 => policy.key(fl.get(2)),
        1 => policy.key_starts_with(fl.get(2)),
        2 => policy.key_with_filename(fl.get(2)),
        _ => policy,
    };
    let ms = fl.number(0, 2, 8);
    policy = if conds & 64 != 0 {
        policy.expires_at(time_of(fl.get(9)))
    } else {
        policy.expires_in(Duration::from_millis(ms))
    };
    if conds & 1 != 0 {
        policy = policy.field(fl.get(3), fl.get(4));
    }
    if conds & 2 != 0 {
        policy = policy.field_eq(fl.get(5), fl.get(6));
    }
    if conds & 4 != 0 {
        policy = policy.starts_with(fl.get(7), fl.get(8));
    }
    if conds & 8 != 0 {
        let n = |s: &str| s.parse::<u64>().unwrap_or(0);
        policy = policy.content_length_range(n(fl.get(13)), n(fl.get(14)));
    }
    if conds & 16 != 0 {
        // The same condition twice: refused or kept once, never a panic.
        policy = policy.field(fl.get(3), fl.get(4));
    }
    let _ = format!("{policy:?}");

    // A raw document is signed byte for byte.
    let doc = fl.get(15);
    let raw = sign_policy_document(&setup.signer, time, doc.as_bytes());
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(doc.as_bytes())
    };
    assert_eq!(raw.policy_base64, b64);
    assert_eq!(
        raw.signature,
        reference_signature(
            &setup.secret,
            time.date_stamp(),
            "us-east-1",
            "s3",
            b64.as_bytes()
        )
    );
    let _ = format!("{raw:?}");

    let form = match policy.sign(&setup.signer, &endpoint, time) {
        Ok(f) => f,
        Err(e) => {
            let _ = e.to_string();
            assert_eq!(
                policy.sign(&setup.reference, &endpoint, time).err(),
                Some(e.clone())
            );
            return Outcome::Refused(e);
        }
    };
    let again = policy
        .sign(&setup.signer, &endpoint, time)
        .expect("signed once");
    assert!(form == again, "not deterministic");

    // The signature is over the base64 of the policy shown.
    let signed = sign_policy_document(&setup.signer, time, form.policy().as_bytes());
    assert_eq!(form.policy_base64(), signed.policy_base64);
    assert_eq!(form.signature(), signed.signature);
    assert!(is_signature(form.signature()));
    let doc: serde_json::Value = serde_json::from_str(form.policy()).expect("the policy is JSON");
    assert_eq!(doc["expiration"].as_str(), Some(form.expiration()));
    assert_eq!(form.field("x-amz-date"), Some(time.amz_date()));
    assert_eq!(form.field("x-amz-security-token"), setup.token.as_deref());
    assert_eq!(form.field("x-amz-algorithm"), Some("AWS4-HMAC-SHA256"));

    // to_json: safe inside <script>, and reads back as the form.
    let json = form.to_json();
    for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(!json.contains(bad), "to_json has a raw {bad:?}: {json}");
    }
    let v: serde_json::Value = serde_json::from_str(&json).expect("to_json is JSON");
    assert_eq!(v["url"].as_str(), Some(form.url()));
    assert_eq!(v["expiration"].as_str(), Some(form.expiration()));
    let fill_in: Vec<&str> = form.fill_in().collect();
    let json_fill_in: Vec<&str> = v["fill_in"]
        .as_array()
        .expect("fill_in is an array")
        .iter()
        .map(|x| x.as_str().expect("names are strings"))
        .collect();
    assert_eq!(fill_in, json_fill_in);
    let fields: Vec<(&str, &str)> = form.fields().collect();
    let obj = v["fields"].as_object().expect("fields is an object");
    for (name, value) in &fields {
        if fields.iter().filter(|(n, _)| n == name).count() == 1 {
            assert_eq!(obj.get(*name).and_then(|x| x.as_str()), Some(*value));
        }
    }

    // to_html: no control byte but the line breaks it writes itself (C1
    // controls, U+0080–U+009F, are characters a browser keeps and submits
    // as they are, so they may stay).
    let html = form.to_html();
    assert!(
        !html.bytes().any(|b| b.is_ascii_control() && b != b'\n'),
        "to_html has a control character: {html:?}"
    );
    assert_eq!(html.matches("<input").count(), fields.len() + 2);

    // Debug shows neither secret nor token (nor the policy that holds it).
    let r_form = policy
        .sign(&setup.reference, &endpoint, time)
        .expect("same policy");
    let hex = [form.signature(), r_form.signature()];
    let (text, reference) = (
        mask(&format!("{form:?}"), &hex),
        mask(&format!("{r_form:?}"), &hex),
    );
    assert_eq!(text, reference, "PostForm Debug depends on the secret");
    assert_no_leak("PostForm Debug", &text, &reference, &setup.secrets());
    assert_ne!(
        form.signature(),
        r_form.signature(),
        "two secrets gave one signature"
    );
    Outcome::Checked
}
