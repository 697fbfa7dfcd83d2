//! Canonical headers and the signed-headers list: lowercase names, sorted;
//! values trimmed with inner whitespace folded; repeated names joined with
//! `,` in arrival order.

use std::cmp::Ordering;

use super::encode::Sink;
use crate::small::any_byte;
use crate::Error;

/// A header to be signed, as the caller gave it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Header<'a> {
    /// Set by [`Header::new`] only: `lower` is derived from it.
    pub(crate) name: &'a str,
    /// Bytes of a `&str` (the caller's, or text the signer wrote).
    pub(crate) value: &'a [u8],
    /// Whether `name` has no uppercase letter. Checked once here: sorting,
    /// the signed-headers list and the canonical headers all compare or
    /// write names, and for lowercase ones (the usual case) that is a plain
    /// byte comparison or copy.
    lower: bool,
}

impl<'a> Header<'a> {
    #[inline]
    pub(crate) fn new(name: &'a str, value: &'a [u8]) -> Self {
        Header {
            name,
            value,
            lower: !any_byte(name.as_bytes(), |c| c.is_ascii_uppercase()),
        }
    }

    /// Whether two headers have the same (case-insensitive) name.
    #[inline]
    fn same_name(&self, other: &Self) -> bool {
        if self.lower && other.lower {
            self.name == other.name
        } else {
            self.name.eq_ignore_ascii_case(other.name)
        }
    }

    /// Writes the name in lowercase.
    #[inline]
    fn write_name<S: Sink + ?Sized>(&self, sink: &mut S) {
        if self.lower {
            sink.put_str(self.name);
        } else {
            write_name(sink, self.name);
        }
    }
}

/// `TCHAR[b]`: whether byte `b` is an RFC 9110 `tchar` (one lookup per
/// byte instead of a scan of the punctuation list).
const TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    t
};

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    TCHAR[usize::from(b)]
}

/// Whether `s` is an RFC 9110 token (header names, methods).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && !any_byte(s.as_bytes(), |b| !is_tchar(b))
}

/// Checks a header: the name is a token; the value has no control byte
/// other than tab, and line breaks only as obs-fold (CRLF or LF followed by
/// a space or tab).
pub(crate) fn validate(name: &str, value: &str) -> Result<(), Error> {
    if !is_token(name) {
        return Err(Error::InvalidHeaderName(name.escape_debug().to_string()));
    }
    let v = value.as_bytes();
    // The usual value has no control byte at all: one pass, no lookahead.
    if !any_byte(v, |b| (b < 0x20) | (b == 0x7f)) {
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

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Writes `value` trimmed, each run of whitespace (obs-fold included) as one space.
pub(crate) fn write_value<S: Sink + ?Sized>(sink: &mut S, v: &[u8]) {
    // Most values (hosts, dates, hashes) have no whitespace at all. Every
    // whitespace byte is <= 0x20, and so are only the control bytes, which
    // the general path below handles as well.
    if !any_byte(v, |b| b <= b' ') {
        sink.put(v);
        return;
    }
    let mut words = v.split(|&b| is_ws(b)).filter(|w| !w.is_empty());
    if let Some(first) = words.next() {
        sink.put(first);
        for w in words {
            sink.put(b" ");
            sink.put(w);
        }
    }
}

/// Writes `name` in lowercase.
#[inline]
pub(crate) fn write_name<S: Sink + ?Sized>(sink: &mut S, name: &str) {
    let b = name.as_bytes();
    if !any_byte(b, |c| c.is_ascii_uppercase()) {
        sink.put(b);
        return;
    }
    for &c in b {
        sink.put(&[c.to_ascii_lowercase()]);
    }
}

/// Compares names case-insensitively (as their lowercase forms).
fn cmp_names(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
            if x != y {
                return x.cmp(&y);
            }
        }
    }
    a.len().cmp(&b.len())
}

/// Byte order. Header names mostly differ within their first eight bytes
/// (`x-amz-` is six), so those are compared as one big-endian integer
/// before falling back to a full comparison (a `memcmp` call).
#[inline]
fn cmp_bytes(a: &[u8], b: &[u8]) -> Ordering {
    if let (Some(x), Some(y)) = (a.first_chunk::<8>(), b.first_chunk::<8>()) {
        let (x, y) = (u64::from_be_bytes(*x), u64::from_be_bytes(*y));
        if x != y {
            return x.cmp(&y);
        }
    }
    a.cmp(b)
}

/// Sorts by lowercase name; equal names keep their arrival order.
pub(crate) fn sort(headers: &mut [Header<'_>]) {
    headers.sort_by(|a, b| {
        if a.lower && b.lower {
            cmp_bytes(a.name.as_bytes(), b.name.as_bytes())
        } else {
            cmp_names(a.name, b.name)
        }
    });
}

/// Writes `name:value\n` per distinct name, for sorted headers.
pub(crate) fn write_canonical<S: Sink + ?Sized>(sink: &mut S, sorted: &[Header<'_>]) {
    let mut prev: Option<&Header<'_>> = None;
    for h in sorted {
        match prev {
            Some(p) if p.same_name(h) => sink.put(b","),
            Some(_) => {
                sink.put(b"\n");
                h.write_name(sink);
                sink.put(b":");
            }
            None => {
                h.write_name(sink);
                sink.put(b":");
            }
        }
        write_value(sink, h.value);
        prev = Some(h);
    }
    if prev.is_some() {
        sink.put(b"\n");
    }
}

/// Writes `name1;name2;...` (distinct lowercase names), for sorted headers.
pub(crate) fn write_signed<S: Sink + ?Sized>(sink: &mut S, sorted: &[Header<'_>]) {
    let mut prev: Option<&Header<'_>> = None;
    for h in sorted {
        match prev {
            Some(p) if p.same_name(h) => continue,
            Some(_) => sink.put(b";"),
            None => {}
        }
        h.write_name(sink);
        prev = Some(h);
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
    fn name_order_is_that_of_lowercase_names() {
        let names = [
            "a",
            "A",
            "ab",
            "aB",
            "B",
            "b-",
            "b_",
            "B-C",
            "x-amz-date",
            "X-Amz-D",
            "",
        ];
        for a in names {
            for b in names {
                let lower = a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase());
                assert_eq!(cmp_names(a, b), lower, "{a} {b}");
            }
        }
        assert!(is_token("x-amz-meta-a!#$%&'*+.^_`|~") && !is_token("a b") && !is_token("a:b"));
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
