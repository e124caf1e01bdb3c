//! Policies written in Rust source: every type with `#[derive(Cors)]` or `#[cors(...)]`, checked
//! by `checked-cors-attribute`, the library `#[derive(Cors)]` itself runs, so that the errors are
//! the compiler's, message for message and token for token.

use std::fmt::Write;
use std::path::Path;

use checked_cors_attribute::CheckedAttribute;
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Attribute, DeriveInput, ItemEnum, ItemStruct, ItemUnion};

/// A type of the file that declares a policy, and what checking it gave.
pub struct Found {
    /// The type's name.
    pub name: String,
    /// The checked attribute, or every error the derive reports.
    pub result: Result<CheckedAttribute, syn::Error>,
}

/// Every policy of `source`, in the order they are written; the syntax error if `source` is not
/// Rust.
pub fn policies(source: &str) -> Result<Vec<Found>, syn::Error> {
    let file = syn::parse_file(source).map_err(|error| {
        // The lexer's own message ("cannot parse string into token stream") names no cause.
        match source.parse::<proc_macro2::TokenStream>() {
            Err(lex) => syn::Error::new(
                lex.span(),
                "this is not Rust: an unclosed delimiter, an unterminated string or comment, or a \
                 character Rust does not use",
            ),
            Ok(_) => error,
        }
    })?;
    let mut finder = Finder(Vec::new());
    finder.visit_file(&file);
    Ok(finder
        .0
        .into_iter()
        .map(|input| Found {
            name: input.ident.to_string(),
            result: checked_cors_attribute::parse_and_check(&input),
        })
        .collect())
}

/// Collects the types the derive would run on (`#[derive(Cors)]`) and those with a stray
/// `#[cors(...)]`, which rustc would refuse without the derive: both deserve a check. Items in
/// function bodies and inline modules are visited too.
struct Finder(Vec<DeriveInput>);

impl Finder {
    fn consider(&mut self, attrs: &[Attribute], input: impl FnOnce() -> DeriveInput) {
        if attrs
            .iter()
            .any(|attr| attr.path().is_ident("cors") || derives_cors(attr))
        {
            self.0.push(input());
        }
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item_struct(&mut self, item: &'ast ItemStruct) {
        self.consider(&item.attrs, || item.clone().into());
        visit::visit_item_struct(self, item);
    }

    fn visit_item_enum(&mut self, item: &'ast ItemEnum) {
        self.consider(&item.attrs, || item.clone().into());
        visit::visit_item_enum(self, item);
    }

    fn visit_item_union(&mut self, item: &'ast ItemUnion) {
        self.consider(&item.attrs, || item.clone().into());
        visit::visit_item_union(self, item);
    }
}

/// `#[derive(..., Cors, ...)]`, by any path ending in `Cors` (`checked_cors::Cors` too).
fn derives_cors(attr: &Attribute) -> bool {
    attr.path().is_ident("derive")
        && attr
            .parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .is_ok_and(|paths| {
                paths
                    .iter()
                    .any(|path| path.segments.last().is_some_and(|s| s.ident == "Cors"))
            })
}

/// Each error as `path:line:column: error: message`, as compilers and editors write a location,
/// then the rest of the message (the help) indented below it. Lines are 1-based and columns
/// 1-based in characters, as rustc counts them.
pub fn render(path: &Path, error: &syn::Error) -> String {
    let mut out = String::new();
    for error in error.clone() {
        let start = error.span().start();
        let message = error.to_string();
        let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
        let first = lines.next().unwrap_or_default();
        // Line 0: no location is known (proc-macro2 records none for some lexer errors).
        let _ = if start.line == 0 {
            writeln!(out, "{}: error: {first}", path.display())
        } else {
            writeln!(
                out,
                "{}:{}:{}: error: {first}",
                path.display(),
                start.line,
                start.column + 1
            )
        };
        for line in lines {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str) -> Vec<String> {
        policies(source)
            .unwrap()
            .into_iter()
            .map(|found| found.name)
            .collect()
    }

    #[test]
    fn every_derive_and_every_stray_attribute_is_found() {
        let source = r#"
            #[derive(Cors)] #[cors(origins = "*")] struct A;
            #[derive(Debug, checked_cors::Cors)] #[cors(origins = "*")] enum B { X }
            #[cors(origins = "*")] struct C;
            #[derive(Debug)] struct NotAPolicy;
            mod inner { #[derive(Cors)] struct D; }
            fn f() { #[derive(Cors)] #[cors(origins = "*")] struct E; }
        "#;
        assert_eq!(names(source), ["A", "B", "C", "D", "E"]);
        assert!(names("fn main() {}").is_empty());
    }

    #[test]
    fn a_lexer_error_says_what_is_wrong_where() {
        for (source, line, column) in [
            ("struct Api {\n", 1, 12),
            ("fn f() {\n    let x = \"abc; }\n", 2, 13),
        ] {
            let error = policies(source).err().expect("not Rust");
            assert_eq!(
                render(Path::new("a.rs"), &error),
                format!(
                    "a.rs:{line}:{column}: error: this is not Rust: an unclosed delimiter, an \
                     unterminated string or comment, or a character Rust does not use\n"
                ),
                "{source:?}"
            );
        }
    }

    #[test]
    fn an_error_is_rendered_at_its_token_with_its_help() {
        let source = "#[derive(Cors)]\n#[cors(origins = [\"https://a.com/\"])]\nstruct Api;\n";
        let found = policies(source).unwrap();
        let error = found[0].result.as_ref().unwrap_err();
        assert_eq!(
            render(Path::new("api.rs"), error),
            "api.rs:2:19: error: an origin has no trailing `/`, so this one would never match\n  \
             help: remove the trailing `/`\n"
        );
    }
}
