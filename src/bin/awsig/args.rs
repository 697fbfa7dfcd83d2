//! The command line, as clap sees it. Values that need checking (methods,
//! durations, headers, times) stay strings here and are checked in
//! [`crate::inputs`] and [`crate::duration`], so every bad value gets the same
//! one-line `awsig: error: ...` report. Values that may plausibly start with
//! `-` (durations, ranges, times) are taken as values, so that `--expires -5`
//! is reported as a bad duration rather than an unknown option.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Offline AWS Signature Version 4: presigned URLs, signed requests, POST
/// forms and an audit view of every intermediate string.
///
/// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
/// AWS_SESSION_TOKEN, else from ~/.aws/credentials and ~/.aws/config
/// (--profile, AWS_PROFILE or default). Nothing is sent over the network.
#[derive(Debug, Parser)]
#[command(name = "awsig", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a presigned URL (and nothing else).
    Presign(PresignArgs),
    /// Print the headers that sign a request (or a curl command, or JSON).
    Sign(SignCommand),
    /// Print a signed browser POST form for S3 uploads (JSON or HTML).
    PostPolicy(PostPolicyArgs),
    /// Print every intermediate string of a signature.
    Explain(ExplainArgs),
    /// Check a signature: a presigned URL, or a raw HTTP request (exit 3 when refused).
    Verify(VerifyArgs),
}

/// Options every command shares: where credentials, region and time come from.
#[derive(Debug, Args)]
pub struct Common {
    /// Region [default: the region in an AWS URL's host, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region, else us-east-1]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Signing time, 2013-05-24T00:00:00Z or 20130524T000000Z [default: now]
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub time: Option<String>,
    /// Profile of ~/.aws/credentials and ~/.aws/config [default: AWS_PROFILE, else default]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Use AWS's documented example credentials (AKIAIOSFODNN7EXAMPLE)
    #[arg(long, conflicts_with = "profile")]
    pub demo: bool,
}

/// `awsig presign`.
#[derive(Debug, Args)]
pub struct PresignArgs {
    /// s3://bucket/key (the key is plain text) or a URL (already encoded, sent as is)
    #[arg(value_name = "s3://BUCKET/KEY | URL")]
    pub target: String,
    /// HTTP method: GET, PUT, DELETE or HEAD
    #[arg(long, short = 'X', default_value = "GET")]
    pub method: String,
    /// How long the URL stays valid: seconds, or a number with s, m, h or d (at most 7d)
    #[arg(
        long,
        default_value = "3600",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    pub expires: String,
    /// A header the request will carry, signed: 'Name: value' (repeatable)
    #[arg(long = "header", short = 'H', value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,
    /// A query parameter, plain text: name=value (repeatable)
    #[arg(long = "query", value_name = "NAME=VALUE")]
    pub queries: Vec<String>,
    /// S3-compatible endpoint for s3:// targets, e.g. http://127.0.0.1:9000 (path style)
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Put the bucket in the path (https://s3.amazonaws.com/bucket/key)
    #[arg(long)]
    pub path_style: bool,
    /// Service signing name [default: s3, or the service of an AWS URL]
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// `awsig sign`.
#[derive(Debug, Args)]
pub struct SignCommand {
    #[command(flatten)]
    pub request: SignArgs,
    /// Output: `Name: value` lines to add, a curl command, or a JSON object
    #[arg(long, value_enum, default_value_t = Format::Headers)]
    pub format: Format,
}

/// The request to sign with the `Authorization` header.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The URL, already encoded (sent as is)
    pub url: String,
    /// HTTP method: GET, HEAD, PUT, POST, DELETE, PATCH or OPTIONS
    #[arg(long, short = 'X', default_value = "GET")]
    pub method: String,
    /// Service signing name [default: from the host: s3 for S3 hosts, SERVICE for SERVICE[.REGION].amazonaws.com]
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// A header the request will carry, signed: 'Name: value' (repeatable)
    #[arg(long = "header", short = 'H', value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,
    /// The body, as given [default: empty body]
    #[arg(long, group = "payload", value_name = "STRING")]
    pub data: Option<String>,
    /// The body, read from a file
    #[arg(long, group = "payload", value_name = "PATH")]
    pub data_file: Option<PathBuf>,
    /// Do not sign the body (x-amz-content-sha256: UNSIGNED-PAYLOAD)
    #[arg(long, group = "payload")]
    pub unsigned_payload: bool,
    #[command(flatten)]
    pub common: Common,
}

/// How `awsig sign` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `Name: value` lines, the headers to add
    Headers,
    /// A curl command that sends the signed request
    Curl,
    /// A JSON object: method, url, headers (all of them), signature
    Json,
}

/// `awsig post-policy`.
#[derive(Debug, Args)]
pub struct PostPolicyArgs {
    /// s3://bucket/key, or s3://bucket/prefix/ (ends in /: the uploader picks the name)
    #[arg(value_name = "s3://BUCKET/KEY-OR-PREFIX/")]
    pub target: String,
    /// Allow any key that starts with this prefix (instead of the key of the target)
    #[arg(long, value_name = "PREFIX")]
    pub key_starts_with: Option<String>,
    /// Allowed upload size in bytes, MIN:MAX
    #[arg(long, value_name = "MIN:MAX", allow_hyphen_values = true)]
    pub content_length_range: Option<String>,
    /// A form field with a fixed value: name=value (repeatable)
    #[arg(long = "field", value_name = "NAME=VALUE")]
    pub fields: Vec<String>,
    /// A form field the uploader fills in, with a required prefix: name=prefix (repeatable)
    #[arg(long = "starts-with", value_name = "NAME=PREFIX")]
    pub starts_with: Vec<String>,
    /// How long the form stays valid: seconds, or a number with s, m, h or d
    #[arg(
        long,
        default_value = "1h",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    pub expires: String,
    /// Output: a JSON object, or a complete HTML page with the form
    #[arg(long, value_enum, default_value_t = FormFormat::Json)]
    pub format: FormFormat,
    #[command(flatten)]
    pub common: Common,
}

/// How `awsig post-policy` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormFormat {
    /// url, fields, policy and what the page must fill in
    Json,
    /// A minimal upload page
    Html,
}

/// `awsig explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Also print the signing-key chain (kDate, kRegion, kService, kSigning) in hex
    #[arg(long, global = true)]
    pub show_signing_key: bool,
    /// Compare with a SignatureDoesNotMatch error body (XML) from S3 or an S3-compatible server ('-': stdin), and name the first difference
    #[arg(long, global = true, value_name = "FILE")]
    pub against: Option<PathBuf>,
    /// The signature to explain.
    #[command(subcommand)]
    pub command: ExplainCommand,
}

/// What `awsig explain` explains.
#[derive(Debug, Subcommand)]
pub enum ExplainCommand {
    /// Explain a presigned URL (same arguments as `awsig presign`).
    Presign(PresignArgs),
    /// Explain a signed request (same arguments as `awsig sign`).
    Sign(SignArgs),
    /// Show the canonical request and string to sign of an existing presigned URL (no credentials needed).
    Url(UrlArgs),
}

/// A presigned URL as received, with the method and headers it is used with.
#[derive(Debug, Args)]
pub struct UrlArgs {
    /// The presigned URL, as received
    pub url: String,
    /// HTTP method the URL is used with
    #[arg(long, short = 'X', default_value = "GET")]
    pub method: String,
    /// A header the request carries: 'Name: value' (repeatable)
    #[arg(long = "header", short = 'H', value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,
}

/// `awsig verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A presigned URL, as received (or give --request)
    #[arg(required_unless_present = "request", conflicts_with = "request")]
    pub url: Option<String>,
    /// HTTP method the URL is used with
    #[arg(long, short = 'X', default_value = "GET")]
    pub method: String,
    /// A header the request carries: 'Name: value' (repeatable)
    #[arg(long = "header", short = 'H', value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,
    /// A raw HTTP request (request line, headers, blank line, body), as `curl -v` or a proxy shows it ('-': stdin)
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// Service signing name [default: the service in the request's credential]
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Region, signing time (the server's time, default now), profile, --demo; the region defaults to the credential's
    #[command(flatten)]
    pub common: Common,
}
