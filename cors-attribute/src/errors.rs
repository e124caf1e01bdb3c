//! Error collection: every stage reports into one `Errors` so that the user sees all mistakes at once.

use proc_macro2::Span;
use std::fmt::Display;

/// The errors found so far, combined into one `syn::Error` that renders as several diagnostics.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// An error at `span`.
    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// An error covering every token of `tokens` (a range, even on stable, through its first and last
    /// spans).
    pub(crate) fn spanned(&mut self, tokens: impl quote::ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        self.0.map_or(Ok(()), Err)
    }
}

/// A message followed by its remedy, rendered by rustc as an indented `help:` paragraph.
pub(crate) fn with_help(message: impl Display, help: impl Display) -> String {
    format!("{message}\n\nhelp: {help}")
}
