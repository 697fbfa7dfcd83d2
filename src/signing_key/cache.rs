//! A cache of signing keys shared across threads.

use std::collections::VecDeque;
use std::fmt;
use std::sync::RwLock;

use super::{SigningKey, SigningKeyChain};
use crate::string_to_sign::CredentialScope;
use crate::Credentials;

/// A cached key and what it is keyed by: (secret, date, region, service).
struct Entry {
    secret_id: [u8; 32],
    date: [u8; 8],
    region: String,
    service: String,
    key: SigningKey,
}

impl Entry {
    fn matches(&self, secret_id: &[u8; 32], scope: &CredentialScope<'_>) -> bool {
        // The date first: it is what tells most entries of one signer apart.
        self.date == *scope.date_bytes()
            && self.region == scope.region()
            && self.service == scope.service()
            && self.secret_id == *secret_id
    }
}

/// A cache of signing keys shared across threads, keyed by (secret, date,
/// region, service): a rotated secret never reuses a stale key, even under
/// the same access key id.
///
/// Retention: a key stays in the cache until newer keys push it out (first
/// in, first out) or the cache is dropped; either way it is wiped. There
/// are no per-thread copies: dropping the cache (and the signers and
/// credentials) leaves no key material behind.
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
    entries: RwLock<VecDeque<Entry>>,
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

    /// An empty cache holding up to `capacity` keys (at least 1) shared by
    /// all threads; when full, the oldest entry is dropped.
    ///
    /// ```
    /// let cache = awsig::SigningKeyCache::with_capacity(8);
    /// assert_eq!(cache.len(), 0);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        SigningKeyCache {
            entries: RwLock::new(VecDeque::with_capacity(capacity.min(64))),
            capacity,
        }
    }

    /// The number of cached keys.
    ///
    /// ```
    /// assert_eq!(awsig::SigningKeyCache::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.read().map_or(0, |e| e.len())
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
        self.with_key(credentials, scope, SigningKey::clone)
    }

    /// Runs `f` with the key for `scope`, in the cache (on a hit, under the
    /// read lock: no copy of the key is made) or derived and added.
    pub(crate) fn with_key<R>(
        &self,
        credentials: &Credentials,
        scope: &CredentialScope<'_>,
        f: impl FnOnce(&SigningKey) -> R,
    ) -> R {
        let id = credentials.secret_id();
        let find = |entries: &VecDeque<Entry>| entries.iter().position(|e| e.matches(id, scope));
        if let Ok(entries) = self.entries.read() {
            if let Some(i) = find(&entries) {
                return f(&entries[i].key);
            }
        }
        // Derived outside the lock: other threads keep hitting meanwhile.
        let chain = SigningKeyChain::derive_scope(credentials.secret_access_key(), scope);
        let key = SigningKey::from_chain(&chain);
        // A poisoned lock (a panic elsewhere while holding it) only costs
        // the caching: the key is still right.
        if let Ok(mut entries) = self.entries.write() {
            // Another thread may have added it meanwhile.
            if find(&entries).is_none() {
                if entries.len() == self.capacity {
                    entries.pop_front();
                }
                entries.push_back(Entry {
                    secret_id: *id,
                    date: *scope.date_bytes(),
                    region: scope.region().to_string(),
                    service: scope.service().to_string(),
                    key: key.clone(),
                });
            }
        }
        f(&key)
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
        // The oldest went first: asking for it again derives and evicts.
        assert_eq!(cache.get(&creds, &scopes[0]).sign(b"x"), sigs[0]);
        assert_eq!(cache.len(), 3);
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
}
