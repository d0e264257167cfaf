//! Typed routes: declarations read from Rust syntax, checked, and turned into `async` methods.
//!
//! A route is a bodiless method in an `impl` block of an endpoint struct, its HTTP method and
//! path template in an attribute:
//!
//! ```ignore
//! #[routes]
//! impl PetsApi {
//!     /// One pet.
//!     #[get("/pets/{id}", error = ApiError)]
//!     fn get_pet(id: u64) -> Pet;
//!     #[get("/pets")]
//!     fn list_pets(query: &ListQuery) -> Page<Pet>;
//!     #[post("/pets")]
//!     fn create_pet(body: &NewPet) -> Pet;
//!     #[delete("/pets/{id}")]
//!     fn delete_pet(id: u64);
//! }
//! ```
//!
//! Arguments are the path's `{parameters}` (by name, any `Display` type, each encoded as one
//! path segment), `query` (any `Serialize` value, encoded like `serde_urlencoded`) and `body`
//! (any `Serialize` value, sent as JSON). The return type is decoded from JSON, or is
//! `amplify_rest::Response` for the raw answer, or is left out to ignore the body. Methods are
//! `pub` unless given another visibility. The macro reads these from its module; a build
//! script gives the same text to [`crate::Generator::with_routes`].

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, ImplItem, Item, ItemImpl, LitStr, Pat, ReturnType, Type, Visibility};

use crate::error::{ConfigError, ConfigErrors, did_you_mean};
use crate::generate::EndpointItem;
use crate::json::Pos;

/// The HTTP methods a route may use, as attribute names.
const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// Attributes kept on the generated method as they are.
const PASSTHROUGH: [&str; 10] = [
    "doc",
    "cfg",
    "cfg_attr",
    "allow",
    "expect",
    "warn",
    "deny",
    "deprecated",
    "must_use",
    "inline",
];

/// Names a route may not take: the endpoint's own methods (and, through `Deref`, `Api`'s),
/// which a route of that name would hide.
const RESERVED: [&str; 17] = [
    "new",
    "builder",
    "api",
    "from_api",
    "with_auth",
    "request",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "spec",
    "base_url",
    "auth",
    "retry_policy",
    "clock_offset_millis",
];

/// The routes of one or more `impl` blocks, parsed and checked.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    routes: Vec<Route>,
}

/// One route: a method of an endpoint struct.
#[derive(Debug, Clone)]
struct Route {
    /// The endpoint struct (`PetsApi`), as written on the `impl`.
    endpoint: Ident,
    attrs: Vec<Attribute>,
    vis: Option<Visibility>,
    name: Ident,
    method: &'static str,
    path: String,
    /// The path template in pieces: literal text, or the argument of a `{parameter}`.
    pieces: Vec<Piece>,
    /// Every argument, in declaration order.
    args: Vec<(Ident, Type)>,
    query: Option<Ident>,
    body: Option<Ident>,
    output: Option<Type>,
    error: Option<Type>,
}

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Param(Ident),
}

/// Collects every error so one build shows all of them.
#[derive(Default)]
struct Errors {
    all: Option<syn::Error>,
    count: usize,
}

impl Errors {
    fn push(&mut self, e: syn::Error) {
        self.count += 1;
        match &mut self.all {
            Some(all) => all.combine(e),
            None => self.all = Some(e),
        }
    }

    fn add(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.all {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

impl Routes {
    /// Whether `item` is a `#[routes] impl` block (which the macro takes out of its module).
    pub fn is_routes_item(item: &Item) -> bool {
        matches!(item, Item::Impl(i) if i.attrs.iter().any(|a| a.path().is_ident("routes")))
    }

    /// Parses Rust source holding route `impl` blocks (with or without `#[routes]`), as a build
    /// script gives them to [`crate::Generator::with_routes`]. `use` items are allowed and
    /// ignored (the generated code sits where the user's `use`s are).
    pub fn parse_str(text: &str) -> syn::Result<Routes> {
        let file: syn::File = syn::parse_str(text)?;
        let mut errors = Errors::default();
        let mut impls = Vec::new();
        for item in file.items {
            match item {
                Item::Impl(i) => impls.push(i),
                Item::Use(_) => {}
                other => errors.add(
                    other.span(),
                    "expected route blocks: `impl PetsApi { #[get(\"/pets/{id}\")] fn get_pet(id: u64) -> Pet; }`",
                ),
            }
        }
        match Routes::from_impls(impls) {
            Ok(routes) => errors.finish(routes),
            Err(e) => {
                errors.push(e);
                errors.finish(Routes::default())
            }
        }
    }

    /// Parses and checks `impl` blocks of routes (a `#[routes]` attribute on them is ignored).
    /// Every problem is reported, each on the tokens it is about.
    pub fn from_impls(impls: impl IntoIterator<Item = ItemImpl>) -> syn::Result<Routes> {
        let mut errors = Errors::default();
        let mut routes: Vec<Route> = Vec::new();
        for block in impls {
            let Some(endpoint) = impl_target(&block, &mut errors) else {
                continue;
            };
            for item in block.items {
                match item {
                    ImplItem::Verbatim(tokens) => match syn::parse2::<Declaration>(tokens) {
                        Ok(decl) => {
                            if let Some(route) = decl.into_route(endpoint.clone(), &mut errors) {
                                routes.push(route);
                            }
                        }
                        Err(e) => errors.push(e),
                    },
                    ImplItem::Fn(f) => errors.add(
                        f.block.span(),
                        format!(
                            "a route has no body (it is generated): end it with `;`, like `fn {}(...) -> T;`",
                            f.sig.ident
                        ),
                    ),
                    other => errors.add(
                        other.span(),
                        "only routes go in a `#[routes]` impl: `#[get(\"/path\")] fn name(...) -> T;`",
                    ),
                }
            }
        }
        // Duplicates, per endpoint.
        let mut seen = HashSet::new();
        for r in &routes {
            if !seen.insert((r.endpoint.to_string(), r.name.to_string())) {
                errors.add(
                    r.name.span(),
                    format!("duplicate route `{}` on `{}`", r.name, r.endpoint),
                );
            }
        }
        errors.finish(Routes { routes })
    }

    /// Checks that every route is on one of `endpoints` (the endpoint structs generated).
    pub fn check_endpoints(&self, endpoints: &[String]) -> syn::Result<()> {
        let mut errors = Errors::default();
        let mut reported = Vec::new();
        for r in &self.routes {
            let name = r.endpoint.to_string();
            if endpoints.contains(&name) || reported.contains(&name) {
                continue;
            }
            let hint = match did_you_mean(&name, endpoints.iter().map(String::as_str)) {
                Some(s) => format!(" Did you mean `{s}`?"),
                None => String::new(),
            };
            let list = endpoints
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ");
            errors.add(
                r.endpoint.span(),
                format!("routes for `{name}`, which is not an endpoint struct here.{hint} Endpoints: {list}"),
            );
            reported.push(name);
        }
        errors.finish(())
    }

    /// Whether there are no routes.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// The generated methods: one `impl` block per endpoint, in declaration order.
    pub fn tokens(&self) -> TokenStream {
        let mut endpoints: Vec<&Ident> = Vec::new();
        for r in &self.routes {
            if !endpoints.iter().any(|e| **e == r.endpoint) {
                endpoints.push(&r.endpoint);
            }
        }
        let mut out = TokenStream::new();
        for endpoint in endpoints {
            let methods = self
                .routes
                .iter()
                .filter(|r| r.endpoint == *endpoint)
                .map(Route::tokens);
            out.extend(quote! {
                impl #endpoint {
                    #(#methods)*
                }
            });
        }
        out
    }
}

/// The endpoint struct an `impl` block is for.
fn impl_target(block: &ItemImpl, errors: &mut Errors) -> Option<Ident> {
    if let Some((path, _)) = &block.trait_ {
        errors.add(
            path.span(),
            "routes go in an inherent impl: `impl PetsApi { ... }`, not a trait impl",
        );
        return None;
    }
    if !block.generics.params.is_empty() {
        errors.add(block.generics.span(), "a routes impl takes no generics");
        return None;
    }
    for attr in &block.attrs {
        if !attr.path().is_ident("routes") {
            errors.add(
                attr.span(),
                "only `#[routes]` goes on a routes impl; document each route instead",
            );
        } else if !matches!(attr.meta, syn::Meta::Path(_)) {
            errors.add(attr.span(), "`#[routes]` takes no arguments");
        }
    }
    match &*block.self_ty {
        Type::Path(p) if p.qself.is_none() => match p.path.get_ident() {
            Some(ident) => Some(ident.clone()),
            None => {
                errors.add(
                    p.span(),
                    "expected the name of an endpoint struct of this module: `impl PetsApi`",
                );
                None
            }
        },
        other => {
            errors.add(
                other.span(),
                "expected the name of an endpoint struct of this module: `impl PetsApi`",
            );
            None
        }
    }
}

/// A bodiless method as written: attributes, visibility, signature, `;`.
struct Declaration {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: syn::Signature,
}

impl syn::parse::Parse for Declaration {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        if !input.peek(syn::Token![fn]) && !input.peek(syn::Token![async]) {
            return Err(
                input.error("only routes go in a `#[routes]` impl: `#[get(\"/path\")] fn name(...) -> T;`")
            );
        }
        let sig: syn::Signature = input.parse()?;
        input.parse::<syn::Token![;]>()?;
        Ok(Declaration { attrs, vis, sig })
    }
}

/// What the method attribute says: `#[get("/pets/{id}", error = ApiError)]`.
struct MethodAttr {
    method: &'static str,
    path: LitStr,
    error: Option<Type>,
}

fn parse_method_attr(attr: &Attribute, method: &'static str) -> syn::Result<MethodAttr> {
    let usage = format!("expected `#[{method}(\"/path/{{param}}\")]`, optionally with `error = ErrorType`");
    let syn::Meta::List(list) = &attr.meta else {
        return Err(syn::Error::new(attr.span(), usage));
    };
    list.parse_args_with(|input: syn::parse::ParseStream<'_>| {
        let path: LitStr = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), usage.clone()))?;
        let mut error = None;
        while !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            if key != "error" {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown route setting `{key}`; the one setting is `error = ErrorType`"),
                ));
            }
            input.parse::<syn::Token![=]>()?;
            error = Some(input.parse::<Type>()?);
        }
        Ok(MethodAttr { method, path, error })
    })
}

/// Splits a path template into text and `{parameter}` names (with the literal's span).
fn parse_template(lit: &LitStr) -> syn::Result<Vec<(bool, String)>> {
    let text = lit.value();
    let err = |m: String| syn::Error::new(lit.span(), m);
    if !text.starts_with('/') {
        return Err(err(format!("a route path starts with `/`: \"/{text}\"")));
    }
    if text.contains(['?', '#']) {
        return Err(err(
            "a route path has no `?` or `#`: put query parameters in a `query` argument".to_owned(),
        ));
    }
    let mut pieces = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                pieces.push((false, rest.to_owned()));
                break;
            }
            Some(i) if rest.as_bytes()[i] == b'}' => {
                return Err(err(format!("unmatched `}}` in the route path \"{text}\"")));
            }
            Some(i) => {
                if i > 0 {
                    pieces.push((false, rest[..i].to_owned()));
                }
                let after = &rest[i + 1..];
                let Some(end) = after.find('}') else {
                    return Err(err(format!("unclosed `{{` in the route path \"{text}\"")));
                };
                let name = &after[..end];
                let valid = !name.is_empty()
                    && !name.starts_with(|c: char| c.is_ascii_digit())
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    return Err(err(format!(
                        "`{{{name}}}` in the route path is not a parameter name; expected `{{identifier}}`"
                    )));
                }
                pieces.push((true, name.to_owned()));
                rest = &after[end + 1..];
            }
        }
    }
    Ok(pieces)
}

impl Declaration {
    fn into_route(self, endpoint: Ident, errors: &mut Errors) -> Option<Route> {
        let Declaration { attrs, vis, sig } = self;
        let name = sig.ident.clone();
        let before = errors.count;

        // Attributes: one HTTP method, the rest kept.
        let mut kept = Vec::new();
        let mut method: Option<MethodAttr> = None;
        for attr in attrs {
            let Some(ident) = attr.path().get_ident().map(ToString::to_string) else {
                kept.push(attr);
                continue;
            };
            if PASSTHROUGH.contains(&ident.as_str()) {
                kept.push(attr);
                continue;
            }
            let Some(m) = METHODS.iter().find(|m| **m == ident) else {
                let hint = did_you_mean(&ident.to_lowercase(), METHODS)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                errors.add(
                    attr.path().span(),
                    format!(
                        "unknown HTTP method `{ident}`: expected `get`, `post`, `put`, `patch`, `delete`, \
                         `head` or `options`{hint}"
                    ),
                );
                continue;
            };
            if method.is_some() {
                errors.add(
                    attr.path().span(),
                    format!("route `{name}` has more than one HTTP method"),
                );
                continue;
            }
            match parse_method_attr(&attr, m) {
                Ok(a) => method = Some(a),
                Err(e) => errors.push(e),
            }
        }
        let Some(method) = method else {
            if errors.count == before {
                errors.add(
                    name.span(),
                    format!("route `{name}` needs an HTTP method: `#[get(\"/path\")] fn {name}(...) -> T;`"),
                );
            }
            return None;
        };

        // The signature: a plain (optionally async) fn, optionally with `&self`.
        if sig.constness.is_some()
            || !matches!(sig.safety, syn::Safety::Default)
            || sig.abi.is_some()
            || sig.variadic.is_some()
        {
            errors.add(
                sig.fn_token.span(),
                "a route is a plain `fn name(args) -> T;` (it is generated as `async`)".to_owned(),
            );
        }
        if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
            errors.add(
                sig.generics.span(),
                format!("route `{name}` cannot be generic: name the types"),
            );
        }
        if RESERVED.contains(&name.to_string().as_str()) {
            errors.add(
                name.span(),
                format!("a route named `{name}` would hide the endpoint's own `{name}`; choose another name"),
            );
        }

        let template = match parse_template(&method.path) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let params: Vec<&str> = template
            .iter()
            .flatten()
            .filter(|(is_param, _)| *is_param)
            .map(|(_, n)| n.as_str())
            .collect();

        let mut args: Vec<(Ident, Type)> = Vec::new();
        let mut query = None;
        let mut body = None;
        for input in &sig.inputs {
            let arg = match input {
                FnArg::Receiver(r) => {
                    let by_ref = matches!(&r.kind, syn::ReceiverKind::Reference(_, _, None));
                    if !by_ref || r.mutability.is_some() {
                        errors.add(r.span(), "a route takes `&self` (or leaves it out)".to_owned());
                    }
                    continue;
                }
                FnArg::Typed(arg) => arg,
            };
            let Pat::Ident(p) = &*arg.pat else {
                errors.add(
                    arg.pat.span(),
                    "expected an argument name: a path `{parameter}`, `query` or `body`".to_owned(),
                );
                continue;
            };
            if p.by_ref.is_some() || p.subpat.is_some() || !arg.attrs.is_empty() {
                errors.add(arg.span(), "expected a plain argument: `name: Type`".to_owned());
                continue;
            }
            let ident = p.ident.clone();
            let arg_name = ident.to_string();
            if params.contains(&arg_name.as_str()) {
                // a path parameter
            } else if arg_name == "query" {
                query = Some(ident.clone());
            } else if arg_name == "body" {
                if matches!(method.method, "get" | "head") {
                    errors.add(
                        ident.span(),
                        format!(
                            "a {} route has no body; send data with a `query` argument",
                            method.method.to_uppercase()
                        ),
                    );
                }
                body = Some(ident.clone());
            } else if template.is_some() {
                errors.add(
                    ident.span(),
                    format!(
                        "`{arg_name}` is not a parameter of the path \"{}\"; arguments are the path's \
                         `{{parameters}}`, `query` (the query string) and `body` (the JSON body)",
                        method.path.value()
                    ),
                );
            }
            args.push((ident, (*arg.ty).clone()));
        }
        for param in &params {
            if !args.iter().any(|(a, _)| a == param) {
                errors.add(
                    method.path.span(),
                    format!("the path has `{{{param}}}` but route `{name}` has no argument `{param}`"),
                );
            }
        }
        if errors.count != before {
            return None;
        }
        let pieces = template
            .unwrap_or_default()
            .into_iter()
            .map(|(is_param, text)| {
                if is_param {
                    let ident = args
                        .iter()
                        .find(|(a, _)| *a == text)
                        .map_or_else(|| Ident::new(&text, Span::call_site()), |(a, _)| a.clone());
                    Piece::Param(ident)
                } else {
                    Piece::Text(text)
                }
            })
            .collect();
        let output = match sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => match *ty {
                Type::Tuple(t) if t.elems.is_empty() => None,
                ty => Some(ty),
            },
        };
        Some(Route {
            endpoint,
            attrs: kept,
            vis: (!matches!(vis, Visibility::Inherited)).then_some(vis),
            name,
            method: method.method,
            path: method.path.value(),
            pieces,
            args,
            query,
            body,
            output,
            error: method.error,
        })
    }
}

impl Route {
    fn tokens(&self) -> TokenStream {
        let Route {
            attrs,
            name,
            path,
            args,
            ..
        } = self;
        let vis = match &self.vis {
            Some(v) => v.to_token_stream(),
            None => quote!(pub),
        };
        let upper = self.method.to_uppercase();
        let method = Ident::new(&upper, Span::call_site());
        let doc = format!(" `{upper} {path}`");
        let has_docs = attrs.iter().any(|a| a.path().is_ident("doc"));
        let blank = has_docs.then(|| quote!(#[doc = ""]));
        let arg_list = args.iter().map(|(a, t)| quote!(#a: #t));
        // Each path parameter, encoded as one segment, shadows its argument; the template then
        // names them inline.
        let mut encoded: Vec<&Ident> = Vec::new();
        let mut format = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => format.push_str(&t.replace('{', "{{").replace('}', "}}")),
                Piece::Param(p) => {
                    format.push_str(&format!("{{{p}}}"));
                    if !encoded.contains(&p) {
                        encoded.push(p);
                    }
                }
            }
        }
        let encode = encoded
            .iter()
            .map(|p| quote!(let #p = ::amplify_rest::routes::encode_segment(&#p);));
        let url = if encoded.is_empty() {
            quote!(#path)
        } else {
            quote!(::std::format!(#format))
        };
        let query = self
            .query
            .as_ref()
            .map(|q| quote!(let request = ::amplify_rest::routes::query(request, &#q)?;));
        let body = self
            .body
            .as_ref()
            .map(|b| quote!(let request = request.json(&#b);));
        let error = match &self.error {
            Some(e) => quote!(::amplify_rest::RouteError<#e>),
            None => quote!(::amplify_rest::Error),
        };
        let (output, send) = match &self.output {
            Some(t) => (quote!(#t), quote!(::amplify_rest::routes::send(request).await)),
            None => (
                quote!(()),
                quote!(::amplify_rest::routes::send_ignoring_body(request).await),
            ),
        };
        quote! {
            #(#attrs)*
            #blank
            #[doc = #doc]
            #vis async fn #name(&self, #(#arg_list),*) -> ::core::result::Result<#output, #error> {
                #(#encode)*
                let request = ::amplify_rest::Api::request(
                    ::amplify_rest::Endpoint::api(self),
                    ::amplify_rest::http::Method::#method,
                    #url,
                );
                #query
                #body
                #send
            }
        }
    }
}

/// The routes of every source given to the generator, checked against `endpoints`.
pub(crate) fn generate(
    sources: &[(String, String)],
    endpoints: &[EndpointItem<'_>],
) -> Result<TokenStream, ConfigErrors> {
    let names: Vec<String> = endpoints.iter().map(|e| e.ident.to_string()).collect();
    let mut errors = Vec::new();
    let mut out = TokenStream::new();
    for (file, text) in sources {
        let checked = Routes::parse_str(text).and_then(|r| r.check_endpoints(&names).map(|()| r));
        match checked {
            Ok(routes) => out.extend(routes.tokens()),
            Err(e) => errors.extend(e.into_iter().map(|e| {
                let start = e.span().start();
                let pos = (start.line > 0).then_some(Pos {
                    line: start.line,
                    column: start.column + 1,
                });
                ConfigError::new(file, None, pos, e.to_string())
            })),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ConfigErrors(errors))
    }
}

/// [`generate`] for code that cannot fail: problems become `compile_error!`s.
pub(crate) fn items(sources: &[(String, String)], endpoints: &[EndpointItem<'_>]) -> TokenStream {
    match generate(sources, endpoints) {
        Ok(tokens) => tokens,
        Err(errors) => errors
            .iter()
            .map(|e| {
                let message = e.to_string();
                quote!(::core::compile_error!(#message);)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(text: &str) -> Vec<String> {
        match Routes::parse_str(text) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_good_set_parses() {
        let routes = Routes::parse_str(
            r#"
            use super::Pet;
            impl PetsApi {
                /// One pet.
                #[get("/pets/{id}/photos/{name}.jpg", error = ApiError)]
                fn photo(id: u64, name: &str) -> amplify_rest::Response;
                #[post("/pets")]
                pub(crate) async fn create(&self, body: &Pet, query: &Q) -> Pet;
                #[delete("/pets/{id}")]
                fn remove(id: u64) -> ();
            }
            "#,
        )
        .expect("valid");
        assert!(routes.check_endpoints(&["PetsApi".to_owned()]).is_ok());
        let err = routes
            .check_endpoints(&["PetApi".to_owned()])
            .expect_err("unknown endpoint");
        assert!(err.to_string().contains("Did you mean `PetApi`?"), "{err}");
        let code = routes.tokens().to_string();
        assert!(code.contains("pub (crate) async fn create"), "{code}");
        assert!(code.contains("\"/pets/{id}/photos/{name}.jpg\""), "{code}");
    }

    #[test]
    fn every_mistake_is_reported() {
        let errors = errors_of(
            r#"
            impl PetsApi {
                #[get("/pets/{id}")] fn a(ident: u64) -> Pet;
                #[get("/pets")] fn g(body: Pet) -> Pet;
                #[fetch("/pets")] fn c() -> Pet;
                #[get("/pets")] fn b() -> Pet;
                #[get("/pets")] fn b() -> Pet;
                #[get("pets/{")] fn d() -> Pet;
                #[get("/x")] fn get() -> Pet;
                fn e() -> Pet;
                #[get("/x")] fn f() -> Pet { todo!() }
            }
            "#,
        );
        let expected = [
            "`ident` is not a parameter of the path",
            "the path has `{id}` but route `a` has no argument `id`",
            "a GET route has no body",
            "unknown HTTP method `fetch`",
            "a route path starts with `/`",
            "would hide the endpoint's own `get`",
            "route `e` needs an HTTP method",
            "a route has no body (it is generated)",
            "duplicate route `b` on `PetsApi`",
        ];
        for want in expected {
            assert!(
                errors.iter().any(|e| e.contains(want)),
                "missing {want:?} in {errors:#?}"
            );
        }
        assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    }
}
