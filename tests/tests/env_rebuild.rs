//! `origins = env("NAME")` is read while compiling, so a changed variable must trigger a rebuild:
//! the expansion reads it through `option_env!` too, which lists it in rustc's dep-info, where Cargo
//! looks. Checked here end to end with Cargo on a scratch crate, as a user would see it.

mod scratch;

const MAIN: &str = r#"
use checked_cors::{Cors, CorsPolicy, Origins};

#[derive(Cors)]
#[cors(origins = env("CORS_SCRATCH_ORIGINS"))]
struct Api;

fn main() {
    let Origins::List { exact, .. } = Api::policy().origins() else { unreachable!() };
    let origins: Vec<&str> = exact.origins().iter().map(|o| o.as_str()).collect();
    println!("{}", origins.join(","));
}
"#;

#[test]
fn a_changed_variable_rebuilds_the_policy() {
    let crate_ = scratch::Scratch::new("env-rebuild", MAIN);
    let run = |value: Option<&str>| {
        let output = crate_.cargo(&["run", "--quiet"], &[("CORS_SCRATCH_ORIGINS", value)]);
        (
            output.status.success(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    // Back and forth: each run must see the value of its own environment, not a cached build.
    for value in [
        "https://a.example.com",
        "https://b.example.com, https://c.example.com",
        "https://a.example.com",
    ] {
        let (ok, stdout, stderr) = run(Some(value));
        assert!(ok, "{stderr}");
        assert_eq!(stdout.trim(), value.replace(", ", ","), "{stderr}");
    }
    let (ok, _, stderr) = run(None);
    assert!(!ok);
    assert!(
        stderr.contains("error: environment variable `CORS_SCRATCH_ORIGINS` is not set"),
        "{stderr}"
    );
    let (ok, _, stderr) = run(Some("https://a.example.com/"));
    assert!(!ok);
    assert!(
        stderr.contains("error: `CORS_SCRATCH_ORIGINS` entry `https://a.example.com/`: an origin has no trailing `/`"),
        "{stderr}"
    );
}
