//! Per-request signing rules, with an S3 preset and a generic-service preset.

/// How the canonical URI is encoded.
///
/// ```
/// use awsig::{SigningSettings, UriEncoding};
/// assert_eq!(SigningSettings::s3().uri_encoding, UriEncoding::Single);
/// assert_eq!(SigningSettings::generic().uri_encoding, UriEncoding::Double);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriEncoding {
    /// S3: the path is encoded once (`%20` stays `%20`).
    Single,
    /// Every other service: the path as sent is encoded again (`%20` → `%2520`).
    Double,
}

/// Whether the session token is part of the signature.
///
/// ```
/// use awsig::{SessionTokenMode, SigningSettings};
/// let mut settings = SigningSettings::generic();
/// settings.session_token = SessionTokenMode::AfterSigning; // e.g. IoT websockets
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionTokenMode {
    /// `X-Amz-Security-Token` is signed (the default, and what S3 needs).
    Signed,
    /// The token is added to the request after signing and is not signed.
    AfterSigning,
}

/// Headers that are never signed unless removed from the list: proxies and
/// clients change or drop them in transit.
///
/// ```
/// let settings = awsig::SigningSettings::s3();
/// for name in awsig::DEFAULT_EXCLUDED_HEADERS {
///     assert!(settings.is_excluded(name));
/// }
/// ```
pub const DEFAULT_EXCLUDED_HEADERS: [&str; 12] = [
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "expect",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The longest `X-Amz-Expires` AWS accepts: 7 days.
///
/// ```
/// assert_eq!(awsig::MAX_EXPIRES_SECS, 7 * 24 * 60 * 60);
/// assert_eq!(awsig::SigningSettings::s3().max_expires_secs, awsig::MAX_EXPIRES_SECS);
/// ```
pub const MAX_EXPIRES_SECS: u64 = 604_800;

/// Rules that differ between S3 and other services, or between callers.
///
/// ```
/// use awsig::SigningSettings;
/// let mut settings = SigningSettings::s3();
/// settings.exclude_header("x-forwarded-for");
/// settings.max_expires_secs = 30 * 24 * 3600; // an S3-compatible store that allows more
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningSettings {
    /// Single (S3) or double (generic) URI encoding of the path.
    pub uri_encoding: UriEncoding,
    /// Remove `.`/`..` and empty path segments (never for S3).
    pub normalize_path: bool,
    /// In header signing, send and sign `x-amz-content-sha256`.
    pub content_sha256_header: bool,
    /// Whether the session token is signed or added afterwards.
    pub session_token: SessionTokenMode,
    /// Upper bound for `X-Amz-Expires`, in seconds.
    pub max_expires_secs: u64,
    /// Presign with `UNSIGNED-PAYLOAD` when the request sets no payload.
    pub unsigned_presign_payload: bool,
    excluded_headers: Vec<String>,
}

impl SigningSettings {
    /// S3: single encoding, no normalization, `x-amz-content-sha256` sent and
    /// signed, presigned URLs with `UNSIGNED-PAYLOAD`.
    ///
    /// ```
    /// let s3 = awsig::SigningSettings::s3();
    /// assert!(!s3.normalize_path && s3.content_sha256_header);
    /// ```
    pub fn s3() -> Self {
        SigningSettings {
            uri_encoding: UriEncoding::Single,
            normalize_path: false,
            content_sha256_header: true,
            session_token: SessionTokenMode::Signed,
            max_expires_secs: MAX_EXPIRES_SECS,
            unsigned_presign_payload: true,
            excluded_headers: DEFAULT_EXCLUDED_HEADERS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    /// Every other service: double encoding, normalized paths, no
    /// `x-amz-content-sha256`, payload hashed in presigned URLs too.
    ///
    /// ```
    /// let generic = awsig::SigningSettings::generic();
    /// assert!(generic.normalize_path && !generic.content_sha256_header);
    /// ```
    pub fn generic() -> Self {
        SigningSettings {
            uri_encoding: UriEncoding::Double,
            normalize_path: true,
            content_sha256_header: false,
            unsigned_presign_payload: false,
            ..Self::s3()
        }
    }

    /// The preset for a service name: [`SigningSettings::s3`] for `s3`,
    /// [`SigningSettings::generic`] for anything else.
    ///
    /// ```
    /// use awsig::SigningSettings;
    /// assert_eq!(SigningSettings::for_service("s3"), SigningSettings::s3());
    /// assert_eq!(SigningSettings::for_service("iam"), SigningSettings::generic());
    /// ```
    pub fn for_service(service: &str) -> Self {
        if service == "s3" {
            Self::s3()
        } else {
            Self::generic()
        }
    }

    /// Never sign the header `name` (case-insensitive).
    ///
    /// ```
    /// let mut s = awsig::SigningSettings::s3();
    /// s.exclude_header("X-Forwarded-For");
    /// assert!(s.is_excluded("x-forwarded-for"));
    /// ```
    pub fn exclude_header(&mut self, name: &str) {
        if !self.is_excluded(name) {
            self.excluded_headers.push(name.to_ascii_lowercase());
        }
    }

    /// Sign the header `name` after all, even if it is on the exclusion list.
    ///
    /// ```
    /// let mut s = awsig::SigningSettings::s3();
    /// s.include_header("user-agent");
    /// assert!(!s.is_excluded("User-Agent"));
    /// ```
    pub fn include_header(&mut self, name: &str) {
        self.excluded_headers
            .retain(|h| !h.eq_ignore_ascii_case(name));
    }

    /// Whether `name` is excluded from signing (case-insensitive).
    ///
    /// ```
    /// assert!(awsig::SigningSettings::s3().is_excluded("Authorization"));
    /// ```
    pub fn is_excluded(&self, name: &str) -> bool {
        // `eq_ignore_ascii_case` compares lengths first: most names cost
        // one comparison per excluded name.
        self.excluded_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    }

    /// The exclusion list, lowercase.
    ///
    /// ```
    /// assert_eq!(awsig::SigningSettings::s3().excluded_headers().len(), 12);
    /// ```
    pub fn excluded_headers(&self) -> &[String] {
        &self.excluded_headers
    }
}
