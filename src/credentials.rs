//! AWS credentials: access key id, secret access key, optional session token.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::sink::SecretString;
use crate::Error;

/// An access key id, its secret access key and an optional session token.
///
/// `Debug` and `Display` show the access key id only; the secret and the token
/// are never printed, and both are wiped from memory when the last copy is
/// dropped.
///
/// ```
/// use awsig::Credentials;
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
/// assert!(!format!("{creds:?}").contains("EXAMPLEKEY"));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
    /// SHA-256 of the secret under a domain prefix: identifies the secret in
    /// the signing-key cache without keeping a second copy of it there.
    secret_id: [u8; 32],
}

impl Credentials {
    /// Builds credentials, checking that the access key id is non-empty and
    /// made of ASCII letters and digits only (as AWS issues them: it is
    /// written unquoted into `Authorization` headers, where `,` `;` `=` `/`
    /// or a space would change what the header says), that the secret is
    /// non-empty, and that the token (if any) is free of control bytes.
    /// The secret and the token are taken over (not copied) and wiped on drop.
    ///
    /// ```
    /// use awsig::{Credentials, Error};
    /// assert!(Credentials::new("AKID", "secret", Some("token".into())).is_ok());
    /// assert_eq!(Credentials::new("", "secret", None).unwrap_err(),
    ///            Error::InvalidCredentials("empty access key id"));
    /// assert!(Credentials::new("AKID,SignedHeaders=host", "secret", None).is_err());
    /// ```
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Result<Self, Error> {
        let access_key_id = access_key_id.into();
        let secret_access_key = SecretString::new(secret_access_key.into());
        let session_token = session_token.map(SecretString::new);
        if access_key_id.is_empty() {
            return Err(Error::InvalidCredentials("empty access key id"));
        }
        if !is_access_key_id(&access_key_id) {
            return Err(Error::InvalidCredentials(
                "the access key id may contain only ASCII letters and digits",
            ));
        }
        if secret_access_key.is_empty() {
            return Err(Error::InvalidCredentials("empty secret access key"));
        }
        if let Some(token) = &session_token {
            if token.is_empty() {
                return Err(Error::InvalidCredentials("empty session token"));
            }
            if token.bytes().any(|b| b.is_ascii_control()) {
                return Err(Error::InvalidCredentials(
                    "session token contains a control byte",
                ));
            }
        }
        let mut h = Sha256::new();
        h.update(b"awsig secret id\0");
        h.update(secret_access_key.as_bytes());
        Ok(Credentials {
            access_key_id,
            secret_access_key,
            session_token,
            secret_id: h.finalize().into(),
        })
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the optional
    /// `AWS_SESSION_TOKEN`. An unset or empty required variable is reported by
    /// name.
    ///
    /// ```
    /// use awsig::{Credentials, Error};
    /// match Credentials::from_env() {
    ///     Ok(creds) => println!("using {}", creds.access_key_id()),
    ///     Err(Error::MissingEnvVar(name)) => println!("{name} is not set"),
    ///     Err(other) => println!("{other}"),
    /// }
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Credentials::from_env`], reading variables through `lookup`
    /// (for tests and for embedding in programs with their own environment).
    ///
    /// ```
    /// use awsig::{Credentials, Error};
    /// let env = |name: &str| match name {
    ///     "AWS_ACCESS_KEY_ID" => Some("AKIDEXAMPLE".to_string()),
    ///     _ => None,
    /// };
    /// assert_eq!(Credentials::from_lookup(env).unwrap_err(),
    ///            Error::MissingEnvVar("AWS_SECRET_ACCESS_KEY"));
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &'static str| lookup(name).filter(|v| !v.is_empty());
        let id = get("AWS_ACCESS_KEY_ID").ok_or(Error::MissingEnvVar("AWS_ACCESS_KEY_ID"))?;
        let secret =
            get("AWS_SECRET_ACCESS_KEY").ok_or(Error::MissingEnvVar("AWS_SECRET_ACCESS_KEY"))?;
        Credentials::new(id, secret, get("AWS_SESSION_TOKEN"))
    }

    /// The access key id (public; it appears in every credential scope).
    ///
    /// ```
    /// let creds = awsig::Credentials::new("AKID", "secret", None)?;
    /// assert_eq!(creds.access_key_id(), "AKID");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The session token, if any. It is a bearer secret: do not log it.
    ///
    /// ```
    /// let creds = awsig::Credentials::new("AKID", "secret", Some("tok".into()))?;
    /// assert_eq!(creds.session_token(), Some("tok"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_ref().map(|t| t.as_str())
    }

    pub(crate) fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub(crate) fn secret_id(&self) -> &[u8; 32] {
        &self.secret_id
    }
}

/// What AWS issues as access key ids: ASCII letters and digits (so none
/// can break the `Authorization` header or the credential scope).
pub(crate) fn is_access_key_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (secret redacted", self.access_key_id)?;
        if self.session_token.is_some() {
            write!(f, ", session token redacted")?;
        }
        write!(f, ")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtoken+/=";

    #[test]
    fn debug_and_display_hide_secret_and_token() {
        let c = Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN.into())).unwrap();
        for shown in [format!("{c:?}"), format!("{c:#?}"), format!("{c}")] {
            assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
            assert!(!shown.contains("EXAMPLEKEY"), "{shown}");
            assert!(!shown.contains("wJalr"), "{shown}");
            assert!(!shown.contains("AQoD"), "{shown}");
        }
    }

    #[test]
    fn env_errors_name_the_missing_variable() {
        let none = |_: &str| None;
        assert_eq!(
            Credentials::from_lookup(none).unwrap_err(),
            Error::MissingEnvVar("AWS_ACCESS_KEY_ID")
        );
        let only_id = |n: &str| (n == "AWS_ACCESS_KEY_ID").then(|| "AKID".to_string());
        assert_eq!(
            Credentials::from_lookup(only_id).unwrap_err(),
            Error::MissingEnvVar("AWS_SECRET_ACCESS_KEY")
        );
        let empty_secret = |n: &str| match n {
            "AWS_ACCESS_KEY_ID" => Some("AKID".to_string()),
            "AWS_SECRET_ACCESS_KEY" => Some(String::new()),
            _ => None,
        };
        assert_eq!(
            Credentials::from_lookup(empty_secret).unwrap_err(),
            Error::MissingEnvVar("AWS_SECRET_ACCESS_KEY")
        );
        let full = |n: &str| match n {
            "AWS_ACCESS_KEY_ID" => Some("AKID".to_string()),
            "AWS_SECRET_ACCESS_KEY" => Some(SECRET.to_string()),
            "AWS_SESSION_TOKEN" => Some(TOKEN.to_string()),
            _ => None,
        };
        let c = Credentials::from_lookup(full).unwrap();
        assert_eq!(c.session_token(), Some(TOKEN));
    }

    #[test]
    fn rejects_malformed_parts() {
        assert!(Credentials::new("AK/ID", SECRET, None).is_err());
        assert!(Credentials::new("AK ID", SECRET, None).is_err());
        for bad in [
            "AKID,SignedHeaders=host",
            "AK;ID",
            "AK=ID",
            "AK\"ID",
            "AK\tID",
            "AK\0ID",
            "AKÍD",
        ] {
            assert_eq!(
                Credentials::new(bad, SECRET, None).unwrap_err(),
                Error::InvalidCredentials(
                    "the access key id may contain only ASCII letters and digits"
                ),
                "{bad:?}"
            );
        }
        assert!(Credentials::new("AKID", "", None).is_err());
        assert!(Credentials::new("AKID", SECRET, Some("a\r\nb".into())).is_err());
        assert!(Credentials::new("AKID", SECRET, Some(String::new())).is_err());
        let err = Credentials::new("AKID", SECRET, Some("x\ny".into())).unwrap_err();
        assert!(!err.to_string().contains("x\ny"));
    }

    #[test]
    fn secret_id_differs_per_secret() {
        let a = Credentials::new("AKID", "one", None).unwrap();
        let b = Credentials::new("AKID", "two", None).unwrap();
        assert_ne!(a.secret_id(), b.secret_id());
    }
}
