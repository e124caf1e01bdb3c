//! The derive's parse, validate and expand stages on arbitrary `#[cors(...)]` contents
//! (`cors_conformance::fuzz_check_attribute`, which stable CI also runs on the corpus).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cors_conformance::fuzz_check_attribute(data));
