//! The request as it arrived: method, request target, headers, and (for
//! generic rules) the body or its hash. Nothing is decoded or normalized
//! here; the canonical core does that, as for signing.

use crate::canonical::headers::is_token;
use crate::request::payload::Payload;
use crate::verify::s3_error::VerifyError;

/// A request as a server received it, borrowed from the server's parser.
///
/// ```
/// use awsig::IncomingRequest;
/// let headers = [("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z")];
/// let req = IncomingRequest::new("GET", "/test.txt?versionId=3", &headers)?;
/// assert_eq!((req.path(), req.query()), ("/test.txt", "versionId=3"));
/// # Ok::<(), awsig::VerifyError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct IncomingRequest<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: &'a [(&'a str, &'a str)],
    payload: Option<Payload<'a>>,
}

impl<'a> IncomingRequest<'a> {
    /// `target` is the request target exactly as it arrived (origin form:
    /// `/path?query`, no decoding); `headers` in arrival order, names in any
    /// case, repeated names allowed.
    ///
    /// ```
    /// use awsig::IncomingRequest;
    /// assert!(IncomingRequest::new("GET", "http://host/x", &[]).is_err());
    /// assert!(IncomingRequest::new("G T", "/", &[]).is_err());
    /// ```
    pub fn new(
        method: &'a str,
        target: &'a str,
        headers: &'a [(&'a str, &'a str)],
    ) -> Result<Self, VerifyError> {
        if !is_token(method) {
            return Err(VerifyError::InvalidRequestTarget(
                "the method is not a token",
            ));
        }
        if !target.starts_with('/') {
            return Err(VerifyError::InvalidRequestTarget(
                "the request target does not start with '/'",
            ));
        }
        if target.bytes().any(|b| b.is_ascii_control() || b == b'#') {
            return Err(VerifyError::InvalidRequestTarget(
                "the request target contains a control byte or '#'",
            ));
        }
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Ok(IncomingRequest {
            method,
            path,
            query,
            headers,
            payload: None,
        })
    }

    /// The body (or its SHA-256) as the server has it. Needed under generic
    /// rules, where the payload hash is not declared in a header; under S3
    /// rules, a body given here is checked against `x-amz-content-sha256`
    /// at once instead of while it is read.
    ///
    /// ```
    /// # let headers = [("Host", "iam.amazonaws.com")];
    /// let req = awsig::IncomingRequest::new("POST", "/", &headers)?
    ///     .payload(awsig::Payload::Bytes(b"Action=ListUsers"));
    /// # Ok::<(), awsig::VerifyError>(())
    /// ```
    pub fn payload(mut self, payload: Payload<'a>) -> Self {
        self.payload = Some(payload);
        self
    }

    /// The method.
    ///
    /// ```
    /// assert_eq!(awsig::IncomingRequest::new("PUT", "/", &[])?.method(), "PUT");
    /// # Ok::<(), awsig::VerifyError>(())
    /// ```
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The path, as it arrived.
    ///
    /// ```
    /// assert_eq!(awsig::IncomingRequest::new("GET", "/a%20b?x", &[])?.path(), "/a%20b");
    /// # Ok::<(), awsig::VerifyError>(())
    /// ```
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// The query string, as it arrived (without `?`).
    ///
    /// ```
    /// assert_eq!(awsig::IncomingRequest::new("GET", "/?a=1&b", &[])?.query(), "a=1&b");
    /// # Ok::<(), awsig::VerifyError>(())
    /// ```
    pub fn query(&self) -> &'a str {
        self.query
    }

    /// The headers, as they arrived.
    ///
    /// ```
    /// let h = [("Host", "h")];
    /// assert_eq!(awsig::IncomingRequest::new("GET", "/", &h)?.headers(), &h);
    /// # Ok::<(), awsig::VerifyError>(())
    /// ```
    pub fn headers(&self) -> &'a [(&'a str, &'a str)] {
        self.headers
    }

    pub(crate) fn given_payload(&self) -> Option<Payload<'a>> {
        self.payload
    }

    /// The values of the headers named `name` (any case), in arrival order.
    pub(crate) fn values(&self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, v)| v)
    }

    /// The value of the header `name` when it is given exactly once
    /// (`Err(())` when repeated), trimmed.
    pub(crate) fn single(&self, name: &'a str) -> Result<Option<&'a str>, ()> {
        let mut values = self.values(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(());
        }
        Ok(first.map(|v| v.trim_matches([' ', '\t'])))
    }
}
