//! The command line, parsed by hand: one subcommand and a few options need no parser crate.

use std::ffi::OsString;
use std::path::PathBuf;

/// How to use the tool, printed by `--help` and after a usage error.
pub const USAGE: &str = "\
usage: cors-cli check --policy <file.toml> [--origin <origin> [--method <method>]
                      [--header <name>]... [--preflight | --actual] [--private-network]]

Checks a CORS policy file with the rules of #[derive(Cors)] and, given an origin, explains how the
policy answers a browser's request from it.

  --policy <file>     the policy, in TOML, with the keys of #[cors(...)]
  --origin <origin>   the request's `Origin`; without it, only the policy is checked
  --method <method>   the method the script uses (default GET)
  --header <name>     a request header the script sets (repeatable; `a,b` lists several)
  --preflight         explain the preflight (default when a browser would send one: a method
                      other than GET, HEAD and POST, or any --header)
  --actual            explain the actual request
  --private-network   the preflight asks for Private Network Access

exit status: 0 allowed (or a valid policy), 1 refused, 2 invalid policy or usage";

/// What the user asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// `--help`.
    Help,
    /// `check`.
    Check(Check),
}

/// `check` and its options.
#[derive(Debug, PartialEq, Eq)]
pub struct Check {
    pub policy: PathBuf,
    /// `None`: check the policy only.
    pub request: Option<RequestSpec>,
}

/// The request to explain.
#[derive(Debug, PartialEq, Eq)]
pub struct RequestSpec {
    pub origin: String,
    pub method: String,
    /// Names as given, in order.
    pub headers: Vec<String>,
    pub preflight: bool,
    pub private_network: bool,
}

/// Reads the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut args = args.into_iter().map(|arg| {
        arg.into_string()
            .map_err(|arg| format!("argument {arg:?} is not valid UTF-8"))
    });
    match args.next().transpose()?.as_deref() {
        None => return Err("expected a command: `check`".into()),
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some("check") => {}
        Some(other) => return Err(format!("unknown command `{other}`: expected `check`")),
    }
    let mut policy = None;
    let mut origin = None;
    let mut method = None;
    let mut headers = Vec::new();
    let mut mode = None;
    let mut private_network = false;
    while let Some(arg) = args.next().transpose()? {
        // `--name=value` or `--name value`.
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone() {
                Some(value) => Ok(value),
                None => args
                    .next()
                    .transpose()?
                    .ok_or_else(|| format!("`{name}` needs a value")),
            }
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--policy" => set_once(&mut policy, &name, value(&name)?)?,
            "--origin" => set_once(&mut origin, &name, value(&name)?)?,
            "--method" => set_once(&mut method, &name, value(&name)?)?,
            "--header" => headers.push(value(&name)?),
            "--preflight" | "--actual" | "--private-network" if inline.is_some() => {
                return Err(format!("`{name}` takes no value"));
            }
            "--preflight" => set_once(&mut mode, &name, true)?,
            "--actual" => set_once(&mut mode, &name, false)?,
            "--private-network" => private_network = true,
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let policy = PathBuf::from(policy.ok_or("`--policy <file.toml>` is required")?);
    let Some(origin) = origin else {
        if method.is_some() || !headers.is_empty() || mode.is_some() || private_network {
            return Err("`--origin` is needed to explain a request".into());
        }
        return Ok(Command::Check(Check {
            policy,
            request: None,
        }));
    };
    let method = method.unwrap_or_else(|| "GET".into());
    // What a browser does: a preflight for a method it does not safelist or for any header the
    // script sets (the tool does not know the values that could make one safelisted).
    let preflight =
        mode.unwrap_or(!matches!(method.as_str(), "GET" | "HEAD" | "POST") || !headers.is_empty());
    if private_network && !preflight {
        return Err("`--private-network` is asked by a preflight, not by `--actual`".into());
    }
    Ok(Command::Check(Check {
        policy,
        request: Some(RequestSpec {
            origin,
            method,
            headers,
            preflight,
            private_network,
        }),
    }))
}

fn set_once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), String> {
    if slot.replace(value).is_some() {
        return Err(match name {
            "--preflight" | "--actual" => "give at most one of `--preflight` and `--actual`".into(),
            _ => format!("`{name}` is given twice"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from))
    }

    fn request(args: &[&str]) -> RequestSpec {
        match parse_str(args) {
            Ok(Command::Check(Check {
                request: Some(request),
                ..
            })) => request,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn a_preflight_when_a_browser_would_send_one() {
        let base = [
            "check",
            "--policy",
            "p.toml",
            "--origin",
            "https://a.example",
        ];
        assert!(!request(&base).preflight);
        assert_eq!(request(&base).method, "GET");
        assert!(request(&[&base[..], &["--method", "PUT"]].concat()).preflight);
        assert!(request(&[&base[..], &["--method=POST", "--header", "x-a"]].concat()).preflight);
        assert!(!request(&[&base[..], &["--method", "PUT", "--actual"]].concat()).preflight);
        assert!(request(&[&base[..], &["--preflight"]].concat()).preflight);
    }

    #[test]
    fn options_take_both_spellings_and_repeat_only_headers() {
        let spec = request(&[
            "check",
            "--policy=p.toml",
            "--origin=https://a.example",
            "--header",
            "X-A",
            "--header=x-b,x-c",
            "--private-network",
        ]);
        assert_eq!(spec.headers, ["X-A", "x-b,x-c"]);
        assert!(spec.private_network && spec.preflight);
        assert_eq!(
            parse_str(&["check", "--policy", "a", "--policy", "b"]),
            Err("`--policy` is given twice".into())
        );
        assert_eq!(
            parse_str(&[
                "check",
                "--policy",
                "a",
                "--origin",
                "o",
                "--actual",
                "--preflight"
            ]),
            Err("give at most one of `--preflight` and `--actual`".into())
        );
    }

    #[test]
    fn the_policy_alone_is_a_check_of_the_file() {
        assert_eq!(
            parse_str(&["check", "--policy", "p.toml"]),
            Ok(Command::Check(Check {
                policy: "p.toml".into(),
                request: None
            }))
        );
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        let cases: [(&[&str], &str); 8] = [
            (&[], "expected a command: `check`"),
            (&["lint"], "unknown command `lint`: expected `check`"),
            (&["check"], "`--policy <file.toml>` is required"),
            (&["check", "--policy"], "`--policy` needs a value"),
            (
                &["check", "--policy", "p", "--verbose"],
                "unknown option `--verbose`",
            ),
            (
                &["check", "--policy", "p", "--method", "PUT"],
                "`--origin` is needed to explain a request",
            ),
            (
                &["check", "--policy", "p", "--origin", "o", "--actual=yes"],
                "`--actual` takes no value",
            ),
            (
                &[
                    "check",
                    "--policy",
                    "p",
                    "--origin",
                    "o",
                    "--actual",
                    "--private-network",
                ],
                "`--private-network` is asked by a preflight, not by `--actual`",
            ),
        ];
        for (args, error) in cases {
            assert_eq!(parse_str(args), Err(error.to_owned()), "{args:?}");
        }
        assert_eq!(parse_str(&["--help"]), Ok(Command::Help));
        assert_eq!(parse_str(&["check", "-h"]), Ok(Command::Help));
    }
}
