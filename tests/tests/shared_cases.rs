//! One list of bad policies, `tests/cases/bad-policies.txt`, refused identically by `#[derive(Cors)]`
//! at compile time and by `PolicyBuilder` at start-up.
//!
//! Each case is the text of a `#[cors(...)]` attribute and the violations it must produce, one line
//! each: `` `<offending token>`: <message> (<fix>) ``. Both sides are rendered into that one form
//! and compared, as sorted lists, with the expected lines:
//!
//! - [`the_builder_refuses_every_case_as_listed`] reads the attribute text with a small parser of
//!   its own, calls the matching `PolicyBuilder` methods, and renders each `BuildViolation` from its
//!   value (or, for a key as a whole, the token the macro points at), message and fix.
//! - [`the_macro_refuses_every_case_as_listed`] writes every case, verbatim, as a derive in one
//!   scratch crate, builds it with Cargo, and reads rustc's JSON diagnostics: each error's text is
//!   `<message>\n\nhelp: <fix>`, and its primary span, cut out of the generated source, is the
//!   offending token. No snapshot is involved: what is compared is what rustc printed in this run.
//!
//! The same expected lines on both sides, complete and in both directions (nothing missing, nothing
//! extra), is what "fails identically" means here: same violations, same messages, same fixes, on
//! the same entries. A case marked `divergent:` is a known difference, asserted to still differ so
//! that fixing it makes this test fail until the mark is removed.

mod attribute;
mod scratch;

use std::collections::BTreeMap;

use attribute::{builder, parse, Value};
use checked_cors::rules::{KeyId, Place};
use checked_cors::BuildViolation;

/// One case of the list.
struct Case {
    name: String,
    attribute: String,
    expected: Vec<String>,
    /// Why the builder does not (yet) refuse the case as listed.
    divergent: Option<String>,
}

fn cases() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/cases/bad-policies.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let mut cases: Vec<Case> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix("== ") {
            cases.push(Case {
                name: name.to_owned(),
                attribute: String::new(),
                expected: Vec::new(),
                divergent: None,
            });
            continue;
        }
        let case = cases.last_mut().expect("a case starts with `== name`");
        if case.attribute.is_empty() {
            case.attribute = line.to_owned();
        } else if let Some(reason) = line.strip_prefix("divergent: ") {
            case.divergent = Some(reason.to_owned());
        } else {
            case.expected.push(line.to_owned());
        }
    }
    assert!(cases.len() >= 30, "the list lost cases: {}", cases.len());
    for case in &cases {
        assert!(
            !case.expected.is_empty(),
            "{}: no violation listed",
            case.name
        );
    }
    cases
}

fn render(token: &str, message: &str, fix: &str) -> String {
    format!("`{token}`: {message} ({fix})")
}

fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines
}

// ---- the builder side ----

/// The token the macro points at for a violation of the key as a whole; an entry's is its value.
fn token(violation: &BuildViolation, attribute: &str) -> String {
    let site = violation.site().expect("a rule's violation has a site");
    match (site.place, site.key) {
        (Place::Item(_), _) => violation.value().to_owned(),
        (Place::Any, _) => "*".into(),
        (Place::Whole, KeyId::Origins | KeyId::Methods) => "[]".into(),
        (Place::Whole, KeyId::Credentials) => "credentials".into(),
        (Place::Whole, KeyId::MaxAge) => parse(attribute)
            .into_iter()
            .find_map(|(key, value)| match (key.as_str(), value) {
                ("max_age", Value::Int(n)) => Some(n.to_string()),
                _ => None,
            })
            .unwrap(),
        _ => panic!("unexpected site {site:?}"),
    }
}

/// The rendered violations, or `None` if the builder accepted the policy.
fn builder_lines(case: &Case) -> Option<Vec<String>> {
    let error = builder(&case.attribute).build().err()?;
    let lines = error
        .violations()
        .iter()
        .map(|v| {
            let rule = v
                .violation()
                .expect("the cases give every key a value it takes");
            render(
                &token(v, &case.attribute),
                &rule.to_string(),
                &rule.fix_for(v.value()),
            )
        })
        .collect();
    Some(lines)
}

#[test]
fn the_builder_refuses_every_case_as_listed() {
    let mut failures = Vec::new();
    for case in cases() {
        let expected = sorted(case.expected.clone());
        let built = match builder_lines(&case) {
            Some(lines) => sorted(lines),
            None => vec!["(the builder accepted the policy)".to_owned()],
        };
        match (&case.divergent, built == expected) {
            (None, true) | (Some(_), false) => {}
            (None, false) => failures.push(format!(
                "{}:\n  expected {expected:#?}\n  builder  {built:#?}",
                case.name
            )),
            (Some(reason), true) => failures.push(format!(
                "{}: now refused as listed; remove its `divergent: {reason}` mark",
                case.name
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- the macro side ----

/// The whole list as one crate: a module per case, so that one build reports every case's errors
/// and each error's line tells its case.
fn scratch_source(cases: &[Case]) -> (String, Vec<(usize, usize)>) {
    let mut source = String::from("#![allow(dead_code)]\n\nfn main() {}\n");
    let mut lines = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let first = source.lines().count() + 1;
        source.push_str(&format!(
            "\n// {}\nmod case_{i} {{\n    #[derive(::checked_cors::Cors)]\n    #[cors({})]\n    struct Api;\n}}\n",
            case.name, case.attribute
        ));
        lines.push((first, source.lines().count()));
    }
    (source, lines)
}

/// `(line, message, fix, spanned text)` of every error rustc reported in `src/main.rs`.
fn diagnostics(stdout: &str, source: &str) -> Vec<(usize, String, String, String)> {
    let mut found = Vec::new();
    for line in stdout.lines() {
        let Ok(json) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if json["reason"] != "compiler-message" || json["message"]["level"] != "error" {
            continue;
        }
        let message = json["message"]["message"].as_str().unwrap();
        let spans = json["message"]["spans"].as_array().unwrap();
        let Some(span) = spans.iter().find(|s| s["is_primary"] == true) else {
            continue;
        };
        assert_eq!(span["file_name"], "src/main.rs", "{message}");
        let (start, end) = (
            span["byte_start"].as_u64().unwrap() as usize,
            span["byte_end"].as_u64().unwrap() as usize,
        );
        let (message, fix) = message
            .split_once("\n\nhelp: ")
            .unwrap_or_else(|| panic!("no help in {message:?}"));
        found.push((
            span["line_start"].as_u64().unwrap() as usize,
            message.to_owned(),
            fix.to_owned(),
            source[start..end].to_owned(),
        ));
    }
    found
}

/// What the macro points at, as the list writes it: a string's contents, any other token as is.
fn unquote(spanned: &str) -> String {
    match spanned.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => spanned.to_owned(),
    }
}

#[test]
fn the_macro_refuses_every_case_as_listed() {
    let cases = cases();
    let (source, lines) = scratch_source(&cases);
    let crate_ = scratch::Scratch::new("shared-cases", &source);
    let output = crate_.cargo(&["build", "--quiet", "--message-format=json"], &[]);
    assert!(
        !output.status.success(),
        "every case is a bad policy, yet the crate built"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut by_case: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (line, message, fix, spanned) in diagnostics(&stdout, &source) {
        let case = lines
            .iter()
            .position(|&(first, last)| (first..=last).contains(&line))
            .unwrap_or_else(|| panic!("error outside any case at line {line}: {message}"));
        by_case
            .entry(case)
            .or_default()
            .push(render(&unquote(&spanned), &message, &fix));
    }
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let expected = sorted(case.expected.clone());
        let reported = sorted(by_case.remove(&i).unwrap_or_default());
        if reported != expected {
            failures.push(format!(
                "{}:\n  expected {expected:#?}\n  macro    {reported:#?}",
                case.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\ncargo's stderr:\n{}",
        failures.join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
}
