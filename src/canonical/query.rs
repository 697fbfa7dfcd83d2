//! The canonical query string: parameters decoded, strictly re-encoded and
//! sorted by encoded name, then encoded value.

use std::cmp::Ordering;

use super::encode::{encode, reencode, Decoded, Encoded, Sink};
use crate::Error;

/// One side of a `name=value` pair, as the caller gave it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Component<'a> {
    /// Text to be encoded.
    Raw(&'a [u8]),
    /// Text already percent-encoded on the wire (`+` is a literal plus).
    Encoded(&'a str),
    /// Bytes already in canonical form (the signer's own `X-Amz-*`
    /// parameters, encoded as they were written).
    Canonical(&'a [u8]),
}

impl Default for Component<'_> {
    fn default() -> Self {
        Component::Raw(b"")
    }
}

/// The bytes of a component's canonical encoding, lazily.
#[derive(Clone)]
enum CanonicalBytes<'a> {
    Encode(Encoded<Decoded<'a>>),
    Verbatim(std::iter::Copied<std::slice::Iter<'a, u8>>),
}

impl Iterator for CanonicalBytes<'_> {
    type Item = u8;
    #[inline]
    fn next(&mut self) -> Option<u8> {
        match self {
            CanonicalBytes::Encode(it) => it.next(),
            CanonicalBytes::Verbatim(it) => it.next(),
        }
    }
}

impl<'a> Component<'a> {
    /// The bytes of the canonical encoding, lazily.
    fn canonical_bytes(&self) -> CanonicalBytes<'a> {
        match *self {
            Component::Raw(s) => CanonicalBytes::Encode(Encoded::new(Decoded::raw(s))),
            Component::Encoded(s) => {
                CanonicalBytes::Encode(Encoded::new(Decoded::new(s.as_bytes())))
            }
            Component::Canonical(s) => CanonicalBytes::Verbatim(s.iter().copied()),
        }
    }

    /// Orders by canonical (encoded) bytes. Raw components encode byte by
    /// byte, so an equal raw prefix encodes equally and is skipped.
    fn cmp_canonical(&self, other: &Self) -> Ordering {
        match (*self, *other) {
            (Component::Canonical(a), Component::Canonical(b)) => a.cmp(b),
            (Component::Raw(a), Component::Raw(b)) => {
                let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
                Encoded::new(Decoded::raw(&a[same..])).cmp(Encoded::new(Decoded::raw(&b[same..])))
            }
            _ => self.canonical_bytes().cmp(other.canonical_bytes()),
        }
    }

    /// The decoded bytes, lazily.
    pub(crate) fn decoded_bytes(&self) -> Decoded<'a> {
        match *self {
            Component::Raw(s) => Decoded::raw(s),
            Component::Encoded(s) => Decoded::new(s.as_bytes()),
            Component::Canonical(s) => Decoded::new(s),
        }
    }

    #[inline]
    pub(crate) fn write<S: Sink + ?Sized>(&self, sink: &mut S) {
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

impl Param<'_> {
    /// Orders by encoded name, then encoded value.
    fn cmp_canonical(&self, other: &Self) -> Ordering {
        self.name
            .cmp_canonical(&other.name)
            .then_with(|| self.value.cmp_canonical(&other.value))
    }

    /// Whether the decoded name equals `name`, ignoring ASCII case.
    pub(crate) fn name_is(&self, name: &str) -> bool {
        let mut it = self.name.decoded_bytes();
        name.bytes()
            .all(|b| it.next().is_some_and(|c| c.eq_ignore_ascii_case(&b)))
            && it.next().is_none()
    }
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

/// Sorts by encoded name, then encoded value (bytewise); repeated names stay.
pub(crate) fn sort(params: &mut [Param<'_>]) {
    params.sort_unstable_by(Param::cmp_canonical);
}

/// Writes `name=value&...` for params that are already sorted.
pub(crate) fn write<S: Sink + ?Sized>(sink: &mut S, params: &[Param<'_>]) {
    for (i, p) in params.iter().enumerate() {
        write_param(sink, i == 0, p);
    }
}

/// Writes one parameter of a sorted list: `&` unless it is the first, then
/// `name=value`. The signer also renders its constant parameter text with
/// it, once per signer.
#[inline]
pub(crate) fn write_param<S: Sink + ?Sized>(sink: &mut S, first: bool, p: &Param<'_>) {
    if !first {
        sink.put(b"&");
    }
    p.name.write(sink);
    sink.put(b"=");
    p.value.write(sink);
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
        sort(&mut params);
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
    fn name_matching_uses_decoded_text() {
        let p = parse_encoded("X-Amz-%53ignature=x").next().unwrap();
        assert!(p.name_is("x-amz-signature"));
        assert!(!p.name_is("x-amz-signatur"));
        assert!(validate_encoded("a=b\n").is_err());
        assert!(validate_encoded("a=b#c").is_err());
        assert!(validate_encoded("a=b c").is_ok());
    }
}
