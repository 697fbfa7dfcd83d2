//! The signing key: kSecret → kDate → kRegion → kService → kSigning
//! (HMAC-SHA256 from the `hmac` crate), and a cache of it ([`cache`]).
//!
//! Every key and keyed HMAC state here is wiped when dropped: the chain's
//! fields by its `Drop`, the HMAC states by the `hmac` and `sha2` crates'
//! `zeroize` feature, the `"AWS4" + secret` key by [`Zeroizing`].

pub(crate) mod cache;

use std::fmt;

use hmac::digest::FixedOutput;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::sink::Sink;
use crate::string_to_sign::CredentialScope;
use crate::Error;

/// HMAC-SHA256 keyed with `key`.
fn keyed(key: &[u8]) -> Hmac<Sha256> {
    match Hmac::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC takes keys of any length (`hmac` documents this case as
        // unreachable too).
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    }
}

/// `out = HMAC-SHA256(mac's key, data)`, written in place (no copy of the
/// key left behind).
fn mac_into(mut mac: Hmac<Sha256>, data: &[u8], out: &mut [u8; 32]) {
    mac.update(data);
    FixedOutput::finalize_into(mac, out.into());
}

/// Every step of the signing-key derivation, for auditors.
///
/// `Debug` is redacted (the keys are secrets valid for a day); print the steps
/// on purpose with [`SigningKeyChain::steps_hex`]. Every field is wiped on
/// drop.
///
/// ```
/// use awsig::SigningKeyChain;
/// let chain = SigningKeyChain::derive(
///     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")?;
/// assert_eq!(hex::encode(chain.k_signing),
///            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKeyChain {
    /// HMAC("AWS4" + secret, date).
    pub k_date: [u8; 32],
    /// HMAC(kDate, region).
    pub k_region: [u8; 32],
    /// HMAC(kRegion, service).
    pub k_service: [u8; 32],
    /// HMAC(kService, "aws4_request"): the signing key.
    pub k_signing: [u8; 32],
}

impl SigningKeyChain {
    /// Derives every step from a secret access key, a `YYYYMMDD` date, a
    /// region and a service.
    ///
    /// ```
    /// let chain = awsig::SigningKeyChain::derive("secret", "20150830", "us-east-1", "s3")?;
    /// assert_eq!(chain.k_signing.len(), 32);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn derive(
        secret_access_key: &str,
        date: &str,
        region: &str,
        service: &str,
    ) -> Result<Self, Error> {
        let scope = CredentialScope::new(date, region, service)?;
        Ok(Self::derive_scope(secret_access_key, &scope))
    }

    pub(crate) fn derive_scope(secret: &str, scope: &CredentialScope<'_>) -> Self {
        let mut k_secret = Zeroizing::new(Vec::with_capacity(4 + secret.len()));
        k_secret.put(b"AWS4");
        k_secret.put_str(secret);
        let mut chain = SigningKeyChain {
            k_date: [0; 32],
            k_region: [0; 32],
            k_service: [0; 32],
            k_signing: [0; 32],
        };
        mac_into(keyed(&k_secret), scope.date().as_bytes(), &mut chain.k_date);
        mac_into(
            keyed(&chain.k_date),
            scope.region().as_bytes(),
            &mut chain.k_region,
        );
        mac_into(
            keyed(&chain.k_region),
            scope.service().as_bytes(),
            &mut chain.k_service,
        );
        mac_into(
            keyed(&chain.k_service),
            b"aws4_request",
            &mut chain.k_signing,
        );
        chain
    }

    /// The four steps as `(name, lowercase hex)` pairs.
    ///
    /// ```
    /// let chain = awsig::SigningKeyChain::derive("secret", "20150830", "us-east-1", "s3")?;
    /// for (name, hex) in chain.steps_hex() {
    ///     println!("{name:>9} {hex}");
    /// }
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn steps_hex(&self) -> [(&'static str, String); 4] {
        [
            ("kDate", hex::encode(self.k_date)),
            ("kRegion", hex::encode(self.k_region)),
            ("kService", hex::encode(self.k_service)),
            ("kSigning", hex::encode(self.k_signing)),
        ]
    }
}

impl Drop for SigningKeyChain {
    fn drop(&mut self) {
        self.k_date.zeroize();
        self.k_region.zeroize();
        self.k_service.zeroize();
        self.k_signing.zeroize();
    }
}

impl ZeroizeOnDrop for SigningKeyChain {}

impl fmt::Debug for SigningKeyChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKeyChain(<redacted>)")
    }
}

/// A derived signing key, kept as HMAC-SHA256 already keyed with kSigning
/// (cloned per signature, so each skips the key setup). Wiped on drop.
///
/// ```
/// use awsig::SigningKey;
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20151229", "us-east-1", "s3")?;
/// let sig = key.sign(b"string to sign");
/// assert_eq!(sig.len(), 64);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone)]
pub struct SigningKey {
    mac: Hmac<Sha256>,
}

impl SigningKey {
    /// Derives the key for a secret, a `YYYYMMDD` date, a region and a service.
    ///
    /// ```
    /// assert!(awsig::SigningKey::derive("secret", "20150830", "", "s3").is_err());
    /// ```
    pub fn derive(
        secret_access_key: &str,
        date: &str,
        region: &str,
        service: &str,
    ) -> Result<Self, Error> {
        let chain = SigningKeyChain::derive(secret_access_key, date, region, service)?;
        Ok(Self::from_chain(&chain))
    }

    /// The key from a derivation chain.
    ///
    /// ```
    /// let chain = awsig::SigningKeyChain::derive("secret", "20150830", "us-east-1", "s3")?;
    /// let key = awsig::SigningKey::from_chain(&chain);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn from_chain(chain: &SigningKeyChain) -> Self {
        SigningKey {
            mac: keyed(&chain.k_signing),
        }
    }

    /// `hex(HMAC-SHA256(kSigning, data))`: the signature of a string to sign
    /// (or, for POST policies, of the base64 policy).
    ///
    /// ```
    /// let key = awsig::SigningKey::derive("secret", "20150830", "us-east-1", "s3")?;
    /// assert_eq!(key.sign(b"x"), key.sign(b"x"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn sign(&self, data: &[u8]) -> String {
        let mut hex = String::with_capacity(64);
        hex.put(&self.sign_hex(data));
        hex
    }

    /// [`SigningKey::sign`] as ASCII bytes on the stack.
    pub(crate) fn sign_hex(&self, data: &[u8]) -> [u8; 64] {
        let mut hex = [0; 64];
        // The buffer is exactly twice the MAC: this cannot fail.
        let _ = hex::encode_to_slice(self.mac(data), &mut hex);
        hex
    }

    /// `HMAC-SHA256(kSigning, data)`.
    pub(crate) fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut out = [0; 32];
        mac_into(self.mac.clone(), data, &mut out);
        out
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let chain = SigningKeyChain::derive("s", "20150830", "us-east-1", "s3").unwrap();
        assert!(!format!("{chain:?}").contains(&hex::encode(chain.k_signing)));
        assert_eq!(
            format!("{:?}", SigningKey::from_chain(&chain)),
            "SigningKey(<redacted>)"
        );
    }

    #[test]
    fn secrets_longer_than_a_block_are_hashed_first() {
        // RFC 2104: a key longer than the block (64 bytes) is hashed. Expected
        // values from Python's `hmac` module:
        // hmac.new(b"AWS4" + b"s" * 100, b"20150830", hashlib.sha256), then
        // us-east-1, s3, aws4_request.
        let secret = "s".repeat(100);
        let chain = SigningKeyChain::derive(&secret, "20150830", "us-east-1", "s3").unwrap();
        assert_eq!(
            hex::encode(chain.k_date),
            "545425e831c3e37819e5009eeabe55703adec91bdd1d1f198de3cfad7f597732"
        );
        assert_eq!(
            hex::encode(chain.k_signing),
            "9f4d7c729f57ee5e2cea3e3c3c5ff7ab45af04d5b08436fd59871c4575f7e863"
        );
    }
}
