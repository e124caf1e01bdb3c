//! What the workspace's tests, benchmarks and fuzz targets share, written once: the
//! [`alloc::Counting`] allocator, [`requests`] to evaluate, a counting [`service::Handler`], and the [adversarial
//! origins](adversarial_origins) with their one reader.

pub mod alloc;
pub mod requests;
pub mod service;
mod vectors;

pub use vectors::{adversarial_origins, decode_vector_line, vectors};
