//! Compile-fail and compile-pass tests of `origins = env("NAME")`: `ui/env/*.rs` must fail with the
//! `.stderr` beside them, `ui/env/pass/*.rs` must build and run.
//!
//! The macro reads the variables while compiling, in the rustc that trybuild starts through Cargo,
//! which inherits this process's environment. So this is its own test binary (no other test reads
//! or writes the environment concurrently) with a single test that sets the variables first.

/// The variables the cases read, and their values: each case has its own variable.
const VARS: [(&str, &str); 5] = [
    (
        "CORS_UI_ENV_INVALID",
        "https://app.example.com/, https://ok.example.com,HTTPS://Admin.example.com, https://ok.example.com",
    ),
    ("CORS_UI_ENV_EMPTY", " , ,"),
    (
        "CORS_UI_ENV_INSECURE",
        "https://app.example.com,http://intranet.example.com",
    ),
    ("CORS_UI_ENV_WILDCARD", "*"),
    (
        "CORS_UI_ENV_GOOD",
        "https://app.example.com, https://*.example.com ,http://localhost:*,",
    ),
];

#[test]
fn ui_env() {
    for (name, value) in VARS {
        std::env::set_var(name, value);
    }
    std::env::remove_var("CORS_UI_ENV_UNSET");
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/env/*.rs");
    t.pass("ui/env/pass/*.rs");
}
