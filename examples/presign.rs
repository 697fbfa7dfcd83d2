//! Prints a presigned GET URL, valid for one hour.
//!
//! ```text
//! cargo run --example presign [BUCKET] [KEY]
//! ```
//!
//! Credentials come from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
//! `AWS_SESSION_TOKEN`; without them, AWS's documented example credentials
//! are used and the URL is labelled as a demonstration. The region is
//! `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`.

use std::time::Duration;

use awsig::{Credentials, Endpoint, Error, ObjectKey, Request, Signer, SigningTime};

fn main() {
    if let Err(e) = run() {
        eprintln!("presign: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let bucket = args.next().unwrap_or_else(|| "examplebucket".to_string());
    let key = args.next().unwrap_or_else(|| "test.txt".to_string());
    let region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|r| !r.is_empty())
        .unwrap_or_else(|| "us-east-1".to_string());

    let credentials = match Credentials::from_env() {
        Ok(c) => c,
        Err(Error::MissingEnvVar(name)) => {
            eprintln!(
                "{name} is not set: using AWS's documented EXAMPLE credentials \
                 (AKIAIOSFODNN7EXAMPLE); the URL below is a demonstration and will not work"
            );
            Credentials::new(
                "AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                None,
            )?
        }
        Err(e) => return Err(e),
    };

    let signer = Signer::new(credentials, &region, "s3")?;
    let endpoint = Endpoint::aws_s3(&region)?;
    let request = Request::new("GET", &endpoint)
        .bucket(&bucket)
        .key(ObjectKey::new(&key));
    let url = signer.presign(&request, SigningTime::now()?, Duration::from_secs(3600))?;
    println!("{}", url.as_str());
    Ok(())
}
