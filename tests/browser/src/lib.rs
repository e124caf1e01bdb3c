//! End-to-end tests in real headless Chromium.
