//! Formatted source for the build-script and CLI path: exactly what prettyplease prints for the
//! generator's tokens, without parsing every endpoint's tokens back into a syntax tree.
//!
//! Parsing the generated tokens into a `syn::File` and printing it was most of the time spent on
//! a large config (for 1,000 endpoints, ~80% of ~500 ms). Endpoint structs differ only in a few
//! values, so each *shape* of endpoint is formatted once, by prettyplease, with placeholder values,
//! and the text is split into a [`Template`] that the real values fill in:
//!
//! - values that cannot move a line break are substituted whatever their length: the name, URL
//!   and region (string literals after `= `, where prettyplease never breaks, or the single
//!   argument of a call that is always broken because its first line alone is over the margin)
//!   and the config's file name (in `///` lines, which are never wrapped);
//! - values whose length can move a line break are part of the [`Shape`]: the API key in the
//!   constructors, by exact printed length, and the struct's identifier, by exact length when it
//!   is longer than [`SHORT_IDENT`] bytes (all shorter ones print alike).
//!
//! A template is only used after it has reproduced prettyplease's own output for a second set of
//! values of other lengths; a shape whose template does not (and an endpoint whose doc comment
//! would not print as a `///` line) is formatted by prettyplease itself. The tests compare both
//! paths on every fixture config and on every length of every value up to long ones.

use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};

use crate::generate::{EndpointItem, endpoint_struct};
use crate::model::{AuthorizationType, Endpoint, EndpointKind};

/// Identifiers up to this many bytes print alike in every shape (checked for every length by
/// `tests::identifier_lengths`): the longest fixed line they sit in is
/// `impl ::core::default::Default for X {` (36 bytes + X, margin 89). The struct has a named
/// field rather than a tuple field so that its first line, `pub struct X {`, is short too.
pub(crate) const SHORT_IDENT: usize = 48;

/// Formats `tokens` (items) as prettyplease does; the raw tokens if they do not parse as a file,
/// which the generator's items always do.
pub(crate) fn unparse(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}

/// What decides how an endpoint struct is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Shape {
    mode: AuthorizationType,
    region: bool,
    /// Printed length of the API-key literal (quotes and escapes included), for `API_KEY`
    /// endpoints with a key.
    key_len: Option<usize>,
    /// Length of the identifier when it is longer than [`SHORT_IDENT`].
    long_ident: Option<usize>,
}

/// A place in a template that a value fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// The struct's identifier.
    Ident,
    /// The name as a string literal (`NAME`).
    NameLit,
    /// The name as written, in a doc comment.
    NameDoc,
    /// The URL as a string literal.
    UrlLit,
    /// The region as a string literal.
    RegionLit,
    /// The API key as a string literal.
    KeyLit,
    /// The config's file name as written, in a doc comment.
    FileDoc,
}

#[derive(Debug)]
enum Piece {
    Text(String),
    Value(Slot),
}

/// One shape's formatted text, cut at the values.
#[derive(Debug)]
struct Template(Vec<Piece>);

/// The values of one endpoint, as they are printed.
struct Values<'a> {
    ident: &'a str,
    name: &'a str,
    name_lit: String,
    url_lit: String,
    region_lit: String,
    key_lit: String,
    file: &'a str,
}

impl<'a> Values<'a> {
    fn of(file: &'a str, e: &'a Endpoint) -> Self {
        let lit = |s: &str| Literal::string(s).to_string();
        Values {
            ident: &e.type_name,
            name: &e.name,
            name_lit: lit(&e.name),
            url_lit: lit(&e.url),
            region_lit: e.region.as_deref().map(lit).unwrap_or_default(),
            key_lit: e.api_key.as_deref().map(lit).unwrap_or_default(),
            file,
        }
    }

    fn get(&self, slot: Slot) -> &str {
        match slot {
            Slot::Ident => self.ident,
            Slot::NameLit => &self.name_lit,
            Slot::NameDoc => self.name,
            Slot::UrlLit => &self.url_lit,
            Slot::RegionLit => &self.region_lit,
            Slot::KeyLit => &self.key_lit,
            Slot::FileDoc => self.file,
        }
    }
}

// Placeholders: none of these occur in the fixed text of an endpoint struct.
const NAME: &str = "@n@";
const URL: &str = "@u@";
const REGION: &str = "@r@";
const FILE: &str = "@f@";

impl Template {
    fn render(&self, values: &Values<'_>, out: &mut String) {
        for piece in &self.0 {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Value(slot) => out.push_str(values.get(*slot)),
            }
        }
    }

    /// Cuts `text` (an endpoint formatted with the placeholders, an identifier of `ident_len`
    /// `Z`s and an API key of `key_len` printed bytes) at the placeholders.
    fn cut(text: &str, ident_len: usize, key_len: Option<usize>) -> Template {
        let key = key_len.map(|n| format!("\"{}\"", "~".repeat(n.saturating_sub(2))));
        let markers: Vec<(String, Slot)> = [
            (format!("\"{NAME}\""), Slot::NameLit),
            (format!("\"{URL}\""), Slot::UrlLit),
            (format!("\"{REGION}\""), Slot::RegionLit),
            (NAME.to_owned(), Slot::NameDoc),
            (FILE.to_owned(), Slot::FileDoc),
        ]
        .into_iter()
        .chain(key.map(|k| (k, Slot::KeyLit)))
        .collect();
        let is_ident_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let bytes = text.as_bytes();
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let found = markers
                .iter()
                .find(|(m, _)| rest.starts_with(m.as_str()))
                .map(|(m, slot)| (m.len(), *slot))
                .or_else(|| {
                    let starts_word = i == 0 || !is_ident_byte(bytes[i - 1]);
                    let run = rest.bytes().take_while(|&b| is_ident_byte(b)).count();
                    (starts_word && run == ident_len && rest.bytes().take(run).all(|b| b == b'Z'))
                        .then_some((run, Slot::Ident))
                });
            match found {
                Some((len, slot)) => {
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Value(slot));
                    i += len;
                }
                None => {
                    let c = rest.chars().next().unwrap_or_default();
                    literal.push(c);
                    i += c.len_utf8().max(1);
                }
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Template(pieces)
    }
}

/// Formats endpoint structs, one template per shape.
#[derive(Debug, Default)]
pub(crate) struct Endpoints {
    /// `None`: the shape's template did not reproduce prettyplease, so its endpoints are
    /// formatted by prettyplease.
    templates: HashMap<Shape, Option<Template>>,
}

impl Endpoints {
    /// Appends the formatted struct of `endpoint` (from the config named `file`) to `out`.
    pub(crate) fn write(&mut self, file: &str, endpoint: &Endpoint, out: &mut String) {
        let values = Values::of(file, endpoint);
        let shape = Shape {
            mode: endpoint.authorization,
            region: endpoint.region.is_some(),
            key_len: match (endpoint.authorization, &endpoint.api_key) {
                (AuthorizationType::ApiKey, Some(_)) => Some(values.key_lit.len()),
                _ => None,
            },
            long_ident: (endpoint.type_name.len() > SHORT_IDENT).then_some(endpoint.type_name.len()),
        };
        // A doc comment with a line break is printed as `/** */` or `#[doc]`, not `///`.
        let one_line_docs = !endpoint.name.contains('\n') && !file.contains('\n');
        let template = one_line_docs
            .then(|| {
                self.templates
                    .entry(shape)
                    .or_insert_with(|| Template::verified(shape))
                    .as_ref()
            })
            .flatten();
        match template {
            Some(template) => template.render(&values, out),
            None => out.push_str(&unparse(endpoint_tokens(file, endpoint))),
        }
    }
}

impl Template {
    /// The template of `shape`, if it reproduces prettyplease's output for values of other
    /// lengths than its placeholders.
    fn verified(shape: Shape) -> Option<Template> {
        let ident_len = shape.long_ident.unwrap_or(SHORT_IDENT);
        let key_len = shape.key_len;
        let key = |c: &str| key_len.map(|n| c.repeat(n.saturating_sub(2)));
        let placeholder = sample(shape, &"Z".repeat(ident_len), NAME, URL, REGION, key("~"));
        let template = Template::cut(&unparse(endpoint_tokens(FILE, &placeholder)), ident_len, key_len);
        // Other lengths: an identifier as short (or, when the length is the shape, as long) as
        // it gets, a one-letter name and file, a long URL and region, another key of its length.
        let check_ident = if shape.long_ident.is_some() {
            "Y".repeat(ident_len)
        } else {
            "Y".to_owned()
        };
        let long_url = format!("https://{}.example.com/{}", "u".repeat(120), "stage/".repeat(20));
        let check = sample(shape, &check_ident, "x", &long_url, &"r".repeat(40), key("^"));
        let mut rendered = String::new();
        template.render(&Values::of("f", &check), &mut rendered);
        (rendered == unparse(endpoint_tokens("f", &check))).then_some(template)
    }
}

/// An endpoint of `shape` with the given values.
fn sample(shape: Shape, ident: &str, name: &str, url: &str, region: &str, key: Option<String>) -> Endpoint {
    Endpoint {
        name: name.to_owned(),
        type_name: ident.to_owned(),
        kind: EndpointKind::Rest,
        url: url.to_owned(),
        region: shape.region.then(|| region.to_owned()),
        authorization: shape.mode,
        api_key: key,
        path: String::new(),
    }
}

/// The tokens of `e`'s struct, as the build-script path emits it.
fn endpoint_tokens(file: &str, e: &Endpoint) -> TokenStream {
    endpoint_struct(file, &EndpointItem::public(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODES: [AuthorizationType; 5] = [
        AuthorizationType::AwsIam,
        AuthorizationType::ApiKey,
        AuthorizationType::AmazonCognitoUserPools,
        AuthorizationType::OpenIdConnect,
        AuthorizationType::None,
    ];

    fn by_prettyplease(file: &str, e: &Endpoint) -> String {
        unparse(endpoint_tokens(file, e))
    }

    fn endpoint(mode: AuthorizationType, region: bool, key: Option<&str>) -> Endpoint {
        let shape = Shape {
            mode,
            region,
            key_len: None,
            long_ident: None,
        };
        let url = "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/dev";
        sample(
            shape,
            "PetsApi",
            "petsApi",
            url,
            "us-west-2",
            key.map(str::to_owned),
        )
    }

    /// Every shape: the modes, with and without region, API key or not.
    fn shapes() -> Vec<Endpoint> {
        let mut all = Vec::new();
        for mode in MODES {
            for region in [true, false] {
                all.push(endpoint(mode, region, None));
                if mode == AuthorizationType::ApiKey {
                    all.push(endpoint(mode, region, Some("da2-abcdefghijklmnopqrstuvwxyz")));
                }
            }
        }
        all
    }

    /// Whether `endpoints` (whose templates are reused across calls, as in a config) prints `e`
    /// as prettyplease does.
    fn same(endpoints: &mut Endpoints, file: &str, e: &Endpoint) {
        let mut template = String::new();
        endpoints.write(file, e, &mut template);
        let expected = by_prettyplease(file, e);
        assert!(
            template == expected,
            "{e:?} from {file}\n--- template ---\n{template}\n--- prettyplease ---\n{expected}"
        );
    }

    #[test]
    fn every_shape_is_templated_and_matches() {
        let mut endpoints = Endpoints::default();
        for e in shapes() {
            let shape = Shape {
                mode: e.authorization,
                region: e.region.is_some(),
                key_len: e.api_key.as_deref().map(|k| Literal::string(k).to_string().len()),
                long_ident: None,
            };
            assert!(Template::verified(shape).is_some(), "{shape:?} has no template");
            same(&mut endpoints, "amplifyconfiguration.json", &e);
        }
    }

    #[test]
    fn identifier_lengths() {
        let mut endpoints = Endpoints::default();
        // Every length up to well past where lines start to break (~53 bytes).
        for e in shapes() {
            for len in 1..=80 {
                let mut e = e.clone();
                e.type_name = format!("A{}", "b".repeat(len - 1));
                same(&mut endpoints, "c.json", &e);
            }
        }
    }

    #[test]
    fn name_url_region_and_file_lengths() {
        let mut endpoints = Endpoints::default();
        for base in shapes() {
            for len in 0..=200 {
                let s = "q".repeat(len);
                let mut e = base.clone();
                e.name = s.clone();
                same(&mut endpoints, "c.json", &e);
                e = base.clone();
                e.url = format!("https://{s}");
                same(&mut endpoints, "c.json", &e);
                e = base.clone();
                e.region = e.region.map(|_| s.clone());
                same(&mut endpoints, "c.json", &e);
                same(&mut endpoints, &format!("dir/{s}.json"), &base);
            }
        }
    }

    #[test]
    fn api_key_lengths_and_escapes() {
        let mut endpoints = Endpoints::default();
        for region in [true, false] {
            for len in 0..=160 {
                same(
                    &mut endpoints,
                    "c.json",
                    &endpoint(AuthorizationType::ApiKey, region, Some(&"k".repeat(len))),
                );
            }
            for key in ["", "\"quoted\"", "tab\there", "back\\slash", "é-ü-✓", "~~", "@n@"] {
                same(
                    &mut endpoints,
                    "c.json",
                    &endpoint(AuthorizationType::ApiKey, region, Some(key)),
                );
            }
        }
    }

    #[test]
    fn values_that_look_like_placeholders_or_need_escapes() {
        let mut endpoints = Endpoints::default();
        for base in shapes() {
            for s in [
                "@n@",
                "@u@",
                "\"@r@\"",
                "@f@",
                "ZZZZ",
                "a\"b",
                "tab\t",
                "é✓",
                "/leading",
                "trailing ",
            ] {
                let mut e = base.clone();
                e.name = s.to_owned();
                e.url = format!("https://x/{s}");
                e.region = e.region.map(|_| s.to_owned());
                same(&mut endpoints, s, &e);
            }
            let mut e = base.clone();
            e.name = "two\nlines".to_owned();
            same(&mut endpoints, "dir/with\nnewline.json", &e);
        }
    }

    #[test]
    fn fixtures_match_prettyplease_of_the_whole_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/configs");
        let generator = crate::Generator::new();
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            let name = format!(
                "fixtures/configs/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            let config = generator.load(&path, &name).expect("fixture loads");
            let header_len = generator.source(&config).find('\n').map_or(0, |n| n + 1);
            let expected = unparse(generator.tokens(&config));
            assert_eq!(generator.source(&config)[header_len..], expected, "{name}");
            checked += 1;
        }
        assert!(checked >= 6, "only {checked} fixtures");
    }

    #[test]
    fn placeholder_text_does_not_occur_in_the_fixed_text() {
        for e in shapes() {
            let text = by_prettyplease("c.json", &e);
            for p in [NAME, URL, REGION, FILE, "~"] {
                assert!(!text.contains(p), "{p} in\n{text}");
            }
            let words = text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
            assert!(
                words
                    .filter(|w| !w.is_empty())
                    .all(|w| w.bytes().any(|b| b != b'Z')),
                "{text}"
            );
        }
    }
}
