//! `checked-cors-cli check`: checks a CORS policy file, TOML or JSON, with the rules of `#[derive(Cors)]` and
//! explains how it answers a request. See `README.md` or `checked-cors-cli --help`.

mod args;

use std::io::Write;
use std::process::ExitCode;

use args::{Check, Cli, Command, Format, RequestSpec};
use checked_cors::{CorsRequest, Header, Policy, PolicyConfig};
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

fn run(check: &Check) -> u8 {
    let file = check.policy.display();
    let policy = match load(check) {
        Ok(policy) => policy,
        Err(error) => {
            eprintln!("error: {file}: {error}");
            return INVALID;
        }
    };
    let Some(spec) = check.request() else {
        println!("{file}: a valid CORS policy");
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

/// Reads, deserializes and builds the policy; every violation is one line of the error.
fn load(check: &Check) -> Result<Policy<'static>, String> {
    let format = check
        .format
        .or_else(|| Format::from_extension(&check.policy))
        .ok_or("cannot tell the format from the file name: name it `.toml` or `.json`, or give `--format toml` or `--format json`")?;
    let text = std::fs::read_to_string(&check.policy).map_err(|e| e.to_string())?;
    let config: PolicyConfig = match format {
        Format::Toml => toml::from_str(&text).map_err(|e| e.to_string())?,
        Format::Json => serde_json::from_str(&text).map_err(|e| e.to_string())?,
    };
    config.build().map_err(|error| {
        let mut message = String::from("not a valid CORS policy:");
        for violation in error.violations() {
            message.push_str(&format!("\n  {violation}"));
        }
        message
    })
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
