//! A POST policy as it arrived: base64, then JSON read strictly (one
//! property per simple condition, no repeated key, no unknown operator, a
//! size limit), into the condition types the policy builder writes.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::post_policy::conditions::Condition;
use crate::time::SigningTime;
use crate::verify::s3_error::VerifyError;

/// The largest policy document accepted (decoded): S3 limits a POST
/// form's fields to 20 KB.
pub(crate) const MAX_POLICY_BYTES: usize = 20 * 1024;

/// A JSON value with objects in document order, read by a visitor that
/// refuses repeated keys (`serde_json::Value` keeps the last one silently).
enum Json {
    Null,
    Bool,
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Json, E> {
        Ok(Json::Bool)
    }

    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Json, E> {
        serde_json::Number::from_f64(n)
            .map(Json::Number)
            .ok_or_else(|| E::custom("a number out of range"))
    }

    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries: Vec<(String, Json)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format!("the key {key:?} is repeated")));
            }
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

/// A parsed policy: when it expires, its conditions, its size range.
#[derive(Debug)]
pub(crate) struct Policy {
    pub(crate) expiration: SigningTime,
    /// The `expiration` text, as written.
    pub(crate) expiration_text: String,
    pub(crate) conditions: Vec<Condition<'static>>,
    pub(crate) length_range: Option<(u64, u64)>,
}

fn invalid(why: impl Into<String>) -> VerifyError {
    VerifyError::InvalidPolicyDocument(why.into())
}

/// Decodes and parses the `policy` field.
pub(crate) fn parse(policy_base64: &str) -> Result<Policy, VerifyError> {
    if policy_base64.len() > MAX_POLICY_BYTES * 4 / 3 + 4 {
        return Err(invalid("the policy is larger than 20 KB"));
    }
    let document = base64::engine::general_purpose::STANDARD
        .decode(policy_base64)
        .map_err(|_| invalid("the policy is not base64"))?;
    if document.len() > MAX_POLICY_BYTES {
        return Err(invalid("the policy is larger than 20 KB"));
    }
    let json: Json =
        serde_json::from_slice(&document).map_err(|e| invalid(format!("Invalid JSON: {e}")))?;
    let Json::Object(top) = json else {
        return Err(invalid("the policy is not a JSON object"));
    };
    let (mut expiration, mut conditions) = (None, None);
    for (key, value) in top {
        match key.as_str() {
            "expiration" => expiration = Some(value),
            "conditions" => conditions = Some(value),
            _ => {
                return Err(invalid(format!(
                    "Unexpected policy element {:?}",
                    shown(&key)
                )))
            }
        }
    }
    let Some(Json::String(expiration_text)) = expiration else {
        return Err(invalid("Policy missing expiration (a string)"));
    };
    let Some(Json::Array(items)) = conditions else {
        return Err(invalid("Policy missing conditions (an array)"));
    };
    let expiration = parse_expiration(&expiration_text).ok_or_else(|| {
        invalid(format!(
            "Invalid 'expiration' value: '{}'",
            shown(&expiration_text)
        ))
    })?;
    let mut out = Vec::with_capacity(items.len());
    let mut length_range = None;
    for item in items {
        match item {
            Json::Object(mut props) => {
                if props.len() != 1 {
                    return Err(invalid(
                        "Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.",
                    ));
                }
                let (field, value) = props.remove(0);
                let Json::String(value) = value else {
                    return Err(invalid(format!("the condition on {:?} is not a string", shown(&field))));
                };
                out.push(Condition::Exact {
                    field: Cow::Owned(field),
                    value: Cow::Owned(value),
                    array_form: false,
                });
            }
            Json::Array(parts) => match parts.as_slice() {
                [Json::String(op), Json::Number(min), Json::Number(max)]
                    if op.eq_ignore_ascii_case("content-length-range") =>
                {
                    let (Some(min), Some(max)) = (min.as_u64(), max.as_u64()) else {
                        return Err(invalid("Invalid content-length-range: the bounds are not whole numbers"));
                    };
                    if min > max || length_range.replace((min, max)).is_some() {
                        return Err(invalid("Invalid content-length-range: min over max, or given twice"));
                    }
                }
                [Json::String(op), Json::String(field), Json::String(operand)] => {
                    let Some(field) = field.strip_prefix('$') else {
                        return Err(invalid(format!("the field {:?} does not start with '$'", shown(field))));
                    };
                    let field = Cow::Owned(field.to_string());
                    let operand = Cow::Owned(operand.clone());
                    out.push(match op.as_str() {
                        "eq" => Condition::Exact { field, value: operand, array_form: true },
                        "starts-with" => Condition::StartsWith { field, prefix: operand },
                        _ => return Err(invalid(format!("Unknown condition operator {:?}", shown(op)))),
                    });
                }
                _ => return Err(invalid("a condition is not [\"eq\"|\"starts-with\", \"$field\", \"value\"] or [\"content-length-range\", min, max]")),
            },
            _ => return Err(invalid("a condition is neither an object nor an array")),
        }
    }
    Ok(Policy {
        expiration,
        expiration_text,
        conditions: out,
        length_range,
    })
}

/// `2013-08-07T12:00:00.000Z` or `2013-08-07T12:00:00Z` (UTC).
fn parse_expiration(s: &str) -> Option<SigningTime> {
    (s.len() >= 20 && s.as_bytes()[4] == b'-')
        .then(|| SigningTime::parse(s).ok())
        .flatten()
}

/// At most 64 bytes of document text in an error.
fn shown(s: &str) -> &str {
    let end = (0..=s.len().min(64))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0);
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(json: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(json)
    }

    fn err(json: &str) -> String {
        match parse(&b64(json)) {
            Err(VerifyError::InvalidPolicyDocument(why)) => why,
            other => panic!("{json}: {other:?}"),
        }
    }

    #[test]
    fn reads_every_condition_form() {
        let p = parse(&b64(r#"{"expiration":"2013-08-07T12:00:00.000Z","conditions":[{"bucket":"b"},["starts-with","$key","user/"],["eq","$acl","private"],["content-length-range",1,10485760]]}"#)).unwrap();
        assert_eq!(p.expiration.amz_date(), "20130807T120000Z");
        assert_eq!(p.length_range, Some((1, 10485760)));
        assert_eq!(p.conditions.len(), 3);
        assert_eq!(
            (p.conditions[1].field(), p.conditions[1].operand()),
            ("key", "user/")
        );
        assert!(parse(&b64(
            r#"{"conditions":[],"expiration":"2013-08-07T12:00:00Z"}"#
        ))
        .is_ok());
    }

    #[test]
    fn refuses_what_s3_refuses() {
        assert!(
            err(r#"{"expiration":"2013-08-07T12:00:00Z","conditions":[{"a":"1","b":"2"}]}"#)
                .contains("exactly one property")
        );
        assert!(
            err(r#"{"expiration":"2013-08-07T12:00:00Z","conditions":[{}]}"#)
                .contains("exactly one property")
        );
        assert!(err(r#"{"expiration":"2013-08-07T12:00:00Z","expiration":"2099-01-01T00:00:00Z","conditions":[]}"#).contains("repeated"));
        assert!(err(
            r#"{"expiration":"2013-08-07T12:00:00Z","conditions":[{"acl":"a","acl":"b"}]}"#
        )
        .contains("repeated"));
        assert!(err(
            r#"{"expiration":"2013-08-07T12:00:00Z","conditions":[["ends-with","$key","x"]]}"#
        )
        .contains("Unknown condition operator"));
        assert!(
            err(r#"{"expiration":"2013-08-07T12:00:00Z","conditions":[["eq","key","x"]]}"#)
                .contains("'$'")
        );
        assert!(err(
            r#"{"expiration":"2013-08-07T12:00:00Z","conditions":[["content-length-range",10,1]]}"#
        )
        .contains("content-length-range"));
        assert!(err(
            r#"{"expiration":"2013-08-07T12:00:00Z","conditions":[["content-length-range",-1,1]]}"#
        )
        .contains("content-length-range"));
        assert!(
            err(r#"{"expiration":"2013-08-07T12:00:00Z","conditions":[["eq","$key"]]}"#)
                .contains("a condition is not")
        );
        assert!(
            err(r#"{"expiration":"2013-08-07T12:00:00Z","conditions":[{"key":1}]}"#)
                .contains("not a string")
        );
        assert!(
            err(r#"{"expiration":"2013-08-07T12:00:00Z","conditions":{}}"#)
                .contains("missing conditions")
        );
        assert!(err(r#"{"conditions":[]}"#).contains("missing expiration"));
        assert!(
            err(r#"{"expiration":"tomorrow","conditions":[]}"#).contains("Invalid 'expiration'")
        );
        assert!(err(r#"{"expiration":"20130807T120000Z","conditions":[]}"#)
            .contains("Invalid 'expiration'"));
        assert!(
            err(r#"{"expiration":"2013-08-07T12:00:00Z","conditions":[],"extra":1}"#)
                .contains("Unexpected")
        );
        assert!(err(r#"[1]"#).contains("not a JSON object"));
        assert!(err("{").contains("Invalid JSON"));
        assert!(matches!(
            parse("not base64!"),
            Err(VerifyError::InvalidPolicyDocument(_))
        ));
        let big = format!(
            r#"{{"expiration":"2013-08-07T12:00:00Z","conditions":[{}]}}"#,
            vec![r#"{"a":"b"}"#; 3000].join(",")
        );
        assert!(err(&big).contains("20 KB"));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(err(&deep).contains("Invalid JSON"));
    }
}
