//! The authentication of a request, parsed into typed parts and not yet
//! trusted: the `Authorization` header, or the `X-Amz-*` parameters of a
//! presigned URL. Every part is validated here; nothing is checked against
//! a secret.

use crate::canonical::encode::decode;
use crate::canonical::headers::is_token;
use crate::canonical::query::{parse_encoded, Param};
use crate::credentials::is_access_key_id;
use crate::string_to_sign::{is_scope_part, ALGORITHM};
use crate::time::SigningTime;
use crate::verify::s3_error::{Malformed, VerifyError};

/// Where the signature of a request is.
///
/// ```
/// assert_ne!(awsig::AuthMethod::AuthorizationHeader, awsig::AuthMethod::QueryString);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    /// `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
    AuthorizationHeader,
    /// A presigned URL: `X-Amz-Algorithm`, `X-Amz-Credential`, ... in the query.
    QueryString,
}

/// At most this many names in `SignedHeaders`.
pub(crate) const MAX_SIGNED_HEADERS: usize = 128;

/// The parsed parts, owned (a presigned URL's are decoded).
#[derive(Clone, Debug)]
pub(crate) struct Parts {
    pub(crate) method: AuthMethod,
    pub(crate) access_key_id: String,
    pub(crate) date: [u8; 8],
    pub(crate) region: String,
    pub(crate) service: String,
    /// Validated: lowercase tokens, strictly increasing, `;`-separated.
    pub(crate) signed_headers: String,
    /// 64 hex digits, as given (either case).
    pub(crate) signature: [u8; 64],
    /// `X-Amz-Expires` (query only).
    pub(crate) expires_secs: Option<u64>,
    /// The request time given by the client (`X-Amz-Date` of the query; for
    /// the header method, filled in by the verifier from the headers).
    pub(crate) time: Option<SigningTime>,
}

/// `AKID/YYYYMMDD/region/service/aws4_request`.
pub(crate) fn parse_credential_scope(
    credential: &str,
) -> Result<(String, [u8; 8], String, String), Malformed> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [akid, date, region, service, terminal] = parts[..] else {
        return Err(Malformed::Credential);
    };
    if !is_access_key_id(akid) || !is_scope_part(region) || !is_scope_part(service) {
        return Err(Malformed::Credential);
    }
    let date = <[u8; 8]>::try_from(date.as_bytes())
        .ok()
        .filter(is_calendar_date)
        .ok_or(Malformed::Credential)?;
    if terminal != "aws4_request" {
        return Err(Malformed::Terminal(shown(terminal)));
    }
    Ok((
        akid.to_string(),
        date,
        region.to_string(),
        service.to_string(),
    ))
}

/// `YYYYMMDD`, a real date.
fn is_calendar_date(d: &[u8; 8]) -> bool {
    let mut stamp = *b"00000000T000000Z";
    stamp[..8].copy_from_slice(d);
    std::str::from_utf8(&stamp).is_ok_and(|s| SigningTime::parse(s).is_ok())
}

/// At most 64 bytes of client text in an error, cut at a character boundary.
fn shown(s: &str) -> String {
    let end = (0..=s.len().min(64))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0);
    s[..end].to_string()
}

/// Lowercase header names, strictly increasing (sorted, no repeats).
fn check_signed_headers(list: &str) -> Result<(), Malformed> {
    if list.is_empty() {
        return Err(Malformed::SignedHeaders("is empty"));
    }
    let mut last: Option<&str> = None;
    for (i, name) in list.split(';').enumerate() {
        if i == MAX_SIGNED_HEADERS {
            return Err(Malformed::SignedHeaders("names more than 128 headers"));
        }
        if !is_token(name) {
            return Err(Malformed::SignedHeaders(
                "has a name that is not a header name",
            ));
        }
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(Malformed::SignedHeaders("has a name that is not lowercase"));
        }
        if last.is_some_and(|l| l >= name) {
            return Err(Malformed::SignedHeaders("is not sorted or repeats a name"));
        }
        last = Some(name);
    }
    Ok(())
}

fn parse_signature(s: &str) -> Result<[u8; 64], Malformed> {
    <[u8; 64]>::try_from(s.as_bytes())
        .ok()
        .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
        .ok_or(Malformed::Signature)
}

/// Parses an `Authorization` header value. The request time is not part of
/// it (`x-amz-date` or `Date`): the verifier adds it.
pub(crate) fn parse_authorization(value: &str) -> Result<Parts, VerifyError> {
    let malformed = VerifyError::AuthorizationHeaderMalformed;
    let value = value.trim_matches([' ', '\t']);
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(VerifyError::UnsupportedAlgorithm { query: false });
    }
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for component in rest.split(',') {
        let component = component.trim_matches(' ');
        let Some((name, v)) = component.split_once('=') else {
            return Err(malformed(if component.is_empty() {
                Malformed::Syntax
            } else {
                Malformed::UnknownComponent(shown(component))
            }));
        };
        let slot = match name {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return Err(malformed(Malformed::UnknownComponent(shown(name)))),
        };
        if slot.replace(v).is_some() {
            let name = match name {
                "Credential" => "Credential",
                "SignedHeaders" => "SignedHeaders",
                _ => "Signature",
            };
            return Err(malformed(Malformed::Repeated(name)));
        }
    }
    let (Some(credential), Some(signed), Some(signature)) = (credential, signed, signature) else {
        return Err(malformed(Malformed::MissingComponents));
    };
    let (access_key_id, date, region, service) =
        parse_credential_scope(credential).map_err(malformed)?;
    check_signed_headers(signed).map_err(malformed)?;
    let signature = parse_signature(signature).map_err(malformed)?;
    Ok(Parts {
        method: AuthMethod::AuthorizationHeader,
        access_key_id,
        date,
        region,
        service,
        signed_headers: signed.to_string(),
        signature,
        expires_secs: None,
        time: None,
    })
}

/// The `X-Amz-*` parameters of query authentication.
pub(crate) const QUERY_AUTH: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];

/// Whether the query carries query authentication (an algorithm, a
/// credential or a signature parameter).
pub(crate) fn has_query_auth(query: &str) -> bool {
    parse_encoded(query).any(|p| {
        QUERY_AUTH[..2]
            .iter()
            .chain(&QUERY_AUTH[5..6])
            .any(|n| p.name_is(n))
    })
}

/// Whether the query carries SigV2 query authentication (`AWSAccessKeyId`
/// and `Signature`), which S3 refuses in its SigV4-only regions with
/// `InvalidRequest` ("Please use AWS4-HMAC-SHA256").
pub(crate) fn has_sigv2_query_auth(query: &str) -> bool {
    let has = |name: &str| parse_encoded(query).any(|p| p.name_is(name));
    has("AWSAccessKeyId") && has("Signature")
}

/// The decoded values of the query-authentication parameters, each given
/// at most once (index as in [`QUERY_AUTH`]).
pub(crate) fn query_auth_values(query: &str) -> Result<[Option<String>; 7], VerifyError> {
    let malformed = VerifyError::AuthorizationQueryParametersError;
    let mut values: [Option<String>; 7] = Default::default();
    for p in parse_encoded(query) {
        let Some(i) = QUERY_AUTH.iter().position(|n| p.name_is(n)) else {
            continue;
        };
        let Param {
            value: crate::canonical::query::Component::Encoded(v),
            ..
        } = p
        else {
            continue;
        };
        let text = String::from_utf8(decode(v.as_bytes()).into_owned())
            .map_err(|_| malformed(Malformed::NotUtf8(QUERY_AUTH[i])))?;
        if values[i].replace(text).is_some() {
            return Err(malformed(Malformed::Repeated(QUERY_AUTH[i])));
        }
    }
    Ok(values)
}

/// Parses the query authentication of a presigned URL; `max_expires_secs`
/// bounds `X-Amz-Expires`.
pub(crate) fn parse_query(query: &str, max_expires_secs: u64) -> Result<Parts, VerifyError> {
    let malformed = VerifyError::AuthorizationQueryParametersError;
    let values = query_auth_values(query)?;
    let [Some(algorithm), Some(credential), Some(date), Some(expires), Some(signed), Some(signature), _] =
        &values
    else {
        return Err(malformed(Malformed::MissingComponents));
    };
    if algorithm != ALGORITHM {
        return Err(VerifyError::UnsupportedAlgorithm { query: true });
    }
    let (access_key_id, cdate, region, service) =
        parse_credential_scope(credential).map_err(malformed)?;
    let time = parse_amz_date(date).ok_or(malformed(Malformed::Date))?;
    let expires_secs = parse_expires(expires, max_expires_secs).map_err(malformed)?;
    check_signed_headers(signed).map_err(malformed)?;
    let signature = parse_signature(signature).map_err(malformed)?;
    Ok(Parts {
        method: AuthMethod::QueryString,
        access_key_id,
        date: cdate,
        region,
        service,
        signed_headers: signed.clone(),
        signature,
        expires_secs: Some(expires_secs),
        time: Some(time),
    })
}

/// `X-Amz-Expires`: decimal digits, 1..=max.
fn parse_expires(s: &str, max: u64) -> Result<u64, Malformed> {
    if let Some(digits) = s.strip_prefix('-') {
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Malformed::ExpiresNegative);
        }
    }
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Malformed::ExpiresNotANumber);
    }
    // All digits: too long to parse means too large.
    let secs = s.parse::<u64>().unwrap_or(u64::MAX);
    match secs {
        0 => Err(Malformed::ExpiresZero),
        s if s > max => Err(Malformed::ExpiresTooLarge(max)),
        s => Ok(s),
    }
}

/// `YYYYMMDDTHHMMSSZ` exactly.
pub(crate) fn parse_amz_date(s: &str) -> Option<SigningTime> {
    (s.len() == 16)
        .then(|| SigningTime::parse(s).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";

    fn auth(v: &str) -> Result<Parts, VerifyError> {
        parse_authorization(v)
    }

    #[test]
    fn accepts_what_sdks_send() {
        for sep in [", ", ","] {
            let v = format!("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request{sep}SignedHeaders=host;range;x-amz-date{sep}Signature={SIG}");
            let p = auth(&v).unwrap();
            assert_eq!(p.access_key_id, "AKIAIOSFODNN7EXAMPLE");
            assert_eq!(
                (&p.date, p.region.as_str(), p.service.as_str()),
                (b"20130524", "us-east-1", "s3")
            );
            assert_eq!(p.signed_headers, "host;range;x-amz-date");
        }
    }

    #[test]
    fn refuses_malformed_headers() {
        let ok = format!("Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature={SIG}");
        let cases: Vec<(String, &str)> = vec![
            (format!("AWS4-HMAC-SHA512 {ok}"), "InvalidRequest"),
            (format!("AWS AKID:{SIG}"), "InvalidRequest"),
            (format!("AWS4-HMAC-SHA256 {ok}, Signature={SIG}"), "AuthorizationHeaderMalformed"),
            (format!("AWS4-HMAC-SHA256 {ok}, Extra=1"), "AuthorizationHeaderMalformed"),
            (format!("AWS4-HMAC-SHA256 {ok},"), "AuthorizationHeaderMalformed"),
            (format!("AWS4-HMAC-SHA256 {ok}, x"), "AuthorizationHeaderMalformed"),
            ("AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=host".into(), "AuthorizationHeaderMalformed"),
        ];
        for (v, code) in cases {
            assert_eq!(auth(&v).unwrap_err().code(), code, "{v}");
        }
        let bad = |cred: &str, signed: &str, sig: &str| {
            auth(&format!(
                "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders={signed}, Signature={sig}"
            ))
            .unwrap_err()
        };
        let c = "AKID/20130524/us-east-1/s3/aws4_request";
        for cred in [
            "AKID/20130524/us-east-1/s3",
            "AKID/20130532/us-east-1/s3/aws4_request",
            "/20130524/us-east-1/s3/aws4_request",
            "AKID/20130524/us east/s3/aws4_request",
            "AKID/20130524/us-east-1/s3/aws4_request/x",
        ] {
            assert_eq!(
                bad(cred, "host", SIG),
                VerifyError::AuthorizationHeaderMalformed(Malformed::Credential),
                "{cred}"
            );
        }
        assert_eq!(
            bad("AKID/20130524/us-east-1/s3/aws5_request", "host", SIG),
            VerifyError::AuthorizationHeaderMalformed(Malformed::Terminal("aws5_request".into()))
        );
        for signed in [
            "",
            "Host",
            "host;host",
            "x-amz-date;host",
            "host;;x",
            "host; x",
        ] {
            assert!(
                matches!(
                    bad(c, signed, SIG),
                    VerifyError::AuthorizationHeaderMalformed(Malformed::SignedHeaders(_))
                ),
                "{signed:?}"
            );
        }
        for sig in [
            "",
            &SIG[1..],
            &format!("{}g", &SIG[1..]),
            &format!("{SIG}0"),
        ] {
            assert_eq!(
                bad(c, "host", sig),
                VerifyError::AuthorizationHeaderMalformed(Malformed::Signature)
            );
        }
        let many: Vec<String> = (0..200).map(|i| format!("h{i:03}")).collect();
        assert!(matches!(
            bad(c, &many.join(";"), SIG),
            VerifyError::AuthorizationHeaderMalformed(Malformed::SignedHeaders(_))
        ));
    }

    #[test]
    fn query_parameters_once_each_and_well_formed() {
        let q = format!("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature={SIG}");
        let p = parse_query(&q, 604800).unwrap();
        assert_eq!(
            (p.expires_secs, p.access_key_id.as_str()),
            (Some(86400), "AKID")
        );
        assert!(has_query_auth(&q) && !has_query_auth("a=1&X-Amz-Date=1"));
        let err = |q: &str| parse_query(q, 604800).unwrap_err();
        assert_eq!(
            err(&format!("{q}&X-Amz-Signature={SIG}")),
            VerifyError::AuthorizationQueryParametersError(Malformed::Repeated("X-Amz-Signature"))
        );
        assert_eq!(
            err(&format!("{q}&x-amz-date=20130524T000000Z")),
            VerifyError::AuthorizationQueryParametersError(Malformed::Repeated("X-Amz-Date"))
        );
        assert_eq!(
            err(&q.replace("X-Amz-Date=", "X-Amz-Datum=")),
            VerifyError::AuthorizationQueryParametersError(Malformed::MissingComponents)
        );
        for (e, want) in [
            ("-1", Malformed::ExpiresNegative),
            ("0", Malformed::ExpiresZero),
            ("604801", Malformed::ExpiresTooLarge(604800)),
            (
                "99999999999999999999999",
                Malformed::ExpiresTooLarge(604800),
            ),
            ("1e3", Malformed::ExpiresNotANumber),
            ("+5", Malformed::ExpiresNotANumber),
            ("", Malformed::ExpiresNotANumber),
        ] {
            assert_eq!(
                err(&q.replace("X-Amz-Expires=86400", &format!("X-Amz-Expires={e}"))),
                VerifyError::AuthorizationQueryParametersError(want),
                "{e}"
            );
        }
        assert_eq!(
            err(&q.replace("20130524T000000Z", "2013-05-24T00:00:00Z")),
            VerifyError::AuthorizationQueryParametersError(Malformed::Date)
        );
        assert_eq!(
            err(&q.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")),
            VerifyError::UnsupportedAlgorithm { query: true }
        );
        assert_eq!(
            err(&q.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=%FF")),
            VerifyError::AuthorizationQueryParametersError(Malformed::NotUtf8(
                "X-Amz-SignedHeaders"
            ))
        );
    }
}
