//! Compile-fail and compile-pass tests of `#[derive(Cors)]`: each `ui/<kind>/*.rs` is one mistake and
//! the `.stderr` beside it the exact diagnostic a user sees; `ui/pass/*.rs` are accepted forms, run
//! with their assertions. Regenerate with `TRYBUILD=overwrite` and read every changed `.stderr`: the
//! snapshot is the user's experience.
//!
//! The snapshots are rustc's rendering on the stable toolchain they were written with (1.95).

/// The folders of compile-fail cases (`ui/pass` holds the compile-pass ones).
const KINDS: [&str; 8] = [
    "origins",
    "credentials",
    "methods",
    "headers",
    "expose",
    "max_age",
    "keys",
    "writes",
];

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
    for kind in KINDS {
        t.compile_fail(format!("ui/{kind}/*.rs"));
    }
    t.pass("ui/pass/*.rs");
}

/// A folder added under `ui/` must be listed above, or its cases would silently not run.
#[test]
fn every_folder_is_tested() {
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    for entry in std::fs::read_dir(ui).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_str().unwrap();
            // `ui/env` needs environment variables set, so `ui_env.rs` runs it.
            assert!(
                name == "pass" || name == "env" || KINDS.contains(&name),
                "ui/{name} is not in KINDS"
            );
        }
    }
}
