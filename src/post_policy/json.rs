//! Just enough JSON and HTML writing for policy documents and forms: strings
//! escaped per RFC 8259 (quotes, backslashes, control characters; non-ASCII
//! kept as UTF-8) and text escaped for HTML attributes and content.

/// Appends `s` as a JSON string literal, quotes included.
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    if !needs_escape(s.as_bytes()) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f | 0x7f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether any byte is a control character, `"`, `\\` or DEL.
fn needs_escape(bytes: &[u8]) -> bool {
    // `|`, not `||`: no branch per byte, so each block is a few vector
    // instructions.
    crate::small::any_byte(bytes, |b| {
        (b < 0x20) | (b == b'"') | (b == b'\\') | (b == 0x7f)
    })
}

/// Appends `s` escaped for HTML text and double-quoted attribute values.
pub(crate) fn html(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
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
        let mut out = String::new();
        super::html(&mut out, r#"<a href="x">'&'</a>"#);
        assert_eq!(out, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
