//! The `#[amplify_rest]` attribute macro. Use it through the `amplify-rest` crate with the
//! `macros` feature: `amplify_rest::amplify_rest`.

mod routes;

use std::path::PathBuf;

use amplify_rest_codegen::{EndpointItem, Generator, resolve};
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
}

fn parse_args(attr: TokenStream) -> syn::Result<Args> {
    let mut args = Args {
        config: None,
        runtime_user_pool: false,
    };
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("config") {
            args.config = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("runtime_user_pool") {
            args.runtime_user_pool = meta.value()?.parse::<LitBool>()?.value;
            Ok(())
        } else {
            Err(meta.error("unknown setting; expected `config = \"...\"` or `runtime_user_pool = true`"))
        }
    });
    syn::parse::Parser::parse2(parser, attr)?;
    Ok(args)
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

    let mut generator = Generator::new();
    generator.with_runtime_user_pool(args.runtime_user_pool);
    let display = config_lit.value();
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let full_path = manifest_dir.join(&display);
    let config = match generator.load(&full_path, &display) {
        Ok(c) => c,
        Err(errors) => {
            let mut all: Option<syn::Error> = None;
            for e in errors.iter() {
                let err = syn::Error::new(config_lit.span(), e.to_string());
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

    let mut errors: Option<syn::Error> = None;
    let mut push_error = |e: syn::Error| match &mut errors {
        Some(a) => a.combine(e),
        None => errors = Some(e),
    };
    let mut endpoint_items = Vec::new();
    let mut passthrough = Vec::new();
    let mut named_any = false;
    for item in items {
        let Item::Struct(s) = item else {
            passthrough.push(item.to_token_stream());
            continue;
        };
        named_any = true;
        let (explicit, other_attrs) = match split_endpoint_attr(&s.attrs) {
            Ok(v) => v,
            Err(e) => {
                push_error(e);
                continue;
            }
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

/// Takes `#[endpoint("name")]` out of a struct's attributes.
fn split_endpoint_attr(attrs: &[Attribute]) -> syn::Result<(Option<LitStr>, Vec<&Attribute>)> {
    let mut explicit = None;
    let mut others = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("endpoint") {
            let lit: LitStr = attr.parse_args().map_err(|_| {
                syn::Error::new(attr.span(), "expected `#[endpoint(\"name in the config\")]`")
            })?;
            if explicit.is_some() {
                return Err(syn::Error::new(
                    attr.span(),
                    "only one `#[endpoint(...)]` per struct",
                ));
            }
            explicit = Some(lit);
        } else {
            others.push(attr);
        }
    }
    Ok((explicit, others))
}

fn combine(e: syn::Error, item: TokenStream) -> TokenStream {
    let mut out = e.to_compile_error();
    out.extend(item);
    out
}
