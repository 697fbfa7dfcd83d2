//! cargo-fuzz target `verify`: a thin call into the shared harness
//! (`tests/fuzz_harness/verify.rs`), which `tests/fuzz_replay.rs` replays on
//! stable over `fuzz/corpus/verify/` and `fuzz/artifacts/verify/`.
#![no_main]

#[path = "../../tests/fuzz_harness/mod.rs"]
mod fuzz_harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = fuzz_harness::verify(data);
});
