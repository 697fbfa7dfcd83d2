//! The signing key: kSecret → kDate → kRegion → kService → kSigning, and a
//! thread-safe cache of it.

use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

pub(crate) mod raw_hmac;

use raw_hmac::{HmacKey, Resume};

use crate::canonical::encode::Sink;
use crate::small::{same_bytes, SmallBuf};
use crate::string_to_sign::CredentialScope;
use crate::{Credentials, Error};

/// HMAC-SHA256 keyed with `"AWS4" + secret`: the first derivation step's
/// key setup (two SHA-256 compressions) done once per credentials instead of
/// once per derived key. As secret as the secret itself.
#[derive(Clone)]
pub(crate) struct KeyedSecret(HmacKey);

impl KeyedSecret {
    pub(crate) fn new(secret: &str) -> Self {
        let mut key = SmallBuf::<128>::new();
        key.put(b"AWS4");
        key.put(secret.as_bytes());
        KeyedSecret(HmacKey::new(key.as_bytes()))
    }
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
        Self::from_keyed_secret(&KeyedSecret::new(secret), scope)
    }

    /// The derivation from a secret already keyed into HMAC: the cache path
    /// (the `Credentials` carry the keyed secret) and [`Self::derive`] share it.
    pub(crate) fn from_keyed_secret(k_secret: &KeyedSecret, scope: &CredentialScope<'_>) -> Self {
        let k_date = k_secret.0.mac(scope.date_bytes());
        let k_region = HmacKey::from_digest(&k_date).mac(scope.region().as_bytes());
        let k_service = HmacKey::from_digest(&k_region).mac(scope.service().as_bytes());
        let k_signing = HmacKey::from_digest(&k_service).mac(b"aws4_request");
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
    mac: HmacKey,
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
            mac: HmacKey::from_digest(&chain.k_signing),
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
        crate::signer::into_string(crate::small::hex32(&self.mac(data)).to_vec())
    }

    /// `HMAC-SHA256(kSigning, data)`.
    #[inline]
    pub(crate) fn mac(&self, data: &[u8]) -> [u8; 32] {
        self.mac.mac(data)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// A cached key and what it is keyed by: (secret, date, region, service).
/// Shared (`Arc`) between the cache and the per-thread fronts, so a miss
/// builds it once and no list ever copies an HMAC state around.
struct Entry {
    /// The cache that derived it (the per-thread front serves each cache
    /// only its own entries, so every cache sees its own misses).
    cache: u64,
    secret_id: [u8; 32],
    date: [u8; 8],
    /// `region` then `service`, inline for the usual lengths (one
    /// allocation per entry: the `Arc`).
    names: SmallBuf<40>,
    region_len: usize,
    key: SigningKey,
}

/// A cheap fingerprint of the cache key, compared before the full key:
/// lookups scan `u64`s instead of 32-byte ids and strings. Equal tags still
/// go through [`Entry::matches`].
fn tag(secret_id: &[u8; 32], scope: &CredentialScope<'_>) -> u64 {
    let mut id = [0u8; 8];
    id.copy_from_slice(&secret_id[..8]);
    u64::from_le_bytes(id)
        ^ u64::from_le_bytes(*scope.date_bytes()).rotate_left(29)
        ^ ((scope.region().len() as u64) << 8 | scope.service().len() as u64)
}

impl Entry {
    fn new(cache: u64, credentials: &Credentials, scope: &CredentialScope<'_>) -> Self {
        let mut names = SmallBuf::new();
        names.put_str(scope.region());
        names.put_str(scope.service());
        Entry {
            cache,
            secret_id: *credentials.secret_id(),
            date: *scope.date_bytes(),
            names,
            region_len: scope.region().len(),
            key: SigningKey::from_chain(&SigningKeyChain::from_keyed_secret(
                credentials.keyed_secret(),
                scope,
            )),
        }
    }

    fn matches(&self, secret_id: &[u8; 32], scope: &CredentialScope<'_>) -> bool {
        let names = self.names.as_bytes();
        let (region, service) = names.split_at(self.region_len.min(names.len()));
        self.secret_id == *secret_id
            && self.date == *scope.date_bytes()
            && same_bytes(region, scope.region().as_bytes())
            && same_bytes(service, scope.service().as_bytes())
    }
}

/// Gives every cache an identity for the per-thread front.
static NEXT_CACHE_ID: AtomicU64 = AtomicU64::new(1);

/// Keys this thread used last, per cache: a hit takes no lock and touches no
/// memory shared with other threads.
const HOT_ENTRIES: usize = 4;

/// A small FIFO ring of entries: `next` is the slot replaced when full, so
/// eviction never shifts the others. Each entry's tag sits in a separate
/// array, so a lookup scans plain `u64`s (eight at a time, see [`Ring::position`])
/// and follows a pointer only on a (near-certain) match.
struct Ring<T> {
    tags: Vec<u64>,
    entries: Vec<T>,
    next: usize,
    /// Items pushed so far: a writer that saw the same count under a read
    /// lock knows nothing was added since, and skips a second scan.
    pushes: u64,
}

impl<T: AsRef<Entry>> Ring<T> {
    const fn new() -> Self {
        Ring {
            tags: Vec::new(),
            entries: Vec::new(),
            next: 0,
            pushes: 0,
        }
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    /// Adds `entry` with its `tag`, dropping the oldest one when
    /// `capacity` is reached.
    fn push(&mut self, tag: u64, entry: T, capacity: usize) {
        self.pushes += 1;
        if self.entries.len() < capacity {
            self.tags.push(tag);
            self.entries.push(entry);
        } else {
            self.tags[self.next] = tag;
            self.entries[self.next] = entry;
            self.next = (self.next + 1) % capacity;
        }
    }

    /// The first entry with `tag` whose full key matches. A miss (every
    /// lookup of a new key) reads all tags: eight at a time with no early
    /// exit inside a group, so the compiler compares them in vectors.
    fn position(
        &self,
        tag: u64,
        secret_id: &[u8; 32],
        scope: &CredentialScope<'_>,
    ) -> Option<usize> {
        let (groups, _) = self.tags.as_chunks::<8>();
        let mut start = 0;
        for group in groups {
            if group.iter().fold(false, |any, &t| any | (t == tag)) {
                break;
            }
            start += 8;
        }
        self.tags[start..]
            .iter()
            .zip(&self.entries[start..])
            .position(|(t, e)| *t == tag && e.as_ref().matches(secret_id, scope))
            .map(|i| start + i)
    }

    fn find(&self, tag: u64, secret_id: &[u8; 32], scope: &CredentialScope<'_>) -> Option<&T> {
        self.position(tag, secret_id, scope)
            .map(|i| &self.entries[i])
    }
}

/// An entry in a thread's front, with the state that lets a burst of
/// signatures in the same second skip a compression (see
/// [`HmacKey::mac_resuming`](raw_hmac::HmacKey::mac_resuming)): per thread,
/// so it needs no lock; beside its key, so it is dropped with it.
struct Hot {
    entry: Arc<Entry>,
    resume: Option<Resume>,
}

impl AsRef<Entry> for Hot {
    fn as_ref(&self) -> &Entry {
        &self.entry
    }
}

thread_local! {
    static HOT: RefCell<Ring<Hot>> = const { RefCell::new(Ring::new()) };
}

/// A cache of signing keys shared across threads, keyed by (secret, date,
/// region, service): a rotated secret never reuses a stale key, even under
/// the same access key id.
///
/// Each thread also keeps its last few keys in a small thread-local front,
/// so the signing hot path takes no lock shared with other threads.
///
/// Retention: a key (with the HMAC state after the first block of the last
/// string to sign, as secret as the key, and that block's public text)
/// stays in a thread's front until newer keys push it out or the thread
/// ends, even after its cache, signer and credentials are dropped. A
/// signing key is valid for one day, region and service, and never shown by
/// `Debug`; a process that must not keep key material after dropping
/// credentials should sign on threads it ends.
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
    entries: RwLock<Ring<Arc<Entry>>>,
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
    /// all threads; when full, the oldest entry is dropped. Each thread's
    /// front holds a few more (see the type's documentation).
    ///
    /// ```
    /// let cache = awsig::SigningKeyCache::with_capacity(8);
    /// assert_eq!(cache.len(), 0);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        SigningKeyCache {
            id: NEXT_CACHE_ID.fetch_add(1, Ordering::Relaxed),
            entries: RwLock::new(Ring::new()),
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
        self.with_key(credentials, scope, |hot| hot.entry.key.clone())
    }

    /// `HMAC-SHA256(kSigning, data)` with the cached key, used straight
    /// from this thread's front entry (POST policies).
    pub(crate) fn sign(
        &self,
        credentials: &Credentials,
        scope: &CredentialScope<'_>,
        data: &[u8],
    ) -> [u8; 32] {
        self.with_key(credentials, scope, |hot| hot.entry.key.mac(data))
    }

    /// [`Self::sign`] for a string to sign: the signing hot path. The front
    /// entry also keeps the HMAC state after the string's first block for
    /// the next call, as strings to sign of the same second and scope share
    /// it (`AWS4-HMAC-SHA256`, the time, the scope: no secret text).
    pub(crate) fn sign_string_to_sign(
        &self,
        credentials: &Credentials,
        scope: &CredentialScope<'_>,
        string_to_sign: &[u8],
    ) -> [u8; 32] {
        self.with_key(credentials, scope, |hot| {
            hot.entry
                .key
                .mac
                .mac_resuming(string_to_sign, &mut hot.resume)
        })
    }

    /// Runs `f` on this thread's front entry for these credentials and
    /// scope, deriving the key on first use.
    fn with_key<R>(
        &self,
        credentials: &Credentials,
        scope: &CredentialScope<'_>,
        f: impl Fn(&mut Hot) -> R,
    ) -> R {
        let id = credentials.secret_id();
        let tag = tag(id, scope);
        // The per-thread front is per cache: its tags carry the cache id.
        let hot_tag = tag ^ self.id.rotate_left(47);
        let hot = HOT.try_with(|hot| {
            let mut hot = hot.borrow_mut();
            let i = hot.position(hot_tag, id, scope)?;
            let e = &mut hot.entries[i];
            (e.entry.cache == self.id).then(|| f(e))
        });
        if let Ok(Some(out)) = hot {
            return out;
        }
        let mut e = Hot {
            entry: self.get_shared(credentials, scope, tag),
            resume: None,
        };
        let out = f(&mut e);
        let _ = HOT.try_with(|hot| hot.borrow_mut().push(hot_tag, e, HOT_ENTRIES));
        out
    }

    fn get_shared(
        &self,
        credentials: &Credentials,
        scope: &CredentialScope<'_>,
        tag: u64,
    ) -> Arc<Entry> {
        let id = credentials.secret_id();
        let mut seen = None;
        if let Ok(entries) = self.entries.read() {
            if let Some(e) = entries.find(tag, id, scope) {
                return e.clone();
            }
            seen = Some(entries.pushes);
        }
        // Derived outside the lock: other threads keep hitting meanwhile.
        let entry = Arc::new(Entry::new(self.id, credentials, scope));
        if let Ok(mut entries) = self.entries.write() {
            // Another thread may have added it meanwhile: then use its entry.
            if seen != Some(entries.pushes) {
                if let Some(e) = entries.find(tag, id, scope) {
                    return e.clone();
                }
            }
            entries.push(tag, entry.clone(), self.capacity);
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
