//! Benchmarks against tower-http and actix-cors.
