//! Presigns (and header signatures) per second on this machine, with 1 and
//! then N threads sharing one signer and its key cache.
//!
//! ```text
//! cargo run --release --example throughput [SECONDS_PER_RUN] [MAX_THREADS]
//! ```
//!
//! Inputs are those of `benches/signing.rs`: bucket `examplebucket`, key
//! `photos/2024/cat picture.jpg`, us-east-1, expires 3600, virtual-host.
//! MAX_THREADS defaults to the number of cores.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use awsig::{Credentials, Endpoint, Error, ObjectKey, Payload, Request, Signer, SigningTime};

fn main() {
    if let Err(e) = run() {
        eprintln!("throughput: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let secs: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2.0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max_threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(cores);
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run with --release for real numbers");
    }

    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
    )?;
    let signer = Signer::new(creds, "us-east-1", "s3")?;
    let endpoint = Endpoint::aws_s3("us-east-1")?;
    let time = SigningTime::now()?;
    let headers = [
        ("content-type", "image/jpeg"),
        ("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg=="),
        ("x-amz-meta-owner", "alice"),
        ("x-amz-storage-class", "STANDARD_IA"),
    ];
    let get = Request::new("GET", &endpoint)
        .bucket("examplebucket")
        .key(ObjectKey::new("photos/2024/cat picture.jpg"))
        .payload(Payload::Unsigned);
    let put = Request::new("PUT", &endpoint)
        .bucket("examplebucket")
        .key(ObjectKey::new("photos/2024/cat picture.jpg"))
        .headers(&headers)
        .payload(Payload::Precomputed(
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
        ));
    // Fail early on bad input rather than inside the timed loops.
    signer.presign(&get, time, Duration::from_secs(3600))?;
    signer.sign(&put, time)?;

    println!("{cores} core(s); {secs} s per run; one signer (and key cache) shared by all threads");
    println!(
        "{:<22} {:>8} {:>14} {:>16} {:>9}",
        "operation", "threads", "ops/s", "ops/s/thread", "scaling"
    );
    let presign = || {
        black_box(
            signer
                .presign(&get, time, Duration::from_secs(3600))
                .is_ok(),
        );
    };
    let sign = || {
        black_box(signer.sign(&put, time).is_ok());
    };
    for (name, op) in [
        ("presign GET (cached)", &presign as &(dyn Fn() + Sync)),
        ("sign PUT header", &sign),
    ] {
        let mut single = 0.0;
        for threads in 1..=max_threads.max(1) {
            let rate = measure(op, threads, secs);
            if threads == 1 {
                single = rate;
            }
            println!(
                "{name:<22} {threads:>8} {rate:>14.0} {:>16.0} {:>8.2}x",
                rate / threads as f64,
                rate / single
            );
        }
    }
    Ok(())
}

/// Operations per second over `secs`, summed over `threads` threads.
fn measure(op: &(dyn Fn() + Sync), threads: usize, secs: f64) -> f64 {
    let stop = AtomicBool::new(false);
    let start = Instant::now();
    let total: u64 = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut n = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        for _ in 0..256 {
                            op();
                        }
                        n += 256;
                    }
                    n
                })
            })
            .collect();
        std::thread::sleep(Duration::from_secs_f64(secs));
        stop.store(true, Ordering::Relaxed);
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    total as f64 / start.elapsed().as_secs_f64()
}
