//! cargo-fuzz target `sign`: a thin call into the shared harness
//! (`tests/fuzz_harness/mod.rs`), which `tests/fuzz_replay.rs` replays on
//! stable over `fuzz/corpus/sign/` and `fuzz/artifacts/sign/`.
#![no_main]

#[path = "../../tests/fuzz_harness/mod.rs"]
mod fuzz_harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = fuzz_harness::sign(data);
});
