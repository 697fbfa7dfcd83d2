//! Where credentials and the region come from.
//!
//! Credentials, first found wins:
//! 1. `--demo`: AWS's documented example keys (a notice goes to stderr);
//! 2. `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`
//!    (skipped when `--profile` is given, as the AWS CLI does);
//! 3. the profile (`--profile`, else `AWS_PROFILE`, else `default`) in the
//!    credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else
//!    `~/.aws/credentials`) and the config file (`AWS_CONFIG_FILE`, else
//!    `~/.aws/config`). Static keys only: `credential_process`, SSO and
//!    role profiles need the network or other programs and are refused.
//!
//! Region: `--region`, else the region in an AWS host name, else
//! `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's `region`, else
//! `us-east-1`.

use std::fmt;
use std::path::PathBuf;

use awsig::Credentials;

use crate::args::Common;
use crate::profile_files::{self, Profile};
use crate::Failure;

/// Reads an environment variable (the process environment, or a test's).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// AWS's documented example access key id.
pub const DEMO_ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// AWS's documented example secret access key (public; never printed).
const DEMO_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// Profile keys that mean "this profile gets its credentials elsewhere".
const UNSUPPORTED: [&str; 6] = [
    "credential_process",
    "sso_session",
    "sso_start_url",
    "role_arn",
    "web_identity_token_file",
    "credential_source",
];

/// A secret string: kept for `--show-signing-key`, never printed.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for key derivation only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Credentials found, and the notices to print on stderr.
#[derive(Debug)]
pub struct Found {
    /// The credentials to sign with.
    pub credentials: Credentials,
    /// The secret access key (for `explain --show-signing-key`).
    pub secret: Secret,
    /// Lines for stderr (e.g. the `--demo` notice).
    pub notices: Vec<String>,
}

/// The profile, read on first use.
struct Files {
    name: String,
    /// The name came from `--profile` (the environment was not looked at).
    from_flag: bool,
    credentials_path: Option<PathBuf>,
    config_path: Option<PathBuf>,
    loaded: Option<Profile>,
}

impl Files {
    /// The profile; an error is a file that exists but cannot be read.
    fn profile(&mut self) -> Result<&Profile, String> {
        if self.loaded.is_none() {
            let p = profile_files::load(
                &self.name,
                self.credentials_path.as_deref(),
                self.config_path.as_deref(),
            )?;
            self.loaded = Some(p);
        }
        Ok(self.loaded.get_or_insert_with(Profile::default))
    }

    /// "~/.aws/credentials or ~/.aws/config", as actually looked at.
    fn places(&self) -> String {
        let show = |p: &Option<PathBuf>, var: &str| match p {
            Some(p) => p.display().to_string(),
            None => format!("(no {var} and no HOME)"),
        };
        format!(
            "{} or {}",
            show(&self.credentials_path, "AWS_SHARED_CREDENTIALS_FILE"),
            show(&self.config_path, "AWS_CONFIG_FILE")
        )
    }

    fn credentials(&mut self) -> Result<(Credentials, Secret), Failure> {
        let name = self.name.clone();
        let places = self.places();
        let profile = self.profile().map_err(Failure::credentials)?;
        if !profile.exists() {
            let env_part = if self.from_flag {
                ""
            } else {
                "AWS_ACCESS_KEY_ID is not set and "
            };
            return Err(Failure::credentials(format!(
                "no credentials: {env_part}profile {name:?} was not found in {places} \
                 (set the variables, use --profile, or --demo for AWS's example keys)"
            )));
        }
        let id = profile.get("aws_access_key_id");
        let secret = profile.get("aws_secret_access_key");
        let token = profile
            .get("aws_session_token")
            .or_else(|| profile.get("aws_security_token"));
        match (id, secret) {
            (Some(id), Some(secret)) => {
                let creds = Credentials::new(id, secret, token.map(str::to_string))
                    .map_err(|e| Failure::credentials(format!("profile {name:?}: {e}")))?;
                Ok((creds, Secret(secret.to_string())))
            }
            (None, None) => {
                let found = profile
                    .found_in
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                Err(Failure::credentials(match UNSUPPORTED
                    .iter()
                    .find(|k| profile.get(k).is_some())
                {
                    Some(k) => format!(
                        "no credentials: profile {name:?} ({found}) uses {k}, which awsig does not \
                         support (it reads static keys only, offline); export AWS_ACCESS_KEY_ID and \
                         AWS_SECRET_ACCESS_KEY instead"
                    ),
                    None => format!(
                        "no credentials: profile {name:?} ({found}) has no aws_access_key_id or \
                         aws_secret_access_key"
                    ),
                }))
            }
            (Some(_), None) => Err(Failure::credentials(format!(
                "profile {name:?} has aws_access_key_id but no aws_secret_access_key"
            ))),
            (None, Some(_)) => Err(Failure::credentials(format!(
                "profile {name:?} has aws_secret_access_key but no aws_access_key_id"
            ))),
        }
    }
}

/// A non-empty environment variable.
fn var(env: Env<'_>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.is_empty())
}

/// `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE` (with `~/` expanded), else
/// `$HOME/.aws/<file>`.
fn file_path(env: Env<'_>, var_name: &str, file: &str) -> Option<PathBuf> {
    let home = var(env, "HOME").or_else(|| var(env, "USERPROFILE"));
    match var(env, var_name) {
        Some(p) => match (p.strip_prefix("~/"), &home) {
            (Some(rest), Some(home)) => Some(PathBuf::from(home).join(rest)),
            _ => Some(PathBuf::from(p)),
        },
        None => home.map(|h| PathBuf::from(h).join(".aws").join(file)),
    }
}

/// Credentials from the environment, if `AWS_ACCESS_KEY_ID` is set.
fn from_env(env: Env<'_>) -> Result<Option<(Credentials, Secret)>, Failure> {
    if var(env, "AWS_ACCESS_KEY_ID").is_none() {
        return Ok(None);
    }
    let Some(secret) = var(env, "AWS_SECRET_ACCESS_KEY") else {
        return Err(Failure::credentials(
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".into(),
        ));
    };
    let creds = Credentials::from_lookup(|n| env(n))
        .map_err(|e| Failure::credentials(format!("environment: {e}")))?;
    Ok(Some((creds, Secret(secret))))
}

/// Where a command's credentials and region come from.
pub struct Sources<'a> {
    common: &'a Common,
    env: Env<'a>,
    files: Files,
}

impl<'a> Sources<'a> {
    /// Looks nothing up yet; files are read on first use.
    pub fn new(common: &'a Common, env: Env<'a>) -> Self {
        let env_profile = var(env, "AWS_PROFILE");
        let files = Files {
            from_flag: common.profile.is_some(),
            name: common
                .profile
                .clone()
                .or(env_profile)
                .unwrap_or_else(|| "default".into()),
            credentials_path: file_path(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials"),
            config_path: file_path(env, "AWS_CONFIG_FILE", "config"),
            loaded: None,
        };
        Sources { common, env, files }
    }

    /// Whether the credentials come from the profile files (not `--demo`,
    /// not the environment).
    fn credentials_from_files(&self) -> bool {
        !self.common.demo
            && (self.common.profile.is_some() || var(self.env, "AWS_ACCESS_KEY_ID").is_none())
    }

    /// The region; `host_region` is a region read from an AWS host name.
    ///
    /// A profile file that cannot be read is a credentials failure where the
    /// credentials come from it, else bad input (its region is unknown).
    pub fn region(&mut self, host_region: Option<&str>) -> Result<String, Failure> {
        let env = self.env;
        let named = self
            .common
            .region
            .clone()
            .or_else(|| host_region.map(str::to_string))
            .or_else(|| var(env, "AWS_REGION"))
            .or_else(|| var(env, "AWS_DEFAULT_REGION"));
        if let Some(r) = named {
            return Ok(r);
        }
        let from_files = self.credentials_from_files();
        let profile = self.files.profile().map_err(|e| {
            if from_files {
                Failure::credentials(e)
            } else {
                Failure::input(format!(
                    "{e} (the region would come from the profile; pass --region or set AWS_REGION)"
                ))
            }
        })?;
        Ok(profile.get("region").unwrap_or("us-east-1").to_string())
    }

    /// The credentials.
    pub fn credentials(&mut self) -> Result<Found, Failure> {
        let mut notices = Vec::new();
        let (credentials, secret) = if self.common.demo {
            notices.push(format!(
                "awsig: using AWS's documented example credentials ({DEMO_ACCESS_KEY_ID}, --demo); \
                 the output will not work against a real account"
            ));
            let creds = Credentials::new(DEMO_ACCESS_KEY_ID, DEMO_SECRET, None)
                .map_err(|e| Failure::credentials(e.to_string()))?;
            (creds, Secret(DEMO_SECRET.into()))
        } else {
            let from_env = match self.common.profile {
                Some(_) => None,
                None => from_env(self.env)?,
            };
            match from_env {
                Some(found) => found,
                None => self.files.credentials()?,
            }
        };
        Ok(Found {
            credentials,
            secret,
            notices,
        })
    }
}
