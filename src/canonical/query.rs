//! The canonical query string: parameters decoded, strictly re-encoded and
//! sorted by encoded name, then encoded value.

use super::encode::{decode, encode, reencode};
use crate::sink::{Sink, StackBuf, StackVec};
use crate::Error;

/// One side of a `name=value` pair, as the caller gave it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Component<'a> {
    /// Text to be encoded.
    Raw(&'a [u8]),
    /// Text already percent-encoded on the wire (`+` is a literal plus).
    Encoded(&'a str),
    /// Text already in canonical form (unreserved bytes and `%XX` escapes
    /// only), written as it is: the names and values the signer writes.
    Canonical(&'a [u8]),
}

impl Default for Component<'_> {
    fn default() -> Self {
        Component::Raw(b"")
    }
}

impl Component<'_> {
    /// At most this many bytes once encoded.
    fn max_encoded_len(&self) -> usize {
        3 * match *self {
            Component::Raw(s) | Component::Canonical(s) => s.len(),
            Component::Encoded(s) => s.len(),
        }
    }

    /// Writes the canonical encoding.
    fn write<S: Sink + ?Sized>(&self, sink: &mut S) {
        match *self {
            Component::Raw(s) => encode(sink, s, false),
            Component::Encoded(s) => reencode(sink, s.as_bytes(), false),
            Component::Canonical(s) => sink.put(s),
        }
    }
}

/// A query parameter.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Param<'a> {
    pub(crate) name: Component<'a>,
    pub(crate) value: Component<'a>,
}

impl<'a> Param<'a> {
    /// A parameter from text to be encoded.
    pub(crate) fn raw(name: &'a str, value: &'a [u8]) -> Self {
        Param {
            name: Component::Raw(name.as_bytes()),
            value: Component::Raw(value),
        }
    }

    /// A parameter the signer writes: name and value already canonical.
    pub(crate) fn canonical(name: &'a str, value: &'a [u8]) -> Self {
        debug_assert!(is_canonical(name.as_bytes()) && is_canonical(value));
        Param {
            name: Component::Canonical(name.as_bytes()),
            value: Component::Canonical(value),
        }
    }

    /// Whether the decoded name equals `name`, ignoring ASCII case.
    pub(crate) fn name_is(&self, name: &str) -> bool {
        // Without an escape the text is its own decoding (most names): no
        // decoding pass; the verifier asks this of every parameter for each
        // X-Amz-* name.
        let plain = |s: &[u8]| !s.contains(&b'%');
        match self.name {
            Component::Canonical(s) if plain(s) => s.eq_ignore_ascii_case(name.as_bytes()),
            Component::Encoded(s) if plain(s.as_bytes()) => {
                s.as_bytes().eq_ignore_ascii_case(name.as_bytes())
            }
            Component::Raw(s) => s.eq_ignore_ascii_case(name.as_bytes()),
            Component::Canonical(s) => decode(s).eq_ignore_ascii_case(name.as_bytes()),
            Component::Encoded(s) => decode(s.as_bytes()).eq_ignore_ascii_case(name.as_bytes()),
        }
    }
}

/// Whether `s` is its own canonical encoding: unreserved bytes and `%XX`
/// escapes with uppercase hex.
fn is_canonical(s: &[u8]) -> bool {
    let upper_hex = |b: &u8| b.is_ascii_digit() || (b'A'..=b'F').contains(b);
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' if s.get(i + 1..i + 3).is_some_and(|h| h.iter().all(upper_hex)) => i += 3,
            b if is_unreserved(b) => i += 1,
            _ => return false,
        }
    }
    true
}

/// Whether every name is its own encoding and the names strictly increase:
/// then the parameters are written in the order given (the signer's own
/// parameters arrive so), with no buffer to sort in.
fn in_order(params: &[Param<'_>]) -> bool {
    let mut last: &[u8] = b"";
    for (i, p) in params.iter().enumerate() {
        // Encoded names with escapes are left to the sort: `%7E` decodes
        // to `~`, which sorts after letters.
        let name = match p.name {
            Component::Canonical(s) => s,
            Component::Raw(s) => s,
            Component::Encoded(s) => s.as_bytes(),
        };
        if !matches!(p.name, Component::Canonical(_)) && !name.iter().all(|&b| is_unreserved(b)) {
            return false;
        }
        if i > 0 && name <= last {
            return false;
        }
        last = name;
    }
    true
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// At most this many bytes in the canonical query of `params`.
pub(crate) fn max_len(params: &[Param<'_>]) -> usize {
    params
        .iter()
        .map(|p| p.name.max_encoded_len() + p.value.max_encoded_len() + 2)
        .sum()
}

/// Splits an encoded query on `&` and the first `=`; `k` alone is `k=`;
/// empty pieces (`a&&b`) are dropped.
pub(crate) fn parse_encoded(query: &str) -> impl Iterator<Item = Param<'_>> {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        Param {
            name: Component::Encoded(name),
            value: Component::Encoded(value),
        }
    })
}

/// Checks an encoded query string from a URL: no control bytes, no `#`.
pub(crate) fn validate_encoded(query: &str) -> Result<(), Error> {
    if query.bytes().any(|b| b.is_ascii_control() || b == b'#') {
        return Err(Error::InvalidUrl(
            "the query contains a control byte or '#'".into(),
        ));
    }
    Ok(())
}

/// Writes the canonical query of `params`: each name and value encoded,
/// the pairs sorted by encoded name, then encoded value (bytewise; repeated
/// names stay), joined as `name=value&...`.
pub(crate) fn write<S: Sink + ?Sized>(sink: &mut S, params: &[Param<'_>]) {
    if in_order(params) {
        for (i, p) in params.iter().enumerate() {
            if i > 0 {
                sink.put(b"&");
            }
            p.name.write(sink);
            sink.put(b"=");
            p.value.write(sink);
        }
        return;
    }
    // Wiped on drop: the session token may be one of the values.
    let mut text = StackBuf::<512>::new();
    // (start, `=`, end) of each encoded `name=value` in `text`.
    let mut pairs = StackVec::<(usize, usize, usize), 16>::new();
    for p in params {
        let start = text.len();
        p.name.write(&mut text);
        let equals = text.len();
        text.put(b"=");
        p.value.write(&mut text);
        pairs.push((start, equals, text.len()));
    }
    let text = text.as_bytes();
    let name = |&(s, m, _): &(usize, usize, usize)| &text[s..m];
    let value = |&(_, m, e): &(usize, usize, usize)| &text[m + 1..e];
    let pairs = pairs.as_mut_slice();
    // Stable: an insertion sort at these sizes, a few comparisons for the
    // signer's parameters, which arrive almost in order.
    pairs.sort_by(|a, b| (name(a), value(a)).cmp(&(name(b), value(b))));
    for (i, &(start, _, end)) in pairs.iter().enumerate() {
        if i > 0 {
            sink.put(b"&");
        }
        sink.put(&text[start..end]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(query: &str, raw: &[(&str, &str)]) -> String {
        let mut params: Vec<Param<'_>> = parse_encoded(query).collect();
        params.extend(raw.iter().map(|(n, v)| Param {
            name: Component::Raw(n.as_bytes()),
            value: Component::Raw(v.as_bytes()),
        }));
        let mut out = Vec::new();
        write(&mut out, &params);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn splits_decodes_and_sorts() {
        assert_eq!(canonical("", &[]), "");
        assert_eq!(canonical("lifecycle", &[]), "lifecycle=");
        assert_eq!(canonical("prefix=J&max-keys=2", &[]), "max-keys=2&prefix=J");
        assert_eq!(canonical("a=1=2", &[]), "a=1%3D2");
        assert_eq!(canonical("a=b+c", &[]), "a=b%2Bc");
        assert_eq!(canonical("a=b%20c&a=b%2bc&&", &[]), "a=b%20c&a=b%2Bc");
        assert_eq!(canonical("k=%7e", &[]), "k=~");
        assert_eq!(canonical("", &[("k", "a b+c/d")]), "k=a%20b%2Bc%2Fd");
    }

    #[test]
    fn sorts_names_then_values_not_joined_pairs() {
        // Sorting "k=v" strings would put "Param-3=..." before "Param=..." ('-' < '=').
        assert_eq!(
            canonical("Param-3=Value3&Param=Value2&%E1%88%B4=Value1", &[]),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"
        );
        assert_eq!(
            canonical("Param1=value2&Param1=Value1", &[]),
            "Param1=Value1&Param1=value2"
        );
        assert_eq!(canonical("b=2&a=", &[("a", "x")]), "a=&a=x&b=2");
        // Order is that of the encoded bytes: "%" (0x25) sorts before letters.
        assert_eq!(
            canonical("", &[("é", "1"), ("Z", "2"), ("a", "3")]),
            "%C3%A9=1&Z=2&a=3"
        );
    }

    #[test]
    fn names_in_order_are_written_as_given_and_escapes_are_sorted() {
        assert_eq!(canonical("a=2&b=1", &[]), "a=2&b=1");
        assert_eq!(canonical("b=1&a=2", &[]), "a=2&b=1");
        // `%7E` is `~`, after every letter; `%41` is `A`, before them.
        assert_eq!(canonical("%7E=1&a=2", &[]), "a=2&~=1");
        assert_eq!(canonical("a=1&%41=2", &[]), "A=2&a=1");
        // Equal names keep their values sorted.
        assert_eq!(canonical("a=2&a=1", &[]), "a=1&a=2");
        assert_eq!(canonical("", &[("b", "1"), ("a b", "2")]), "a%20b=2&b=1");
    }

    #[test]
    fn canonical_text_is_recognised() {
        assert!(is_canonical(b"AKID%2F20240101%2Fus-east-1"));
        assert!(is_canonical(b"AZaz09-_.~"));
        assert!(!is_canonical(b"a/b"));
        assert!(!is_canonical(b"a%2fb"));
        assert!(!is_canonical(b"a%2"));
        assert!(!is_canonical(b"a b"));
    }

    #[test]
    fn name_matching_uses_decoded_text() {
        let p = parse_encoded("X-Amz-%53ignature=x").next().unwrap();
        assert!(p.name_is("x-amz-signature"));
        assert!(!p.name_is("x-amz-signatur"));
        assert!(validate_encoded("a=b\n").is_err());
        assert!(validate_encoded("a=b#c").is_err());
        assert!(validate_encoded("a=b c").is_ok());
    }
}
