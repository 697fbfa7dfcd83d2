//! Just enough JSON and HTML writing for policy documents and forms: strings
//! escaped per RFC 8259 (quotes, backslashes, control characters; non-ASCII
//! kept as UTF-8), optionally also safe inside `<script>`, and text escaped
//! for HTML attributes and content. Into any [`Sink`]: the policy and the
//! form text go into wiped buffers (they may carry the session token).

use crate::sink::Sink;

/// Appends `s` as a JSON string literal, quotes included.
pub(crate) fn string<S: Sink + ?Sized>(out: &mut S, s: &str) {
    write_string(out, s, false);
}

/// Appends `s` as a JSON string literal that is also safe inside an HTML
/// `<script>` element and as JavaScript source: as [`string`], and `<`, `>`,
/// `&`, U+2028 and U+2029 written `\u003c`, `\u003e`, `\u0026`, `\u2028`,
/// `\u2029` (so no `</script>` or `<!--` can end or change the element, and
/// no line separator ends a JavaScript string literal). The same value to a
/// JSON parser.
pub(crate) fn script_string<S: Sink + ?Sized>(out: &mut S, s: &str) {
    write_string(out, s, true);
}

/// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR in UTF-8 are
/// `E2 80 A8` and `E2 80 A9`.
const SEPARATOR_LEAD: u8 = 0xe2;

fn write_string<S: Sink + ?Sized>(out: &mut S, s: &str, script: bool) {
    out.put(b"\"");
    let bytes = s.as_bytes();
    let escaped = needs_escape(bytes) || (script && needs_script_escape(bytes));
    if !escaped {
        out.put_str(s);
        out.put(b"\"");
        return;
    }
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // The escape and how many bytes of `s` it replaces.
        let (escape, len): (&str, usize) = match b {
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            b'\n' => ("\\n", 1),
            b'\r' => ("\\r", 1),
            b'\t' => ("\\t", 1),
            0x08 => ("\\b", 1),
            0x0c => ("\\f", 1),
            0x00..=0x1f | 0x7f => ("", 1),
            b'<' if script => ("\\u003c", 1),
            b'>' if script => ("\\u003e", 1),
            b'&' if script => ("\\u0026", 1),
            SEPARATOR_LEAD if script => match bytes[i + 1..] {
                [0x80, 0xa8, ..] => ("\\u2028", 3),
                [0x80, 0xa9, ..] => ("\\u2029", 3),
                _ => {
                    i += 1;
                    continue;
                }
            },
            _ => {
                i += 1;
                continue;
            }
        };
        out.put_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.put_str("\\u00");
            out.put(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
        } else {
            out.put_str(escape);
        }
        i += len;
        start = i;
    }
    out.put_str(&s[start..]);
    out.put(b"\"");
}

/// Whether any byte is a control character, `"`, `\\` or DEL.
fn needs_escape(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f)
}

/// Whether any byte is `<`, `>`, `&`, or the first of U+2028 or U+2029
/// (and of other characters: the writer looks at the next two bytes).
fn needs_script_escape(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .any(|&b| b == b'<' || b == b'>' || b == b'&' || b == SEPARATOR_LEAD)
}

/// Appends `s` escaped for HTML text and double-quoted attribute values.
pub(crate) fn html<S: Sink + ?Sized>(out: &mut S, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.put_str("&amp;"),
            '<' => out.put_str("&lt;"),
            '>' => out.put_str("&gt;"),
            '"' => out.put_str("&quot;"),
            '\'' => out.put_str("&#39;"),
            c => out.put_str(c.encode_utf8(&mut [0; 4])),
        }
    }
}

#[cfg(test)]
mod tests {
    fn json(s: &str) -> String {
        let mut out = String::new();
        super::string(&mut out, s);
        out
    }

    #[test]
    fn escape_detection_agrees_with_a_byte_loop() {
        for b in 0..=255u8 {
            for len in 1..20 {
                for pos in 0..len {
                    let mut v = vec![b'a'; len];
                    v[pos] = b;
                    let slow = b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f;
                    assert_eq!(
                        super::needs_escape(&v),
                        slow,
                        "byte {b:#x} at {pos} of {len}"
                    );
                    let slow = b"<>&\xe2".contains(&b);
                    assert_eq!(
                        super::needs_script_escape(&v),
                        slow,
                        "byte {b:#x} at {pos} of {len}, script"
                    );
                }
            }
        }
        assert!(!super::needs_escape("résumé 日本 🚀 ~!".as_bytes()));
    }

    #[test]
    fn escapes() {
        assert_eq!(json(""), r#""""#);
        assert_eq!(json(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(json("\n\r\t\u{8}\u{c}"), r#""\n\r\t\b\f""#);
        assert_eq!(json("\u{0}\u{1f}\u{7f}"), r#""\u0000\u001f\u007f""#);
        assert_eq!(json("résumé 日本 🚀 /"), "\"résumé 日本 🚀 /\"");
        // The policy document keeps `<`, `>`, `&` and the separators as
        // they are.
        assert_eq!(
            json("</script>&\u{2028}\u{2029}"),
            "\"</script>&\u{2028}\u{2029}\""
        );
        let mut out = String::new();
        super::html(&mut out, r#"<a href="x">'&'</a>"#);
        assert_eq!(out, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn script_escapes() {
        let script = |s: &str| {
            let mut out = String::new();
            super::script_string(&mut out, s);
            out
        };
        assert_eq!(script("a/b résumé"), "\"a/b résumé\"");
        assert_eq!(
            script("</script><!--&\u{2028}\u{2029}\"\n"),
            r#""\u003c/script\u003e\u003c!--\u0026\u2028\u2029\"\n""#
        );
        // Other characters starting with the same byte as the separators
        // (U+2000–U+2FFF), at the end and before them, are kept.
        assert_eq!(
            script("\u{2027}\u{202a}\u{2028}\u{2fff}\u{2029}"),
            "\"\u{2027}\u{202a}\\u2028\u{2fff}\\u2029\""
        );
        assert_eq!(script("…\u{2029}"), "\"…\\u2029\"");
        assert_eq!(script("x\u{2027}"), "\"x\u{2027}\"");
    }
}
