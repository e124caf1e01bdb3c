//! Rust without a policy.
fn main() {}
