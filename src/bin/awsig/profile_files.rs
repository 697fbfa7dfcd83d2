//! The shared AWS files `~/.aws/credentials` and `~/.aws/config`, read
//! offline with a small INI parser.
//!
//! - `[name]` sections in the credentials file; `[profile name]` sections in
//!   the config file, where the default profile is `[default]` (or
//!   `[profile default]`). Other config sections (`[sso-session x]`,
//!   `[services x]`) are ignored.
//! - `key = value`, whitespace around `=` ignored, keys case-insensitive.
//! - Comments: lines starting with `#` or `;`, and ` #` / ` ;` after a value.
//! - Indented lines after a property continue it (nested settings such as
//!   `s3 =\n  addressing_style = path`); they are skipped.
//! - For the same key, the credentials file wins over the config file.
//!
//! Errors never quote file contents.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Which of the two files a text comes from (their section syntax differs).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FileKind {
    /// `~/.aws/credentials`: `[name]`.
    Credentials,
    /// `~/.aws/config`: `[profile name]`, `[default]`.
    Config,
}

/// One profile, merged from both files.
#[derive(Default)]
pub struct Profile {
    /// The files in which a section for the profile was found.
    pub found_in: Vec<PathBuf>,
    /// `(key, value)`, lowercase keys, credentials-file entries first.
    values: Vec<(String, String)>,
}

impl Profile {
    /// The value of `key` (lowercase), if set and non-empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Whether a section for the profile exists in either file.
    pub fn exists(&self) -> bool {
        !self.found_in.is_empty()
    }
}

/// The `key = value` pairs of profile `name` in `text`, or `None` if the text
/// has no section for it. Repeated sections are merged (later values win).
pub fn section(text: &str, kind: FileKind, name: &str) -> Option<Vec<(String, String)>> {
    let mut found = false;
    let mut inside = false;
    let mut in_property = false;
    let mut values: Vec<(String, String)> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let header = rest.split(['#', ';']).next().unwrap_or_default().trim_end();
            inside = header
                .strip_suffix(']')
                .is_some_and(|h| profile_name(h.trim(), kind) == Some(name));
            found |= inside;
            in_property = false;
            continue;
        }
        if raw.starts_with([' ', '\t']) && in_property {
            continue; // continuation of a nested property
        }
        let Some((key, value)) = line.split_once('=') else {
            in_property = false;
            continue;
        };
        in_property = true;
        if inside {
            let key = key.trim().to_ascii_lowercase();
            let value = strip_comment(value).trim().to_string();
            values.retain(|(k, _)| *k != key);
            values.push((key, value));
        }
    }
    found.then_some(values)
}

/// The profile a section header names, if it names one.
fn profile_name(header: &str, kind: FileKind) -> Option<&str> {
    match kind {
        FileKind::Credentials => Some(header),
        FileKind::Config if header == "default" => Some(header),
        FileKind::Config => {
            let rest = header.strip_prefix("profile")?;
            rest.starts_with([' ', '\t']).then(|| rest.trim())
        }
    }
}

/// A value without a trailing ` # comment` or ` ; comment`.
fn strip_comment(value: &str) -> &str {
    let b = value.as_bytes();
    (1..b.len())
        .find(|&i| matches!(b[i], b'#' | b';') && b[i - 1].is_ascii_whitespace())
        .map_or(value, |i| &value[..i])
}

/// Reads a file; a missing file is `None`.
fn read(path: &Path) -> Result<Option<String>, String> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Loads profile `name` from the credentials file and the config file.
pub fn load(
    name: &str,
    credentials: Option<&Path>,
    config: Option<&Path>,
) -> Result<Profile, String> {
    let mut profile = Profile::default();
    for (path, kind) in [
        (credentials, FileKind::Credentials),
        (config, FileKind::Config),
    ] {
        let Some(path) = path else { continue };
        let Some(text) = read(path)? else { continue };
        if let Some(values) = section(&text, kind, name) {
            profile.found_in.push(path.to_path_buf());
            profile.values.extend(values);
        }
    }
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
# comment
; another
[default]
region = us-east-1
[profile second]
region=eu-west-1   # inline comment
s3 =
  addressing_style = path
output = json
[second]
region = not-this-one
[profile  third ]
aws_access_key_id = AKIDTHIRD
[sso-session x]
region = nope
";

    #[test]
    fn config_sections() {
        let s = section(CONFIG, FileKind::Config, "second").unwrap();
        assert_eq!(
            s,
            [
                ("region".into(), "eu-west-1".into()),
                ("s3".into(), String::new()),
                ("output".into(), "json".into())
            ]
        );
        let d = section(CONFIG, FileKind::Config, "default").unwrap();
        assert_eq!(d, [("region".to_string(), "us-east-1".to_string())]);
        assert!(section(CONFIG, FileKind::Config, "third").is_some());
        assert!(section(CONFIG, FileKind::Config, "x").is_none());
        assert!(section(CONFIG, FileKind::Config, "missing").is_none());
    }

    #[test]
    fn credentials_sections() {
        let text = "[default]\naws_access_key_id=A\n[profile second]\nx=1\n[second]\nAWS_Secret_Access_Key = s/+k=\n";
        let s = section(text, FileKind::Credentials, "second").unwrap();
        assert_eq!(s, [("aws_secret_access_key".into(), "s/+k=".into())]);
        assert!(section(text, FileKind::Credentials, "profile second").is_some());
    }

    #[test]
    fn comments_need_whitespace_inside_values() {
        assert_eq!(strip_comment(" abc#def"), " abc#def");
        assert_eq!(strip_comment(" abc #def"), " abc ");
        assert_eq!(strip_comment(" abc\t;def"), " abc\t");
    }
}
