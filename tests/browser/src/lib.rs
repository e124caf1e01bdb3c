//! End-to-end tests in real headless Chromium: the harness that the suite in `tests/browser.rs`
//! drives.
//!
//! The suite serves a page from one origin and an API from another, opens the page in headless
//! Chromium, lets the page's JavaScript run every scenario with `fetch`, and collects both sides:
//! what the script could read ([`report`]) and what reached the server ([`log`]). A raw HTTP client
//! ([`wire`]) checks response headers byte for byte where the browser cannot show them.

#![warn(missing_docs)]

pub mod chromium;
pub mod log;
pub mod report;
pub mod serve;
pub mod wire;
