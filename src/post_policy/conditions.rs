//! Policy conditions: what a form field may hold, the checks that keep a
//! policy satisfiable, and the JSON each condition is written as.

use std::borrow::Cow;

use super::json;
use crate::sink::Sink;
use crate::Error;

/// Fields the signer writes itself (case-insensitive, as S3 compares them).
const SIGNER_FIELDS: [&str; 6] = [
    "policy",
    "x-amz-algorithm",
    "x-amz-credential",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-signature",
];

/// One condition on a form field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Condition<'a> {
    /// `{"field": "value"}`, or `["eq", "$field", "value"]` when `array_form`.
    Exact {
        field: Cow<'a, str>,
        value: Cow<'a, str>,
        array_form: bool,
    },
    /// `["starts-with", "$field", "prefix"]`; an empty prefix allows any value.
    StartsWith {
        field: Cow<'a, str>,
        prefix: Cow<'a, str>,
    },
}

impl Condition<'_> {
    pub(crate) fn field(&self) -> &str {
        match self {
            Condition::Exact { field, .. } | Condition::StartsWith { field, .. } => field,
        }
    }

    /// The value or prefix.
    pub(crate) fn operand(&self) -> &str {
        match self {
            Condition::Exact { value: v, .. } | Condition::StartsWith { prefix: v, .. } => v,
        }
    }

    /// Appends the condition's JSON.
    pub(crate) fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        match self {
            Condition::Exact {
                field,
                value,
                array_form,
            } => write_exact(out, field, value, *array_form),
            Condition::StartsWith { field, prefix } => {
                write_array(out, "starts-with", field, prefix)
            }
        }
    }
}

/// `{"field":"value"}`, or `["eq","$field","value"]` when `array_form`.
pub(crate) fn write_exact<S: Sink + ?Sized>(
    out: &mut S,
    field: &str,
    value: &str,
    array_form: bool,
) {
    if array_form {
        return write_array(out, "eq", field, value);
    }
    out.put(b"{");
    json::string(out, field);
    out.put(b":");
    json::string(out, value);
    out.put(b"}");
}

/// `["op","$field","operand"]`.
pub(crate) fn write_array<S: Sink + ?Sized>(out: &mut S, op: &str, field: &str, operand: &str) {
    out.put_str("[\"");
    out.put_str(op);
    out.put_str("\",\"$");
    // `$` + a field name checked by `check_name`: nothing to escape.
    out.put_str(field);
    out.put_str("\",");
    json::string(out, operand);
    out.put(b"]");
}

/// A field name the caller may put a condition on.
pub(crate) fn check_name(name: &str) -> Result<(), Error> {
    let bad = |reason: &'static str| {
        Err(Error::InvalidPostField {
            name: name.to_string(),
            reason,
        })
    };
    if name.is_empty() {
        return bad("the name is empty");
    }
    if name.contains('$') {
        return bad("a field name cannot contain '$'");
    }
    if name.bytes().any(|b| b.is_ascii_whitespace()) {
        return bad("a field name cannot contain whitespace");
    }
    if !crate::canonical::headers::is_token(name) {
        return bad("a field name is letters, digits and - _ . ! # % & ' * + ^ ` | ~");
    }
    if SIGNER_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(name)) {
        return Err(Error::Reserved(name.to_string()));
    }
    for (field, reason) in [
        ("bucket", "the bucket is given to PostPolicy::new"),
        (
            "key",
            "set the key with PostPolicy::key, key_starts_with or key_with_filename",
        ),
        (
            "file",
            "the file is the form's last field and has no condition",
        ),
        (
            "content-length-range",
            "use PostPolicy::content_length_range",
        ),
    ] {
        if field.eq_ignore_ascii_case(name) {
            return bad(reason);
        }
    }
    Ok(())
}

/// A value or prefix for field `name` (the key included): no C0 control
/// character and no DEL (U+0000–U+001F, U+007F), tab, CR and LF included.
/// [`PostForm::to_html`](super::PostForm::to_html) copies values into
/// attributes, and what a browser then sends differs from what was signed:
/// HTML parsers turn NUL into U+FFFD and form submission rewrites line
/// breaks as CRLF; a page filling the fields in by script has the same
/// newline rewriting. `name` is a checked name, or `key`.
pub(crate) fn check_value(name: &str, value: &str) -> Result<(), Error> {
    if value.bytes().any(|b| b.is_ascii_control()) {
        return Err(Error::InvalidPostField {
            name: name.to_string(),
            reason: "a form field value cannot contain control characters \
                     (U+0000-U+001F or U+007F, tab and line breaks included): \
                     a browser would not send it as signed",
        });
    }
    Ok(())
}

/// Refuses conditions no upload can satisfy: two different exact values for
/// one field, an exact value outside a `starts-with` prefix, two prefixes
/// neither of which extends the other; and `success_action_status` values
/// S3 does not know.
///
/// O(n log n): the conditions are sorted by field name (case-insensitive)
/// and each field's group is checked in one pass, instead of comparing
/// every pair. Pairwise compatibility within a group is equivalent to: all
/// exact values equal, the prefixes a chain (each a prefix of the next
/// longer one, by transitivity of "starts with"), and the exact value, if
/// any, starting with the longest prefix. The error names the field as the
/// group's first condition spells it, for the group that starts earliest.
pub(crate) fn check_consistent(conditions: &[Condition<'_>]) -> Result<(), Error> {
    for c in conditions {
        if let Condition::Exact { field, value, .. } = c {
            if field.eq_ignore_ascii_case("success_action_status")
                && !matches!(value.as_ref(), "200" | "201" | "204")
            {
                return Err(Error::InvalidPostField {
                    name: field.to_string(),
                    reason: "success_action_status is 200, 201 or 204",
                });
            }
        }
    }
    // Each name lowercased once, all into one buffer: the sort then compares
    // plain byte slices.
    let mut lowered = Vec::with_capacity(conditions.iter().map(|c| c.field().len()).sum());
    let mut spans = Vec::with_capacity(conditions.len());
    for c in conditions {
        let start = lowered.len();
        lowered.extend(c.field().bytes().map(|b| b.to_ascii_lowercase()));
        spans.push(start..lowered.len());
    }
    let name = |i: usize| &lowered[spans[i].clone()];
    let mut order: Vec<usize> = (0..conditions.len()).collect();
    // Ties (same name) keep the input order: the group's first element is
    // its earliest condition.
    order.sort_unstable_by(|&a, &b| name(a).cmp(name(b)).then(a.cmp(&b)));
    let mut conflict: Option<usize> = None;
    for group in order.chunk_by(|&a, &b| name(a) == name(b)) {
        let first = group[0];
        if conflict.is_some_and(|c| c < first) {
            continue;
        }
        if !group_consistent(group.iter().map(|&i| &conditions[i])) {
            conflict = Some(first);
        }
    }
    match conflict {
        Some(i) => Err(Error::ConflictingConditions(
            conditions[i].field().to_string(),
        )),
        None => Ok(()),
    }
}

/// Whether the conditions on one field are pairwise [`compatible`].
fn group_consistent<'c, 'a: 'c>(group: impl Iterator<Item = &'c Condition<'a>>) -> bool {
    let mut exact: Option<&str> = None;
    let mut prefixes: Vec<&str> = Vec::new();
    for c in group {
        match c {
            Condition::Exact { value, .. } => match exact {
                Some(e) if e != value.as_ref() => return false,
                _ => exact = Some(value),
            },
            Condition::StartsWith { prefix, .. } => prefixes.push(prefix),
        }
    }
    prefixes.sort_unstable_by_key(|p| p.len());
    let chain = prefixes.windows(2).all(|w| w[1].starts_with(w[0]));
    chain
        && match (exact, prefixes.last()) {
            (Some(e), Some(longest)) => e.starts_with(longest),
            _ => true,
        }
}

/// Whether two conditions on one field can both hold (the pairwise
/// definition [`check_consistent`] is checked against).
#[cfg(test)]
fn compatible(a: &Condition<'_>, b: &Condition<'_>) -> bool {
    use Condition::{Exact, StartsWith};
    match (a, b) {
        (Exact { value: x, .. }, Exact { value: y, .. }) => x == y,
        (Exact { value, .. }, StartsWith { prefix, .. })
        | (StartsWith { prefix, .. }, Exact { value, .. }) => value.starts_with(prefix.as_ref()),
        (StartsWith { prefix: p, .. }, StartsWith { prefix: q, .. }) => {
            p.starts_with(q.as_ref()) || q.starts_with(p.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact<'a>(field: &'a str, value: &'a str) -> Condition<'a> {
        Condition::Exact {
            field: field.into(),
            value: value.into(),
            array_form: false,
        }
    }

    fn starts<'a>(field: &'a str, prefix: &'a str) -> Condition<'a> {
        Condition::StartsWith {
            field: field.into(),
            prefix: prefix.into(),
        }
    }

    #[test]
    fn json_forms() {
        let mut out = String::new();
        exact("acl", "public-read").write_json(&mut out);
        out.push(' ');
        Condition::Exact {
            field: "acl".into(),
            value: "a\"b".into(),
            array_form: true,
        }
        .write_json(&mut out);
        out.push(' ');
        starts("Content-Type", "").write_json(&mut out);
        assert_eq!(
            out,
            r#"{"acl":"public-read"} ["eq","$acl","a\"b"] ["starts-with","$Content-Type",""]"#
        );
    }

    #[test]
    fn names() {
        for ok in [
            "acl",
            "Content-Type",
            "x-amz-meta-uuid",
            "success_action_status",
        ] {
            assert_eq!(check_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "$acl", "a b", "a\tb", "a\"b", "é", "key", "Bucket", "file",
        ] {
            assert!(
                matches!(check_name(bad), Err(Error::InvalidPostField { .. })),
                "{bad}"
            );
        }
        for reserved in [
            "Policy",
            "X-Amz-Signature",
            "x-amz-date",
            "x-amz-security-token",
        ] {
            assert!(
                matches!(check_name(reserved), Err(Error::Reserved(_))),
                "{reserved}"
            );
        }
    }

    #[test]
    fn consistency() {
        let ok = [
            vec![exact("acl", "a"), exact("ACL", "a")],
            vec![
                exact("Content-Type", "image/png"),
                starts("content-type", "image/"),
            ],
            vec![starts("x", "ab"), starts("x", "a"), starts("x", "")],
            vec![exact("success_action_status", "201")],
        ];
        for c in ok {
            assert_eq!(check_consistent(&c), Ok(()), "{c:?}");
        }
        let conflicting = [
            vec![exact("acl", "a"), exact("Acl", "b")],
            vec![
                starts("content-type", "text/"),
                exact("Content-Type", "image/png"),
            ],
            vec![starts("x", "ab"), starts("x", "ac")],
        ];
        for c in conflicting {
            assert!(
                matches!(check_consistent(&c), Err(Error::ConflictingConditions(_))),
                "{c:?}"
            );
        }
        assert!(check_consistent(&[exact("success_action_status", "302")]).is_err());
    }

    #[test]
    fn values() {
        for ok in [
            "",
            "image/png",
            "a b",
            "résumé 日本 \u{80}\u{9f}\u{2028}",
            "~!\"<>&",
        ] {
            assert_eq!(check_value("acl", ok), Ok(()), "{ok:?}");
        }
        for b in (0..=0x1f).chain([0x7f]) {
            let bad = format!("a{}b", char::from(b));
            assert!(
                matches!(
                    check_value("x-amz-meta-a", &bad),
                    Err(Error::InvalidPostField { name, reason })
                        if name == "x-amz-meta-a" && reason.contains("control characters")
                ),
                "{bad:?}"
            );
        }
    }

    /// The pairwise definition, quadratic: the fields in order of first
    /// appearance, the first with two conditions that are not
    /// [`compatible`], named as its first condition spells it.
    fn pairwise(conditions: &[Condition<'_>]) -> Result<(), Error> {
        for (i, a) in conditions.iter().enumerate() {
            let same = |c: &&Condition<'_>| c.field().eq_ignore_ascii_case(a.field());
            if conditions[..i].iter().any(|c| same(&c)) {
                continue;
            }
            let group: Vec<_> = conditions[i..].iter().filter(same).collect();
            for (j, x) in group.iter().enumerate() {
                if group[j + 1..].iter().any(|y| !compatible(x, y)) {
                    return Err(Error::ConflictingConditions(a.field().to_string()));
                }
            }
        }
        Ok(())
    }

    /// Every list of up to four conditions over two fields (one in two
    /// spellings) and operands that extend, equal or diverge from each other
    /// agrees with the pairwise definition, error included.
    #[test]
    fn consistency_agrees_with_the_pairwise_definition() {
        let fields = ["a", "A", "b"];
        let operands = ["", "x", "xy", "xz"];
        let mut one = Vec::new();
        for field in fields {
            for operand in operands {
                one.push(exact(field, operand));
                one.push(starts(field, operand));
            }
        }
        let n = one.len();
        let mut checked = 0;
        for len in 0..=4u32 {
            for mut k in 0..n.pow(len) {
                let mut list = Vec::new();
                for _ in 0..len {
                    list.push(one[k % n].clone());
                    k /= n;
                }
                assert_eq!(check_consistent(&list), pairwise(&list), "{list:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 1 + 24 + 24 * 24 + 24 * 24 * 24 + 24 * 24 * 24 * 24);
    }
}
