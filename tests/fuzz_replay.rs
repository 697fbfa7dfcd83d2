//! Replays every seed in `fuzz/corpus/<target>/` and every crash input in
//! `fuzz/artifacts/<target>/` through the fuzz harness, on stable: a crash
//! found by `scripts/fuzz.sh` stays a failing test here until it is fixed.
//! A missing or empty corpus folder fails the test, so it never passes on
//! nothing.

mod fuzz_harness;

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use fuzz_harness::{Outcome, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The input files of a folder (README and dot files are not inputs).
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable folder").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !name.starts_with('.') && !name.eq_ignore_ascii_case("README.md")
        })
        .collect();
    files.sort();
    files
}

/// Runs `target` on each file: the outcomes, and every file that panicked.
fn replay(
    name: &str,
    target: fn(&[u8]) -> Outcome,
    files: &[PathBuf],
) -> (Vec<Outcome>, Vec<String>) {
    let mut outcomes = Vec::new();
    let mut failures = Vec::new();
    for file in files {
        let data = fs::read(file).expect("readable input");
        match catch_unwind(AssertUnwindSafe(|| target(&data))) {
            Ok(outcome) => outcomes.push(outcome),
            Err(_) => failures.push(format!("{name}: {}", file.display())),
        }
    }
    (outcomes, failures)
}

#[test]
fn corpus_replays_without_panic() {
    let mut failures = Vec::new();
    let mut total = 0;
    for (name, target) in TARGETS {
        let dir = fuzz_dir().join("corpus").join(name);
        let files = inputs(&dir);
        assert!(
            !files.is_empty(),
            "no corpus for fuzz target {name}: {} is missing or empty",
            dir.display()
        );
        total += files.len();
        let (outcomes, panics) = replay(name, target, &files);
        failures.extend(panics);
        // The seeds reach both ends: a fully checked signature and a refusal.
        let checked = outcomes.iter().filter(|o| **o == Outcome::Checked).count();
        let refused = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Refused(_) | Outcome::Denied(_)))
            .count();
        eprintln!(
            "{name}: {} inputs, {checked} checked, {refused} refused",
            files.len()
        );
        assert!(checked > 0, "no seed of {name} gets through every check");
        assert!(
            refused > 0 || name == "parse",
            "no seed of {name} is refused"
        );
    }
    assert!(
        failures.is_empty(),
        "panics on corpus inputs:\n{}",
        failures.join("\n")
    );
    eprintln!("replayed {total} corpus inputs");
}

#[test]
fn artifacts_replay_without_panic() {
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        let dir = fuzz_dir().join("artifacts").join(name);
        assert!(dir.is_dir(), "missing {}", dir.display());
        failures.extend(replay(name, target, &inputs(&dir)).1);
    }
    assert!(
        failures.is_empty(),
        "panics on crash inputs:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    for (name, _) in TARGETS {
        let file = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            text.contains(&format!("fuzz_harness::{name}(")),
            "{} does not call fuzz_harness::{name}",
            file.display()
        );
    }
}
