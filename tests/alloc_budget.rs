//! Allocation budget (issue 5): a presign with a cached signing key makes at
//! most one heap allocation (the URL it returns); header signing allocates
//! only the header values it returns.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

use awsig::{Credentials, Endpoint, ObjectKey, Payload, Request, Signer, SigningTime};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn bump() {
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// only addition is a thread-local counter that never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap allocations made by `f` on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (ALLOCATIONS.with(Cell::get) - before, out)
}

fn signer(token: Option<&str>) -> Signer {
    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        token.map(str::to_string),
    )
    .unwrap();
    Signer::new(creds, "us-east-1", "s3").unwrap()
}

#[test]
fn presign_with_cached_key_allocates_only_the_url() {
    let time = SigningTime::parse("20240101T000000Z").unwrap();
    let endpoint = Endpoint::aws_s3("us-east-1").unwrap();
    let headers = [
        ("content-type", "image/jpeg"),
        ("x-amz-meta-owner", "alice"),
    ];
    let params = [(
        "response-content-disposition",
        "attachment; filename=\"résumé 2024.pdf\"",
    )];
    for token in [None, Some("AQoDYXdzEPT//////////wEXAMPLE+token=")] {
        let signer = signer(token);
        let plain = Request::new("GET", &endpoint)
            .bucket("examplebucket")
            .key(ObjectKey::new("photos/2024/cat picture.jpg"))
            .payload(Payload::Unsigned);
        let rich = plain.headers(&headers).params(&params);
        for req in [plain, rich] {
            // The first call derives and caches the signing key.
            signer
                .presign(&req, time, Duration::from_secs(3600))
                .unwrap();
            let (n, url) = allocations(|| {
                signer
                    .presign(&req, time, Duration::from_secs(3600))
                    .unwrap()
            });
            assert_eq!(n, 1, "presign allocated {n} times for {}", url.as_str());
        }
    }
}

#[test]
fn header_signing_allocates_only_the_returned_values() {
    let time = SigningTime::parse("20240101T000000Z").unwrap();
    let endpoint = Endpoint::aws_s3("us-east-1").unwrap();
    let headers = [
        ("content-type", "image/jpeg"),
        ("x-amz-meta-owner", "alice"),
        ("x-amz-storage-class", "STANDARD"),
        ("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg=="),
    ];
    let hash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
    // Heap values returned: `authorization`, plus `x-amz-security-token`
    // when there is a token (x-amz-date and x-amz-content-sha256 are inline).
    for (token, returned) in [(None, 1), (Some("token+/="), 2)] {
        let signer = signer(token);
        let req = Request::new("PUT", &endpoint)
            .bucket("examplebucket")
            .key(ObjectKey::new("photos/2024/cat picture.jpg"))
            .headers(&headers)
            .payload(Payload::Precomputed(hash));
        signer.sign(&req, time).unwrap();
        let (n, signed) = allocations(|| signer.sign(&req, time).unwrap());
        assert_eq!(
            n, returned,
            "header signing allocated {n} times: {signed:?}"
        );
    }
}
