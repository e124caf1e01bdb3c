//! `#[cors(...)]` tokens -> [`Attr`], a typed policy that keeps the span of every token it came from.
//!
//! The parser works on token trees rather than on a `syn` grammar so that it can recover after a
//! malformed entry (skip to the next top-level `,`) and report every mistake in one pass; it never
//! panics, whatever the tokens.

use crate::env::EnvList;
use crate::errors::{with_help, Errors};
use checked_cors_rules::{Key, KeyId, KeyKind, KEYS, KEY_COUNT};
use proc_macro2::{Delimiter, Group, Ident, Punct, Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Lit, LitStr, Meta};

/// The contents of `#[cors(...)]`: one slot per key, at the key's position in `KEYS`. A key whose
/// value could not be read is present with `value: None`, so that it is neither reported missing
/// nor checked further.
pub(crate) struct Attr {
    /// The `cors` of `#[cors(...)]`: where errors about the attribute as a whole point.
    pub span: Span,
    slots: [Option<Entry>; KEY_COUNT],
}

/// `key = value`, or a flag.
pub(crate) struct Entry {
    pub key: Ident,
    pub value: Option<Value>,
}

/// A key's value as written, with the tokens it came from.
pub(crate) enum Value {
    /// `"*"`.
    Any(LitStr),
    /// `["a", "b"]`, or `[GET, "PURGE"]` for methods.
    Items(List<Item>),
    /// `env("NAME")` (for a key that takes it): a comma-separated list read from the environment
    /// while compiling.
    Env(EnvList),
    /// `max_age = 600` (or `-5`, which validation refuses).
    Seconds(Seconds),
    /// A flag, given.
    On,
}

/// `[a, b, c]`: the entries that could be read, in order.
pub(crate) struct List<T> {
    /// The brackets, for errors about the list as a whole (`[]`).
    pub span: Span,
    pub items: Vec<T>,
    /// False if some entry could not be read (and was reported): the list is then not judged whole.
    pub complete: bool,
}

/// An entry of a list.
pub(crate) enum Item {
    /// `GET`: a standard method written as an identifier (methods only).
    Ident(Ident),
    /// `"PURGE"`, `"https://app.example.com"`.
    Str(LitStr),
}

impl Item {
    pub(crate) fn name(&self) -> String {
        match self {
            Item::Ident(ident) => unraw(ident),
            Item::Str(lit) => lit.value(),
        }
    }

    pub(crate) fn span(&self) -> Span {
        match self {
            Item::Ident(ident) => ident.span(),
            Item::Str(lit) => lit.span(),
        }
    }
}

/// `600` (or `-5`, which validation refuses).
pub(crate) struct Seconds {
    pub seconds: i64,
    /// The value's tokens (`-` and the literal), for a span covering both.
    pub tokens: TokenStream,
}

impl Attr {
    fn empty(span: Span) -> Self {
        Attr {
            span,
            slots: std::array::from_fn(|_| None),
        }
    }

    /// The entry of `key`, if it was given.
    pub(crate) fn get(&self, key: KeyId) -> Option<&Entry> {
        self.slots[key.index()].as_ref()
    }

    /// The value of `key`, if it was given and could be read.
    pub(crate) fn value(&self, key: KeyId) -> Option<&Value> {
        self.get(key)?.value.as_ref()
    }

    /// Every key given, in key order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (KeyId, &Entry)> {
        KEYS.iter()
            .zip(&self.slots)
            .filter_map(|(key, slot)| Some((key.id, slot.as_ref()?)))
    }

    fn set(&mut self, key: &Key, ident: Ident, value: Option<Value>) {
        self.slots[key.id.index()] = Some(Entry { key: ident, value });
    }
}

/// Finds and reads the one `#[cors(...)]` of the derive input. Always returns an `Attr` (empty when
/// there is none) so that validation can still run and report its own findings.
pub(crate) fn parse_input(input: &DeriveInput, errors: &mut Errors) -> Attr {
    if let Data::Union(data) = &input.data {
        errors.at(
            data.union_token.span,
            with_help(
                "`#[derive(Cors)]` is for structs and enums, not unions",
                "the policy does not depend on the fields: derive it on a unit struct such as `struct Api;`",
            ),
        );
    }
    check_misplaced(input, errors);
    let mut attrs = input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cors"));
    let Some(attr) = attrs.next() else {
        errors.at(
            input.ident.span(),
            with_help(
                "missing `#[cors(...)]` attribute",
                "add the policy below `#[derive(Cors)]`, as in `#[cors(origins = [\"https://app.example.com\"])]`",
            ),
        );
        return Attr::empty(input.ident.span());
    };
    for extra in attrs {
        errors.at(
            extra.path().span(),
            with_help(
                "`#[cors(...)]` is given more than once",
                "put every key in one `#[cors(...)]`",
            ),
        );
    }
    let span = attr.path().span();
    match &attr.meta {
        Meta::List(list) => parse_attr_tokens(list.tokens.clone(), span, errors),
        _ => {
            errors.spanned(
                attr,
                with_help(
                    "expected `#[cors(...)]`",
                    "write the policy in parentheses, as in `#[cors(origins = [\"https://app.example.com\"])]`",
                ),
            );
            Attr::empty(span)
        }
    }
}

/// `#[cors]` is a helper attribute of the derive, so rustc accepts it on fields and variants too;
/// there it would be silently ignored.
fn check_misplaced(input: &DeriveInput, errors: &mut Errors) {
    let fields: Vec<&Fields> = match &input.data {
        Data::Struct(data) => vec![&data.fields],
        Data::Enum(data) => {
            for variant in &data.variants {
                report_misplaced(&variant.attrs, "a variant", errors);
            }
            data.variants.iter().map(|v| &v.fields).collect()
        }
        Data::Union(data) => {
            for field in &data.fields.named {
                report_misplaced(&field.attrs, "a field", errors);
            }
            Vec::new()
        }
    };
    for field in fields.into_iter().flatten() {
        report_misplaced(&field.attrs, "a field", errors);
    }
}

fn report_misplaced(attrs: &[syn::Attribute], place: &str, errors: &mut Errors) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("cors")) {
        errors.spanned(
            attr,
            with_help(
                format!("`#[cors(...)]` belongs on the type, not on {place}"),
                "move it below `#[derive(Cors)]`",
            ),
        );
    }
}

/// The attribute parser as a plain function over tokens: the contents of `#[cors(...)]`, all errors
/// combined.
#[cfg(test)]
pub(crate) fn parse_attr(tokens: TokenStream) -> Result<Attr, syn::Error> {
    let mut errors = Errors::default();
    let attr = parse_attr_tokens(tokens, Span::call_site(), &mut errors);
    errors.finish().map(|()| attr)
}

/// Reads the contents of `#[cors(...)]`, reporting every malformed entry and going on with the next.
pub(crate) fn parse_attr_tokens(tokens: TokenStream, span: Span, errors: &mut Errors) -> Attr {
    let mut attr = Attr::empty(span);
    let tokens = flatten(tokens);
    let (entries, _) = split_commas(&tokens, errors);
    let mut misspelt_origins = false;
    for entry in entries {
        misspelt_origins |= parse_entry(entry, &mut attr, errors) == Some("origins");
    }
    // `orgins = [...]` is already reported with its fix; "missing `origins`" would only repeat it.
    if attr.get(KeyId::Origins).is_none() && !misspelt_origins {
        errors.at(
            span,
            with_help(
                "missing `origins`: the policy must say which origins it allows",
                "add `origins = [\"https://app.example.com\"]`, or `origins = \"*\"` to allow every origin",
            ),
        );
    }
    attr
}

/// One `key`, `key = value`, or a mistake. Returns the key an unknown key was taken for, if any.
fn parse_entry(tokens: &[TokenTree], attr: &mut Attr, errors: &mut Errors) -> Option<&'static str> {
    let Some(TokenTree::Ident(key)) = tokens.first() else {
        errors.spanned(
            stream(tokens),
            with_help(
                "expected a key",
                "write `key = value` or a flag, as in `origins = [\"https://app.example.com\"], credentials`",
            ),
        );
        return None;
    };
    // Read `max-age` whole, so that the suggestion can be `max_age`.
    let mut name = unraw(key);
    let mut len = 1;
    while let [TokenTree::Punct(dash), TokenTree::Ident(next), ..] = &tokens[len..] {
        if dash.as_char() != '-' {
            break;
        }
        name.push('-');
        name.push_str(&unraw(next));
        len += 2;
    }
    let Some(known) = checked_cors_rules::key(&name) else {
        errors.spanned(
            stream(&tokens[..len]),
            checked_cors_rules::unknown_key(&name),
        );
        return checked_cors_rules::suggest_key(&name);
    };
    if attr.get(known.id).is_some() {
        errors.at(
            key.span(),
            with_help(
                format!("duplicate key `{}`", known.name),
                "remove one of them: each key is given once",
            ),
        );
        return None;
    }
    let value = match &tokens[len..] {
        [] => None,
        [TokenTree::Punct(eq), value @ ..] if eq.as_char() == '=' => Some((eq, value)),
        [other, ..] => {
            let expected = if is_flag(known) { "`,`" } else { "`=`" };
            errors.at(
                other.span(),
                format!("expected {expected} after `{}`", known.name),
            );
            set_malformed(attr, key, known);
            return None;
        }
    };
    let value = value.map(|(eq, value)| (eq, missing_comma(known, value, errors)));
    let key = key.clone();
    let name = known.name;
    match (known.kind, value) {
        (KeyKind::Flag, None) => attr.set(known, key, Some(Value::On)),
        (KeyKind::Flag, Some((eq, value))) => {
            let mut tokens: TokenStream = std::iter::once(TokenTree::Punct(eq.clone())).collect();
            tokens.extend(stream(value));
            errors.spanned(
                tokens,
                with_help(
                    format!("`{name}` is a flag and takes no value"),
                    format!("write `{name}` alone to turn it on, or remove it to leave it off"),
                ),
            );
            // `credentials = false` most likely meant "off": do not judge the policy as if it were on.
            if !matches!(value, [TokenTree::Ident(v)] if v == "false") {
                attr.set(known, key, Some(Value::On));
            }
        }
        (_, None) => {
            errors.at(
                key.span(),
                with_help(
                    format!("`{name}` needs a value"),
                    format!("write `{name} = {}`", known.example),
                ),
            );
            set_malformed(attr, &key, known);
        }
        (KeyKind::Origins | KeyKind::HeaderNames, Some((eq, value))) => {
            let value = parse_str_list(known, eq, value, errors);
            attr.set(known, key, value);
        }
        (KeyKind::Methods, Some((eq, value))) => {
            let value = parse_methods(known, eq, value, errors);
            attr.set(known, key, value);
        }
        (KeyKind::Seconds, Some((eq, value))) => {
            let value = parse_seconds(known, eq, value, errors);
            attr.set(known, key, value);
        }
    }
    None
}

/// A complete value followed by more tokens is most likely a missing `,` before the next key:
/// reports that, and returns the value alone.
fn missing_comma<'a>(key: &Key, value: &'a [TokenTree], errors: &mut Errors) -> &'a [TokenTree] {
    let len = match value {
        [TokenTree::Punct(minus), TokenTree::Literal(_), ..] if minus.as_char() == '-' => 2,
        [TokenTree::Literal(_) | TokenTree::Group(_), ..] => 1,
        _ => return value,
    };
    if value.len() <= len || is_flag(key) {
        return value;
    }
    errors.at(
        value[len].span(),
        with_help(
            format!("expected `,` after the value of `{}`", key.name),
            "separate the keys with `,`",
        ),
    );
    &value[..len]
}

fn is_flag(key: &Key) -> bool {
    key.kind == KeyKind::Flag
}

/// Marks `key` as given but unreadable (already reported); a flag is on all the same.
fn set_malformed(attr: &mut Attr, ident: &Ident, key: &Key) {
    let value = is_flag(key).then_some(Value::On);
    attr.set(key, ident.clone(), value);
}

/// `key = example`, from the key table.
fn example(key: &Key) -> String {
    format!("{} = {}", key.name, key.example)
}

/// `"*"` or a list of strings, or `env("NAME")` for a key that takes it.
fn parse_str_list(
    key: &Key,
    eq: &Punct,
    value: &[TokenTree],
    errors: &mut Errors,
) -> Option<Value> {
    let name = key.name;
    match value {
        [] => {
            errors.at(
                eq.span(),
                with_help(
                    "expected a value after `=`",
                    format!("write `{}`", example(key)),
                ),
            );
            None
        }
        [TokenTree::Group(group)] if group.delimiter() == Delimiter::Bracket => {
            let expected = with_help("expected a string", format!("write `{}`", example(key)));
            let list = parse_list(group, &expected, errors, |tokens| match tokens {
                [TokenTree::Literal(lit)] => str_lit(lit).map(Item::Str),
                _ => None,
            });
            Some(Value::Items(list))
        }
        [TokenTree::Literal(lit)] if str_lit(lit).is_some() => {
            let lit = str_lit(lit)?;
            if lit.value() == "*" {
                return Some(Value::Any(lit));
            }
            errors.at(
                lit.span(),
                with_help(
                    format!("`{name}` takes `\"*\"` or a list, even of one entry"),
                    format!("write `{name} = [{}]`", lit.token()),
                ),
            );
            let span = lit.span();
            Some(Value::Items(List {
                span,
                items: vec![Item::Str(lit)],
                complete: true,
            }))
        }
        [TokenTree::Ident(env), TokenTree::Group(args)]
            if env == "env" && args.delimiter() == Delimiter::Parenthesis =>
        {
            if !key.env {
                let takers: Vec<String> = KEYS
                    .iter()
                    .filter(|k| k.env)
                    .map(|k| format!("`{}`", k.name))
                    .collect();
                errors.spanned(
                    stream(value),
                    with_help(
                        format!("`{name}` cannot be read from the environment"),
                        format!(
                            "write `{}`: only {} takes `env(\"...\")`",
                            example(key),
                            takers.join(", ")
                        ),
                    ),
                );
                return None;
            }
            parse_env(args, errors).map(Value::Env)
        }
        _ => {
            errors.spanned(
                stream(value),
                with_help(
                    "expected `\"*\"` or a list of strings",
                    format!("write `{}`, or `{name} = \"*\"` to allow any", example(key)),
                ),
            );
            None
        }
    }
}

/// The `("NAME")` of `origins = env("NAME")`, then the variable itself, read now.
fn parse_env(args: &Group, errors: &mut Errors) -> Option<EnvList> {
    let tokens = flatten(args.stream());
    let name = match tokens.as_slice() {
        [TokenTree::Literal(lit)] => str_lit(lit),
        [TokenTree::Literal(lit), TokenTree::Punct(comma)] if comma.as_char() == ',' => {
            str_lit(lit)
        }
        _ => None,
    };
    let Some(name) = name else {
        errors.at(
            args.span(),
            with_help(
                "expected the name of an environment variable",
                "write `origins = env(\"APP_CORS_ORIGINS\")`",
            ),
        );
        return None;
    };
    if !crate::env::is_valid_name(&name.value()) {
        errors.at(
            name.span(),
            with_help(
                "this is not the name of an environment variable",
                "write a name without `=`, as in `env(\"APP_CORS_ORIGINS\")`",
            ),
        );
        return None;
    }
    Some(crate::env::read(name, errors))
}

/// `[GET, "PURGE"]` or `"*"`.
fn parse_methods(key: &Key, eq: &Punct, value: &[TokenTree], errors: &mut Errors) -> Option<Value> {
    match value {
        [TokenTree::Literal(lit)] if str_lit(lit).is_some_and(|s| s.value() == "*") => {
            str_lit(lit).map(Value::Any)
        }
        [TokenTree::Group(group)] if group.delimiter() == Delimiter::Bracket => {
            let expected = with_help(
                "expected a method",
                "write a standard method as an identifier (`GET`) and any other as a string (`\"PURGE\"`)",
            );
            Some(Value::Items(parse_list(
                group,
                &expected,
                errors,
                |tokens| match tokens {
                    [TokenTree::Ident(ident)] => Some(Item::Ident(ident.clone())),
                    [TokenTree::Literal(lit)] => str_lit(lit).map(Item::Str),
                    _ => None,
                },
            )))
        }
        [] => {
            errors.at(
                eq.span(),
                with_help(
                    "expected a value after `=`",
                    format!("write `{}`", example(key)),
                ),
            );
            None
        }
        _ => {
            errors.spanned(
                stream(value),
                with_help(
                    "expected a list of methods",
                    format!(
                        "write `{}`, or `{} = \"*\"` to allow any",
                        example(key),
                        key.name
                    ),
                ),
            );
            None
        }
    }
}

/// `[a, b, c]` with `item` reading one entry. An entry it cannot read is reported with `expected`
/// and left out, and the list is marked incomplete.
fn parse_list<T>(
    group: &Group,
    expected: &str,
    errors: &mut Errors,
    item: impl Fn(&[TokenTree]) -> Option<T>,
) -> List<T> {
    let tokens = flatten(group.stream());
    let (entries, mut complete) = split_commas(&tokens, errors);
    let mut items = Vec::new();
    for entry in entries {
        match item(entry) {
            Some(value) => items.push(value),
            None => {
                errors.spanned(stream(entry), expected);
                complete = false;
            }
        }
    }
    List {
        span: group.span(),
        items,
        complete,
    }
}

fn str_lit(lit: &proc_macro2::Literal) -> Option<LitStr> {
    match Lit::new(lit.clone()) {
        Lit::Str(s) if s.suffix().is_empty() => Some(s),
        _ => None,
    }
}

/// `600`, or `-5` (two tokens), read as whole seconds. Values beyond `i64` saturate, which the
/// range rule then refuses like any other too-large value.
fn parse_seconds(key: &Key, eq: &Punct, value: &[TokenTree], errors: &mut Errors) -> Option<Value> {
    let (minus, lit) = match value {
        [TokenTree::Literal(lit)] => (false, lit),
        [TokenTree::Punct(p), TokenTree::Literal(lit)] if p.as_char() == '-' => (true, lit),
        [] => {
            errors.at(
                eq.span(),
                with_help(
                    "expected a value after `=`",
                    format!("write `{}`", example(key)),
                ),
            );
            return None;
        }
        _ => {
            errors.spanned(stream(value), seconds_error(key));
            return None;
        }
    };
    let Lit::Int(int) = Lit::new(lit.clone()) else {
        errors.spanned(stream(value), seconds_error(key));
        return None;
    };
    if !int.suffix().is_empty() {
        errors.spanned(stream(value), seconds_error(key));
        return None;
    }
    let digits = int.base10_digits();
    let magnitude: i64 = digits.trim_start_matches('-').parse().unwrap_or(i64::MAX);
    let negative = minus != digits.starts_with('-');
    let seconds = if negative { -magnitude } else { magnitude };
    Some(Value::Seconds(Seconds {
        seconds,
        tokens: stream(value),
    }))
}

fn seconds_error(key: &Key) -> String {
    with_help(
        format!("`{}` is a whole number of seconds", key.name),
        format!("write an integer without suffix, as in `{}`", example(key)),
    )
}

/// The token trees of `tokens`, with the invisible groups of `macro_rules!` fragments opened.
fn flatten(tokens: TokenStream) -> Vec<TokenTree> {
    let mut out = Vec::new();
    let mut stack = vec![tokens.into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            None => {
                stack.pop();
            }
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::None => {
                stack.push(group.stream().into_iter());
            }
            Some(tree) => out.push(tree),
        }
    }
    out
}

/// Splits at top-level commas, allowing one trailing comma. Reports (and skips) empty entries and
/// returns whether there was none.
fn split_commas<'a>(tokens: &'a [TokenTree], errors: &mut Errors) -> (Vec<&'a [TokenTree]>, bool) {
    let mut parts = Vec::new();
    let mut clean = true;
    let mut start = 0;
    for (i, tree) in tokens.iter().enumerate() {
        if matches!(tree, TokenTree::Punct(p) if p.as_char() == ',') {
            if i == start {
                errors.at(tree.span(), with_help("unexpected `,`", "remove it"));
                clean = false;
            } else {
                parts.push(&tokens[start..i]);
            }
            start = i + 1;
        }
    }
    if start < tokens.len() {
        parts.push(&tokens[start..]);
    }
    (parts, clean)
}

fn stream(tokens: &[TokenTree]) -> TokenStream {
    tokens.iter().cloned().collect()
}

pub(crate) fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    match name.strip_prefix("r#") {
        Some(name) => name.to_owned(),
        None => name,
    }
}
