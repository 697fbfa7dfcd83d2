//! The signing key: kSecret → kDate → kRegion → kService → kSigning, and a
//! thread-safe cache of it.

use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::canonical::encode::Sink;
use crate::small::SmallBuf;
use crate::string_to_sign::CredentialScope;
use crate::{Credentials, Error};

type HmacSha256 = Hmac<Sha256>;

impl Sink for HmacSha256 {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Every step of the signing-key derivation, for auditors.
///
/// `Debug` is redacted (the keys are secrets valid for a day); print the steps
/// on purpose with [`SigningKeyChain::steps_hex`].
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
        let mut k_secret = SmallBuf::<128>::new();
        k_secret.put(b"AWS4");
        k_secret.put(secret.as_bytes());
        let k_date = hmac(k_secret.as_bytes(), scope.date().as_bytes());
        let k_region = hmac(&k_date, scope.region().as_bytes());
        let k_service = hmac(&k_region, scope.service().as_bytes());
        let k_signing = hmac(&k_service, b"aws4_request");
        SigningKeyChain {
            k_date,
            k_region,
            k_service,
            k_signing,
        }
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

impl fmt::Debug for SigningKeyChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKeyChain(<redacted>)")
    }
}

/// A derived signing key, kept as a pre-keyed HMAC-SHA256 state so that each
/// signature skips the key setup.
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
    mac: HmacSha256,
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
        Ok(Self::from_chain(&SigningKeyChain::derive(
            secret_access_key,
            date,
            region,
            service,
        )?))
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
            mac: HmacSha256::new_from_slice(&chain.k_signing).unwrap_or_else(|_| unreachable!()),
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
        let mut mac = self.mac.clone();
        mac.update(data);
        let mut out = [0u8; 64];
        // Cannot fail: the buffer is exactly twice the digest length.
        let _ = hex::encode_to_slice(mac.finalize().into_bytes(), &mut out);
        String::from_utf8(out.to_vec()).unwrap_or_default()
    }

    /// The HMAC state keyed with kSigning, to stream data into.
    pub(crate) fn into_mac(self) -> HmacSha256 {
        self.mac
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

#[derive(Clone)]
struct Entry {
    secret_id: [u8; 32],
    date: [u8; 8],
    region: Box<str>,
    service: Box<str>,
    key: SigningKey,
}

impl Entry {
    fn matches(&self, secret_id: &[u8; 32], scope: &CredentialScope<'_>) -> bool {
        self.secret_id == *secret_id
            && self.date == scope.date().as_bytes()
            && *self.region == *scope.region()
            && *self.service == *scope.service()
    }
}

/// Gives every cache an identity for the per-thread front.
static NEXT_CACHE_ID: AtomicU64 = AtomicU64::new(1);

/// Keys this thread used last, per cache: a hit takes no lock and touches no
/// memory shared with other threads.
const HOT_ENTRIES: usize = 4;

thread_local! {
    static HOT: RefCell<Vec<(u64, Entry)>> = const { RefCell::new(Vec::new()) };
}

/// A cache of signing keys shared across threads, keyed by (secret, date,
/// region, service): a rotated secret never reuses a stale key, even under
/// the same access key id.
///
/// Each thread also keeps its last few keys in a small thread-local front,
/// so the signing hot path takes no lock shared with other threads.
///
/// ```
/// use std::sync::Arc;
/// use awsig::{Credentials, Signer, SigningKeyCache};
/// let cache = Arc::new(SigningKeyCache::new());
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let a = Signer::new(creds.clone(), "us-east-1", "s3")?.with_cache(cache.clone());
/// let b = Signer::new(creds, "eu-west-1", "s3")?.with_cache(cache.clone());
/// # let _ = (a, b);
/// # Ok::<(), awsig::Error>(())
/// ```
pub struct SigningKeyCache {
    id: u64,
    entries: RwLock<Vec<Entry>>,
    capacity: usize,
}

impl Default for SigningKeyCache {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKeyCache {{ entries: {} }}", self.len())
    }
}

impl SigningKeyCache {
    /// An empty cache holding up to 64 keys.
    ///
    /// ```
    /// assert!(awsig::SigningKeyCache::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::with_capacity(64)
    }

    /// An empty cache holding up to `capacity` keys (at least 1); when full,
    /// the oldest entry is dropped.
    ///
    /// ```
    /// let cache = awsig::SigningKeyCache::with_capacity(8);
    /// assert_eq!(cache.len(), 0);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        SigningKeyCache {
            id: NEXT_CACHE_ID.fetch_add(1, Ordering::Relaxed),
            entries: RwLock::new(Vec::new()),
            capacity: capacity.max(1),
        }
    }

    /// The number of cached keys.
    ///
    /// ```
    /// assert_eq!(awsig::SigningKeyCache::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }

    /// Whether the cache is empty.
    ///
    /// ```
    /// assert!(awsig::SigningKeyCache::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key for these credentials and scope, derived on first use.
    ///
    /// ```
    /// use awsig::{CredentialScope, Credentials, SigningKeyCache};
    /// let cache = SigningKeyCache::new();
    /// let creds = Credentials::new("AKID", "secret", None)?;
    /// let scope = CredentialScope::new("20150830", "us-east-1", "s3")?;
    /// let key = cache.get(&creds, &scope);
    /// assert_eq!(cache.len(), 1);
    /// # let _ = key;
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn get(&self, credentials: &Credentials, scope: &CredentialScope<'_>) -> SigningKey {
        let id = credentials.secret_id();
        let hot = HOT.try_with(|hot| {
            hot.borrow()
                .iter()
                .find(|(cache, e)| *cache == self.id && e.matches(id, scope))
                .map(|(_, e)| e.key.clone())
        });
        if let Ok(Some(key)) = hot {
            return key;
        }
        let entry = self.get_shared(credentials, scope);
        let key = entry.key.clone();
        let _ = HOT.try_with(|hot| {
            let mut hot = hot.borrow_mut();
            hot.retain(|(cache, e)| !(*cache == self.id && e.matches(id, scope)));
            if hot.len() >= HOT_ENTRIES {
                hot.remove(0);
            }
            hot.push((self.id, entry));
        });
        key
    }

    fn get_shared(&self, credentials: &Credentials, scope: &CredentialScope<'_>) -> Entry {
        let id = credentials.secret_id();
        if let Ok(entries) = self.entries.read() {
            if let Some(e) = entries.iter().find(|e| e.matches(id, scope)) {
                return e.clone();
            }
        }
        let mut date = [0u8; 8];
        date.copy_from_slice(scope.date().as_bytes());
        let entry = Entry {
            secret_id: *id,
            date,
            region: scope.region().into(),
            service: scope.service().into(),
            key: SigningKey::from_chain(&SigningKeyChain::derive_scope(
                credentials.secret(),
                scope,
            )),
        };
        if let Ok(mut entries) = self.entries.write() {
            if !entries.iter().any(|e| e.matches(id, scope)) {
                if entries.len() >= self.capacity {
                    entries.remove(0);
                }
                entries.push(entry.clone());
            }
        }
        entry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_is_keyed_by_secret_not_access_key_id() {
        let cache = SigningKeyCache::new();
        let scope = CredentialScope::new("20150830", "us-east-1", "s3").unwrap();
        let old = Credentials::new("AKID", "old-secret", None).unwrap();
        let new = Credentials::new("AKID", "new-secret", None).unwrap();
        let k_old = cache.get(&old, &scope).sign(b"x");
        let k_new = cache.get(&new, &scope).sign(b"x");
        assert_ne!(k_old, k_new);
        let direct = SigningKey::derive("new-secret", "20150830", "us-east-1", "s3").unwrap();
        assert_eq!(k_new, direct.sign(b"x"));
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn cache_separates_date_region_service_and_bounds_size() {
        let cache = SigningKeyCache::with_capacity(3);
        let creds = Credentials::new("AKID", "s", None).unwrap();
        let scopes = [
            CredentialScope::new("20150830", "us-east-1", "s3").unwrap(),
            CredentialScope::new("20150831", "us-east-1", "s3").unwrap(),
            CredentialScope::new("20150830", "eu-west-1", "s3").unwrap(),
            CredentialScope::new("20150830", "us-east-1", "iam").unwrap(),
        ];
        let sigs: Vec<String> = scopes
            .iter()
            .map(|s| cache.get(&creds, s).sign(b"x"))
            .collect();
        for (i, a) in sigs.iter().enumerate() {
            for b in &sigs[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(cache.len(), 3);
        // Cached and fresh agree.
        assert_eq!(cache.get(&creds, &scopes[3]).sign(b"x"), sigs[3]);
    }

    #[test]
    fn shared_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SigningKeyCache>();
        assert_send_sync::<SigningKey>();
        let cache = std::sync::Arc::new(SigningKeyCache::new());
        let creds = Credentials::new("AKID", "s", None).unwrap();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (cache, creds) = (cache.clone(), creds.clone());
                std::thread::spawn(move || {
                    let scope = CredentialScope::new("20150830", "us-east-1", "s3").unwrap();
                    cache.get(&creds, &scope).sign(b"x")
                })
            })
            .collect();
        let sigs: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(sigs.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn debug_is_redacted() {
        let chain = SigningKeyChain::derive("s", "20150830", "us-east-1", "s3").unwrap();
        assert!(!format!("{chain:?}").contains(&hex::encode(chain.k_signing)));
        assert_eq!(
            format!("{:?}", SigningKey::from_chain(&chain)),
            "SigningKey(<redacted>)"
        );
    }
}
