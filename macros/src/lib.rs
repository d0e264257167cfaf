//! The `#[amplify_rest]` attribute macro. Use it through the `amplify-rest` crate with the
//! `macros` feature: `amplify_rest::amplify_rest`.

mod routes;

use std::path::PathBuf;

use amplify_rest_codegen::model::AuthorizationType;
use amplify_rest_codegen::{EndpointItem, Format, Generator, resolve};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{Attribute, Item, ItemMod, LitBool, LitStr};

/// Generates one typed client struct per REST endpoint of an Amplify configuration file.
///
/// ```ignore
/// #[amplify_rest::amplify_rest(config = "amplifyconfiguration.json")]
/// pub mod api {
///     /// Status checks (NONE).
///     pub struct StatusApi;
///     #[endpoint("publicCatalog")]
///     pub struct Catalog;
/// }
/// ```
///
/// - `config = "..."`: the file, relative to the crate's `CARGO_MANIFEST_DIR`. Editing it
///   rebuilds the crate.
/// - `runtime_user_pool = true`: accept `AMAZON_COGNITO_USER_POOLS` endpoints in a file without
///   a user pool (the app supplies the pool at run time).
/// - `format = "..."`: read the file as `"plugin"`, `"flat"`, `"gen2"` or `"aws-exports"` instead of
///   detecting it. Detection handles every shape Amplify writes: the plugin form of
///   `amplifyconfiguration.json`, the flat form (`aws_cloud_logic_custom`), Gen 2
///   `amplify_outputs.json` (`custom.API.<name>`) and `aws-exports.js`/`.ts`.
/// - `auth(LeadsApi = "AMAZON_COGNITO_USER_POOLS", ...)`: the authorization type of an endpoint,
///   named by its Rust type name (or its config name where that is an identifier). The flat form
///   and Gen 2 name no type, so their endpoints are `AWS_IAM` unless set here; in the plugin form
///   this overrides the file.
/// - `api_key(LeadsApi = "...")`: the key of an `API_KEY` endpoint whose file has none.
///
/// The same per endpoint, on its struct: `#[endpoint("leads-api", auth = "API_KEY", api_key = "...")]`
/// or, named by the struct, `#[endpoint(auth = "NONE")]`.
///
/// ```ignore
/// #[amplify_rest::amplify_rest(config = "src/aws-exports.js", auth(LeadsApi = "AMAZON_COGNITO_USER_POOLS"))]
/// pub mod api {
///     pub struct LeadsApi;
///     #[endpoint("public-stats", auth = "API_KEY", api_key = "da2-...")]
///     pub struct Stats;
/// }
/// ```
///
/// Each unit struct in the module names an endpoint: by its Rust type name (`petsApi` ->
/// `PetsApi`), or explicitly with `#[endpoint("configName")]`. An empty module gets every REST
/// endpoint of the file. A name the file lacks, or a GraphQL API, is a compile error on that
/// name, listing the REST endpoints the file has. Other items in the module are kept as they are.
/// The module also gets `AUTH`, the file's Cognito settings.
///
/// Each struct has `NAME`, `ENDPOINT`, `REGION` and `AUTHORIZATION` constants, a `new`
/// constructor that takes what its auth mode needs, and a `builder` to change its base URL,
/// HTTP client, default headers and interceptors. It dereferences to `amplify_rest::Api`, whose
/// `get`, `post`, `put`, `patch`, `delete` and `head` start requests.
///
/// # Typed routes
/// A `#[routes] impl` block declares routes of an endpoint struct as bodiless methods; each
/// becomes an `async` method sent through the same pipeline (auth, interceptors, retries,
/// signing):
///
/// ```ignore
/// #[amplify_rest::amplify_rest(config = "amplifyconfiguration.json")]
/// pub mod api {
///     use super::{ApiError, ListQuery, NewPet, Page, Pet};
///     pub struct PetsApi;
///
///     #[routes]
///     impl PetsApi {
///         /// One pet.
///         #[get("/pets/{id}", error = ApiError)]
///         fn get_pet(id: u64) -> Pet;        // Result<Pet, amplify_rest::RouteError<ApiError>>
///         #[get("/pets")]
///         fn list_pets(query: &ListQuery) -> Page<Pet>;  // Result<Page<Pet>, amplify_rest::Error>
///         #[post("/pets")]
///         fn create_pet(body: &NewPet) -> Pet;
///         #[delete("/pets/{id}")]
///         fn delete_pet(id: u64);            // Result<(), amplify_rest::Error>
///     }
/// }
/// // pets.get_pet(7).await?; pets.list_pets(&ListQuery { limit: Some(10) }).await?;
/// ```
///
/// - The attribute is the HTTP method (`get`, `post`, `put`, `patch`, `delete`, `head`,
///   `options`) with the path template; `{name}` is the argument `name` (any `Display` type),
///   percent-encoded as one path segment (a `/` in it is `%2F`).
/// - `query` is the query string: any `Serialize` value, encoded like `serde_urlencoded`.
/// - `body` is the JSON body (`content-type: application/json`); GET and HEAD take none.
/// - The return type is decoded from JSON; `amplify_rest::Response` is the raw answer; none
///   ignores the body. `error = Type` decodes error answers' bodies:
///   `amplify_rest::RouteError<Type>`, which still has the untyped `amplify_rest::Error`.
/// - Methods are `pub` unless written with another visibility; doc comments are kept.
///
/// A `{param}` without its argument or the reverse, a duplicate name, a body on GET/HEAD or an
/// unknown method is a compile error on the offending tokens. A build script gives the same
/// `impl` blocks to `Generator::with_routes`.
#[proc_macro_attribute]
pub fn amplify_rest(attr: proc_macro::TokenStream, item: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(attr.into(), item.into()).into()
}

struct Args {
    config: Option<LitStr>,
    runtime_user_pool: bool,
    format: Option<Format>,
    overrides: Overrides,
}

/// Per-endpoint settings from `auth(...)`, `api_key(...)` and `#[endpoint(...)]`, with the token
/// each came from, so an error about one points at it.
#[derive(Default)]
struct Overrides {
    auth: Vec<(String, AuthorizationType, Span)>,
    api_keys: Vec<(String, String, Span)>,
}

impl Overrides {
    fn span_of(&self, key: &str) -> Option<Span> {
        let auth = self.auth.iter().map(|(k, _, s)| (k, s));
        let keys = self.api_keys.iter().map(|(k, _, s)| (k, s));
        auth.chain(keys).find(|(k, _)| *k == key).map(|(_, s)| *s)
    }
}

fn parse_mode(lit: &LitStr) -> syn::Result<AuthorizationType> {
    lit.value()
        .parse::<AuthorizationType>()
        .map_err(|e| syn::Error::new(lit.span(), e.to_string()))
}

fn parse_args(attr: TokenStream) -> syn::Result<Args> {
    let mut args = Args {
        config: None,
        runtime_user_pool: false,
        format: None,
        overrides: Overrides::default(),
    };
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("config") {
            args.config = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("runtime_user_pool") {
            args.runtime_user_pool = meta.value()?.parse::<LitBool>()?.value;
            Ok(())
        } else if meta.path.is_ident("format") {
            let lit: LitStr = meta.value()?.parse()?;
            let format = lit
                .value()
                .parse::<Format>()
                .map_err(|e| syn::Error::new(lit.span(), e.to_string()))?;
            args.format = Some(format);
            Ok(())
        } else if meta.path.is_ident("auth") {
            meta.parse_nested_meta(|entry| {
                let key = entry_name(&entry.path)?;
                let lit: LitStr = entry.value()?.parse()?;
                let mode = parse_mode(&lit)?;
                args.overrides.auth.push((key, mode, entry.path.span()));
                Ok(())
            })
        } else if meta.path.is_ident("api_key") {
            meta.parse_nested_meta(|entry| {
                let key = entry_name(&entry.path)?;
                let lit: LitStr = entry.value()?.parse()?;
                args.overrides
                    .api_keys
                    .push((key, lit.value(), entry.path.span()));
                Ok(())
            })
        } else {
            Err(meta.error(
                "unknown setting; expected `config = \"...\"`, `format = \"...\"`, \
                 `auth(Name = \"MODE\")`, `api_key(Name = \"...\")` or `runtime_user_pool = true`",
            ))
        }
    });
    syn::parse::Parser::parse2(parser, attr)?;
    Ok(args)
}

/// The endpoint an `auth(...)`/`api_key(...)` entry names: one identifier.
fn entry_name(path: &syn::Path) -> syn::Result<String> {
    path.get_ident().map(ToString::to_string).ok_or_else(|| {
        syn::Error::new(
            path.span(),
            "expected an endpoint's Rust type name, like `auth(LeadsApi = \"API_KEY\")`",
        )
    })
}

fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = match parse_args(attr.clone()) {
        Ok(a) => a,
        Err(e) => return combine(e, item),
    };
    let Some(config_lit) = args.config else {
        let e = syn::Error::new(
            if attr.is_empty() {
                Span::call_site()
            } else {
                attr.span()
            },
            "missing `config = \"amplifyconfiguration.json\"`",
        );
        return combine(e, item);
    };
    let module: ItemMod = match syn::parse2(item.clone()) {
        Ok(m) => m,
        Err(_) => {
            let e = syn::Error::new(
                Span::call_site(),
                "#[amplify_rest] goes on a module: `pub mod api { ... }`",
            );
            return combine(e, item);
        }
    };
    let Some((_, items)) = &module.content else {
        let e = syn::Error::new(
            module.ident.span(),
            "#[amplify_rest] needs an inline module: `mod api { ... }`",
        );
        return e.to_compile_error();
    };
    // `#[routes] impl` blocks become typed methods; the rest of the module is read as before.
    let (items, route_impls) = routes::split(items);
    let items = &items;

    let mut errors: Option<syn::Error> = None;
    let mut push_error = |e: syn::Error| match &mut errors {
        Some(a) => a.combine(e),
        None => errors = Some(e),
    };
    let mut overrides = args.overrides;
    // `#[endpoint(...)]` of every struct, read before the file so their settings apply to it.
    let mut endpoint_attrs = Vec::new();
    for item in items {
        let Item::Struct(s) = item else {
            endpoint_attrs.push(None);
            continue;
        };
        match split_endpoint_attr(&s.attrs) {
            Ok((attr, others)) => {
                let key = attr
                    .name
                    .as_ref()
                    .map_or_else(|| s.ident.to_string(), LitStr::value);
                if let Some((mode, span)) = attr.auth {
                    overrides.auth.push((key.clone(), mode, span));
                }
                if let Some(lit) = &attr.api_key {
                    overrides.api_keys.push((key, lit.value(), lit.span()));
                }
                endpoint_attrs.push(Some((attr.name, others)));
            }
            Err(e) => {
                push_error(e);
                endpoint_attrs.push(None);
            }
        }
    }

    let mut generator = Generator::new();
    generator.with_runtime_user_pool(args.runtime_user_pool);
    if let Some(format) = args.format {
        generator.with_format(format);
    }
    for (key, mode, _) in &overrides.auth {
        generator.with_authorization(key.clone(), *mode);
    }
    for (key, api_key, _) in &overrides.api_keys {
        generator.with_api_key(key.clone(), api_key.clone());
    }
    let display = config_lit.value();
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let full_path = manifest_dir.join(&display);
    let config = match generator.load(&full_path, &display) {
        Ok(c) => c,
        Err(file_errors) => {
            let mut all = errors;
            for e in file_errors.iter() {
                // A problem with a setting points at the setting; one in the file at its name.
                let span = e
                    .setting
                    .as_deref()
                    .and_then(|k| overrides.span_of(k))
                    .unwrap_or_else(|| config_lit.span());
                let err = syn::Error::new(span, e.to_string());
                match &mut all {
                    Some(a) => a.combine(err),
                    None => all = Some(err),
                }
            }
            let mut out = all.map(|e| e.to_compile_error()).unwrap_or_default();
            out.extend(rebuild_tracker(&full_path));
            return out;
        }
    };

    let mut push_error = |e: syn::Error| match &mut errors {
        Some(a) => a.combine(e),
        None => errors = Some(e),
    };
    let mut endpoint_items = Vec::new();
    let mut passthrough = Vec::new();
    let mut named_any = false;
    for (item, attr) in items.iter().zip(endpoint_attrs) {
        let Item::Struct(s) = item else {
            passthrough.push(item.to_token_stream());
            continue;
        };
        named_any = true;
        let Some((explicit, other_attrs)) = attr else {
            continue;
        };
        if !matches!(s.fields, syn::Fields::Unit) || !s.generics.params.is_empty() {
            push_error(syn::Error::new(
                s.ident.span(),
                format!(
                    "expected a unit struct naming an endpoint: `pub struct {};`",
                    s.ident
                ),
            ));
            continue;
        }
        let result = match &explicit {
            Some(lit) => resolve(&config, &lit.value(), true).map_err(|m| syn::Error::new(lit.span(), m)),
            None => {
                resolve(&config, &s.ident.to_string(), false).map_err(|m| syn::Error::new(s.ident.span(), m))
            }
        };
        match result {
            Ok(endpoint) => endpoint_items.push(EndpointItem {
                endpoint,
                ident: s.ident.clone(),
                vis: s.vis.to_token_stream(),
                attrs: quote!(#(#other_attrs)*),
            }),
            Err(e) => push_error(e),
        }
    }
    if !named_any {
        endpoint_items = config.rest_endpoints().map(EndpointItem::public).collect();
    }

    let generated = generator.items(&config, &endpoint_items);
    let routes = routes::expand(route_impls, &endpoint_items);
    let tracker = rebuild_tracker(&full_path);
    let ItemMod {
        attrs,
        vis,
        unsafety,
        mod_token,
        ident,
        ..
    } = &module;
    let errors = errors.map(|e| e.to_compile_error());
    quote! {
        #errors
        #(#attrs)*
        #vis #unsafety #mod_token #ident {
            #tracker
            #(#passthrough)*
            #generated
            #routes
        }
    }
}

/// Makes cargo rebuild the crate when the config changes.
fn rebuild_tracker(path: &std::path::Path) -> TokenStream {
    match path.to_str() {
        Some(p) if path.is_file() => quote!(
            const _: &str = ::core::include_str!(#p);
        ),
        _ => TokenStream::new(),
    }
}

/// What `#[endpoint(...)]` says: the config name, and per-endpoint settings.
#[derive(Default)]
struct EndpointAttr {
    name: Option<LitStr>,
    auth: Option<(AuthorizationType, Span)>,
    api_key: Option<LitStr>,
}

/// Takes `#[endpoint("name", auth = "MODE", api_key = "...")]` out of a struct's attributes.
fn split_endpoint_attr(attrs: &[Attribute]) -> syn::Result<(EndpointAttr, Vec<&Attribute>)> {
    let mut found: Option<EndpointAttr> = None;
    let mut others = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("endpoint") {
            if found.is_some() {
                return Err(syn::Error::new(
                    attr.span(),
                    "only one `#[endpoint(...)]` per struct",
                ));
            }
            found = Some(attr.parse_args_with(parse_endpoint_args).map_err(|e| {
                let text = e.to_string();
                // Our own messages say what is wrong; syn's ("expected string literal") get ours.
                if text.contains("#[endpoint(") || text.contains("authorization type") {
                    e
                } else {
                    syn::Error::new(
                        attr.span(),
                        "expected `#[endpoint(\"name in the config\")]`, optionally with \
                         `auth = \"MODE\"` and `api_key = \"...\"`",
                    )
                }
            })?);
        } else {
            others.push(attr);
        }
    }
    Ok((found.unwrap_or_default(), others))
}

fn parse_endpoint_args(input: syn::parse::ParseStream<'_>) -> syn::Result<EndpointAttr> {
    let mut out = EndpointAttr::default();
    if input.peek(LitStr) {
        out.name = Some(input.parse()?);
        if !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
        }
    }
    while !input.is_empty() {
        let key: syn::Ident = input.parse()?;
        input.parse::<syn::Token![=]>()?;
        let lit: LitStr = input.parse()?;
        match key.to_string().as_str() {
            "auth" => out.auth = Some((parse_mode(&lit)?, lit.span())),
            "api_key" => out.api_key = Some(lit),
            _ => {
                return Err(syn::Error::new(
                    key.span(),
                    "expected `#[endpoint(\"name\", auth = \"MODE\", api_key = \"...\")]`: \
                     unknown setting",
                ));
            }
        }
        if !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
        }
    }
    if out.name.is_none() && out.auth.is_none() && out.api_key.is_none() {
        return Err(input.error("expected `#[endpoint(\"name in the config\")]`"));
    }
    Ok(out)
}

fn combine(e: syn::Error, item: TokenStream) -> TokenStream {
    let mut out = e.to_compile_error();
    out.extend(item);
    out
}
