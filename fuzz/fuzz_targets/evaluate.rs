//! `Policy::evaluate` on arbitrary requests, against the reference model and the invariants
//! (`cors_conformance::fuzz_check`, which stable CI also runs on the corpus).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cors_conformance::fuzz_check(data));
