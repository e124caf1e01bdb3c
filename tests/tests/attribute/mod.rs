//! The `#[cors(...)]` attribute as text, read into the `PolicyBuilder` calls it stands for: one
//! policy, two ways to build it, for the tests that compare the macro and the builder.

use checked_cors::rules::{self, KeyKind, PolicyInput, KEYS};
use checked_cors::PolicyBuilder;

/// A token of the attribute grammar the cases use.
#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Int(i64),
    Punct(char),
}

/// Lexes `key = value, flag, ...`: identifiers, `"strings"` (with `\"` and `\\`), integers
/// (with a leading `-`), and `[ ] , =`.
fn lex(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '[' | ']' | ',' | '=' => tokens.push(Token::Punct(c)),
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next().expect("closed string") {
                        '"' => break,
                        '\\' => s.push(chars.next().expect("escaped character")),
                        c => s.push(c),
                    }
                }
                tokens.push(Token::Str(s));
            }
            '-' | '0'..='9' => {
                let mut s = String::from(c);
                // `stringify!` writes `-5` as `- 5`.
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    s.push(d);
                }
                tokens.push(Token::Int(s.parse().unwrap()));
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut s = String::from(c);
                while let Some(d) = chars.next_if(|d| d.is_alphanumeric() || *d == '_') {
                    s.push(d);
                }
                tokens.push(Token::Ident(s));
            }
            other => panic!("unexpected {other:?} in {text}"),
        }
    }
    tokens
}

/// A key's value.
#[derive(Debug)]
pub enum Value {
    Flag,
    Any,
    List(Vec<String>),
    Int(i64),
}

/// `key = value` pairs and flags, in order. Identifiers in a list (`[GET, PUT]`) are the methods
/// they name.
pub fn parse(attribute: &str) -> Vec<(String, Value)> {
    let tokens = lex(attribute);
    let mut entries = Vec::new();
    let mut rest = tokens.as_slice();
    while let [Token::Ident(key), after @ ..] = rest {
        let (value, after) = match after {
            [Token::Punct('='), Token::Str(s), after @ ..] if s == "*" => (Value::Any, after),
            [Token::Punct('='), Token::Int(n), after @ ..] => (Value::Int(*n), after),
            [Token::Punct('='), Token::Punct('['), after @ ..] => {
                let mut items = Vec::new();
                let mut after = after;
                loop {
                    match after {
                        [Token::Punct(']'), more @ ..] => {
                            after = more;
                            break;
                        }
                        [Token::Punct(','), more @ ..] => after = more,
                        [Token::Str(s) | Token::Ident(s), more @ ..] => {
                            items.push(s.clone());
                            after = more;
                        }
                        other => panic!("unexpected {other:?} in {attribute}"),
                    }
                }
                (Value::List(items), after)
            }
            _ => (Value::Flag, after),
        };
        entries.push((key.clone(), value));
        rest = match after {
            [Token::Punct(','), more @ ..] => more,
            more => more,
        };
    }
    assert!(rest.is_empty(), "unread tokens {rest:?} in {attribute}");
    entries
}

/// The builder a policy attribute stands for: the entries [`parse`] reads, as the rules'
/// `PolicyInput`, given to `PolicyBuilder::from_input`, the one translation from that form to a
/// builder (the CLI and the conformance crate's fuzz check use it too; its unit test holds it to
/// the key methods `allow_origins`, `max_age`, ...).
///
/// Sharing that translation leaves `builder_vs_derive` a real comparison: the derive reads the
/// attribute with `checked-cors-attribute`'s parser and writes the checked policy as static tables
/// (`expand`), while this side reads the `stringify!`-ed text with the lexer above, independently,
/// and the builder writes an owned policy. What both sides share is `check_policy`, the rules they
/// must share; a parser that misread a key, or two serializations that disagreed, would still
/// make the decisions differ.
pub fn builder(attribute: &str) -> PolicyBuilder {
    let entries = parse(attribute);
    for (key, value) in &entries {
        let fits = match (checked_cors::rules::key(key).map(|k| k.kind), value) {
            (Some(KeyKind::Flag), Value::Flag) | (Some(KeyKind::Seconds), Value::Int(_)) => true,
            (Some(kind), Value::Any | Value::List(_)) => kind.is_list(),
            _ => false,
        };
        assert!(fits, "no builder call for {key} = {value:?}");
    }
    // Slot by slot, in key order: each key's value from every entry that names it.
    let items: Vec<Vec<&str>> = KEYS.iter().map(|key| items(&entries, key.name)).collect();
    let mut input = PolicyInput::new();
    for (key, items) in KEYS.iter().zip(&items) {
        let given: Vec<&Value> = entries
            .iter()
            .filter(|(k, _)| k == key.name)
            .map(|(_, value)| value)
            .collect();
        let value = match given.last() {
            None => continue,
            Some(Value::Flag) => rules::Value::On,
            Some(Value::Int(seconds)) => rules::Value::Seconds(*seconds),
            Some(_) if given.iter().any(|v| matches!(v, Value::Any)) => rules::Value::Any,
            Some(_) => rules::Value::Items(items),
        };
        input.set(key.id, value);
    }
    PolicyBuilder::from_input(&input)
}

/// The entries of the list `key`, in order (the entries of every `key = [...]` if repeated).
fn items<'a>(entries: &'a [(String, Value)], key: &str) -> Vec<&'a str> {
    entries
        .iter()
        .filter(|(k, _)| k == key)
        .flat_map(|(_, value)| match value {
            Value::List(items) => items.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attribute_parser_reads_every_form_the_cases_use() {
        let entries = parse(
            r#"origins = ["a\"b", "*"], methods = [GET, "X"], headers = "*", credentials, max_age = -5"#,
        );
        let shown: Vec<String> = entries.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        assert_eq!(
            shown,
            [
                r#"origins=List(["a\"b", "*"])"#,
                r#"methods=List(["GET", "X"])"#,
                "headers=Any",
                "credentials=Flag",
                "max_age=Int(-5)",
            ]
        );
        // As `stringify!` writes a negative number.
        assert!(matches!(parse("max_age = - 5")[..], [(_, Value::Int(-5))]));
    }
}
