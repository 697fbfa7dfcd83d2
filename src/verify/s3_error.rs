//! S3's answers to a refused request: for every way verification fails, the
//! error code, the HTTP status, the message and the XML body S3 returns, so
//! that SDKs parse a server's refusal as they parse S3's.

use std::fmt;

/// What is wrong with the parts of an `Authorization` header or of the
/// `X-Amz-*` query parameters of a presigned URL.
///
/// ```
/// use awsig::{Malformed, VerifyError};
/// let e = VerifyError::AuthorizationHeaderMalformed(Malformed::Credential);
/// assert_eq!(e.code(), "AuthorizationHeaderMalformed");
/// assert!(e.message().contains("the Credential is mal-formed"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// `Credential`, `SignedHeaders` or `Signature` is missing (header), or
    /// one of the six required `X-Amz-*` parameters is (query).
    MissingComponents,
    /// A component or parameter given twice.
    Repeated(&'static str),
    /// A component other than the three (at most 64 bytes of its name).
    UnknownComponent(String),
    /// The text between the components is not `, ` or `,`.
    Syntax,
    /// The credential is not `AKID/YYYYMMDD/REGION/SERVICE/aws4_request`.
    Credential,
    /// The credential's date is not the date of `X-Amz-Date`.
    CredentialDate {
        /// The date in the credential.
        credential: String,
        /// The date of the request (`YYYYMMDD`).
        request: String,
    },
    /// The credential's region is not one this server expects.
    Region {
        /// The region in the credential.
        given: String,
        /// The region this server expects (the first, if several).
        expected: String,
    },
    /// The credential's service is not this server's.
    Service {
        /// The service in the credential.
        given: String,
        /// This server's service.
        expected: String,
    },
    /// The credential does not end with `aws4_request`.
    Terminal(String),
    /// `SignedHeaders` is not a `;`-separated list of lowercase header
    /// names, sorted and without repeats (the rule broken is named).
    SignedHeaders(&'static str),
    /// The signature is not 64 hex digits.
    Signature,
    /// `X-Amz-Date` (query) is not `YYYYMMDDTHHMMSSZ`.
    Date,
    /// `X-Amz-Expires` is not a decimal number of seconds.
    ExpiresNotANumber,
    /// `X-Amz-Expires` is negative.
    ExpiresNegative,
    /// `X-Amz-Expires` is zero.
    ExpiresZero,
    /// `X-Amz-Expires` is over the maximum (seconds).
    ExpiresTooLarge(u64),
    /// A parameter value that is not UTF-8 once decoded.
    NotUtf8(&'static str),
}

impl Malformed {
    fn text(&self) -> String {
        match self {
            Malformed::MissingComponents => {
                "the authorization header requires three components: Credential, SignedHeaders, and Signature.".into()
            }
            Malformed::Repeated(name) => format!("{name} is given more than once."),
            Malformed::UnknownComponent(name) => format!("the authorization component {name:?} is malformed."),
            Malformed::Syntax => "the components must be separated by commas.".into(),
            Malformed::Credential => {
                "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".".into()
            }
            Malformed::CredentialDate { credential, request } => format!(
                "Invalid credential date \"{credential}\". This date is not the same as X-Amz-Date: \"{request}\"."
            ),
            Malformed::Region { given, expected } => {
                format!("the region '{given}' is wrong; expecting '{expected}'")
            }
            Malformed::Service { given, expected } => format!(
                "incorrect service \"{given}\". This endpoint belongs to \"{expected}\"."
            ),
            Malformed::Terminal(t) => format!(
                "incorrect terminal \"{t}\". This endpoint uses \"aws4_request\"."
            ),
            Malformed::SignedHeaders(why) => format!("SignedHeaders {why}."),
            Malformed::Signature => "the Signature must be 64 hex digits.".into(),
            Malformed::Date => {
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"".into()
            }
            Malformed::ExpiresNotANumber => "X-Amz-Expires should be a number".into(),
            Malformed::ExpiresNegative => "X-Amz-Expires must be non-negative".into(),
            Malformed::ExpiresZero => "X-Amz-Expires must be at least 1 second".into(),
            Malformed::ExpiresTooLarge(max) => format!(
                "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than {max} seconds"
            ),
            Malformed::NotUtf8(name) => format!("{name} is not UTF-8 once decoded."),
        }
    }
}

/// The server's side of a `SignatureDoesNotMatch`: what it signed, to
/// compare with what the client signed (see [`crate::explain`]).
///
/// A session token in the canonical request is shown as `<redacted>`.
///
/// ```
/// # use awsig::SignatureMismatch;
/// fn show(m: &SignatureMismatch) {
///     println!("server canonical request:\n{}", m.canonical_request);
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureMismatch {
    /// The access key id of the request.
    pub access_key_id: String,
    /// The server's string to sign.
    pub string_to_sign: String,
    /// The signature the request carried.
    pub signature_provided: String,
    /// The server's canonical request (session token redacted).
    pub canonical_request: String,
}

/// Why a request is refused, with the code, status and message S3 gives.
///
/// Messages name fields, never a secret, a derived key or a session token.
///
/// ```
/// use awsig::VerifyError;
/// let e = VerifyError::MissingContentSha256;
/// assert_eq!((e.code(), e.status()), ("InvalidRequest", 400));
/// assert!(e.to_xml().contains("<Code>InvalidRequest</Code>"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// Neither an `Authorization` header nor `X-Amz-*` query authentication.
    MissingAuthentication,
    /// Both an `Authorization` header and `X-Amz-*` query authentication.
    MultipleAuthentications,
    /// An algorithm other than `AWS4-HMAC-SHA256` (SigV2, SigV4a, ...).
    UnsupportedAlgorithm {
        /// In the query (`X-Amz-Algorithm`) rather than the header.
        query: bool,
    },
    /// The `Authorization` header cannot be used (the reason is given).
    AuthorizationHeaderMalformed(Malformed),
    /// The `X-Amz-*` query parameters cannot be used (the reason is given).
    AuthorizationQueryParametersError(Malformed),
    /// No valid `x-amz-date` (or `Date`) header.
    MissingDate,
    /// The request time is further from the server's than the allowed skew.
    RequestTimeTooSkewed {
        /// The request's time, as sent.
        request_time: String,
        /// The server's time (ISO 8601).
        server_time: String,
        /// The allowed skew, in seconds.
        max_skew_secs: u64,
    },
    /// A presigned URL past its expiry.
    RequestExpired {
        /// `X-Amz-Expires`.
        expires_secs: u64,
        /// When it expired (ISO 8601).
        expired_at: String,
        /// The server's time (ISO 8601).
        server_time: String,
    },
    /// A presigned URL signed further in the future than the allowed skew.
    RequestNotYetValid {
        /// `X-Amz-Date`.
        request_time: String,
        /// The server's time (ISO 8601).
        server_time: String,
    },
    /// Headers present in the request but not signed (lowercase names):
    /// every `x-amz-*` header, `host`, and the headers the server requires.
    HeadersNotSigned(Vec<String>),
    /// A signed header that the request does not carry.
    SignedHeaderMissing(String),
    /// S3 rules: no `x-amz-content-sha256` header on a header-signed request.
    MissingContentSha256,
    /// `x-amz-content-sha256` is not a SHA-256, `UNSIGNED-PAYLOAD` or a
    /// `STREAMING-*` value (or is given twice).
    InvalidContentSha256,
    /// A header the server requires to be signed is absent.
    MissingSecurityHeader(String),
    /// The server has no secret for this access key id.
    InvalidAccessKeyId(String),
    /// The session token is missing, repeated or not the one issued with
    /// the credentials.
    InvalidToken,
    /// The signature is not the one the server computed.
    SignatureDoesNotMatch(Box<SignatureMismatch>),
    /// The body's SHA-256 is not the declared `x-amz-content-sha256`.
    XAmzContentSha256Mismatch {
        /// The declared hash.
        client: String,
        /// The hash of the body received.
        computed: String,
    },
    /// Generic rules and no `x-amz-content-sha256`: the server must give
    /// the body (or its hash) to the verifier.
    PayloadRequired,
    /// The method or the request target cannot be used (the reason is given).
    InvalidRequestTarget(&'static str),
    /// A POST upload without a required field (`key`, `policy`,
    /// `x-amz-algorithm`, `x-amz-credential`, `x-amz-date`, `x-amz-signature`).
    MissingPostField(&'static str),
    /// A POST form field given more than once.
    RepeatedPostField(String),
    /// A POST policy that is not base64 of a strict policy document (the
    /// reason is given).
    InvalidPolicyDocument(String),
    /// A POST policy past its `expiration`.
    PolicyExpired,
    /// A POST policy condition the form does not satisfy (its JSON).
    PolicyConditionFailed(String),
    /// POST form fields that no policy condition covers.
    ExtraInputFields(Vec<String>),
    /// A POST upload over the policy's `content-length-range`.
    EntityTooLarge {
        /// The file's size.
        size: u64,
        /// The largest size allowed.
        max: u64,
    },
    /// A POST upload under the policy's `content-length-range`.
    EntityTooSmall {
        /// The file's size.
        size: u64,
        /// The smallest size allowed.
        min: u64,
    },
}

impl VerifyError {
    /// S3's error code.
    ///
    /// ```
    /// assert_eq!(awsig::VerifyError::InvalidToken.code(), "InvalidToken");
    /// ```
    pub fn code(&self) -> &'static str {
        use VerifyError::*;
        match self {
            MissingAuthentication | MissingDate | RequestExpired { .. } => "AccessDenied",
            RequestNotYetValid { .. } | HeadersNotSigned(_) => "AccessDenied",
            MultipleAuthentications | InvalidContentSha256 => "InvalidArgument",
            UnsupportedAlgorithm { query: false } | MissingContentSha256 => "InvalidRequest",
            UnsupportedAlgorithm { query: true } => "AuthorizationQueryParametersError",
            AuthorizationHeaderMalformed(_) => "AuthorizationHeaderMalformed",
            AuthorizationQueryParametersError(_) => "AuthorizationQueryParametersError",
            RequestTimeTooSkewed { .. } => "RequestTimeTooSkewed",
            SignedHeaderMissing(_) | SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
            MissingSecurityHeader(_) => "MissingSecurityHeader",
            InvalidAccessKeyId(_) => "InvalidAccessKeyId",
            InvalidToken => "InvalidToken",
            XAmzContentSha256Mismatch { .. } => "XAmzContentSHA256Mismatch",
            PayloadRequired => "InternalError",
            InvalidRequestTarget(_) => "InvalidURI",
            MissingPostField(_) | RepeatedPostField(_) => "InvalidArgument",
            InvalidPolicyDocument(_) => "InvalidPolicyDocument",
            PolicyExpired | PolicyConditionFailed(_) | ExtraInputFields(_) => "AccessDenied",
            EntityTooLarge { .. } => "EntityTooLarge",
            EntityTooSmall { .. } => "EntityTooSmall",
        }
    }

    /// The HTTP status S3 answers with.
    ///
    /// ```
    /// assert_eq!(awsig::VerifyError::MissingAuthentication.status(), 403);
    /// ```
    pub fn status(&self) -> u16 {
        match self.code() {
            "AccessDenied"
            | "RequestTimeTooSkewed"
            | "SignatureDoesNotMatch"
            | "InvalidAccessKeyId" => 403,
            "InternalError" => 500,
            _ => 400,
        }
    }

    /// S3's message.
    ///
    /// ```
    /// let e = awsig::VerifyError::InvalidAccessKeyId("AKID".into());
    /// assert_eq!(e.message(), "The AWS Access Key Id you provided does not exist in our records.");
    /// ```
    pub fn message(&self) -> String {
        use VerifyError::*;
        match self {
            MissingAuthentication => "Access Denied".into(),
            MultipleAuthentications => "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified".into(),
            UnsupportedAlgorithm { query: false } => "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.".into(),
            UnsupportedAlgorithm { query: true } => "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"".into(),
            AuthorizationHeaderMalformed(m) => format!("The authorization header is malformed; {}", m.text()),
            AuthorizationQueryParametersError(Malformed::MissingComponents) => "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.".into(),
            AuthorizationQueryParametersError(m @ (Malformed::Credential | Malformed::Region { .. } | Malformed::Service { .. } | Malformed::Terminal(_))) => format!("Error parsing the X-Amz-Credential parameter; {}", m.text()),
            AuthorizationQueryParametersError(m) => m.text(),
            MissingDate => "AWS authentication requires a valid Date or x-amz-date header".into(),
            RequestTimeTooSkewed { .. } => "The difference between the request time and the current time is too large.".into(),
            RequestExpired { .. } => "Request has expired".into(),
            RequestNotYetValid { .. } => "Request is not yet valid".into(),
            HeadersNotSigned(_) => "There were headers present in the request which were not signed".into(),
            SignedHeaderMissing(_) | SignatureDoesNotMatch(_) => "The request signature we calculated does not match the signature you provided. Check your key and signing method.".into(),
            MissingContentSha256 => "Missing required header for this request: x-amz-content-sha256".into(),
            InvalidContentSha256 => "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.".into(),
            MissingSecurityHeader(_) => "Your request was missing a required header.".into(),
            InvalidAccessKeyId(_) => "The AWS Access Key Id you provided does not exist in our records.".into(),
            InvalidToken => "The provided token is malformed or otherwise invalid.".into(),
            XAmzContentSha256Mismatch { .. } => "The provided 'x-amz-content-sha256' header does not match what was computed.".into(),
            PayloadRequired => "We encountered an internal error. Please try again.".into(),
            InvalidRequestTarget(_) => "Couldn't parse the specified URI.".into(),
            MissingPostField(name) => format!("Bucket POST must contain a field named '{name}'.  If it is specified, please check the order of the fields."),
            RepeatedPostField(name) => format!("Bucket POST can only contain one field named '{name}'."),
            InvalidPolicyDocument(why) => format!("Invalid Policy: {why}"),
            PolicyExpired => "Invalid according to Policy: Policy expired.".into(),
            PolicyConditionFailed(c) => format!("Invalid according to Policy: Policy Condition failed: {c}"),
            ExtraInputFields(names) => format!("Invalid according to Policy: Extra input fields: {}", names.join(", ")),
            EntityTooLarge { .. } => "Your proposed upload exceeds the maximum allowed size".into(),
            EntityTooSmall { .. } => "Your proposed upload is smaller than the minimum allowed size".into(),
        }
    }

    /// The extra elements S3 puts in the error body, in its order.
    fn details(&self) -> Vec<(&'static str, String)> {
        use VerifyError::*;
        match self {
            AuthorizationHeaderMalformed(Malformed::Region { expected, .. })
            | AuthorizationQueryParametersError(Malformed::Region { expected, .. }) => {
                vec![("Region", expected.clone())]
            }
            RequestTimeTooSkewed {
                request_time,
                server_time,
                max_skew_secs,
            } => vec![
                ("RequestTime", request_time.clone()),
                ("ServerTime", server_time.clone()),
                (
                    "MaxAllowedSkewMilliseconds",
                    (max_skew_secs * 1000).to_string(),
                ),
            ],
            RequestNotYetValid {
                request_time,
                server_time,
            } => vec![
                ("X-Amz-Date", request_time.clone()),
                ("ServerTime", server_time.clone()),
            ],
            RequestExpired {
                expires_secs,
                expired_at,
                server_time,
            } => vec![
                ("X-Amz-Expires", expires_secs.to_string()),
                ("Expires", expired_at.clone()),
                ("ServerTime", server_time.clone()),
            ],
            HeadersNotSigned(names) => vec![("HeadersNotSigned", names.join(", "))],
            MissingSecurityHeader(name) => vec![("MissingHeaderName", name.clone())],
            InvalidAccessKeyId(akid) => vec![("AWSAccessKeyId", akid.clone())],
            SignatureDoesNotMatch(m) => {
                let mut v = vec![
                    ("AWSAccessKeyId", m.access_key_id.clone()),
                    ("StringToSign", m.string_to_sign.clone()),
                    ("SignatureProvided", m.signature_provided.clone()),
                    ("StringToSignBytes", spaced_hex(m.string_to_sign.as_bytes())),
                ];
                // A POST policy has no canonical request.
                if !m.canonical_request.is_empty() {
                    v.push(("CanonicalRequest", m.canonical_request.clone()));
                    v.push((
                        "CanonicalRequestBytes",
                        spaced_hex(m.canonical_request.as_bytes()),
                    ));
                }
                v
            }
            EntityTooLarge { size, max } => vec![
                ("ProposedSize", size.to_string()),
                ("MaxSizeAllowed", max.to_string()),
            ],
            EntityTooSmall { size, min } => vec![
                ("ProposedSize", size.to_string()),
                ("MinSizeAllowed", min.to_string()),
            ],
            XAmzContentSha256Mismatch { client, computed } => vec![
                ("ClientComputedContentSHA256", client.clone()),
                ("S3ComputedContentSHA256", computed.clone()),
            ],
            _ => Vec::new(),
        }
    }

    /// The XML body S3 returns: `<Error>` with `Code`, `Message` and the
    /// elements of this error (for `SignatureDoesNotMatch`: `AWSAccessKeyId`,
    /// `StringToSign`, `SignatureProvided`, `StringToSignBytes`,
    /// `CanonicalRequest`, `CanonicalRequestBytes`).
    ///
    /// ```
    /// let e = awsig::VerifyError::HeadersNotSigned(vec!["x-amz-copy-source".into()]);
    /// assert_eq!(e.to_xml(), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>\
    ///     <Message>There were headers present in the request which were not signed</Message>\
    ///     <HeadersNotSigned>x-amz-copy-source</HeadersNotSigned></Error>");
    /// ```
    pub fn to_xml(&self) -> String {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
        let mut element = |name: &str, text: &str| {
            xml.push('<');
            xml.push_str(name);
            xml.push('>');
            escape_xml(&mut xml, text);
            xml.push_str("</");
            xml.push_str(name);
            xml.push('>');
        };
        element("Code", self.code());
        element("Message", &self.message());
        for (name, text) in self.details() {
            element(name, &text);
        }
        xml.push_str("</Error>");
        xml
    }
}

/// Bytes as two-digit hex separated by spaces, as S3 writes them.
fn spaced_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(3 * bytes.len());
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn escape_xml(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no representation for the other control bytes.
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if c.is_control() => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code(), self.status(), self.message())?;
        match self {
            VerifyError::HeadersNotSigned(names) => write!(f, " ({})", names.join(", ")),
            VerifyError::SignedHeaderMissing(name) => {
                write!(f, " (the signed header {name:?} is not in the request)")
            }
            VerifyError::MissingSecurityHeader(name) => write!(f, " ({name})"),
            VerifyError::InvalidAccessKeyId(akid) => write!(f, " ({akid})"),
            VerifyError::PayloadRequired => write!(
                f,
                " (generic rules: the server must pass the body or its SHA-256 to the verifier)"
            ),
            VerifyError::InvalidRequestTarget(why) => write!(f, " ({why})"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for VerifyError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_and_lists_signature_details() {
        let e = VerifyError::SignatureDoesNotMatch(Box::new(SignatureMismatch {
            access_key_id: "AKID".into(),
            string_to_sign: "AWS4-HMAC-SHA256\nx".into(),
            signature_provided: "00".into(),
            canonical_request: "GET\n/<a&b>\n".into(),
        }));
        let xml = e.to_xml();
        assert!(xml.contains("<CanonicalRequest>GET\n/&lt;a&amp;b&gt;\n</CanonicalRequest>"));
        assert!(xml.contains("<StringToSignBytes>41 57 53 34"));
        assert!(xml.contains("<AWSAccessKeyId>AKID</AWSAccessKeyId><StringToSign>"));
        assert_eq!(e.status(), 403);
    }

    #[test]
    fn every_code_has_a_status_and_message() {
        let all = [
            VerifyError::MissingAuthentication,
            VerifyError::MultipleAuthentications,
            VerifyError::UnsupportedAlgorithm { query: true },
            VerifyError::AuthorizationQueryParametersError(Malformed::MissingComponents),
            VerifyError::MissingDate,
            VerifyError::PayloadRequired,
            VerifyError::XAmzContentSha256Mismatch {
                client: "a".into(),
                computed: "b".into(),
            },
        ];
        for e in all {
            assert!(!e.message().is_empty());
            assert!([400, 403, 500].contains(&e.status()));
            assert!(e.to_string().starts_with(e.code()));
        }
    }
}
