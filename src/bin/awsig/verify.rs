//! `awsig verify` (a presigned URL, or a raw HTTP request, checked with the
//! usual credentials at the server's time), `awsig explain url` (the
//! canonical request of an existing presigned URL) and the reading of a
//! server's `SignatureDoesNotMatch` body for `awsig explain --against`.

use std::io::Read;
use std::path::Path;

use awsig::{
    Credentials, IncomingRequest, Payload, PayloadCheck, SignatureMismatch, SigningTime, Verifier,
    VerifyError,
};

use crate::args::{UrlArgs, VerifyArgs};
use crate::commands::Output;
use crate::credentials::{Env, Sources};
use crate::output;
use crate::{inputs, Failure};

/// A file's bytes, or stdin's for `-`.
fn read_input(path: &Path, what: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    read.map_err(|e| Failure::input(format!("cannot read {what} {}: {e}", path.display())))?;
    Ok(bytes)
}

/// The `SignatureDoesNotMatch` body of `--against`.
pub fn read_against(path: &Path) -> Result<SignatureMismatch, Failure> {
    let bytes = read_input(path, "--against")?;
    let xml = String::from_utf8_lossy(&bytes);
    SignatureMismatch::from_s3_xml(&xml).ok_or_else(|| {
        Failure::input(format!(
            "--against {}: no <CanonicalRequest> element (expected the XML body of a SignatureDoesNotMatch error)",
            path.display()
        ))
    })
}

/// A request as received: method, target, headers, body.
struct Received {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    /// A presigned URL used with `method` and `headers` (the `Host` from
    /// the URL unless given).
    fn from_url(url: &str, method: &str, headers: &[String]) -> Result<Self, Failure> {
        let rest = ["https://", "http://"]
            .iter()
            .find_map(|p| {
                url.get(..p.len())
                    .filter(|s| s.eq_ignore_ascii_case(p))
                    .map(|_| &url[p.len()..])
            })
            .ok_or_else(|| Failure::input(format!("{url:?} is not an http:// or https:// URL")))?;
        let rest = rest.split_once('#').map_or(rest, |(u, _)| u);
        let (authority, target) = match rest.find(['/', '?']) {
            Some(i) if rest.as_bytes()[i] == b'/' => (&rest[..i], rest[i..].to_string()),
            Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
            None => (rest, "/".to_string()),
        };
        let mut hs = headers
            .iter()
            .map(|h| inputs::header(h))
            .collect::<Result<Vec<_>, _>>()?;
        if !hs.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            // As clients send it: lowercase, without a default port.
            let host = authority.to_ascii_lowercase();
            let default = if url[..5].eq_ignore_ascii_case("https") {
                ":443"
            } else {
                ":80"
            };
            let host = host.strip_suffix(default).unwrap_or(&host).to_string();
            hs.insert(0, ("Host".into(), host));
        }
        Ok(Received {
            method: inputs::method(method, inputs::SIGN_METHODS)?,
            target,
            headers: hs,
            body: Vec::new(),
        })
    }

    /// `METHOD TARGET HTTP/1.1`, header lines, a blank line, the body; CRLF
    /// or LF; `> ` prefixes (as `curl -v` prints them) removed.
    fn parse(bytes: &[u8]) -> Result<Self, Failure> {
        let bad = |why: &str| Failure::input(format!("--request: {why}"));
        let (head, body) = match find(bytes, b"\r\n\r\n")
            .map(|i| (i, 4))
            .or(find(bytes, b"\n\n").map(|i| (i, 2)))
        {
            Some((i, n)) => (&bytes[..i], bytes[i + n..].to_vec()),
            None => (bytes, Vec::new()),
        };
        let head = std::str::from_utf8(head)
            .map_err(|_| bad("the request line and headers are not UTF-8"))?;
        let mut lines = head
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .map(|l| l.strip_prefix("> ").unwrap_or(l));
        let line = lines.next().unwrap_or_default();
        let mut words = line.split(' ');
        let (Some(method), Some(target)) = (words.next(), words.next()) else {
            return Err(bad("the first line is not 'METHOD /target HTTP/1.1'"));
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        for l in lines.filter(|l| !l.is_empty()) {
            if l.starts_with([' ', '\t']) {
                let last = headers
                    .last_mut()
                    .ok_or_else(|| bad("a continuation line before any header"))?;
                last.1.push(' ');
                last.1.push_str(l.trim());
                continue;
            }
            let (n, v) = l
                .split_once(':')
                .ok_or_else(|| bad(&format!("{l:?} is not a 'Name: value' header line")))?;
            headers.push((n.to_string(), v.trim().to_string()));
        }
        Ok(Received {
            method: method.to_string(),
            target: target.to_string(),
            headers,
            body,
        })
    }

    fn header_refs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    /// The region and service the request's credential claims.
    fn claimed_scope(&self) -> Option<(String, String)> {
        let from_header = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, v)| v.split("Credential=").nth(1))
            .map(|c| c.split([',', ' ']).next().unwrap_or_default().to_string());
        let from_query = || {
            let query = self.target.split_once('?')?.1;
            query.split('&').find_map(|p| {
                let (n, v) = p.split_once('=')?;
                n.eq_ignore_ascii_case("X-Amz-Credential").then(|| {
                    percent_encoding::percent_decode_str(v)
                        .decode_utf8_lossy()
                        .into_owned()
                })
            })
        };
        let credential = from_header.or_else(from_query)?;
        let parts: Vec<&str> = credential.split('/').collect();
        (parts.len() == 5).then(|| (parts[2].to_string(), parts[3].to_string()))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The verifier for a request: the given region and service, else the ones
/// its credential claims (the command checks the signature, not the scope).
fn verifier(
    received: &Received,
    region: Option<&str>,
    service: Option<&str>,
) -> Result<Verifier, Failure> {
    let (claimed_region, claimed_service) = received
        .claimed_scope()
        .unwrap_or_else(|| ("us-east-1".into(), "s3".into()));
    Ok(Verifier::new(
        region.unwrap_or(&claimed_region),
        service.unwrap_or(&claimed_service),
    )?)
}

/// `awsig verify`.
pub fn verify(a: &VerifyArgs, env: Env<'_>) -> Result<Output, Failure> {
    let received = match (&a.url, &a.request) {
        (_, Some(path)) => Received::parse(&read_input(path, "--request")?)?,
        (Some(url), None) => Received::from_url(url, &a.method, &a.headers)?,
        (None, None) => {
            return Err(Failure::input(
                "give a presigned URL or --request FILE".into(),
            ))
        }
    };
    let now = match &a.common.time {
        Some(t) => inputs::time(Some(t))?,
        None => SigningTime::now()?,
    };
    let verifier = verifier(&received, a.common.region.as_deref(), a.service.as_deref())?;
    let headers = received.header_refs();
    let request = IncomingRequest::new(&received.method, &received.target, &headers)
        .map_err(|e| Failure::input(format!("--request: {e}")))?;
    let request = request.payload(Payload::Bytes(&received.body));
    let unverified = match verifier.parse(&request, now) {
        Ok(u) => u,
        Err(e) => return Err(refused(&e, String::new())),
    };
    let mut sources = Sources::new(&a.common, env);
    let found = sources.credentials()?;
    let creds: &Credentials = &found.credentials;
    let akid = unverified.access_key_id().to_string();
    let (creq, sts) = unverified.canonical_request_and_string_to_sign();
    match unverified.verify(creds) {
        Ok(v) => {
            let mut out = format!(
                "verified: signed by {} for {}\nsigned headers: {}\nsigned at: {}\n",
                v.access_key_id(),
                v.credential_scope(),
                v.signed_headers(),
                v.signing_time()
            );
            if let Some(e) = v.expires_at() {
                out.push_str(&format!("expires at: {e}\n"));
            }
            out.push_str(match v.payload() {
                PayloadCheck::Checked => "body: matches x-amz-content-sha256\n",
                PayloadCheck::Unsigned => "body: not signed (UNSIGNED-PAYLOAD)\n",
                PayloadCheck::Streaming(_) => {
                    "body: aws-chunked (STREAMING-*): the chunks are NOT verified\n"
                }
                _ => "body: to be checked against x-amz-content-sha256\n",
            });
            Ok(Output {
                notices: found.notices,
                stdout: out,
            })
        }
        Err(VerifyError::InvalidAccessKeyId(id)) => Err(refused(
            &VerifyError::InvalidAccessKeyId(id),
            format!(
                "the request is signed by {akid}; the credentials are {}'s\n",
                creds.access_key_id()
            ),
        )),
        Err(e @ VerifyError::SignatureDoesNotMatch(_)) => {
            let mut report =
                format!("Canonical request (server):\n{creq}\n\nString to sign (server):\n{sts}\n");
            if let Some(m) = other_method(&verifier, &received, now, creds) {
                report.push_str(&format!(
                    "\nThe signature matches the method {m}: the URL was signed for {m}, not {}.\n",
                    received.method
                ));
            }
            Err(refused(&e, report))
        }
        Err(e) => Err(refused(&e, String::new())),
    }
}

/// The method the request's signature matches, if another one does.
fn other_method(
    verifier: &Verifier,
    received: &Received,
    now: SigningTime,
    creds: &Credentials,
) -> Option<&'static str> {
    let headers = received.header_refs();
    ["GET", "PUT", "HEAD", "DELETE", "POST"]
        .into_iter()
        .find(|m| {
            *m != received.method
                && IncomingRequest::new(m, &received.target, &headers)
                    .ok()
                    .and_then(|r| {
                        verifier
                            .parse(&r.payload(Payload::Bytes(&received.body)), now)
                            .ok()
                    })
                    .is_some_and(|u| u.verify(creds).is_ok())
        })
}

/// A refusal: the code, status and message on stdout with the report,
/// and a one-line error.
fn refused(e: &VerifyError, report: String) -> Failure {
    Failure::refused(
        format!("signature refused ({})", e.code()),
        format!("refused: {e}\n{report}"),
    )
}

/// `awsig explain url`: the server's canonical request and string to sign
/// for a presigned URL, at its own signing time; with `against`, the first
/// difference with a server's strings.
pub fn explain_url(a: &UrlArgs, against: Option<&SignatureMismatch>) -> Result<Output, Failure> {
    let received = Received::from_url(&a.url, &a.method, &a.headers)?;
    let verifier = verifier(&received, None, None)?;
    let headers = received.header_refs();
    // A URL's request has no body here: under generic rules, the empty one.
    let request = IncomingRequest::new(&received.method, &received.target, &headers)
        .map_err(|e| Failure::input(e.to_string()))?
        .payload(Payload::Bytes(b""));
    let signed_at = received
        .target
        .split_once('?')
        .and_then(|(_, q)| q.split('&').find_map(|p| p.strip_prefix("X-Amz-Date=")))
        .and_then(|d| SigningTime::parse(d).ok())
        .ok_or_else(|| {
            Failure::input(format!(
                "{:?} has no valid X-Amz-Date: not a presigned URL",
                a.url
            ))
        })?;
    let unverified = verifier
        .parse(&request, signed_at)
        .map_err(|e| Failure::input(format!("the URL cannot be verified: {e}")))?;
    let (creq, sts) = unverified.canonical_request_and_string_to_sign();
    let mut out = format!(
        "Canonical request:\n{creq}\n\nString to sign:\n{sts}\n\nCredential scope: {}\nAccess key id: {}\n",
        unverified.credential_scope(),
        unverified.access_key_id()
    );
    if let Some(server) = against {
        let client = awsig::SignedStrings {
            canonical_request: &creq,
            string_to_sign: Some(&sts),
        };
        out.push('\n');
        out.push_str(&output::difference(client, server.into()));
    }
    Ok(Output {
        notices: Vec::new(),
        stdout: out,
    })
}
