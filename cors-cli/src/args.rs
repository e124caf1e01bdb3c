//! The command line, declared with clap's derive: the doc comments below are the `--help` text.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The exit statuses, printed at the end of every `--help`.
macro_rules! exit_status {
    () => {
        "\
Exit status:
  0  the request is allowed (without --origin: every policy is valid)
  1  the request is refused
  2  a policy is invalid (every error is printed), the file cannot be read or parsed, a Rust
     file holds no policy, or the command line is wrong"
    };
}

/// Checks CORS policies with the rules of #[derive(Cors)]: a policy file (TOML or JSON), or the
/// #[cors(...)] attributes of a Rust source file. Given an origin, explains how the policy answers
/// a browser's request from it.
#[derive(Debug, Parser)]
#[command(name = "checked-cors-cli", version, after_help = exit_status!(), arg_required_else_help = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a policy file or the policies of a Rust file; with --origin, explain how a policy
    /// answers that origin's request
    #[command(after_help = concat!(
        "A Rust file (.rs, or --format rust) is read as the compiler would: every type with\n",
        "#[derive(Cors)] or #[cors(...)] is checked, and each error printed as\n",
        "`FILE:LINE:COLUMN: error: MESSAGE` with the compiler's help. `env(\"VAR\")` origins are read\n",
        "from this command's environment. Policies inside macro_rules! bodies are not seen.\n\n",
        "Without --preflight or --actual, the request is the one a browser sends first: a preflight\n",
        "for a method other than GET, HEAD and POST, for any --header (the tool does not know header\n",
        "values, so it never assumes them safelisted), and for --private-network.\n\n",
        exit_status!()
    ))]
    Check(Check),
}

/// `check` and its options.
#[derive(Debug, Args)]
pub struct Check {
    /// The policy file (TOML or JSON, with the keys of #[cors(...)]), or a Rust source file
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The file's format [default: from its extension, .toml, .json or .rs]
    #[arg(
        long,
        value_enum,
        value_name = "toml|json|rust",
        hide_possible_values = true
    )]
    pub format: Option<Format>,

    /// In a Rust file, the type whose policy to check or explain [default: every one; one is
    /// needed with --origin if the file holds several]
    #[arg(long, value_name = "TYPE")]
    pub policy: Option<String>,

    /// The request's Origin; without it, only the policy is checked
    #[arg(long)]
    pub origin: Option<String>,

    /// The method the script uses [default: GET]
    #[arg(long, requires = "origin")]
    pub method: Option<String>,

    /// A request header the script sets (repeatable; `a,b` lists several)
    #[arg(long = "header", value_name = "NAME", requires = "origin")]
    pub headers: Vec<String>,

    /// Explain the preflight [default: when a browser would send one]
    #[arg(long, requires = "origin", conflicts_with = "actual")]
    pub preflight: bool,

    /// Explain the actual request
    #[arg(long, requires = "origin")]
    pub actual: bool,

    /// The preflight asks for Private Network Access
    #[arg(long, requires = "origin", conflicts_with = "actual")]
    pub private_network: bool,
}

/// A policy file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
    /// Rust source, read for its `#[cors(...)]` attributes.
    Rust,
}

impl Format {
    /// The format a file's extension names, `.toml`, `.json` or `.rs` in any case; `None` for
    /// others.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let extension = path.extension().and_then(OsStr::to_str)?;
        if extension.eq_ignore_ascii_case("toml") {
            Some(Format::Toml)
        } else if extension.eq_ignore_ascii_case("json") {
            Some(Format::Json)
        } else if extension.eq_ignore_ascii_case("rs") {
            Some(Format::Rust)
        } else {
            None
        }
    }
}

/// The request to explain.
#[derive(Debug, PartialEq, Eq)]
pub struct RequestSpec {
    /// The `Origin`.
    pub origin: String,
    /// The method the script uses.
    pub method: String,
    /// Names as given, in order.
    pub headers: Vec<String>,
    /// Explain the preflight rather than the actual request.
    pub preflight: bool,
    /// The preflight asks for Private Network Access.
    pub private_network: bool,
}

impl Check {
    /// The request to explain; `None`: check the policy only.
    pub fn request(&self) -> Option<RequestSpec> {
        let origin = self.origin.clone()?;
        let method = self.method.clone().unwrap_or_else(|| "GET".into());
        // What a browser does: a preflight for a method it does not safelist, for any header the
        // script sets (the tool does not know the values that could make one safelisted), and for
        // a Private Network Access request.
        let preflight = self.preflight
            || (!self.actual
                && (!matches!(method.as_str(), "GET" | "HEAD" | "POST")
                    || !self.headers.is_empty()
                    || self.private_network));
        Some(RequestSpec {
            origin,
            method,
            headers: self.headers.clone(),
            preflight,
            private_network: self.private_network,
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::error::ErrorKind;
    use clap::CommandFactory;

    use super::*;

    fn parse(args: &[&str]) -> Result<Check, clap::Error> {
        let cli = Cli::try_parse_from([&["checked-cors-cli"], args].concat())?;
        let Command::Check(check) = cli.command;
        Ok(check)
    }

    fn request(args: &[&str]) -> RequestSpec {
        let check = parse(args).unwrap_or_else(|error| panic!("{args:?}: {error}"));
        check.request().expect("a request")
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_preflight_when_a_browser_would_send_one() {
        let base = ["check", "p.toml", "--origin", "https://a.example"];
        assert!(!request(&base).preflight);
        assert_eq!(request(&base).method, "GET");
        assert!(request(&[&base[..], &["--method", "PUT"]].concat()).preflight);
        assert!(request(&[&base[..], &["--method=POST", "--header", "x-a"]].concat()).preflight);
        assert!(request(&[&base[..], &["--private-network"]].concat()).preflight);
        assert!(!request(&[&base[..], &["--method", "PUT", "--actual"]].concat()).preflight);
        assert!(request(&[&base[..], &["--preflight"]].concat()).preflight);
    }

    #[test]
    fn options_take_both_spellings_and_repeat_only_headers() {
        let spec = request(&[
            "check",
            "p.toml",
            "--origin=https://a.example",
            "--header",
            "X-A",
            "--header=x-b,x-c",
            "--private-network",
        ]);
        assert_eq!(spec.headers, ["X-A", "x-b,x-c"]);
        assert!(spec.private_network && spec.preflight);
        let twice = parse(&["check", "a.rs", "--policy", "A", "--policy", "B"]).unwrap_err();
        assert_eq!(twice.kind(), ErrorKind::ArgumentConflict);
        let two_files = parse(&["check", "a.toml", "b.toml"]).unwrap_err();
        assert_eq!(two_files.kind(), ErrorKind::UnknownArgument);
        let both = parse(&["check", "a", "--origin", "o", "--actual", "--preflight"]).unwrap_err();
        assert_eq!(both.kind(), ErrorKind::ArgumentConflict);
    }

    #[test]
    fn the_policy_alone_is_a_check_of_the_file() {
        let check = parse(&["check", "p.toml"]).unwrap();
        assert_eq!(check.file, Path::new("p.toml"));
        assert_eq!(check.format, None);
        assert_eq!(check.policy, None);
        assert_eq!(check.request(), None);
    }

    #[test]
    fn the_format_is_named_or_read_from_the_extension() {
        let check = parse(&["check", "p.conf", "--format", "json"]).unwrap();
        assert_eq!(check.format, Some(Format::Json));
        let check = parse(&["check", "--format=rust", "api.txt", "--policy", "Api"]).unwrap();
        assert_eq!(check.format, Some(Format::Rust));
        assert_eq!(check.policy.as_deref(), Some("Api"));
        let unknown = parse(&["check", "p", "--format", "yaml"]).unwrap_err();
        assert_eq!(unknown.kind(), ErrorKind::InvalidValue);
        let of = |name: &str| Format::from_extension(Path::new(name));
        assert_eq!(of("a/policy.toml"), Some(Format::Toml));
        assert_eq!(of("POLICY.JSON"), Some(Format::Json));
        assert_eq!(of("src/api.rs"), Some(Format::Rust));
        assert_eq!(of("policy.yaml"), None);
        assert_eq!(of("policy"), None);
        assert_eq!(of(".json"), None);
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        let cases: [(&[&str], ErrorKind); 7] = [
            (&[], ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand),
            (&["lint"], ErrorKind::InvalidSubcommand),
            (&["check"], ErrorKind::MissingRequiredArgument),
            (&["check", "p.rs", "--policy"], ErrorKind::InvalidValue),
            (&["check", "p", "--verbose"], ErrorKind::UnknownArgument),
            (
                &["check", "p", "--method", "PUT"],
                ErrorKind::MissingRequiredArgument,
            ),
            (
                &[
                    "check",
                    "p",
                    "--origin",
                    "o",
                    "--actual",
                    "--private-network",
                ],
                ErrorKind::ArgumentConflict,
            ),
        ];
        for (args, kind) in cases {
            let error = parse(args).map(|_| ()).unwrap_err();
            assert_eq!(error.kind(), kind, "{args:?}: {error}");
            assert!(error.use_stderr(), "{args:?}");
        }
        for help in [&["--help"][..], &["check", "-h"], &["help", "check"]] {
            let error = parse(help).map(|_| ()).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::DisplayHelp, "{help:?}");
            assert!(!error.use_stderr());
        }
    }
}
