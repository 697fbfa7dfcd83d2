//! Printing results: header lines, a curl command, JSON, and the explain view.

use std::fmt::Write as _;

use awsig::{Audit, SignatureMismatch, SignedStrings, SigningKeyChain};

/// A signed request, ready to print.
pub struct Signed<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The URL that was signed, as it goes on the wire (host lowercase, no
    /// default port, no fragment), which may differ from the one typed.
    pub url: &'a str,
    /// The caller's headers (signed), in the order given.
    pub request_headers: &'a [(String, String)],
    /// The headers the signer adds, `authorization` last.
    pub added_headers: Vec<(&'a str, &'a str)>,
    /// The body, for curl.
    pub body: Body<'a>,
    /// The hex signature.
    pub signature: &'a str,
}

impl Signed<'_> {
    /// Every header the request carries: the caller's, then the added ones.
    fn all_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.request_headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain(self.added_headers.iter().copied())
    }
}

/// Where curl gets the body from.
pub enum Body<'a> {
    /// An empty body.
    Empty,
    /// An unsigned body, which the caller adds to the command.
    Unsigned,
    /// `--data STRING`.
    Text(&'a str),
    /// `--data-file PATH`.
    File(&'a str),
}

/// `Name: value` lines: the headers to add.
pub fn headers(s: &Signed<'_>) -> String {
    let mut out = String::new();
    for (name, value) in &s.added_headers {
        let _ = writeln!(out, "{name}: {value}");
    }
    out
}

/// A one-line curl command that sends the signed request.
///
/// The body goes in `--data-binary`, an empty one too for PUT, POST and
/// PATCH (else curl sends no `Content-Length` and S3 answers 411). With a
/// body curl adds `Content-Type: application/x-www-form-urlencoded` (see
/// `--data-binary` in `man curl`); `-H 'Content-Type:'` removes it unless
/// the request has a content type of its own.
pub fn curl(s: &Signed<'_>) -> String {
    let data = match s.body {
        Body::Text(t) => Some(shell_quote(t)),
        Body::File(p) => Some(shell_quote(&format!("@{p}"))),
        Body::Empty if matches!(s.method, "PUT" | "POST" | "PATCH") => Some(shell_quote("")),
        Body::Empty | Body::Unsigned => None,
    };
    let mut out = String::from("curl");
    match s.method {
        "GET" if data.is_none() => {}
        "HEAD" => out.push_str(" --head"),
        m => {
            let _ = write!(out, " -X {m}");
        }
    }
    let path = s.url.split(['?', '#']).next().unwrap_or_default();
    if path.contains("/.") {
        out.push_str(" --path-as-is"); // curl would remove dot segments
    }
    if s.url.contains(['[', ']', '{', '}']) {
        out.push_str(" --globoff"); // curl would expand them as patterns
    }
    let all = s.all_headers();
    for (name, value) in all {
        let _ = write!(out, " -H {}", shell_quote(&format!("{name}: {value}")));
    }
    if let Some(data) = data {
        let typed = s
            .request_headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
        if !typed {
            let _ = write!(out, " -H {}", shell_quote("Content-Type:"));
        }
        let _ = write!(out, " --data-binary {data}");
    }
    let _ = writeln!(out, " {}", shell_quote(s.url));
    out
}

/// A minimal HTML page around `form` (a `<form>` element).
pub fn html_page(form: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Upload to S3</title>\n\
         </head>\n<body>\n{form}</body>\n</html>\n"
    )
}

/// A JSON object: method, url, every header the request carries (repeated
/// names joined with `,`), signature.
pub fn json(s: &Signed<'_>) -> String {
    let mut merged: Vec<(&str, String)> = Vec::new();
    let all = s.all_headers();
    for (name, value) in all {
        match merged
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some((_, v)) => {
                v.push(',');
                v.push_str(value);
            }
            None => merged.push((name, value.to_string())),
        }
    }
    let mut out = format!(
        "{{\n  \"method\": {},\n  \"url\": {},\n  \"headers\": {{",
        json_string(s.method),
        json_string(s.url)
    );
    for (i, (name, value)) in merged.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(
            out,
            "{sep}\n    {}: {}",
            json_string(name),
            json_string(value)
        );
    }
    let _ = writeln!(
        out,
        "\n  }},\n  \"signature\": {}\n}}",
        json_string(s.signature)
    );
    out
}

/// The labelled intermediates of a signature; with `chain`, the signing-key
/// steps in hex; with `against`, the first difference with a server's strings.
pub fn explain(
    audit: &Audit,
    chain: Option<&SigningKeyChain>,
    against: Option<&SignatureMismatch>,
) -> String {
    let mut out = format!("{audit}\n");
    if let Some(server) = against {
        out.push('\n');
        out.push_str(&difference(audit.into(), server.into()));
    }
    if let Some(chain) = chain {
        out.push_str(
            "\nSigning key chain (derived from the secret key; valid for this date, region and service):\n",
        );
        for (name, hex) in chain.steps_hex() {
            let _ = writeln!(out, "{:<9} {hex}", format!("{name}:"));
        }
    }
    out
}

/// Quotes `s` for a POSIX shell: as is when it is made of safe characters,
/// else in single quotes (`'` written as `'\''`).
pub fn shell_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-.,/:=@%+".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The first difference between a client's and a server's strings, or
/// what it means that there is none.
pub fn difference(client: SignedStrings<'_>, server: SignedStrings<'_>) -> String {
    match awsig::explain(client, server) {
        Some(d) => format!("{d}\n"),
        None => "The canonical requests and strings to sign are the same: the signing key differs \
                 (another secret key, or a key derived for another date, region or service).\n"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("https://h/a%20b"), "https://h/a%20b");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a&b;$(x)"), "'a&b;$(x)'");
        assert_eq!(json_string("a\"b\\c\n\u{1}é"), r#""a\"b\\c\n\u0001é""#);
    }
}
