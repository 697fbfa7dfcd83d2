//! Prints a complete HTML page with a working browser upload form.
//!
//! ```text
//! cargo run --example post_form -- BUCKET [REGION] [ENDPOINT] > upload.html
//! ```
//!
//! Credentials come from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
//! `AWS_SESSION_TOKEN`; without them, AWS's documented example credentials
//! are used and the page says it is a demonstration. REGION defaults to
//! `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`; ENDPOINT (e.g. `http://127.0.0.1:9000`)
//! defaults to AWS S3 in that region. The form uploads any file up to 10 MiB
//! under `uploads/`, valid for one hour.

use std::time::Duration;

use awsig::{Credentials, Endpoint, Error, PostPolicy, Signer, SigningTime};

fn main() {
    if let Err(e) = run() {
        eprintln!("post_form: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let Some(bucket) = args.next() else {
        eprintln!("usage: cargo run --example post_form -- BUCKET [REGION] [ENDPOINT]");
        std::process::exit(2);
    };
    let region = args
        .next()
        .or_else(|| {
            ["AWS_REGION", "AWS_DEFAULT_REGION"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find(|r| !r.is_empty())
        })
        .unwrap_or_else(|| "us-east-1".to_string());
    let endpoint = match args.next() {
        Some(url) => Endpoint::parse(&url)?,
        None => Endpoint::aws_s3(&region)?,
    };

    let (credentials, demo) = match Credentials::from_env() {
        Ok(c) => (c, false),
        Err(Error::MissingEnvVar(name)) => {
            eprintln!(
                "{name} is not set: using AWS's documented EXAMPLE credentials \
                 (AKIAIOSFODNN7EXAMPLE); the form is a demonstration and will not upload"
            );
            let example = Credentials::new(
                "AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                None,
            )?;
            (example, true)
        }
        Err(e) => return Err(e),
    };

    let signer = Signer::new(credentials, &region, "s3")?;
    let form = PostPolicy::new(bucket.as_str())
        .key_with_filename("uploads/")
        .expires_in(Duration::from_secs(3600))
        .field("success_action_status", "201")
        .starts_with("Content-Type", "")
        .content_length_range(1, 10 * 1024 * 1024)
        .sign(&signer, &endpoint, SigningTime::now()?)?;

    let note = if demo {
        "<p><strong>Demonstration:</strong> signed with AWS's documented example \
         credentials (AKIAIOSFODNN7EXAMPLE); S3 will refuse this upload.</p>\n"
    } else {
        ""
    };
    print!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Upload to S3</title>\n</head>\n<body>\n<h1>Upload a file</h1>\n{note}\
         <p>Up to 10 MiB, stored under <code>uploads/</code>; this form expires at {}.</p>\n{}\
         </body>\n</html>\n",
        form.expiration(),
        form.to_html()
    );
    Ok(())
}
