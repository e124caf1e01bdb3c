//! Benchmarks of `checked_cors::CorsLayer` (derived and live) against the floor ([`floor`]: the
//! work no CORS layer can avoid) and tower-http's `CorsLayer`, and of `checked_cors::actix::Cors`
//! against actix-cors, in process: the same requests, through the same kind of handler, under the
//! same policy.
//!
//! Two front ends share this library: `benches/cors.rs` (criterion, `cargo bench -p cors-bench`)
//! and `src/bin/quick.rs` (seconds, `cargo run --release -p cors-bench --bin quick`), which prints
//! each implementation's overhead above the bare service, the ratios of the targets and the
//! allocations per request. `BENCHMARKS.md` at the repository root records the figures and how to
//! rerun each table.

pub mod actix;
/// The counting allocator, shared with the tests.
pub use cors_test_support::alloc as alloc_count;
pub mod floor;
pub mod measure;
pub mod origins;
pub mod policies;
pub mod scenario;
pub mod service;
