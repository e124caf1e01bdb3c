//! `checked-cors-cli check`: checks a CORS policy file (TOML or JSON) or the `#[cors(...)]`
//! attributes of a Rust source file with the rules of `#[derive(Cors)]`, and explains how a policy
//! answers a request. See `README.md` or `checked-cors-cli --help`.

mod args;
mod rust;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use args::{Check, Cli, Command, Format, RequestSpec};
use checked_cors::{CorsRequest, Header, Policy, PolicyBuilder, PolicyConfig};
use clap::Parser;

/// Exit status: the request is allowed, or the policy is valid.
const ALLOWED: u8 = 0;
/// Exit status: the request is refused.
const REFUSED: u8 = 1;
/// Exit status: the policy is invalid, or the command line is.
const INVALID: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // `--help` and `--version` are printed to stdout and succeed; usage errors are not.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { INVALID } else { ALLOWED });
        }
    };
    match cli.command {
        Command::Check(check) => ExitCode::from(run(&check)),
    }
}

/// What checking the file leaves to do.
enum Outcome {
    /// Exit with this status: everything is printed.
    Done(u8),
    /// Explain the request with this (valid) policy (boxed: a policy is large, a status is not).
    Explain(Box<Policy<'static>>),
}

fn run(check: &Check) -> u8 {
    let file = check.file.display();
    let Some(format) = check.format.or_else(|| Format::from_extension(&check.file)) else {
        eprintln!(
            "error: {file}: cannot tell the format from the file name: name it `.toml`, `.json` or \
             `.rs`, or give `--format toml`, `--format json` or `--format rust`"
        );
        return INVALID;
    };
    let text = match std::fs::read_to_string(&check.file) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: {file}: {error}");
            return INVALID;
        }
    };
    let outcome = match format {
        Format::Rust => check_rust(check, &text),
        Format::Toml | Format::Json => check_config(check, format, &text),
    };
    let policy = match outcome {
        Outcome::Done(status) => return status,
        Outcome::Explain(policy) => policy,
    };
    let Some(spec) = check.request() else {
        return ALLOWED;
    };
    let headers = request_headers(&spec.headers);
    let request = request(&spec, &headers);
    let explanation = policy.explain(&request);
    // A closed stdout (`| head`) is not an error worth a panic.
    let _ = writeln!(std::io::stdout(), "{explanation}");
    if explanation.decision().is_allowed() {
        ALLOWED
    } else {
        REFUSED
    }
}

/// A policy file: deserialized and built; every violation is one line of the error.
fn check_config(check: &Check, format: Format, text: &str) -> Outcome {
    let file = check.file.display();
    if let Some(name) = &check.policy {
        eprintln!(
            "error: {file}: `--policy {name}` chooses a type in a Rust file, and a {} file holds \
             one policy: leave `--policy` out",
            if format == Format::Json {
                "JSON"
            } else {
                "TOML"
            }
        );
        return Outcome::Done(INVALID);
    }
    let config: Result<PolicyConfig, String> = match format {
        Format::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
        _ => toml::from_str(text).map_err(|e| e.to_string()),
    };
    let built = config.and_then(|config| {
        config.build().map_err(|error| {
            let mut message = String::from("not a valid CORS policy:");
            for violation in error.violations() {
                message.push_str(&format!("\n  {violation}"));
            }
            message
        })
    });
    match built {
        Ok(policy) if check.origin.is_some() => Outcome::Explain(Box::new(policy)),
        Ok(_) => {
            println!("{file}: a valid CORS policy");
            Outcome::Done(ALLOWED)
        }
        Err(error) => {
            eprintln!("error: {file}: {error}");
            Outcome::Done(INVALID)
        }
    }
}

/// A Rust file: every policy it declares (or the one `--policy` names) checked as the derive
/// checks it, each error printed at its line and column.
fn check_rust(check: &Check, source: &str) -> Outcome {
    let path = check.file.as_path();
    let file = path.display();
    let found = match rust::policies(source) {
        Ok(found) => found,
        Err(error) => {
            eprint!("{}", rust::render(path, &error));
            return Outcome::Done(INVALID);
        }
    };
    let all = || names(found.iter().map(|f| f.name.as_str()));
    if found.is_empty() {
        eprintln!("error: {file}: no policy here: no type has `#[derive(Cors)]` or `#[cors(...)]`");
        return Outcome::Done(INVALID);
    }
    let selected: Vec<&rust::Found> = match &check.policy {
        Some(name) => found.iter().filter(|f| f.name == *name).collect(),
        None => found.iter().collect(),
    };
    match (&check.policy, selected.len()) {
        (Some(name), 0) => {
            eprintln!(
                "error: {file}: no policy `{name}`; the policies here are {}",
                all()
            );
            return Outcome::Done(INVALID);
        }
        (Some(name), n @ 2..) => {
            eprintln!(
                "error: {file}: {n} types named `{name}` declare a policy (in different modules): \
                 rename one to choose it"
            );
            return Outcome::Done(INVALID);
        }
        (None, n @ 2..) if check.origin.is_some() => {
            eprintln!(
                "error: {file}: {n} policies here ({}): choose the one to explain with \
                 `--policy TYPE`",
                all()
            );
            return Outcome::Done(INVALID);
        }
        _ => {}
    }
    let mut status = ALLOWED;
    for policy in &selected {
        match &policy.result {
            Ok(_) if check.origin.is_none() => {
                println!("{file}: `{}`: a valid CORS policy", policy.name);
            }
            Ok(_) => {}
            Err(error) => {
                eprint!("{}", rust::render(path, error));
                status = INVALID;
            }
        }
    }
    match (status, selected.as_slice()) {
        (ALLOWED, [one]) if check.origin.is_some() => explain_rust(path, one),
        _ => Outcome::Done(status),
    }
}

/// The run-time policy of a valid attribute, to explain a request with.
fn explain_rust(path: &Path, found: &rust::Found) -> Outcome {
    let Ok(attribute) = &found.result else {
        return Outcome::Done(INVALID);
    };
    // The builder checks the policy again, with the same rules: the policy explained is the
    // one the derive would expand.
    let builder = attribute.with_policy(|policy, _| PolicyBuilder::from_input(policy));
    match builder.build() {
        Ok(policy) => Outcome::Explain(Box::new(policy)),
        Err(error) => {
            // The derive and the builder apply the same rules: this is a bug of checked-cors.
            eprintln!(
                "error: {}: `{}`: the derive accepts this policy but `PolicyBuilder` refuses it \
                 (please report this bug of checked-cors): {error}",
                path.display(),
                found.name
            );
            Outcome::Done(INVALID)
        }
    }
}

/// "`A`, `B`".
fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Access-Control-Request-Headers` as browsers write it: lower case, sorted, no duplicates,
/// comma-separated without spaces (Fetch, "CORS-unsafe request-header names").
fn request_headers(names: &[String]) -> String {
    let mut names: Vec<String> = names
        .iter()
        .flat_map(|list| list.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names.join(",")
}

/// The request a browser sends: the preflight, or the actual request.
fn request<'r>(spec: &'r RequestSpec, headers: &'r str) -> CorsRequest<'r> {
    let origin = Header::One(spec.origin.as_bytes());
    if !spec.preflight {
        return CorsRequest {
            method: spec.method.as_bytes(),
            origin,
            ..CorsRequest::default()
        };
    }
    CorsRequest {
        method: b"OPTIONS",
        origin,
        request_method: Header::One(spec.method.as_bytes()),
        request_headers: if headers.is_empty() {
            Header::Absent
        } else {
            Header::One(headers.as_bytes())
        },
        request_private_network: if spec.private_network {
            Header::One(b"true")
        } else {
            Header::Absent
        },
        ..CorsRequest::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_headers_are_written_as_browsers_write_them() {
        let given = [
            "X-B".to_owned(),
            "content-type, x-b".to_owned(),
            " ,".to_owned(),
        ];
        assert_eq!(request_headers(&given), "content-type,x-b");
        assert_eq!(request_headers(&[]), "");
    }
}
