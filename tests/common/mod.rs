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
