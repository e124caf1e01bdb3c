//! End-to-end tests in real browsers, Chromium, Firefox and WebKit: the harness that the suite in
//! `tests/browser.rs` drives.
//!
//! The suite serves a page from one origin and an API from others, one per server the library
//! integrates with ([`serve`]: axum with the tower layer, actix-web, picoserve), opens the page in
//! each engine ([`engine`]), lets the page's JavaScript run the scenarios with `fetch` against
//! each server, and collects both sides: what the script could read ([`report`]) and what reached
//! each server ([`log`]). A
//! raw HTTP client ([`wire`]) checks response headers byte for byte where no browser can show
//! them, and [`matrix`] renders what every engine did side by side.

#![warn(missing_docs)]

pub mod engine;
pub mod log;
pub mod matrix;
pub mod report;
pub mod serve;
pub mod wire;
