//! `awsig`: AWS Signature Version 4 on the command line, offline.
//!
//! - [`args`]: the command line (clap);
//! - [`inputs`], [`duration`]: checking what the command line describes;
//! - [`credentials`], [`profile_files`]: credentials and region;
//! - [`commands`]: presign, sign, post-policy, explain;
//! - [`verify`]: verify, explain url, explain --against;
//! - [`output`]: header lines, curl, JSON, the explain view.
//!
//! Exit codes: 0 success, 1 bad input (usage errors included), 2 no usable
//! credentials, 3 a signature refused (`awsig verify`). On failure stderr has one
//! line `awsig: error: ...`, clap's usage errors included ([`usage_error`]);
//! stdout stays empty, but for a refused signature's report.
#![forbid(unsafe_code)]

mod args;
mod commands;
mod credentials;
mod duration;
mod inputs;
mod output;
mod profile_files;
mod verify;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, ExplainCommand, Format};
use crate::commands::{Output, Show};

/// Why a command failed: a one-line message and the exit code.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
    /// A report for stdout (a refused signature's explanation).
    report: String,
}

impl Failure {
    /// Bad input: exit code 1.
    pub fn input(message: String) -> Self {
        Failure {
            code: 1,
            message,
            report: String::new(),
        }
    }

    /// No usable credentials: exit code 2.
    pub fn credentials(message: String) -> Self {
        Failure {
            code: 2,
            message,
            report: String::new(),
        }
    }

    /// A signature refused: exit code 3, with a report for stdout.
    pub fn refused(message: String, report: String) -> Self {
        Failure {
            code: 3,
            message,
            report,
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::input(message)
    }
}

impl From<awsig::Error> for Failure {
    fn from(e: awsig::Error) -> Self {
        Failure::input(e.to_string())
    }
}

/// Runs a parsed command line.
fn run(cli: &Cli, env: credentials::Env<'_>) -> Result<Output, Failure> {
    match &cli.command {
        Command::Presign(a) => commands::presign(a, Show::Result, env),
        Command::Sign(s) => commands::sign(&s.request, s.format, Show::Result, env),
        Command::PostPolicy(a) => commands::post_policy(a, env),
        Command::Explain(e) => {
            let against = match &e.against {
                Some(file) => Some(verify::read_against(file)?),
                None => None,
            };
            let show = Show::Explain {
                signing_key: e.show_signing_key,
                against: against.as_ref(),
            };
            match &e.command {
                ExplainCommand::Presign(a) => commands::presign(a, show, env),
                ExplainCommand::Sign(a) => commands::sign(a, Format::Headers, show, env),
                ExplainCommand::Url(a) => verify::explain_url(a, against.as_ref()),
            }
        }
        Command::Verify(a) => verify::verify(a, env),
    }
}

/// A clap error in one line: the message without clap's `error: ` and
/// without the usage and tips that follow it; the `Usage: awsig presign ...`
/// line, when there is one, names the command for the `--help` hint.
fn usage_error(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let command = text
        .lines()
        .find_map(|l| l.strip_prefix("Usage: "))
        .map(|usage| {
            let words = usage
                .split(' ')
                .take_while(|w| !w.starts_with(['[', '<', '-']));
            words.collect::<Vec<_>>().join(" ")
        });
    let help = match &command {
        Some(c) => format!("see '{c} --help'"),
        None => "see --help".into(),
    };
    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let command = command.as_deref().unwrap_or("awsig");
        return format!("{command} needs a command ({help})");
    }
    let message: Vec<&str> = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    format!("{message} ({help})")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout with exit 0.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("awsig: error: {}", usage_error(&e));
            return ExitCode::from(1);
        }
    };
    let env = |name: &str| std::env::var(name).ok();
    match run(&cli, &env) {
        Ok(out) => {
            for notice in &out.notices {
                eprintln!("{notice}");
            }
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(out.stdout.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("awsig: error: cannot write to stdout: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(f) => {
            print!("{}", f.report);
            eprintln!("awsig: error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
