//! Canonical headers and the signed-headers list: lowercase names, sorted;
//! values trimmed with inner whitespace folded; repeated names joined with
//! `,` in arrival order.

use std::cmp::Ordering;

use crate::sink::Sink;
use crate::Error;

/// A header to be signed: its name (in the caller's case; compared and
/// written in lowercase) and its value.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Header<'a> {
    pub(crate) name: &'a str,
    /// Bytes of a `&str` (the caller's, or text the signer wrote).
    pub(crate) value: &'a [u8],
}

impl<'a> Header<'a> {
    pub(crate) fn new(name: &'a str, value: &'a [u8]) -> Self {
        Header { name, value }
    }

    /// Orders by lowercase name.
    fn cmp_name(&self, other: &Self) -> Ordering {
        let lower = |h: &Self| h.name.bytes().map(|b| b.to_ascii_lowercase());
        lower(self).cmp(lower(other))
    }

    fn same_name(&self, other: &Self) -> bool {
        self.name.eq_ignore_ascii_case(other.name)
    }
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    // `-` on its own: the one symbol in most names.
    b.is_ascii_alphanumeric() || b == b'-' || b"!#$%&'*+.^_`|~".contains(&b)
}

/// Whether `s` is an RFC 9110 token (header names, methods).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// At most this many bytes of a refused header name go into the error.
const NAME_SHOWN: usize = 64;

/// What an error shows of a refused header name: the text before any `:`
/// or line break (a whole `Name: value` line given as a name shows only
/// `Name`), at most [`NAME_SHOWN`] bytes.
fn shown_name(name: &str) -> String {
    let end = name
        .find([':', '\r', '\n'])
        .unwrap_or(name.len())
        .min(NAME_SHOWN);
    let end = (0..=end)
        .rev()
        .find(|&i| name.is_char_boundary(i))
        .unwrap_or(0);
    name[..end].to_string()
}

/// Checks a header: the name is a token; the value has no control byte
/// other than tab, and line breaks only as obs-fold (CRLF or LF followed by
/// a space or tab).
pub(crate) fn validate(name: &str, value: &str) -> Result<(), Error> {
    if !is_token(name) {
        return Err(Error::InvalidHeaderName(shown_name(name)));
    }
    let v = value.as_bytes();
    // No control byte (most values): nothing more to check. With `-` first
    // in `is_tchar` and the `Authorization` value written as bytes
    // (`sign/header.rs`), 7% of a header signature.
    if !v.iter().any(u8::is_ascii_control) {
        return Ok(());
    }
    for (i, &b) in v.iter().enumerate() {
        let ok = match b {
            b'\t' => true,
            b'\r' => v.get(i + 1) == Some(&b'\n'),
            b'\n' => matches!(v.get(i + 1), Some(b' ' | b'\t')),
            _ => !b.is_ascii_control(),
        };
        if !ok {
            return Err(Error::InvalidHeaderValue(name.to_string()));
        }
    }
    Ok(())
}

/// Writes `value` trimmed, each run of whitespace (obs-fold included) as one space.
pub(crate) fn write_value<S: Sink + ?Sized>(sink: &mut S, v: &[u8]) {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    // No whitespace (most values): written as is (see `Sink::put_lowercase`).
    if !v.iter().any(is_ws) {
        return sink.put(v);
    }
    for (i, word) in v.split(is_ws).filter(|w| !w.is_empty()).enumerate() {
        if i > 0 {
            sink.put(b" ");
        }
        sink.put(word);
    }
}

/// Sorts by (lowercase) name; equal names keep their arrival order.
pub(crate) fn sort(headers: &mut [Header<'_>]) {
    headers.sort_by(Header::cmp_name);
}

/// Writes `name:value\n` per distinct name, for sorted headers.
pub(crate) fn write_canonical<S: Sink + ?Sized>(sink: &mut S, sorted: &[Header<'_>]) {
    for (i, h) in sorted.iter().enumerate() {
        let same_as_previous = i > 0 && sorted[i - 1].same_name(h);
        if same_as_previous {
            sink.put(b",");
        } else {
            if i > 0 {
                sink.put(b"\n");
            }
            sink.put_lowercase(h.name.as_bytes());
            sink.put(b":");
        }
        write_value(sink, h.value);
    }
    if !sorted.is_empty() {
        sink.put(b"\n");
    }
}

/// Writes `name1;name2;...` (distinct lowercase names), for sorted headers.
pub(crate) fn write_signed<S: Sink + ?Sized>(sink: &mut S, sorted: &[Header<'_>]) {
    for (i, h) in sorted.iter().enumerate() {
        if i > 0 && sorted[i - 1].same_name(h) {
            continue;
        }
        if i > 0 {
            sink.put(b";");
        }
        sink.put_lowercase(h.name.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(hs: &[(&str, &str)]) -> (String, String) {
        let mut v: Vec<Header<'_>> = hs
            .iter()
            .map(|&(name, value)| Header::new(name, value.as_bytes()))
            .collect();
        sort(&mut v);
        let (mut c, mut s) = (Vec::new(), Vec::new());
        write_canonical(&mut c, &v);
        write_signed(&mut s, &v);
        (String::from_utf8(c).unwrap(), String::from_utf8(s).unwrap())
    }

    #[test]
    fn lowercases_sorts_trims_folds_and_joins() {
        let (c, s) = canon(&[
            ("My-Header1", "value4"),
            ("Host", "example.amazonaws.com"),
            ("my-header1", "value1"),
            ("MY-HEADER2", "  \"a   b   c\"  "),
            ("My-Header1", "value3"),
            ("my-header1", "value1"),
        ]);
        assert_eq!(
            c,
            "host:example.amazonaws.com\nmy-header1:value4,value1,value3,value1\nmy-header2:\"a b c\"\n"
        );
        assert_eq!(s, "host;my-header1;my-header2");
    }

    #[test]
    fn tokens() {
        assert!(is_token("x-amz-meta-a!#$%&'*+.^_`|~") && !is_token("a b") && !is_token("a:b"));
        assert!(!is_token("") && !is_token("naïve") && !is_token("a\"b"));
    }

    #[test]
    fn errors_show_no_more_than_the_name() {
        let shown = |n: &str| match validate(n, "v") {
            Err(Error::InvalidHeaderName(s)) => s,
            other => panic!("{other:?}"),
        };
        assert_eq!(shown("X-Evil: v\r\nInjected: 1"), "X-Evil");
        assert_eq!(shown("a b\r\nc"), "a b");
        assert_eq!(shown(&"é".repeat(100)).len(), 64);
        assert_eq!(shown(&format!("{}:x", "a b".repeat(40))).len(), 64);
    }

    #[test]
    fn sorting_mixed_case_names_is_sorting_lowercase_names() {
        let names = [
            "x-amz-date",
            "X-Amz-D",
            "b",
            "B-C",
            "host",
            "Host",
            "a",
            "ab",
            "aB",
        ];
        let mut hs: Vec<Header<'_>> = names.iter().map(|n| Header::new(n, b"")).collect();
        sort(&mut hs);
        let sorted: Vec<String> = hs.iter().map(|h| h.name.to_ascii_lowercase()).collect();
        let mut expected: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        expected.sort();
        assert_eq!(sorted, expected);
    }

    #[test]
    fn folds_obs_fold_line_breaks() {
        let (c, _) = canon(&[("My-Header1", "value1\n  value2\r\n\t   value3")]);
        assert_eq!(c, "my-header1:value1 value2 value3\n");
        let (c, _) = canon(&[("Empty", ""), ("Blank", "   ")]);
        assert_eq!(c, "blank:\nempty:\n");
    }

    #[test]
    fn validation() {
        assert!(validate("x-amz-meta-a", "ok\tvalue").is_ok());
        assert!(validate("x", "a\n b").is_ok());
        assert!(validate("x", "a\r\n\tb").is_ok());
        assert_eq!(
            validate("x", "a\r\nb"),
            Err(Error::InvalidHeaderValue("x".into()))
        );
        assert!(validate("x", "a\nb").is_err());
        assert!(validate("x", "a\rb").is_err());
        assert!(validate("x", "a\n").is_err());
        assert!(validate("x", "a\0b").is_err());
        assert!(validate("x", "a\x7fb").is_err());
        assert!(validate("", "v").is_err());
        assert!(validate("bad name", "v").is_err());
        assert!(validate("bad:name", "v").is_err());
        assert!(validate("naïve", "v").is_err());
        // The value never appears in the error.
        let e = validate("x-secret", "hunter2\n").unwrap_err();
        assert!(!e.to_string().contains("hunter2"));
    }
}
