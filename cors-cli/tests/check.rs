//! Runs the built `checked-cors-cli` on the policies in `tests/data` (TOML and JSON) and checks what it
//! prints and its exit status: 0 allowed or valid, 1 refused, 2 invalid policy or usage.

use std::path::PathBuf;
use std::process::{Command, Output};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_checked-cors-cli"))
        .args(args)
        .output()
        .expect("checked-cors-cli runs")
}

fn check(policy: &str, args: &[&str]) -> (i32, String, String) {
    let policy = data(policy);
    let mut all = vec!["check", policy.to_str().unwrap()];
    all.extend_from_slice(args);
    let output = run(&all);
    (
        output.status.code().expect("exited"),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn an_allowed_preflight_exits_0_with_its_explanation() {
    let (status, stdout, stderr) = check(
        "policy.toml",
        &[
            "--origin",
            "https://shop.example.com",
            "--method",
            "PUT",
            "--header",
            "X-Api-Key",
            "--header",
            "content-type",
        ],
    );
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(
        stdout,
        "\
request: OPTIONS, origin `https://shop.example.com`, access-control-request-method `PUT`, access-control-request-headers `content-type,x-api-key`
kind: preflight (`OPTIONS` with `origin` and `access-control-request-method`)
origin: `https://shop.example.com` is allowed: it matches the pattern `https://*.example.com`
method: `PUT` is allowed (the policy allows GET, POST, PUT)
header `content-type`: allowed (the policy allows content-type, x-api-key)
header `x-api-key`: allowed (the policy allows content-type, x-api-key)
credentials: allowed (`access-control-allow-credentials: true`)
response headers:
  access-control-allow-origin: https://shop.example.com
  access-control-allow-credentials: true
  access-control-allow-methods: GET, POST, PUT
  access-control-allow-headers: content-type, x-api-key
  access-control-max-age: 600
  vary: origin, access-control-request-method, access-control-request-headers
verdict: allowed: the preflight is answered with 204 No Content, without calling the handler
"
    );
}

#[test]
fn a_refused_request_exits_1() {
    let (status, stdout, _) = check("policy.toml", &["--origin", "https://example.com.evil.com"]);
    assert_eq!(status, 1, "{stdout}");
    assert!(stdout.starts_with("request: GET, origin `https://example.com.evil.com`\n"));
    assert!(stdout.ends_with(
        "verdict: refused (origin not allowed): the handler runs, but without CORS headers the browser hides the response from the script\n"
    ));
    let (status, stdout, _) = check(
        "policy.toml",
        &["--origin", "https://app.example.com", "--method", "DELETE"],
    );
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains("\nmethod: `DELETE` is not allowed (the policy allows GET, POST, PUT)\n")
    );
}

#[test]
fn the_request_kind_follows_the_browser_unless_told() {
    // PUT needs a preflight; `--actual` explains the request that follows it.
    let (status, stdout, _) = check(
        "policy.toml",
        &[
            "--origin",
            "https://app.example.com",
            "--method",
            "PUT",
            "--actual",
        ],
    );
    assert_eq!(status, 0, "{stdout}");
    assert!(
        stdout.starts_with("request: PUT, origin `https://app.example.com`\nkind: actual request")
    );
    assert!(stdout.contains("\n  access-control-expose-headers: x-request-id\n"));
    let (status, stdout, _) = check(
        "public.toml",
        &[
            "--origin",
            "https://a.example",
            "--header",
            "authorization",
            "--private-network",
        ],
    );
    assert_eq!(status, 1, "{stdout}");
    assert!(stdout.contains(
        "\nheader `authorization`: not allowed (`*` never covers `authorization`: list it)\n"
    ));
    // `evaluate` stops at the refused header, and the explanation says what it did.
    assert!(
        stdout.contains("\nprivate network: not checked\n"),
        "{stdout}"
    );
    let (status, stdout, _) = check(
        "public.toml",
        &["--origin", "https://a.example", "--private-network"],
    );
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains("\nprivate network: not allowed (the policy has no `private_network`)\n"),
        "{stdout}"
    );
}

#[test]
fn a_valid_policy_alone_exits_0() {
    let (status, stdout, stderr) = check("policy.toml", &[]);
    assert_eq!((status, stderr.as_str()), (0, ""));
    assert!(
        stdout.ends_with("policy.toml: a valid CORS policy\n"),
        "{stdout}"
    );
}

#[test]
fn an_invalid_policy_exits_2_with_every_violation() {
    let (status, stdout, stderr) = check("invalid.toml", &["--origin", "https://app.example.com"]);
    assert_eq!(status, 2);
    assert_eq!(stdout, "");
    let (first, violations) = stderr.split_once('\n').unwrap();
    assert!(
        first.starts_with("error: ") && first.ends_with("invalid.toml: not a valid CORS policy:"),
        "{first}"
    );
    assert_eq!(
        violations,
        "  origins[0] `https://app.example.com/`: an origin has no trailing `/`, so this one would never match (remove the trailing `/`)
  origins[1] `http://intranet.example.com`: a plain `http://` origin can be impersonated by anyone on the network path, and `credentials` would hand it the user's session (use `https://`, or add `dangerously_allow_insecure_origins` if this network is trusted)
  origins[2] `https://*.com`: this wildcard covers a public suffix, so any one can register a matching site (narrow the wildcard to a domain you own, as in `*.example.com`, or add `dangerously_allow_public_suffix_wildcards`)
  methods[1] `get`: methods are case-sensitive, so this would not match the standard upper-case method (write `GET`)
  methods[2] `TRACE`: browsers never let a script send this method (remove it)
  headers[0] `cookie`: this is a forbidden request header: a script can never set it (remove it)
  max_age: no browser caches a preflight for longer than 86400 seconds (use at most 86400 (Chromium caps it at 7200))
"
    );
}

#[test]
fn a_file_that_is_not_a_policy_exits_2() {
    let (status, _, stderr) = check("unknown-key.toml", &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("unknown key `allowed_origins`, expected one of `origins`, ")
            && stderr.contains("(did you mean `origins`?)"),
        "{stderr}"
    );
    let (status, _, stderr) = check("not-a-list.toml", &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains(
            "expected `\"*\"` or a list, even of one entry: write `[\"https://app.example.com\"]`"
        ),
        "{stderr}"
    );
    let (status, _, stderr) = check("missing.toml", &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("missing.toml: "),
        "{stderr}"
    );
}

#[test]
fn a_json_policy_answers_as_the_same_policy_in_toml() {
    let args = [
        "--origin",
        "https://shop.example.com",
        "--method",
        "PUT",
        "--header",
        "x-api-key",
    ];
    let toml = check("policy.toml", &args);
    assert_eq!(toml.0, 0, "{toml:?}");
    assert_eq!(check("policy.json", &args), toml);
    let (status, stdout, _) = check("policy.json", &["--origin", "https://evil.example"]);
    assert_eq!(status, 1, "{stdout}");
    let (status, stdout, stderr) = check("policy.json", &[]);
    assert_eq!((status, stderr.as_str()), (0, ""));
    assert!(
        stdout.ends_with("policy.json: a valid CORS policy\n"),
        "{stdout}"
    );
}

#[test]
fn format_names_the_format_when_the_extension_does_not() {
    // `policy.conf` holds TOML.
    let (status, stdout, stderr) = check("policy.conf", &["--format", "toml"]);
    assert_eq!((status, stderr.as_str()), (0, ""), "{stdout}");
    let (status, stdout, stderr) = check("policy.conf", &[]);
    assert_eq!((status, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error: ")
            && stderr.contains("policy.conf: cannot tell the format from the file name: name it `.toml`, `.json` or `.rs`, or give `--format toml`, `--format json` or `--format rust`"),
        "{stderr}"
    );
    // `--format` wins over the extension.
    let (status, _, stderr) = check("policy.json", &["--format", "toml"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("TOML parse error"), "{stderr}");
    let (status, _, stderr) = check("policy.toml", &["--format", "json"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("expected value at line 1"), "{stderr}");
    let (status, _, stderr) = check("policy.toml", &["--format", "yaml"]);
    assert_eq!(status, 2);
    assert!(
        stderr.starts_with("error: invalid value 'yaml' for '--format <toml|json|rust>'"),
        "{stderr}"
    );
}

#[test]
fn a_json_file_that_is_not_a_valid_policy_exits_2() {
    let (status, stdout, stderr) = check("invalid.json", &[]);
    assert_eq!((status, stdout.as_str()), (2, ""));
    assert!(
        stderr.ends_with(
            "invalid.json: not a valid CORS policy:
  origins[0] `https://app.example.com/`: an origin has no trailing `/`, so this one would never match (remove the trailing `/`)
  methods[0] `get`: methods are case-sensitive, so this would not match the standard upper-case method (write `GET`)
"
        ),
        "{stderr}"
    );
    let (status, _, stderr) = check("unknown-key.json", &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("unknown key `allowed_origins`, expected one of `origins`, ")
            && stderr.contains("(did you mean `origins`?)"),
        "{stderr}"
    );
    let (status, _, stderr) = check("not-a-list.json", &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains(
            "expected `\"*\"` or a list, even of one entry: write `[\"https://app.example.com\"]`"
        ),
        "{stderr}"
    );
    let (status, _, stderr) = check("malformed.json", &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.starts_with("error: ")
            && stderr.contains("malformed.json: trailing comma at line 1"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let output = run(&["check", "--origin", "https://a.example"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr
            .starts_with("error: the following required arguments were not provided:\n  <FILE>\n"),
        "{stderr}"
    );
    let policy = data("policy.toml");
    let policy = policy.to_str().unwrap();
    let usage: [(&[&str], &str); 4] = [
        (&[], "Usage: checked-cors-cli <COMMAND>"),
        (&["lint"], "error: unrecognized subcommand 'lint'"),
        (
            &["check", policy, "--method", "PUT"],
            "error: the following required arguments were not provided:\n  --origin <ORIGIN>\n",
        ),
        (
            &["check", policy, "--origin", "o", "--actual", "--preflight"],
            "error: the argument '--actual' cannot be used with '--preflight'",
        ),
    ];
    for (args, message) in usage {
        let output = run(args);
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    for args in [&["--help"][..], &["check", "--help"], &["help", "check"]] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            stdout.contains("Usage: checked-cors-cli "),
            "{args:?}: {stdout}"
        );
        // The exit statuses are documented in every help.
        assert!(
            stdout.ends_with(
                "Exit status:
  0  the request is allowed (without --origin: every policy is valid)
  1  the request is refused
  2  a policy is invalid (every error is printed), the file cannot be read or parsed, a Rust
     file holds no policy, or the command line is wrong
"
            ),
            "{args:?}: {stdout}"
        );
    }
    let output = run(&["check", "--help"]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("\n      --format <toml|json|rust>  "),
        "{stdout}"
    );
    let output = run(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        concat!("checked-cors-cli ", env!("CARGO_PKG_VERSION"), "\n")
    );
}
