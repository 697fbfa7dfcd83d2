//! Why two signatures differ: the first difference between what a client
//! signed and what a server computed, named in words (which line, which
//! header or parameter) with its likely cause.

use std::fmt;

use crate::audit::Audit;
use crate::canonical::encode::decode;
use crate::canonical::path::normalize;
use crate::verify::s3_error::SignatureMismatch;

/// One side's strings: a canonical request and, when known, the string to
/// sign (from an [`Audit`], a [`SignatureMismatch`], or S3's error XML).
///
/// ```
/// let side = awsig::SignedStrings { canonical_request: "GET\n/\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD", string_to_sign: None };
/// # let _ = side;
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SignedStrings<'a> {
    /// The canonical request.
    pub canonical_request: &'a str,
    /// The string to sign, if known.
    pub string_to_sign: Option<&'a str>,
}

impl<'a> From<&'a Audit> for SignedStrings<'a> {
    fn from(a: &'a Audit) -> Self {
        SignedStrings {
            canonical_request: &a.canonical_request,
            string_to_sign: Some(&a.string_to_sign),
        }
    }
}

impl<'a> From<&'a SignatureMismatch> for SignedStrings<'a> {
    fn from(m: &'a SignatureMismatch) -> Self {
        SignedStrings {
            canonical_request: &m.canonical_request,
            string_to_sign: Some(&m.string_to_sign),
        }
    }
}

/// The first difference between a client's and a server's strings.
///
/// ```
/// use awsig::{explain, SignedStrings};
/// let client = SignedStrings { canonical_request: "GET\n/a%20b\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD", string_to_sign: None };
/// let server = SignedStrings { canonical_request: "GET\n/a%2520b\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD", string_to_sign: None };
/// let d = explain(client, server).unwrap();
/// assert_eq!(d.part, "canonical URI (line 2)");
/// assert!(d.likely_cause.contains("encoded twice"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Where: the line and, for headers and parameters, which one.
    pub part: String,
    /// The client's text there (`(none)` when absent).
    pub client: String,
    /// The server's text there (`(none)` when absent).
    pub server: String,
    /// The likely cause, in words.
    pub likely_cause: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "first difference: {}", self.part)?;
        writeln!(f, "  client signed:   {:?}", self.client)?;
        writeln!(f, "  server computed: {:?}", self.server)?;
        write!(f, "  likely cause: {}", self.likely_cause)
    }
}

/// The parts of a canonical request.
struct Parts<'a> {
    method: &'a str,
    uri: &'a str,
    query: Vec<(&'a str, &'a str)>,
    raw_query: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    signed_headers: &'a str,
    payload: &'a str,
}

fn split(creq: &str) -> Option<Parts<'_>> {
    let lines: Vec<&str> = creq.split('\n').collect();
    if lines.len() < 6 {
        return None;
    }
    let blank = 3 + lines[3..].iter().position(|l| l.is_empty())?;
    if lines.len() != blank + 3 {
        return None;
    }
    let query = lines[2]
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    let headers = lines[3..blank]
        .iter()
        .map(|l| l.split_once(':').unwrap_or((l, "")))
        .collect();
    Some(Parts {
        method: lines[0],
        uri: lines[1],
        query,
        raw_query: lines[2],
        headers,
        signed_headers: lines[blank + 1],
        payload: lines[blank + 2],
    })
}

/// A value a server redacted (the session token) matches any value.
fn same(a: &str, b: &str) -> bool {
    a == b || a == "<redacted>" || b == "<redacted>"
}

/// The first difference between `client` and `server`, or `None` when the
/// strings are the same (then the key differs: the secret, or the date,
/// region or service it was derived for).
///
/// ```
/// use awsig::{explain, SignedStrings};
/// let c = "PUT\n/k\n\ncontent-type:image/png\nhost:h\n\ncontent-type;host\nUNSIGNED-PAYLOAD";
/// let s = "PUT\n/k\n\ncontent-type:application/octet-stream\nhost:h\n\ncontent-type;host\nUNSIGNED-PAYLOAD";
/// let d = explain(SignedStrings { canonical_request: c, string_to_sign: None },
///                 SignedStrings { canonical_request: s, string_to_sign: None }).unwrap();
/// assert_eq!(d.part, "header content-type (canonical headers)");
/// ```
pub fn explain(client: SignedStrings<'_>, server: SignedStrings<'_>) -> Option<Difference> {
    let diff = |part: &str, c: &str, s: &str, cause: String| {
        Some(Difference {
            part: part.to_string(),
            client: c.to_string(),
            server: s.to_string(),
            likely_cause: cause,
        })
    };
    let (Some(c), Some(s)) = (
        split(client.canonical_request),
        split(server.canonical_request),
    ) else {
        if client.canonical_request == server.canonical_request {
            return explain_string_to_sign(client, server);
        }
        return diff(
            "canonical request",
            client.canonical_request,
            server.canonical_request,
            "one side is not a canonical request (six parts: method, URI, query, headers, signed headers, payload hash)".into(),
        );
    };
    if c.method != s.method {
        return diff(
            "HTTP method (line 1)",
            c.method,
            s.method,
            "the request was sent with another method than the one signed (a presigned GET URL used for a PUT, or HEAD for GET)".into(),
        );
    }
    if c.uri != s.uri {
        return diff(
            "canonical URI (line 2)",
            c.uri,
            s.uri,
            path_cause(c.uri, s.uri),
        );
    }
    if let Some(d) = query_difference(&c, &s) {
        return Some(d);
    }
    if c.signed_headers != s.signed_headers {
        return diff(
            "signed headers",
            c.signed_headers,
            s.signed_headers,
            "the SignedHeaders list differs: a header was signed by one side only".into(),
        );
    }
    for (i, &(name, cv)) in c.headers.iter().enumerate() {
        let Some(&(sn, sv)) = s.headers.get(i) else {
            return diff(
                &format!("header {name} (canonical headers)"),
                cv,
                "(none)",
                "the server did not receive this signed header".into(),
            );
        };
        if sn != name {
            return diff(
                "canonical headers",
                name,
                sn,
                "the signed headers differ in name or order".into(),
            );
        }
        if !same(cv, sv) {
            return diff(
                &format!("header {name} (canonical headers)"),
                cv,
                sv,
                header_cause(name, cv, sv),
            );
        }
    }
    if let Some(&(name, sv)) = s.headers.get(c.headers.len()) {
        return diff(
            &format!("header {name} (canonical headers)"),
            "(none)",
            sv,
            "a header signed on one side only".into(),
        );
    }
    if c.payload != s.payload {
        let cause = if [c.payload, s.payload].contains(&"UNSIGNED-PAYLOAD") {
            "one side signed UNSIGNED-PAYLOAD and the other a body hash".to_string()
        } else if [c.payload, s.payload]
            .iter()
            .any(|p| p.starts_with("STREAMING-"))
        {
            "the aws-chunked mode (STREAMING-*) differs".to_string()
        } else {
            "the body differs from the one signed (changed, re-encoded or compressed in between), or the declared x-amz-content-sha256 is not the hash of the body".to_string()
        };
        return diff("payload hash (last line)", c.payload, s.payload, cause);
    }
    explain_string_to_sign(client, server)
}

fn explain_string_to_sign(
    client: SignedStrings<'_>,
    server: SignedStrings<'_>,
) -> Option<Difference> {
    let (Some(c), Some(s)) = (client.string_to_sign, server.string_to_sign) else {
        return None;
    };
    let names = [
        "algorithm",
        "request date",
        "credential scope",
        "canonical request hash",
    ];
    let causes = [
        "another signing algorithm (SigV4a, or SigV2)",
        "a clock: the two sides used different request times (x-amz-date)",
        "the scope differs: the date, region or service the client signed for is not the server's",
        "the canonical requests differ in bytes not shown (line endings, or the strings were copied differently)",
    ];
    for (i, (cl, sl)) in c.split('\n').zip(s.split('\n')).enumerate() {
        if cl != sl {
            return Some(Difference {
                part: format!(
                    "string to sign, line {} ({})",
                    i + 1,
                    names.get(i).unwrap_or(&"extra line")
                ),
                client: cl.to_string(),
                server: sl.to_string(),
                likely_cause: causes
                    .get(i)
                    .unwrap_or(&"the strings to sign differ")
                    .to_string(),
            });
        }
    }
    if c != s {
        return Some(Difference {
            part: "string to sign".into(),
            client: c.to_string(),
            server: s.to_string(),
            likely_cause: "one string to sign has extra lines".into(),
        });
    }
    None
}

fn query_difference(c: &Parts<'_>, s: &Parts<'_>) -> Option<Difference> {
    let diff = |part: String, cv: &str, sv: &str, cause: String| {
        Some(Difference {
            part,
            client: cv.to_string(),
            server: sv.to_string(),
            likely_cause: cause,
        })
    };
    if c.raw_query == s.raw_query {
        return None;
    }
    let mut cs = c.query.clone();
    let mut ss = s.query.clone();
    cs.sort();
    ss.sort();
    if cs == ss {
        return diff(
            "canonical query (line 3)".into(),
            c.raw_query,
            s.raw_query,
            "a query order: canonical parameters are sorted by name, then value".into(),
        );
    }
    for &(name, cv) in &c.query {
        match s.query.iter().find(|(n, _)| *n == name) {
            None => {
                if let Some(&(sn, sv)) = s
                    .query
                    .iter()
                    .find(|(n, _)| decode(n.as_bytes()) == decode(name.as_bytes()))
                {
                    return diff(format!("query parameter {name} (line 3)"), name, sn, format!("the name is encoded differently ({sv:?} on the server): encoded twice, or not at all"));
                }
                return diff(
                    format!("query parameter {name} (line 3)"),
                    cv,
                    "(none)",
                    "a parameter signed by the client is not in the request the server received"
                        .into(),
                );
            }
            Some(&(_, sv)) if !same(cv, sv) => {
                return diff(
                    format!("query parameter {name} (line 3)"),
                    cv,
                    sv,
                    value_cause(cv, sv),
                );
            }
            _ => {}
        }
    }
    for &(name, sv) in &s.query {
        if !c.query.iter().any(|(n, _)| *n == name) {
            return diff(format!("query parameter {name} (line 3)"), "(none)", sv, "a parameter the client did not sign was added to the request (by a library or a proxy, after signing)".into());
        }
    }
    if c.query.len() == s.query.len() {
        // Equal but for redacted values.
        return None;
    }
    diff(
        "canonical query (line 3)".into(),
        c.raw_query,
        s.raw_query,
        "a parameter is repeated on one side".into(),
    )
}

/// Why two encodings of one text differ.
fn value_cause(c: &str, s: &str) -> String {
    let dc = decode(c.as_bytes());
    let ds = decode(s.as_bytes());
    if decode(&dc) == ds || decode(&ds) == dc {
        return "encoded twice: one side percent-encoded text that was already encoded".into();
    }
    let plus_as_space = |a: &str, b: &str| a.replace("%2B", "%20") == b.replace("%2B", "%20");
    if plus_as_space(c, s) {
        return "+ for space: one side read '+' as a space (form encoding), SigV4 reads it as a literal '+'".into();
    }
    if c.eq_ignore_ascii_case(s) {
        return "letter case: names are case-sensitive, and %XX escapes use uppercase hex".into();
    }
    "the value differs from the one signed (changed after signing, or encoded differently)".into()
}

fn path_cause(c: &str, s: &str) -> String {
    if c.trim_end_matches('/') == s.trim_end_matches('/') {
        return "a trailing slash: one side has it, the other does not".into();
    }
    if normalize(c.as_bytes()) == normalize(s.as_bytes()) {
        return "path normalization: one side removed '.', '..' or empty segments (S3 never normalizes; other services do)".into();
    }
    let single_vs_double =
        decode(c.as_bytes()) == s.as_bytes() || decode(s.as_bytes()) == c.as_bytes();
    if single_vs_double {
        return "encoded twice: one side encoded the path again (S3 signs the path encoded once; other services encode it twice)".into();
    }
    value_cause(c, s)
}

fn header_cause(name: &str, c: &str, s: &str) -> String {
    let words = |v: &str| v.split_whitespace().collect::<Vec<_>>().join(" ");
    if words(c) == words(s) {
        return "whitespace: values must be trimmed, with inner runs of spaces folded to one"
            .into();
    }
    match name {
        "host" => {
            let strip = |h: &str| h.trim_end_matches(":80").trim_end_matches(":443").to_string();
            if strip(c) == strip(s) {
                return "a default port in Host (:80 or :443): one side kept it, the other dropped it".into();
            }
            "the Host differs: another endpoint, virtual-host against path-style addressing, or a proxy that rewrote it".into()
        }
        "x-amz-date" => "a clock: the request was re-signed or its date changed after signing".into(),
        "content-type" | "content-md5" | "content-length" | "content-encoding" => format!(
            "a header the client library set after signing: {name} was changed between signing and sending (libraries often set Content-Type themselves)"
        ),
        "x-amz-content-sha256" => "the declared payload hash changed after signing".into(),
        _ => "the value differs from the one signed (changed after signing, by the client library or a proxy)".into(),
    }
}

impl SignatureMismatch {
    /// The strings of a `SignatureDoesNotMatch` error body from S3 or an
    /// S3-compatible server: `AWSAccessKeyId`, `StringToSign`,
    /// `SignatureProvided` and `CanonicalRequest`, the entities decoded.
    /// `None` when the body has no `CanonicalRequest`.
    ///
    /// ```
    /// let xml = "<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>GET\n/&lt;x&gt;</CanonicalRequest></Error>";
    /// let m = awsig::SignatureMismatch::from_s3_xml(xml).unwrap();
    /// assert_eq!(m.canonical_request, "GET\n/<x>");
    /// ```
    pub fn from_s3_xml(xml: &str) -> Option<SignatureMismatch> {
        let text = |name: &str| element(xml, name).unwrap_or_default();
        Some(SignatureMismatch {
            canonical_request: element(xml, "CanonicalRequest")?,
            string_to_sign: text("StringToSign"),
            signature_provided: text("SignatureProvided"),
            access_key_id: text("AWSAccessKeyId"),
        })
    }
}

/// The text of the first `<name>` element of S3's flat `<Error>` document.
fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    let raw = &xml[start..end];
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creq(method: &str, uri: &str, query: &str, headers: &str, payload: &str) -> String {
        let names: Vec<&str> = headers
            .lines()
            .map(|l| l.split(':').next().unwrap())
            .collect();
        format!(
            "{method}\n{uri}\n{query}\n{headers}\n\n{}\n{payload}",
            names.join(";")
        )
    }

    fn first(c: &str, s: &str) -> Difference {
        explain(
            SignedStrings {
                canonical_request: c,
                string_to_sign: None,
            },
            SignedStrings {
                canonical_request: s,
                string_to_sign: None,
            },
        )
        .unwrap()
    }

    const H: &str = "host:b.s3.amazonaws.com\nx-amz-date:20240101T000000Z";

    #[test]
    fn names_the_first_difference_and_its_cause() {
        let base = creq(
            "GET",
            "/a%20b/",
            "max-keys=2&prefix=J",
            H,
            "UNSIGNED-PAYLOAD",
        );
        let cases = [
            (
                creq(
                    "PUT",
                    "/a%20b/",
                    "max-keys=2&prefix=J",
                    H,
                    "UNSIGNED-PAYLOAD",
                ),
                "HTTP method",
                "another method",
            ),
            (
                creq(
                    "GET",
                    "/a%2520b/",
                    "max-keys=2&prefix=J",
                    H,
                    "UNSIGNED-PAYLOAD",
                ),
                "canonical URI",
                "encoded twice",
            ),
            (
                creq(
                    "GET",
                    "/a%20b",
                    "max-keys=2&prefix=J",
                    H,
                    "UNSIGNED-PAYLOAD",
                ),
                "canonical URI",
                "trailing slash",
            ),
            (
                creq(
                    "GET",
                    "/a%20b/",
                    "prefix=J&max-keys=2",
                    H,
                    "UNSIGNED-PAYLOAD",
                ),
                "canonical query",
                "query order",
            ),
            (
                creq(
                    "GET",
                    "/a%20b/",
                    "max-keys=2&prefix=J&x=1",
                    H,
                    "UNSIGNED-PAYLOAD",
                ),
                "query parameter x",
                "added",
            ),
            (
                creq(
                    "GET",
                    "/a%20b/",
                    "max-keys=2&prefix=K",
                    H,
                    "UNSIGNED-PAYLOAD",
                ),
                "query parameter prefix",
                "differs",
            ),
            (
                creq(
                    "GET",
                    "/a%20b/",
                    "max-keys=2&prefix=J",
                    &H.replace("amazonaws.com", "amazonaws.com:443"),
                    "UNSIGNED-PAYLOAD",
                ),
                "header host",
                "default port",
            ),
            (
                creq(
                    "GET",
                    "/a%20b/",
                    "max-keys=2&prefix=J",
                    &H.replace("T000000Z", "T000500Z"),
                    "UNSIGNED-PAYLOAD",
                ),
                "header x-amz-date",
                "clock",
            ),
            (
                creq(
                    "GET",
                    "/a%20b/",
                    "max-keys=2&prefix=J",
                    H,
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                ),
                "payload hash",
                "UNSIGNED-PAYLOAD",
            ),
        ];
        for (server, part, cause) in cases {
            let d = first(&base, &server);
            assert!(d.part.starts_with(part), "{d}");
            assert!(d.likely_cause.contains(cause), "{d}");
        }
        let plus = first(
            &creq("GET", "/", "q=a%2Bb", H, "UNSIGNED-PAYLOAD"),
            &creq("GET", "/", "q=a%20b", H, "UNSIGNED-PAYLOAD"),
        );
        assert!(plus.likely_cause.starts_with("+ for space"), "{plus}");
        let ws = first(
            &creq(
                "GET",
                "/",
                "",
                "host:h\nx-amz-meta-a:a b",
                "UNSIGNED-PAYLOAD",
            ),
            &creq(
                "GET",
                "/",
                "",
                "host:h\nx-amz-meta-a:a  b",
                "UNSIGNED-PAYLOAD",
            ),
        );
        assert!(ws.likely_cause.starts_with("whitespace"), "{ws}");
        let ct = first(
            &creq(
                "PUT",
                "/",
                "",
                "content-type:image/png\nhost:h",
                "UNSIGNED-PAYLOAD",
            ),
            &creq(
                "PUT",
                "/",
                "",
                "content-type:binary/octet-stream\nhost:h",
                "UNSIGNED-PAYLOAD",
            ),
        );
        assert!(ct.likely_cause.contains("after signing"), "{ct}");
        let signed = first(
            &creq("PUT", "/", "", "host:h", "UNSIGNED-PAYLOAD"),
            &creq("PUT", "/", "", "content-type:x\nhost:h", "UNSIGNED-PAYLOAD"),
        );
        assert_eq!(signed.part, "signed headers");
    }

    #[test]
    fn same_requests_point_at_the_string_to_sign_or_the_key() {
        let c = creq("GET", "/", "", H, "UNSIGNED-PAYLOAD");
        let side = |sts| SignedStrings {
            canonical_request: &c,
            string_to_sign: Some(sts),
        };
        let a = "AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/us-east-1/s3/aws4_request\nab";
        let b = "AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/eu-west-1/s3/aws4_request\nab";
        let d = explain(side(a), side(b)).unwrap();
        assert!(d.part.contains("credential scope"), "{d}");
        assert!(explain(side(a), side(a)).is_none());
        // A redacted token matches.
        let t1 = creq(
            "GET",
            "/",
            "X-Amz-Security-Token=abc",
            H,
            "UNSIGNED-PAYLOAD",
        );
        let t2 = creq(
            "GET",
            "/",
            "X-Amz-Security-Token=<redacted>",
            H,
            "UNSIGNED-PAYLOAD",
        );
        assert!(explain(
            SignedStrings {
                canonical_request: &t1,
                string_to_sign: None
            },
            SignedStrings {
                canonical_request: &t2,
                string_to_sign: None
            }
        )
        .is_none());
    }

    #[test]
    fn reads_s3_error_xml() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>AKID</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n2024</StringToSign><SignatureProvided>ab</SignatureProvided><CanonicalRequest>GET\n/a&amp;b&#x41;&#66;&bogus;</CanonicalRequest></Error>";
        let m = SignatureMismatch::from_s3_xml(xml).unwrap();
        assert_eq!(m.canonical_request, "GET\n/a&bAB&bogus;");
        assert_eq!(
            (m.access_key_id.as_str(), m.signature_provided.as_str()),
            ("AKID", "ab")
        );
        assert!(
            SignatureMismatch::from_s3_xml("<Error><Code>AccessDenied</Code></Error>").is_none()
        );
    }
}
