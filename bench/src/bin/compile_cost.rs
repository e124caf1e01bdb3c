//! The compile-time cost of a large policy: builds a scratch crate holding one `#[derive(Cors)]`
//! over `n` exact origins, for n = 3 and n = 10,000, and prints the time `cargo check` (macro
//! expansion and type checking) and `cargo build` (plus code generation) take for that crate alone.
//!
//! `cargo run --release -p cors-bench --bin compile-cost [repetitions]` (default 3; the first
//! run also compiles checked-cors and the macro's dependencies into the scratch target, untimed).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cors_bench::measure::median;
use cors_bench::origins::tenant_origin;

const SIZES: [usize; 2] = [3, 10_000];

fn main() {
    let repetitions: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse().expect("usage: compile-cost [repetitions]"),
        None => 3,
    };
    let checked_cors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cors-core");
    let checked_cors = checked_cors
        .canonicalize()
        .expect("checked-cors is beside the bench crate");
    let dir = std::env::temp_dir().join("cors-bench-compile-cost");
    std::fs::create_dir_all(dir.join("src")).expect("the temporary directory is writable");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"compile-cost\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\nchecked-cors = {{ path = {:?} }}\n\n[workspace]\n",
            checked_cors.display().to_string()
        ),
    )
    .expect("the temporary directory is writable");
    // Compile the dependencies once, untimed.
    write_policy(&dir, SIZES[0]);
    cargo(&dir, "build");
    println!(
        "{:>8} {:>14} {:>14} {:>12}",
        "origins", "check s", "build s", "source KiB"
    );
    for n in SIZES {
        let source = write_policy(&dir, n);
        let mut check = Vec::new();
        let mut build = Vec::new();
        for _ in 0..repetitions {
            touch(&source);
            check.push(cargo(&dir, "check").as_secs_f64());
            touch(&source);
            build.push(cargo(&dir, "build").as_secs_f64());
        }
        let size = std::fs::metadata(&source).map_or(0, |m| m.len()) / 1024;
        println!(
            "{n:>8} {:>14.2} {:>14.2} {size:>12}",
            median(&mut check),
            median(&mut build)
        );
    }
    println!("(dev profile, the scratch crate only, median of {repetitions}; in {dir:?})");
}

/// Writes the scratch crate's `lib.rs`: the benchmark's policy over `n` generated origins.
fn write_policy(dir: &Path, n: usize) -> PathBuf {
    let origins: Vec<String> = (0..n).map(|i| format!("{:?}", tenant_origin(i))).collect();
    let source = format!(
        "#[derive(::checked_cors::Cors)]\n\
         #[cors(origins = [{}], methods = [GET, POST, PUT, DELETE], \
         headers = [\"content-type\", \"authorization\", \"x-api-key\"], \
         expose = [\"x-request-id\"], credentials, max_age = 600)]\n\
         pub struct Api;\n",
        origins.join(",\n")
    );
    let path = dir.join("src/lib.rs");
    std::fs::write(&path, source).expect("the temporary directory is writable");
    path
}

/// Makes cargo see `path` as changed even when its content is the same as last time.
fn touch(path: &Path) {
    let source = std::fs::read(path).expect("the source was just written");
    std::fs::write(path, source).expect("the temporary directory is writable");
}

/// Runs `cargo <command>` in `dir` and returns how long it took.
fn cargo(dir: &Path, command: &str) -> Duration {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let status = Command::new(cargo)
        .arg(command)
        .arg("--quiet")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .status()
        .expect("cargo runs");
    let elapsed = start.elapsed();
    assert!(status.success(), "cargo {command} failed in {dir:?}");
    elapsed
}
