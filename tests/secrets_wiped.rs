//! A memory scan: after signing in a thread that has ended, with the signer,
//! the credentials and the key cache dropped, no heap block (freed or still
//! live) holds the secret, the session token, `"AWS4" + secret`, a derived
//! key (kDate, kRegion, kService, kSigning) or a keyed HMAC state of one of
//! those keys (the SHA-256 state after the `key ^ ipad` or `key ^ opad`
//! block: as good as the key itself).
//!
//! The expected byte patterns are computed here with the `hmac` and `sha2`
//! crates, not with awsig. A global allocator looks at every block as it is
//! freed and keeps a table of live blocks, which is scanned at the end.
//!
//! The thread's stack is not scanned: moves of keyed states through stack
//! frames are out of this test's reach.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use awsig::{
    Credentials, Endpoint, ObjectKey, Payload, PostPolicy, Request, Signer, SigningKey,
    SigningKeyChain, SigningTime,
};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

const AKID: &str = "AKIAMEMSCANEXAMPLE01";
const SECRET: &str = "MemScanSecretKey/K7MDENG/bPxRfiCYzq9Xa3Lw";
const TOKEN: &str = "MemScanSessionToken//////////wEaDEXAMPLE+tokenPart2=";
const DATE: &str = "20240101";
const REGION: &str = "eu-west-3";

// --- the patterns ------------------------------------------------------------

/// At most 64 bytes per pattern, kept in a static (never on the heap, so the
/// scan does not find its own copy).
#[derive(Clone, Copy)]
struct Pattern {
    name: &'static str,
    bytes: [u8; 64],
    len: usize,
}

impl Pattern {
    fn new(name: &'static str, bytes: &[u8]) -> Self {
        let mut p = Pattern {
            name,
            bytes: [0; 64],
            len: bytes.len(),
        };
        p.bytes[..bytes.len()].copy_from_slice(bytes);
        p
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

const MAX_PATTERNS: usize = 20;
static PATTERNS: OnceLock<([Pattern; MAX_PATTERNS], usize)> = OnceLock::new();

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().into()
}

/// The SHA-256 state after the first block `key ^ pad` (key up to 64
/// bytes), as the eight native-endian words a SHA-256 core keeps.
fn keyed_state(key: &[u8], pad: u8) -> [u8; 32] {
    let mut block = [pad; 64];
    for (b, k) in block.iter_mut().zip(key) {
        *b ^= k;
    }
    let mut state: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    sha2::block_api::compress256(&mut state, &[block]);
    let mut out = [0; 32];
    for (o, w) in out.chunks_mut(4).zip(state) {
        o.copy_from_slice(&w.to_ne_bytes());
    }
    out
}

fn patterns() -> Vec<Pattern> {
    let mut aws4 = [0u8; 64];
    let aws4 = {
        aws4[..4].copy_from_slice(b"AWS4");
        aws4[4..4 + SECRET.len()].copy_from_slice(SECRET.as_bytes());
        &aws4[..4 + SECRET.len()]
    };
    let k_date = hmac(aws4, DATE.as_bytes());
    let k_region = hmac(&k_date, REGION.as_bytes());
    let k_service = hmac(&k_region, b"s3");
    let k_signing = hmac(&k_service, b"aws4_request");
    let mut out = vec![
        Pattern::new("secret", SECRET.as_bytes()),
        Pattern::new("session token", TOKEN.as_bytes()),
        Pattern::new("AWS4 + secret", aws4),
        Pattern::new("kDate", &k_date),
        Pattern::new("kRegion", &k_region),
        Pattern::new("kService", &k_service),
        Pattern::new("kSigning", &k_signing),
    ];
    let keys: [(&'static str, &'static str, &[u8]); 5] = [
        (
            "HMAC ipad state of AWS4 + secret",
            "HMAC opad state of AWS4 + secret",
            aws4,
        ),
        (
            "HMAC ipad state of kDate",
            "HMAC opad state of kDate",
            &k_date,
        ),
        (
            "HMAC ipad state of kRegion",
            "HMAC opad state of kRegion",
            &k_region,
        ),
        (
            "HMAC ipad state of kService",
            "HMAC opad state of kService",
            &k_service,
        ),
        (
            "HMAC ipad state of kSigning",
            "HMAC opad state of kSigning",
            &k_signing,
        ),
    ];
    for (inner, outer, key) in keys {
        out.push(Pattern::new(inner, &keyed_state(key, 0x36)));
        out.push(Pattern::new(outer, &keyed_state(key, 0x5c)));
    }
    out
}

// --- the allocator -------------------------------------------------------------

/// Scanning starts once the patterns are set and stops before the report.
static ARMED: AtomicBool = AtomicBool::new(false);
/// Bit `i` set: pattern `i` was in a block when it was freed.
static FOUND_FREED: AtomicUsize = AtomicUsize::new(0);

const SLOTS: usize = 1 << 16;
/// Live blocks: (address, size), 0 for a free slot. A lock without
/// allocation; the table itself is static.
static LIVE: Mutex<[(usize, usize); SLOTS]> = Mutex::new([(0, 0); SLOTS]);
static LIVE_OVERFLOW: AtomicBool = AtomicBool::new(false);

fn found_in(block: &[u8]) -> usize {
    let Some((patterns, n)) = PATTERNS.get() else {
        return 0;
    };
    let mut bits = 0;
    for (i, p) in patterns[..*n].iter().enumerate() {
        let p = p.as_bytes();
        if block.len() >= p.len() && block.windows(p.len()).any(|w| w == p) {
            bits |= 1 << i;
        }
    }
    bits
}

struct Scanning;

unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            if let Ok(mut live) = LIVE.lock() {
                let start = (ptr as usize >> 4) % SLOTS;
                let slot = (0..SLOTS)
                    .map(|i| (start + i) % SLOTS)
                    .find(|&i| live[i].0 == 0);
                match slot {
                    Some(i) => live[i] = (ptr as usize, layout.size()),
                    None => LIVE_OVERFLOW.store(true, Ordering::Relaxed),
                }
            }
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::Relaxed) {
            // SAFETY: the block is still ours until `System.dealloc`.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            let bits = found_in(block);
            if bits != 0 {
                FOUND_FREED.fetch_or(bits, Ordering::Relaxed);
            }
        }
        if let Ok(mut live) = LIVE.lock() {
            let start = (ptr as usize >> 4) % SLOTS;
            if let Some(i) = (0..SLOTS)
                .map(|i| (start + i) % SLOTS)
                .take_while(|&i| live[i].0 != 0 || i == start)
                .find(|&i| live[i].0 == ptr as usize)
            {
                live[i] = (0, 0);
                // Re-insert the rest of the probe run, so later lookups
                // do not stop at the hole.
                let mut j = (i + 1) % SLOTS;
                while live[j].0 != 0 {
                    let moved = live[j];
                    live[j] = (0, 0);
                    let s = (moved.0 >> 4) % SLOTS;
                    let k = (0..SLOTS)
                        .map(|k| (s + k) % SLOTS)
                        .find(|&k| live[k].0 == 0);
                    if let Some(k) = k {
                        live[k] = moved;
                    }
                    j = (j + 1) % SLOTS;
                }
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Scanning = Scanning;

/// Patterns in blocks still allocated now.
fn found_live() -> usize {
    let live = LIVE.lock().unwrap();
    let mut bits = 0;
    for &(addr, size) in live.iter() {
        if addr != 0 {
            // SAFETY: the block is live (the table is locked, so no
            // allocation or free runs meanwhile on any thread).
            let block = unsafe { std::slice::from_raw_parts(addr as *const u8, size) };
            bits |= found_in(block);
        }
    }
    bits
}

fn names(bits: usize) -> Vec<&'static str> {
    let (patterns, n) = PATTERNS.get().unwrap();
    (0..*n)
        .filter(|i| bits & (1 << i) != 0)
        .map(|i| patterns[i].name)
        .collect()
}

// --- the work ------------------------------------------------------------------

/// Everything that touches the secret or the token, in its own thread.
fn sign_everything() {
    let creds = Credentials::new(AKID, SECRET.to_string(), Some(TOKEN.to_string())).unwrap();
    let signer = Signer::new(creds.clone(), REGION, "s3").unwrap();
    let endpoint = Endpoint::aws_s3(REGION).unwrap();
    let t = SigningTime::parse(&format!("{DATE}T120000Z")).unwrap();
    let headers = [("content-type", "text/plain"), ("x-amz-meta-a", "b")];
    let params = [("versionId", "3")];
    let req = Request::new("PUT", &endpoint)
        .bucket("memscan-bucket")
        .key(ObjectKey::new("a/b c.txt"))
        .headers(&headers)
        .params(&params)
        .payload(Payload::Bytes(b"hello"));

    let signed = signer.sign(&req, t).unwrap();
    let _ = format!("{signed:?} {creds:?} {signer:?}");
    let (signed_again, audit) = signer.audit_sign(&req, t).unwrap();
    let _ = format!("{audit:?}");
    let url = signer.presign(&req, t, Duration::from_secs(60)).unwrap();
    let _ = format!("{url:?} {url}");
    let (url_again, audit) = signer
        .audit_presign(&req, t, Duration::from_secs(60))
        .unwrap();
    let key = signer.signing_key(&t);
    let _ = key.sign(b"x");
    let own = SigningKey::derive(SECRET, DATE, REGION, "s3").unwrap();
    let chain = SigningKeyChain::derive(SECRET, DATE, REGION, "s3").unwrap();
    let form = PostPolicy::new("memscan-bucket")
        .key_starts_with("uploads/")
        .expires_in(Duration::from_secs(600))
        .sign(&signer, &endpoint, t)
        .unwrap();
    // The page text is the caller's to wipe (it carries the token), as
    // a careful caller does.
    let (mut json, mut html) = (form.to_json(), form.to_html());
    assert!(json.contains(TOKEN) && html.contains(TOKEN));
    json.zeroize();
    html.zeroize();
    let _ = format!("{form:?}");
    drop((
        signed,
        signed_again,
        audit,
        url,
        url_again,
        key,
        own,
        chain,
        form,
    ));
    drop(signer);
    drop(creds);
}

/// One test (tests in one binary share the allocator): first the scan is
/// shown to find an unwiped copy, then the real check.
#[test]
fn no_secret_material_is_left_in_memory_after_drop() {
    let mut table = [Pattern::new("", b""); MAX_PATTERNS];
    let list = patterns();
    table[..list.len()].copy_from_slice(&list);
    let n = list.len();
    let secret_bit = 1 << list.iter().position(|p| p.name == "secret").unwrap();
    let ipad_bit = 1
        << list
            .iter()
            .position(|p| p.name == "HMAC ipad state of kSigning")
            .unwrap();
    let k_signing = list.iter().find(|p| p.name == "kSigning").unwrap().bytes;
    drop(list);
    assert!(PATTERNS.set((table, n)).is_ok());
    ARMED.store(true, Ordering::SeqCst);

    // The scan works: an unwiped copy of the secret, freed, is found, and
    // so is a live keyed `hmac` crate state (the layout the patterns
    // assume; the crate wipes it on drop).
    drop(std::hint::black_box(format!("[{SECRET}]")));
    assert_ne!(
        FOUND_FREED.swap(0, Ordering::SeqCst) & secret_bit,
        0,
        "an unwiped freed copy of the secret is not found"
    );
    let mut mac = Box::new(<Hmac<Sha256> as KeyInit>::new_from_slice(&k_signing[..32]).unwrap());
    assert_ne!(
        found_live() & ipad_bit,
        0,
        "a live keyed hmac state is not found"
    );
    // Wiped by hand (whatever the crate's features), then freed.
    // SAFETY: all-zero bytes are a valid `Hmac` (plain arrays and counters,
    // no pointers), and the value is dropped right after.
    unsafe {
        std::ptr::write_bytes(
            &mut *mac as *mut Hmac<Sha256> as *mut u8,
            0,
            std::mem::size_of::<Hmac<Sha256>>(),
        );
    }
    drop(std::hint::black_box(mac));
    assert_eq!(FOUND_FREED.swap(0, Ordering::SeqCst), 0);

    std::thread::spawn(sign_everything).join().unwrap();

    ARMED.store(false, Ordering::SeqCst);
    let freed = FOUND_FREED.load(Ordering::SeqCst);
    let live = found_live();
    assert!(
        !LIVE_OVERFLOW.load(Ordering::SeqCst),
        "the live-block table overflowed: the scan is incomplete"
    );
    assert!(
        freed == 0 && live == 0,
        "secret material left behind: in freed blocks {:?}, in live blocks {:?}",
        names(freed),
        names(live)
    );
}
