//! `checked-cors` without default features links into a binary that has no `std` at all.
//!
//! The check builds `nostd-check/` (outside the workspace, so that its `panic = "abort"` profile
//! and the absence of dev-dependencies apply): if anything pulled in `std`, the build fails with a
//! duplicate `panic_impl`.

use std::path::Path;
use std::process::Command;

#[test]
fn links_without_std() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../nostd-check/Cargo.toml");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("nostd-check");
    let output = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the no_std binary failed to build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The binary evaluates an allowed preflight and exits with the number of headers it got.
    let status = Command::new(target.join("debug/nostd-check"))
        .status()
        .expect("the binary runs");
    assert_eq!(status.code(), Some(5));
}
