//! Compile-fail and compile-pass tests of `origins = env("NAME")`: `ui/env/*.rs` must fail with the
//! `.stderr` beside them, `ui/env/pass/*.rs` must build and run.
//!
//! The macro reads the variables while compiling, in the rustc that trybuild starts through Cargo,
//! which inherits this process's environment. So this is its own test binary (no other test reads
//! or writes the environment concurrently) with a single test that sets the variables first.

/// The variables the cases read, `NAME=value` lines of `ui/env/variables.env`, which the CLI's
/// tests read too.
fn variables() -> Vec<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/env/variables.env");
    let text = std::fs::read_to_string(path).expect("ui/env/variables.env is readable");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (name, value) = line.split_once('=').expect("NAME=value");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

#[test]
fn ui_env() {
    let variables = variables();
    assert_eq!(variables.len(), 5, "{variables:?}");
    for (name, value) in variables {
        std::env::set_var(name, value);
    }
    std::env::remove_var("CORS_UI_ENV_UNSET");
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/env/*.rs");
    t.pass("ui/env/pass/*.rs");
}
