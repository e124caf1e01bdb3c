//! A throwaway crate depending on this workspace's `checked-cors`, built with Cargo from a test, for
//! what trybuild cannot observe: rustc's diagnostics as data, and rebuilds across runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A crate in `CARGO_TARGET_TMPDIR/<name>`, sharing one target directory with every other scratch
/// crate so that `checked-cors` and its dependencies are compiled once.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    /// Creates (or reuses) the crate `name` with `src/main.rs` as given.
    pub fn new(name: &str, main: &str) -> Scratch {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let core = workspace.join("cors-core");
        // An empty `[workspace]`: the directory may sit inside this workspace's `target/`.
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nchecked-cors = {{ path = {core:?}, default-features = false, features = [\"derive\"] }}\n\n\
             [workspace]\n"
        );
        let scratch = Scratch { dir };
        scratch.write("Cargo.toml", &manifest);
        // The workspace's lock file: the same dependency versions, and no registry access needed.
        std::fs::copy(workspace.join("Cargo.lock"), scratch.dir.join("Cargo.lock")).unwrap();
        scratch.write("src/main.rs", main);
        scratch
    }

    /// Writes `contents` to `path` in the crate, leaving the file alone if it is already so (its
    /// modification time then does not force a rebuild).
    pub fn write(&self, path: &str, contents: &str) {
        let path = self.dir.join(path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(contents) {
            std::fs::write(path, contents).unwrap();
        }
    }

    /// `cargo <args>` in the crate, offline, with `vars` set (or removed, for `None`).
    pub fn cargo(&self, args: &[&str], vars: &[(&str, Option<&str>)]) -> Output {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(args)
            .arg("--offline")
            .current_dir(&self.dir)
            .env(
                "CARGO_TARGET_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("scratch-target"),
            )
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS");
        for (name, value) in vars {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        command.output().expect("cargo runs")
    }
}
