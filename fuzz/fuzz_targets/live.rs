//! Random inserts, removals and lookups on an `OriginSet`, and requests through a policy using it
//! and through the layer's asynchronous lookup, against the reference model
//! (`cors_conformance::fuzz_check_live`, which stable CI also runs on the corpus).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cors_conformance::fuzz_check_live(data));
