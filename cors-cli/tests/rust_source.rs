//! `checked-cors-cli check FILE.rs`: the policies of a Rust file. The proof that it reports what the
//! compiler reports: every compile-fail case of the derive (`tests/ui/**/*.rs`, whose `.stderr`
//! is rustc's output, kept by trybuild) checked by the built binary, which must print each of
//! rustc's errors, in order, at rustc's line and column, with rustc's help, and nothing else.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(args: &[&str], env: &[(String, String)]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_checked-cors-cli"))
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env_remove("CORS_UI_ENV_UNSET")
        .output()
        .expect("checked-cors-cli runs");
    (
        output.status.code().expect("exited"),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

fn ui() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/ui")
}

/// The compile-fail cases: every `.rs` under `tests/ui` outside the `pass` folders.
fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().unwrap() != "pass" {
                cases(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The variables `tests/ui/env` is compiled with (as `tests/tests/ui_env.rs` sets them).
fn ui_env() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(ui().join("env/variables.env")).unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (name, value) = line.split_once('=').unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// rustc's errors in a `.stderr`, rendered as the CLI writes them for `path`:
/// `path:line:column: error: message`, then the help lines indented by two spaces.
fn expected(stderr: &str, path: &str) -> String {
    let mut out = String::new();
    let mut message: Option<Vec<&str>> = None;
    for line in stderr.lines() {
        if let Some(first) = line.strip_prefix("error: ") {
            assert!(message.is_none(), "an error without location in {path}");
            message = Some(vec![first]);
        } else if let Some(location) = line.trim_start().strip_prefix("--> ") {
            let lines = message.take().expect("a location follows its error");
            let mut parts = location.rsplitn(3, ':');
            let column = parts.next().unwrap();
            let line = parts.next().unwrap();
            out.push_str(&format!("{path}:{line}:{column}: error: {}\n", lines[0]));
            for help in &lines[1..] {
                out.push_str(&format!("  {help}\n"));
            }
        } else if let Some(lines) = &mut message {
            if !line.trim().is_empty() {
                lines.push(line.trim());
            }
        }
    }
    out
}

#[test]
fn every_compile_error_of_the_derive_is_reported_at_the_same_place_with_the_same_text() {
    let mut files = Vec::new();
    cases(&ui(), &mut files);
    files.sort();
    assert!(files.len() >= 60, "{} cases", files.len());
    let env = ui_env();
    for file in files {
        let path = file.to_str().unwrap();
        let stderr = std::fs::read_to_string(file.with_extension("stderr")).unwrap();
        let want = expected(&stderr, path);
        assert!(
            want.contains(": error: "),
            "no error read from {path}.stderr"
        );
        let (status, stdout, got) = run(&["check", path], &env);
        assert_eq!(got, want, "{path}");
        assert_eq!(status, 2, "{path}");
        // Another type of the file may be valid; the failing one is never called valid.
        assert!(!stdout.contains("Api`: a valid"), "{path}: {stdout}");
    }
}

#[test]
fn a_valid_file_lists_its_policy() {
    let file = data("api.rs");
    let (status, stdout, stderr) = run(&["check", &file], &[]);
    assert_eq!((status, stderr.as_str()), (0, ""), "{stdout}");
    assert_eq!(stdout, format!("{file}: `Api`: a valid CORS policy\n"));
    // One policy: `--origin` needs no `--policy`.
    let (status, stdout, stderr) = run(
        &[
            "check",
            &file,
            "--origin",
            "https://shop.example.com",
            "--method",
            "PUT",
        ],
        &[],
    );
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("origin: `https://shop.example.com` is allowed: it matches the pattern `https://*.example.com`"),
        "{stdout}"
    );
    assert!(stdout.contains("access-control-max-age: 600\n"), "{stdout}");
    let (status, stdout, _) = run(&["check", &file, "--origin", "https://evil.com"], &[]);
    assert_eq!(status, 1, "{stdout}");
}

#[test]
fn the_extension_or_format_chooses_rust() {
    // `api.txt` is `api.rs` under another name.
    let file = data("api.txt");
    let (status, _, stderr) = run(&["check", &file], &[]);
    assert_eq!(status, 2);
    assert!(stderr.contains("cannot tell the format"), "{stderr}");
    let (status, stdout, stderr) = run(&["check", &file, "--format", "rust"], &[]);
    assert_eq!((status, stderr.as_str()), (0, ""), "{stdout}");
    assert_eq!(stdout, format!("{file}: `Api`: a valid CORS policy\n"));
}

#[test]
fn a_file_with_two_policies_lists_both_and_explains_the_one_chosen() {
    let file = data("two.rs");
    let (status, stdout, stderr) = run(&["check", &file], &[]);
    assert_eq!((status, stderr.as_str()), (0, ""), "{stdout}");
    assert_eq!(
        stdout,
        format!("{file}: `Public`: a valid CORS policy\n{file}: `Admin`: a valid CORS policy\n")
    );
    let (status, stdout, stderr) = run(
        &["check", &file, "--origin", "https://admin.example.com"],
        &[],
    );
    assert_eq!((status, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!(
            "error: {file}: 2 policies here (`Public`, `Admin`): choose the one to explain with \
             `--policy TYPE`\n"
        )
    );
    let explain = |policy: &str| {
        run(
            &[
                "check",
                &file,
                "--policy",
                policy,
                "--origin",
                "https://admin.example.com",
                "--method",
                "DELETE",
            ],
            &[],
        )
    };
    let (status, stdout, _) = explain("Admin");
    assert_eq!(status, 0, "{stdout}");
    assert!(stdout.contains("method: `DELETE` is allowed"), "{stdout}");
    let (status, stdout, _) = explain("Public");
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains("method: `DELETE` is not allowed"),
        "{stdout}"
    );
    let (status, stdout, stderr) = explain("Nope");
    assert_eq!((status, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!("error: {file}: no policy `Nope`; the policies here are `Public`, `Admin`\n")
    );
    // `--policy` alone checks that one.
    let (status, stdout, _) = run(&["check", &file, "--policy", "Admin"], &[]);
    assert_eq!(status, 0);
    assert_eq!(stdout, format!("{file}: `Admin`: a valid CORS policy\n"));
}

#[test]
fn one_invalid_policy_fails_the_file_and_the_valid_ones_are_still_listed() {
    let file = data("one-invalid.rs");
    let (status, stdout, stderr) = run(&["check", &file], &[]);
    assert_eq!(status, 2);
    assert_eq!(stdout, format!("{file}: `Good`: a valid CORS policy\n"));
    let message = "browsers reject `Access-Control-Allow-Origin: *` on requests with credentials";
    let help = "help: list the allowed origins, or remove `credentials`";
    assert_eq!(
        stderr,
        format!(
            "{file}:9:18: error: {message}\n  {help}\n{file}:9:23: error: {message}\n  {help}\n"
        )
    );
    // The valid one can still be explained.
    let (status, _, stderr) = run(
        &[
            "check",
            &file,
            "--policy",
            "Good",
            "--origin",
            "https://app.example.com",
        ],
        &[],
    );
    assert_eq!((status, stderr.as_str()), (0, ""));
}

#[test]
fn origins_from_the_environment_are_read_from_the_cli_environment() {
    let file = data("env.rs");
    let set = [(
        "CLI_TEST_ORIGINS".to_owned(),
        "https://app.example.com, https://*.example.com".to_owned(),
    )];
    let (status, stdout, stderr) = run(&["check", &file], &set);
    assert_eq!((status, stderr.as_str()), (0, ""), "{stdout}");
    let (status, _, stderr) = run(&["check", &file], &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.starts_with(&format!(
            "{file}:4:22: error: environment variable `CLI_TEST_ORIGINS` is not set\n  help: set it"
        )),
        "{stderr}"
    );
}

#[test]
fn a_file_that_is_not_rust_is_a_syntax_error_at_its_place() {
    let file = data("broken.rs");
    let (status, stdout, stderr) = run(&["check", &file], &[]);
    assert_eq!((status, stdout.as_str()), (2, ""));
    assert_eq!(stderr, format!("{file}:5:8: error: expected identifier\n"));
    let file = data("no-policy.rs");
    let (status, _, stderr) = run(&["check", &file], &[]);
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        format!("error: {file}: no policy here: no type has `#[derive(Cors)]` or `#[cors(...)]`\n")
    );
}

#[test]
fn policy_is_for_rust_files_only() {
    let file = data("policy.toml");
    let (status, _, stderr) = run(&["check", &file, "--policy", "Api"], &[]);
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        format!(
            "error: {file}: `--policy Api` chooses a type in a Rust file, and a TOML file holds one \
             policy: leave `--policy` out\n"
        )
    );
}
