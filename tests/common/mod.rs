//! Test helpers shared by the integration tests.

use std::fs;
use std::path::{Path, PathBuf};

/// AWS's published vectors: `$AWSIG_TEST_VECTORS`, else
/// `../shared/test-vectors`. `None` (and a loud message) when absent outside
/// CI; a failure when absent in CI.
#[allow(dead_code)]
pub fn vectors() -> Option<PathBuf> {
    let dir = match std::env::var_os("AWSIG_TEST_VECTORS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/test-vectors"),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "test vectors not found at {} (set AWSIG_TEST_VECTORS)",
            dir.display()
        );
    }
    eprintln!(
        "\n*** VECTOR TESTS SKIPPED: no test vectors at {} (set AWSIG_TEST_VECTORS) ***\n",
        dir.display()
    );
    None
}

/// A file's text; panics with its path.
#[allow(dead_code)]
pub fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// One example of `s3-doc-examples.json`, by name.
#[allow(dead_code)]
pub fn s3_doc_example(root: &Path, name: &str) -> serde_json::Value {
    let all: serde_json::Value =
        serde_json::from_str(&read(&root.join("s3-doc-examples.json"))).expect("valid JSON");
    all["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no example {name}"))
        .clone()
}

/// An HTTP/1.1 request as the suites write it.
#[allow(dead_code)]
#[derive(Debug)]
pub struct HttpText {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[allow(dead_code)]
impl HttpText {
    /// Request line (the target may contain spaces: everything between the
    /// first space and the final ` HTTP/`), `Name:value` lines with obs-fold
    /// continuation lines, then an optional body after a blank line.
    pub fn parse(text: &str) -> HttpText {
        let (head, body) = match text.split_once("\n\n") {
            Some((h, b)) => (h, b.as_bytes().to_vec()),
            None => (text.trim_end_matches('\n'), Vec::new()),
        };
        let mut lines = head.split('\n');
        let line = lines.next().unwrap();
        let (method, rest) = line.split_once(' ').unwrap();
        let target = match rest.rfind(" HTTP/") {
            Some(i) => &rest[..i],
            None => rest,
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        for l in lines {
            if l.starts_with(' ') || l.starts_with('\t') {
                let last = headers.last_mut().expect("continuation without header");
                last.1.push('\n');
                last.1.push_str(l);
            } else {
                let (n, v) = l
                    .split_once(':')
                    .unwrap_or_else(|| panic!("bad header line {l:?}"));
                headers.push((n.to_string(), v.to_string()));
            }
        }
        HttpText {
            method: method.into(),
            target: target.into(),
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn without(&self, names: &[&str]) -> Vec<(String, String)> {
        self.headers
            .iter()
            .filter(|(n, _)| !names.iter().any(|x| n.eq_ignore_ascii_case(x)))
            .cloned()
            .collect()
    }
}
