//! The pipeline over `proc_macro2` tokens, outside the compiler: the parser's robustness on malformed
//! and random input, the shape of errors, and the cost of a very long origin list.

use crate::parse::parse_attr;
use proc_macro2::TokenStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

fn tokens(source: &str) -> TokenStream {
    source
        .parse()
        .unwrap_or_else(|e| panic!("test input {source:?} does not lex: {e}"))
}

/// Runs the whole derive on `#[cors(<attr>)] struct Api;` and returns the error messages, if any.
fn derive_errors(attr: &str) -> Vec<String> {
    let input: syn::DeriveInput =
        syn::parse2(tokens(&format!("#[cors({attr})] struct Api;"))).expect("derive input parses");
    let mut errors = crate::errors::Errors::default();
    let parsed = crate::parse::parse_input(&input, &mut errors);
    let written = crate::validate::written(&parsed);
    written.with_input(|input| {
        crate::validate::validate(&parsed, input, &mut errors);
    });
    match errors.finish() {
        Ok(()) => Vec::new(),
        Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn malformed_attributes_are_errors_not_panics() {
    // (contents of `#[cors(...)]`, whether it is a valid attribute)
    let cases: &[(&str, bool)] = &[
        ("", false),
        ("origins", false),
        ("origins =", false),
        ("origins = [", false), // lexes only inside a closed group; see below
        ("= \"x\"", false),
        ("origins = 5", false),
        ("origins = [\"https://a.com\",,]", false),
        ("origins = [,]", false),
        ("origins = [\"https://a.com\"] ,, credentials", false),
        (", origins = \"*\"", false),
        ("origins = \"*\",", true),
        ("origins = [\"https://a.com\",]", true),
        ("origins = [[\"https://a.com\"]]", false),
        ("origins = ([\"https://a.com\"])", false),
        ("origins = {\"https://a.com\"}", false),
        ("origins = (\"https://a.com\")", false),
        ("origins = [\"https://a.com\" \"https://b.com\"]", false),
        ("origins = \"https://a.com\"", false),
        ("origins = b\"https://a.com\"", false),
        ("origins = c\"https://a.com\"", false),
        ("origins = 'a'", false),
        ("origins = b'a'", false),
        ("origins = r\"*\"", true),
        ("origins = r#\"*\"#", true),
        ("origins = \"*\"suffix", false),
        ("origins = true", false),
        ("origins = [app.example.com]", false),
        ("origins \"*\"", false),
        ("origins == \"*\"", false),
        ("r#origins = \"*\"", true),
        ("\"origins\" = \"*\"", false),
        ("origins = \"*\", max_age = 1.5", false),
        ("origins = \"*\", max_age = -", false),
        ("origins = \"*\", max_age = --5", false),
        ("origins = \"*\", max_age = \"600\"", false),
        ("origins = \"*\", max_age = 600u32", false),
        ("origins = \"*\", max_age = 1e3", false),
        // Read (saturated) by the parser, refused by `check_policy`:
        (
            "origins = \"*\", max_age = 99999999999999999999999999",
            true,
        ),
        (
            "origins = \"*\", max_age = -99999999999999999999999999",
            true,
        ),
        ("origins = \"*\", max_age = 0x10", true),
        ("origins = \"*\", max_age", false),
        ("origins = \"*\", credentials = true", false),
        ("origins = [\"https://a.com\"], credentials = false", false),
        ("origins = \"*\", credentials()", false),
        ("origins = \"*\", private_network = 1", false),
        ("origins = \"*\", methods = GET", false),
        ("origins = \"*\", methods = \"*\"", true),
        ("origins = \"*\", methods = \"PUT\"", false),
        ("origins = \"*\", methods = [\"*\"]", true), // parsed; `check_policy` refuses it
        ("origins = \"*\", methods = [GET POST]", false),
        ("origins = \"*\", methods = [1]", false),
        ("origins = \"*\", methods = [GET, 'x']", false),
        ("origins = \"*\", methods = [r#GET, \"PURGE\"]", true),
        ("origins = \"*\", methods = []", true), // syntactically fine; `check_policy` refuses it
        ("origins = \"*\", headers = [content-type]", false),
        ("origins = \"*\", expose = x", false),
        ("origins = \"*\", orgins = \"*\"", false),
        ("origins = \"*\", max-age = 5", false),
        ("origins = \"*\", origins = \"*\"", false),
        ("origins = \"*\", credentials, credentials", false),
        ("origins = \"*\"; credentials", false),
        ("origins = \"*\" credentials", false),
        ("origins: \"*\"", false),
        ("(origins = \"*\")", false),
        ("#[cors(origins = \"*\")]", false),
        ("origins = \"*\", 5", false),
        ("origins = \"*\", - ", false),
        ("origins = \"*\", =", false),
    ];
    for &(source, valid) in cases {
        let Ok(stream) = source.parse::<TokenStream>() else {
            // Unbalanced delimiters never reach a derive; the closed form must still be handled.
            let closed = format!("{source}]");
            assert!(
                catch_unwind(|| parse_attr(tokens(&closed))).is_ok(),
                "{closed}"
            );
            continue;
        };
        let result = catch_unwind(AssertUnwindSafe(|| parse_attr(stream)));
        let result = result.unwrap_or_else(|_| panic!("parser panicked on {source:?}"));
        assert_eq!(
            result.is_ok(),
            valid,
            "{source:?}: {:?}",
            result.err().map(|e| e.to_string())
        );
    }
}

#[test]
fn random_token_sequences_never_panic() {
    const VOCABULARY: &[&str] = &[
        "origins",
        "methods",
        "headers",
        "expose",
        "credentials",
        "max_age",
        "private_network",
        "dangerously_allow_null_origin",
        "dangerously_allow_insecure_origins",
        "dangerously_allow_public_suffix_wildcards",
        "orgins",
        "GET",
        "get",
        "PURGE",
        "TRACE",
        "r#type",
        "=",
        "=",
        ",",
        ",",
        ",",
        "-",
        ";",
        ":",
        "#",
        "*",
        ".",
        "\"*\"",
        "\"https://a.com\"",
        "\"https://*.example.com\"",
        "\"http://localhost:*\"",
        "\"null\"",
        "\"https://a.com/\"",
        "\"\"",
        "\"content-type\"",
        "\"set-cookie\"",
        "5",
        "-5",
        "600",
        "0",
        "1.5",
        "1e9",
        "5u8",
        "'c'",
        "b'c'",
        "b\"x\"",
        "c\"x\"",
        "r\"x\"",
        "true",
        "false",
        "99999999999999999999999",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        // xorshift64
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut ok = 0;
    for _ in 0..2_000 {
        // Half start with a valid `origins`, so that the keys after it can be judged too.
        let mut source = String::from(if next() % 2 == 0 {
            "origins = [\"https://a.com\"], "
        } else {
            ""
        });
        let length = next() % 16;
        generate(&mut source, length, 0, &mut next, VOCABULARY);
        let stream = tokens(&source);
        let attr = catch_unwind(AssertUnwindSafe(|| parse_attr(stream.clone())))
            .unwrap_or_else(|_| panic!("parser panicked on {source:?}"));
        ok += usize::from(attr.is_ok());
        // The whole derive: the impl when valid, the errors and the fallback impl otherwise.
        let input: syn::DeriveInput =
            syn::parse2(tokens(&format!("#[cors({source})] struct Api;")))
                .expect("derive input parses");
        catch_unwind(|| crate::derive(&input))
            .unwrap_or_else(|_| panic!("derive panicked on {source:?}"));
    }
    println!("{ok} of 2000 random attributes parsed");
}

/// Appends `length` random tokens, some of them groups of random tokens, at most 3 deep.
fn generate(
    out: &mut String,
    length: u64,
    depth: u32,
    next: &mut impl FnMut() -> u64,
    vocabulary: &[&str],
) {
    for _ in 0..length {
        let pick = next();
        if depth < 3 && pick % 8 == 0 {
            let (open, close) = [("[", "]"), ("(", ")"), ("{", "}")][(pick / 8 % 3) as usize];
            out.push_str(open);
            generate(out, next() % 6, depth + 1, next, vocabulary);
            out.push_str(close);
        } else {
            out.push_str(vocabulary[(pick / 8) as usize % vocabulary.len()]);
        }
        out.push(' ');
    }
}

#[test]
fn a_good_policy_has_no_error() {
    let attr = r#"origins = ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
        methods = [GET, POST, PUT, "PURGE"], headers = ["content-type", "x-api-key"],
        expose = ["x-request-id"], credentials, max_age = 600, private_network"#;
    assert_eq!(derive_errors(attr), Vec::<String>::new());
}

#[test]
fn unknown_keys_name_every_key_and_the_likely_one() {
    let errors = derive_errors("origins = \"*\", orgins = \"*\"");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("unknown key `orgins`, expected one of `origins`, `methods`"),
        "{errors:?}"
    );
    assert!(
        errors[0].ends_with("(did you mean `origins`?)"),
        "{errors:?}"
    );
    for (written, meant) in [
        ("max-age", "max_age"),
        ("Origins", "origins"),
        ("allow_credentials", "credentials"),
        ("allowed_origins", "origins"),
        ("expose_headers", "expose"),
        ("method", "methods"),
    ] {
        let errors = derive_errors(&format!("origins = \"*\", {written}"));
        assert!(
            errors[0].contains(&format!("(did you mean `{meant}`?)")),
            "{written}: {errors:?}"
        );
    }
    let errors = derive_errors("origins = \"*\", cache");
    assert!(!errors[0].contains("did you mean"), "{errors:?}");
}

#[test]
fn every_mistake_is_reported_at_once() {
    let errors = derive_errors(
        r#"origins = ["https://a.com/", "*", "null", 5], methods = [get, FOO, TRACE],
           headers = ["cookie"], expose = ["set-cookie"], max_age = -5, credentials = true, colour"#,
    );
    // Parse errors first (`5`, `= true`, `colour`), then one per rule broken, in key order.
    assert_eq!(errors.len(), 12, "{errors:#?}");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("an origin has no trailing `/`")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("use a string for extension methods: `\"FOO\"`")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("help: write `GET`")),
        "{errors:#?}"
    );
}

#[test]
fn a_missing_comma_is_named() {
    let errors = derive_errors("origins = [\"https://a.com\"] credentials");
    assert_eq!(
        errors,
        ["expected `,` after the value of `origins`\n\nhelp: separate the keys with `,`"]
    );
    let errors = derive_errors("origins = \"*\", max_age = -5 methods = [GET]");
    assert_eq!(errors.len(), 2, "{errors:?}"); // the comma, and the negative `max_age`
}

#[test]
fn an_unreadable_list_is_not_also_reported_empty() {
    let errors = derive_errors("origins = [5]");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let errors = derive_errors("origins = 5");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let errors = derive_errors("origins = []");
    assert_eq!(
        errors,
        ["an empty list of origins allows nothing\n\nhelp: list at least one origin"]
    );
}

#[test]
fn ten_thousand_origins_expand() {
    let origins: Vec<String> = (0..10_000)
        .map(|i| format!("\"https://host{i}.example.com\""))
        .collect();
    let source = format!(
        "#[cors(origins = [{}], credentials)] struct Api;",
        origins.join(", ")
    );
    let input: syn::DeriveInput = syn::parse2(tokens(&source)).expect("derive input parses");
    // The three stages, then the whole pipeline as the compiler runs it.
    let start = Instant::now();
    let mut errors = crate::errors::Errors::default();
    let attr = crate::parse::parse_input(&input, &mut errors);
    let parsed = start.elapsed();
    let written = crate::validate::written(&attr);
    let (validated, stages, expanded) = written.with_input(|input_policy| {
        let policy = crate::validate::validate(&attr, input_policy, &mut errors);
        let validated = start.elapsed();
        let expanded = crate::expand::derive(&input.ident, &input.generics, &policy.unwrap(), None);
        (validated, start.elapsed(), expanded)
    });
    assert!(errors.finish().is_ok());
    drop(expanded);
    let start = Instant::now();
    let output = crate::derive(&input);
    let elapsed = start.elapsed();
    let text = output.to_string();
    assert!(
        !text.contains("compile_error"),
        "{}",
        &text[..text.len().min(2000)]
    );
    assert!(text.contains("__private :: origins"));
    println!(
        "expanding 10,000 origins took {elapsed:?} ({} profile; parse {parsed:?}, validate {:?}, \
         expand {:?}; {} bytes of output)",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        validated - parsed,
        stages - validated,
        text.len()
    );
}

/// A key given without its value is kept as given in its own slot: `write_origins` alone is not
/// taken for `origins`, so the `origins` that follows is neither "repeated" nor lost.
#[test]
fn a_key_without_its_value_stays_in_its_own_slot() {
    for key in ["write_origins", "expose", "headers"] {
        let errors = derive_errors(&format!(r#"{key}, origins = ["https://a.example"]"#));
        assert_eq!(errors.len(), 1, "{key}: {errors:?}");
        assert!(
            errors[0].starts_with(&format!("`{key}` needs a value")),
            "{key}: {errors:?}"
        );
    }
}
