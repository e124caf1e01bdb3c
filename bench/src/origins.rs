//! The generated origin lists, shared by `build.rs` (which writes the derived policies) and the
//! benchmarks (which configure tower-http and pick request origins from the same lists).

/// The sizes of the generated exact-origin policies.
pub const SIZES: [usize; 4] = [3, 100, 1_000, 10_000];

/// The `i`-th generated origin. Every one has the same length, so that matching 3 or 10,000
/// origins hashes and compares the same number of bytes and only the list's size differs.
pub fn tenant_origin(i: usize) -> String {
    format!("https://tenant{i:05}.example.net")
}
