//! The `verify` fuzz target: `IncomingRequest::new`, `Verifier::parse` and
//! `Unverified::verify` (or `verify_with_key`) on any request, and the
//! false-acceptance check: whenever awsig accepts a request, the request
//! carries the signature that a reference written here from the SigV4
//! specification computes for it (canonical request, string to sign,
//! HMAC-SHA256 with the `hmac` crate), in scope, in time, with `host` and
//! every `x-amz-*` header signed, and the body check it hands back holds
//! for the body.
//!
//! Fields (split on `0xFF`, see the module above): flags, method, request
//! target (`/path?query`), body, then header name, header value, name,
//! value, ... (any number, repeats allowed).
//!
//! Flags: byte 0: bit 0 generic rules (service `execute-api`) instead of
//! S3's (service `s3`); bit 1 *re-sign*: before any mutation, the harness
//! puts the reference signature of the request in place of the one in its
//! `Authorization` header or `X-Amz-Signature` parameter, so that the
//! fuzzer reaches valid signatures on any request; bit 2 the body is given
//! to the verifier up front (`IncomingRequest::payload`) instead of hashed
//! after verification; bit 3 the credentials carry the session token
//! [`TOKEN`]; bit 4 the token is added after signing
//! (`SessionTokenMode::AfterSigning`); bit 5 the body is given as its
//! SHA-256 (`Payload::Precomputed`); bit 6 `verify_with_key` instead of
//! `verify`; bit 7 `require_signed_header("content-type")`. Byte 1: the
//! mutation applied after re-signing: bits 0–1 none, replace, insert,
//! delete one byte; bits 2–4 where: method, target, a header value, a
//! header name, the body, the `Authorization` value, the `x-amz-date`
//! value. Byte 2: the byte replaced or inserted. Bytes 3–4: the position
//! (little-endian, modulo the length). Byte 5: which header. Bytes 6–7: the
//! server's clock, in seconds from the request's time (signed,
//! little-endian).

use awsig::{
    Credentials, IncomingRequest, Payload, PayloadCheck, SessionTokenMode, SigningKey,
    SigningSettings, SigningTime, Verifier, VerifyError,
};
use sha2::{Digest, Sha256};

use super::{reference_signature, sha256_hex, Fields, Outcome};

/// The one access key the server knows.
pub const AKID: &str = "AKIDEXAMPLE";
/// Its secret.
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The session token issued with it (flag bit 3).
pub const TOKEN: &str = "IQoJb3JpZ2luX2VjEP//////////wEaCXVzLWVhc3QtMSJH+token=";
/// The verifier's regions (the first one is where requests are signed).
pub const REGIONS: [&str; 2] = ["us-east-1", "auto"];
/// The server's clock when a request carries no time the reference reads.
pub const DEFAULT_TIME: &str = "20130524T000000Z";
/// The clock skew and the longest `X-Amz-Expires` the verifier takes (its
/// defaults, restated).
pub const MAX_SKEW: i64 = 900;
pub const MAX_EXPIRES: i64 = 604_800;

/// What a flags field asks for.
#[derive(Clone, Copy, Debug, Default)]
pub struct Flags {
    pub generic: bool,
    pub resign: bool,
    pub body_up_front: bool,
    pub token: bool,
    pub token_after_signing: bool,
    pub precomputed: bool,
    pub with_key: bool,
    pub require_content_type: bool,
    pub mutation: Mutation,
    pub clock_offset: i16,
}

/// A one-byte mutation of one part of the request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mutation {
    /// 0 none, 1 replace, 2 insert, 3 delete.
    pub op: u8,
    /// 0 method, 1 target, 2 header value, 3 header name, 4 body,
    /// 5 `Authorization` value, 6 `x-amz-date` value.
    pub part: u8,
    pub byte: u8,
    pub pos: u16,
    pub header: u8,
}

impl Flags {
    pub fn read(fl: &Fields) -> Self {
        let b = fl.byte(0, 0);
        let m = fl.byte(0, 1);
        Flags {
            generic: b & 1 != 0,
            resign: b & 2 != 0,
            body_up_front: b & 4 != 0,
            token: b & 8 != 0,
            token_after_signing: b & 16 != 0,
            precomputed: b & 32 != 0,
            with_key: b & 64 != 0,
            require_content_type: b & 128 != 0,
            mutation: Mutation {
                op: m & 3,
                part: (m >> 2) & 7,
                byte: fl.byte(0, 2),
                pos: fl.number(0, 3, 2) as u16,
                header: fl.byte(0, 5),
            },
            clock_offset: fl.number(0, 6, 2) as u16 as i16,
        }
    }

    /// The flags field for these flags.
    pub fn bytes(&self) -> Vec<u8> {
        let bits = [
            self.generic,
            self.resign,
            self.body_up_front,
            self.token,
            self.token_after_signing,
            self.precomputed,
            self.with_key,
            self.require_content_type,
        ];
        let b0 = bits
            .iter()
            .enumerate()
            .fold(0u8, |acc, (i, &on)| acc | (u8::from(on) << i));
        let m = self.mutation;
        let off = self.clock_offset.to_le_bytes();
        let pos = m.pos.to_le_bytes();
        let mut out = vec![
            b0,
            (m.op & 3) | ((m.part & 7) << 2),
            m.byte,
            pos[0],
            pos[1],
            m.header,
            off[0],
            off[1],
        ];
        // The separator never appears inside a field: a flag byte of 0xFF
        // would split the flags. Each such byte is stored as 0xFE, which
        // reads back the same except for the bits it drops.
        for b in &mut out {
            if *b == super::SEP {
                *b = 0xFE;
            }
        }
        out
    }

    pub fn service(&self) -> &'static str {
        if self.generic {
            "execute-api"
        } else {
            "s3"
        }
    }

    pub fn settings(&self) -> SigningSettings {
        let mut s = if self.generic {
            SigningSettings::generic()
        } else {
            SigningSettings::s3()
        };
        if self.token_after_signing {
            s.session_token = SessionTokenMode::AfterSigning;
        }
        s
    }
}

/// A request as the server received it (owned).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wire {
    pub method: String,
    pub target: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Wire {
    /// The request of fields 1.. .
    pub fn read(fl: &Fields) -> Self {
        let mut headers = Vec::new();
        let mut i = 4;
        while fl.opt(i).is_some() {
            headers.push((fl.get(i).to_string(), fl.get(i + 1).to_string()));
            i += 2;
        }
        Wire {
            method: fl.get(1).to_string(),
            target: fl.get(2).to_string(),
            body: fl.raw.get(3).cloned().unwrap_or_default(),
            headers,
        }
    }

    /// The input for the `verify` target: `flags` and this request.
    pub fn encode(&self, flags: &Flags) -> Vec<u8> {
        let flags = flags.bytes();
        let mut fields: Vec<&[u8]> = vec![
            &flags,
            self.method.as_bytes(),
            self.target.as_bytes(),
            &self.body,
        ];
        for (n, v) in &self.headers {
            fields.push(n.as_bytes());
            fields.push(v.as_bytes());
        }
        super::join(&fields)
    }

    fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// The values of the headers named `name` (lowercase), in order.
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.to_ascii_lowercase() == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name` when given exactly once, trimmed of SP and HTAB.
    fn single<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        let mut v = self.values(name);
        let first = v.next()?;
        v.next().is_none().then(|| first.trim_matches([' ', '\t']))
    }

    /// Applies `m`; the part is read back as UTF-8 (lossy).
    pub fn mutate(&mut self, m: &Mutation) {
        if m.op == 0 {
            return;
        }
        let header = |w: &Wire, name: &str| {
            w.headers
                .iter()
                .position(|(n, _)| n.eq_ignore_ascii_case(name))
        };
        let text = |s: &mut String, f: &dyn Fn(&mut Vec<u8>)| {
            let mut b = std::mem::take(s).into_bytes();
            f(&mut b);
            *s = String::from_utf8_lossy(&b).into_owned();
        };
        let edit = |b: &mut Vec<u8>| edit_bytes(b, m);
        let n = self.headers.len().max(1);
        match m.part {
            0 => text(&mut self.method, &edit),
            1 => text(&mut self.target, &edit),
            2 | 3 if !self.headers.is_empty() => {
                let h = &mut self.headers[usize::from(m.header) % n];
                text(if m.part == 2 { &mut h.1 } else { &mut h.0 }, &edit);
            }
            4 => edit(&mut self.body),
            5 => {
                if let Some(i) = header(self, "authorization") {
                    text(&mut self.headers[i].1, &edit);
                }
            }
            6 => {
                if let Some(i) = header(self, "x-amz-date") {
                    text(&mut self.headers[i].1, &edit);
                }
            }
            _ => {}
        }
    }
}

/// Replaces, inserts or deletes one byte of `b`.
fn edit_bytes(b: &mut Vec<u8>, m: &Mutation) {
    let at = |len: usize| {
        if len == 0 {
            0
        } else {
            usize::from(m.pos) % len
        }
    };
    match m.op {
        1 if !b.is_empty() => {
            let i = at(b.len());
            b[i] = m.byte;
        }
        2 => {
            let i = at(b.len() + 1);
            b.insert(i, m.byte);
        }
        3 if !b.is_empty() => {
            let i = at(b.len());
            b.remove(i);
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// The reference: SigV4 as the AWS documentation states it, for a server.

/// The authentication of a request as the reference reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefAuth {
    pub query: bool,
    pub akid: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: String,
    pub signature: String,
    /// `YYYYMMDDTHHMMSSZ`.
    pub amz_date: String,
    pub expires: Option<i64>,
    pub token: Option<String>,
}

/// Percent-decoding, `+` a literal plus, a `%` not followed by two hex
/// digits kept as it is.
fn decode(s: &str) -> Vec<u8> {
    percent_encoding::percent_decode_str(s).collect()
}

/// SigV4's URI encoding: `A-Z a-z 0-9 - _ . ~` (and `/` when kept) as they
/// are, every other byte `%XX`, uppercase.
pub fn strict_encode(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The query's `name=value` pairs, split on `&` (empty pieces dropped) and
/// the first `=`, names and values decoded.
fn query_pairs(query: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(n), decode(v))
        })
        .collect()
}

/// The names of query authentication. They are read in any ASCII case, as
/// awsig documents (the case of a signed name is part of the canonical
/// query all the same; `tests/s3s_crosscheck.rs` records that s3s-fs reads
/// them case-sensitively).
const QUERY_AUTH: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];

/// `AKID/YYYYMMDD/region/service/aws4_request`.
fn credential(c: &str) -> Option<[String; 4]> {
    let p: Vec<&str> = c.split('/').collect();
    let [akid, date, region, service, "aws4_request"] = p[..] else {
        return None;
    };
    Some([akid, date, region, service].map(str::to_string))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Seconds since the epoch of `YYYYMMDDTHHMMSSZ`.
pub fn amz_unix(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || !s.is_ascii() || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = &s[r];
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59
    {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate) as `YYYYMMDDTHHMMSSZ`.
fn imf_fixdate(s: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let b = s.as_bytes();
    if b.len() != 29 || !s.is_ascii() || &s[3..5] != ", " || !s.ends_with(" GMT") {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == &s[8..11])? + 1;
    let (day, year, time) = (&s[5..7], &s[12..16], &s[17..25]);
    if b[7] != b' ' || b[11] != b' ' || b[16] != b' ' || b[19] != b':' || b[22] != b':' {
        return None;
    }
    let amz = format!(
        "{year}{month:02}{day}T{}{}{}Z",
        &time[0..2],
        &time[3..5],
        &time[6..8]
    );
    amz_unix(&amz).map(|_| amz)
}

/// The reference reading of a request's authentication: the
/// `Authorization` header (`AWS4-HMAC-SHA256`, one or more spaces, then
/// `Credential=`, `SignedHeaders=` and `Signature=` once each, comma
/// separated, spaces allowed around each), else the `X-Amz-*` query.
pub fn ref_auth(w: &Wire) -> Option<RefAuth> {
    let mut auth = w.values("authorization");
    if let Some(value) = auth.next() {
        if auth.next().is_some() {
            return None;
        }
        let v = value.trim_matches([' ', '\t']);
        let rest = v.strip_prefix("AWS4-HMAC-SHA256 ")?;
        let (mut cred, mut signed, mut sig) = (None, None, None);
        for comp in rest.split(',') {
            let (n, val) = comp.trim_matches(' ').split_once('=')?;
            let slot = match n {
                "Credential" => &mut cred,
                "SignedHeaders" => &mut signed,
                "Signature" => &mut sig,
                _ => return None,
            };
            if slot.replace(val.to_string()).is_some() {
                return None;
            }
        }
        let [akid, date, region, service] = credential(&cred?)?;
        let amz_date = match w.single("x-amz-date") {
            Some(d) => d.to_string(),
            None if w.values("x-amz-date").next().is_none() => imf_fixdate(w.single("date")?)?,
            None => return None,
        };
        let token = match w.values("x-amz-security-token").count() {
            0 => None,
            1 => w.single("x-amz-security-token").map(str::to_string),
            _ => return None,
        };
        return Some(RefAuth {
            query: false,
            akid,
            date,
            region,
            service,
            signed_headers: signed?,
            signature: sig?,
            amz_date,
            expires: None,
            token,
        });
    }
    let mut values: [Option<String>; 7] = Default::default();
    for (n, v) in query_pairs(w.query()) {
        if let Some(i) = QUERY_AUTH
            .iter()
            .position(|a| a.as_bytes().eq_ignore_ascii_case(&n))
        {
            if values[i].replace(String::from_utf8(v).ok()?).is_some() {
                return None;
            }
        }
    }
    let [Some(alg), Some(cred), Some(amz_date), Some(expires), Some(signed), Some(sig), token] =
        values
    else {
        return None;
    };
    if alg != "AWS4-HMAC-SHA256" {
        return None;
    }
    let [akid, date, region, service] = credential(&cred)?;
    let expires = (!expires.is_empty() && expires.bytes().all(|b| b.is_ascii_digit()))
        .then(|| expires.parse::<i64>().ok())??;
    Some(RefAuth {
        query: true,
        akid,
        date,
        region,
        service,
        signed_headers: signed,
        signature: sig,
        amz_date,
        expires: Some(expires),
        token,
    })
}

/// Removes `.`, `..` and empty segments (RFC 3986 section 5.2.4, and
/// SigV4's "normalize URI paths"), keeping a trailing `/`.
fn normalize(path: &[u8]) -> Vec<u8> {
    let mut out: Vec<&[u8]> = Vec::new();
    let mut trailing = false;
    for seg in path.split(|&b| b == b'/') {
        trailing = matches!(seg, b"" | b"." | b"..");
        match seg {
            b"" | b"." => {}
            b".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let mut p = Vec::new();
    for s in &out {
        p.push(b'/');
        p.extend_from_slice(s);
    }
    if p.is_empty() || trailing {
        p.push(b'/');
    }
    p
}

/// SigV4's header value canonicalization: trimmed, each run of whitespace
/// (SP, HTAB, and the CR LF of an obsolete line folding) one space.
fn fold(v: &str) -> String {
    v.split([' ', '\t', '\r', '\n'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The canonical request of `w` for the authentication `a`, or `None` when
/// a signed header is absent.
pub fn ref_canonical_request(w: &Wire, a: &RefAuth, f: &Flags) -> Option<String> {
    let path = if f.generic {
        strict_encode(&normalize(w.path().as_bytes()), true)
    } else {
        strict_encode(&decode(w.path()), true)
    };
    let mut pairs: Vec<(String, String)> = query_pairs(w.query())
        .into_iter()
        .filter(|(n, _)| {
            !(a.query
                && (n.eq_ignore_ascii_case(b"X-Amz-Signature")
                    || (f.token_after_signing && n.eq_ignore_ascii_case(b"X-Amz-Security-Token"))))
        })
        .map(|(n, v)| (strict_encode(&n, false), strict_encode(&v, false)))
        .collect();
    pairs.sort();
    let query: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
    let mut headers = String::new();
    for name in a.signed_headers.split(';') {
        let values: Vec<String> = w.values(name).map(fold).collect();
        if values.is_empty() {
            return None;
        }
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let payload = match w.single("x-amz-content-sha256") {
        Some(v) => v.to_string(),
        None if a.query && !f.generic => "UNSIGNED-PAYLOAD".to_string(),
        None => sha256_hex(&w.body),
    };
    Some(format!(
        "{}\n{path}\n{}\n{headers}\n{}\n{payload}",
        w.method,
        query.join("&"),
        a.signed_headers
    ))
}

/// The reference signature of `w` (for the known secret).
pub fn ref_signature(w: &Wire, a: &RefAuth, f: &Flags) -> Option<String> {
    let creq = ref_canonical_request(w, a, f)?;
    let scope = format!("{}/{}/{}/aws4_request", a.date, a.region, a.service);
    let sts = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        a.amz_date,
        sha256_hex(creq.as_bytes())
    );
    Some(reference_signature(
        SECRET,
        &a.date,
        &a.region,
        &a.service,
        sts.as_bytes(),
    ))
}

/// Puts `sig` in place of the signature of `w` (the `Signature=` component
/// or the `X-Amz-Signature` value); `false` when there is none.
pub fn put_signature(w: &mut Wire, sig: &str) -> bool {
    if let Some((_, v)) = w
        .headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
    {
        let Some(start) = v.find("Signature=").map(|i| i + "Signature=".len()) else {
            return false;
        };
        let end = v[start..].find([',', ' ']).map_or(v.len(), |i| start + i);
        v.replace_range(start..end, sig);
        return true;
    }
    let Some(q) = w.target.find('?').map(|i| i + 1) else {
        return false;
    };
    let mut off = q;
    let mut found = None;
    for piece in w.target[q..].split('&') {
        if let Some(old) = piece.strip_prefix("X-Amz-Signature=") {
            let start = off + "X-Amz-Signature=".len();
            found = Some(start..start + old.len());
            break;
        }
        off += piece.len() + 1;
    }
    match found {
        Some(range) => {
            w.target.replace_range(range, sig);
            true
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------
// The target.

/// The server's view of the request's time: the reference's reading, or
/// [`DEFAULT_TIME`].
fn request_unix(w: &Wire) -> i64 {
    ref_auth(w)
        .and_then(|a| amz_unix(&a.amz_date))
        .or_else(|| amz_unix(DEFAULT_TIME))
        .expect("default time")
}

/// A refusal: its code, status and XML are well formed and show no secret.
fn check_refusal(e: &VerifyError) {
    let (code, status, xml) = (e.code(), e.status(), e.to_xml());
    assert!(
        !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{code:?}"
    );
    assert!((400..600).contains(&status), "{status}");
    let text = format!("{xml}{}{e:?}{}", e.message(), e);
    for secret in [SECRET, TOKEN] {
        assert!(!text.contains(secret), "a refusal shows a secret: {text}");
    }
}

/// `verify`: see the module documentation.
pub fn verify(data: &[u8]) -> Outcome {
    let fl = Fields::new(data);
    let flags = Flags::read(&fl);
    let mut wire = Wire::read(&fl);
    let now_unix = request_unix(&wire).saturating_add(i64::from(flags.clock_offset));
    if flags.resign {
        if let Some(sig) = ref_auth(&wire).and_then(|a| ref_signature(&wire, &a, &flags)) {
            put_signature(&mut wire, &sig);
        }
    }
    wire.mutate(&flags.mutation);
    check(&wire, &flags, now_unix)
}

/// Runs the verifier on `wire` at `now_unix` and checks an acceptance
/// against the reference.
pub fn check(wire: &Wire, flags: &Flags, now_unix: i64) -> Outcome {
    match run(wire, flags, now_unix) {
        Ok(payload) => {
            check_accepted(wire, flags, now_unix, payload);
            Outcome::Checked
        }
        Err(e) => {
            check_refusal(&e);
            Outcome::Denied(e)
        }
    }
}

/// The verifier's verdict: the body check it hands back, or its refusal.
pub fn run(wire: &Wire, flags: &Flags, now_unix: i64) -> Result<PayloadCheck, VerifyError> {
    let now = SigningTime::from_unix_timestamp(now_unix)
        .or_else(|_| SigningTime::parse(DEFAULT_TIME))
        .expect("a time");
    let mut verifier = Verifier::new(REGIONS[0], flags.service())
        .and_then(|v| v.with_regions(&REGIONS))
        .expect("valid scope")
        .with_settings(flags.settings());
    if flags.require_content_type {
        verifier = verifier.require_signed_header("content-type");
    }
    let headers: Vec<(&str, &str)> = wire
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let digest = sha256_hex(&wire.body);
    let mut req = IncomingRequest::new(&wire.method, &wire.target, &headers)?;
    if flags.body_up_front || flags.generic {
        req = req.payload(if flags.precomputed {
            Payload::Precomputed(&digest)
        } else {
            Payload::Bytes(&wire.body)
        });
    }
    let unverified = verifier.parse(&req, now)?;
    let _ = format!("{unverified:?}");
    let (creq, sts) = unverified.canonical_request_and_string_to_sign();
    assert!(!creq.contains(SECRET) && !sts.contains(SECRET));
    if flags.token {
        assert!(
            !creq.contains(TOKEN),
            "the canonical request shows the token"
        );
    }
    if unverified.access_key_id() != AKID {
        return Err(unverified.unknown_access_key());
    }
    let token = flags.token.then_some(TOKEN);
    let verified = if flags.with_key {
        let scope = unverified.credential_scope().to_string();
        let p: Vec<&str> = scope.split('/').collect();
        let key = SigningKey::derive(SECRET, p[0], p[1], p[2]).expect("a scope the verifier took");
        unverified.verify_with_key(&key, token)?
    } else {
        let creds = Credentials::new(AKID, SECRET, token.map(str::to_string)).expect("credentials");
        unverified.verify(&creds)?
    };
    let _ = format!("{verified:?}");
    assert_eq!(verified.access_key_id(), AKID);
    let mut check = verified.into_payload();
    if let PayloadCheck::Sha256(hasher) = &mut check {
        let mut h = hasher.clone();
        // Fed in two pieces, as a server reading a body would.
        let mid = wire.body.len() / 2;
        h.update(&wire.body[..mid]);
        h.update(&wire.body[mid..]);
        h.finish()?;
    }
    Ok(check)
}

/// The invariants of an accepted request, against the reference.
fn check_accepted(w: &Wire, f: &Flags, now_unix: i64, payload: PayloadCheck) {
    let a = ref_auth(w).unwrap_or_else(|| panic!("accepted, but not SigV4 authentication: {w:?}"));
    assert_eq!(a.akid, AKID, "{w:?}");
    assert!(REGIONS.contains(&a.region.as_str()), "{w:?}");
    assert_eq!(a.service, f.service(), "{w:?}");
    assert_eq!(a.amz_date.get(..8), Some(a.date.as_str()), "{w:?}");
    let t = amz_unix(&a.amz_date).unwrap_or_else(|| panic!("accepted with a bad date: {w:?}"));
    match a.expires {
        None => assert!(
            (t - now_unix).abs() <= MAX_SKEW,
            "accepted out of time: {w:?}"
        ),
        Some(e) => {
            assert!(
                (1..=MAX_EXPIRES).contains(&e),
                "accepted X-Amz-Expires {e}: {w:?}"
            );
            assert!(
                t - MAX_SKEW <= now_unix && now_unix <= t + e,
                "accepted out of time: {w:?}"
            );
        }
    }
    let token = (f.token).then_some(TOKEN);
    assert_eq!(
        a.token.as_deref(),
        token,
        "accepted with another token: {w:?}"
    );
    // Signed: host, every x-amz-* header (the token when it is signed),
    // the required header; present: every signed header.
    let signed: Vec<&str> = a.signed_headers.split(';').collect();
    assert!(signed.contains(&"host"), "{w:?}");
    for (n, _) in &w.headers {
        let n = n.to_ascii_lowercase();
        let exempt = f.token_after_signing && n == "x-amz-security-token";
        if n.starts_with("x-amz-") && !exempt {
            assert!(
                signed.contains(&n.as_str()),
                "accepted with {n} unsigned: {w:?}"
            );
        }
    }
    if f.require_content_type {
        assert!(signed.contains(&"content-type"), "{w:?}");
    }
    if !a.query && !f.generic {
        assert!(w.single("x-amz-content-sha256").is_some(), "{w:?}");
    }
    let expected = ref_signature(w, &a, f)
        .unwrap_or_else(|| panic!("accepted, but a signed header is missing: {w:?}"));
    assert_eq!(
        a.signature,
        expected,
        "FALSE ACCEPTANCE: the signature is not the reference's for this request\n\
         reference canonical request:\n{}\nrequest: {w:?}",
        ref_canonical_request(w, &a, f).unwrap_or_default()
    );
    // The body check handed back is the declared one, and it holds.
    let digest: [u8; 32] = Sha256::digest(&w.body).into();
    match (w.single("x-amz-content-sha256"), payload) {
        (Some("UNSIGNED-PAYLOAD"), PayloadCheck::Unsigned) => {}
        (Some(v), PayloadCheck::Streaming(s)) => assert_eq!(v, s.as_str()),
        (Some(v), PayloadCheck::Sha256(_) | PayloadCheck::Checked) => {
            assert_eq!(v.to_ascii_lowercase(), hex::encode(digest), "{w:?}");
        }
        (None, PayloadCheck::Unsigned) => assert!(a.query && !f.generic, "{w:?}"),
        (None, PayloadCheck::Checked) => assert!(f.generic, "{w:?}"),
        (v, p) => panic!("accepted with {v:?} declared and {p:?} to check: {w:?}"),
    }
}
