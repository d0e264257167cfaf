//! Call the REST APIs of an AWS Amplify configuration from Rust, with the right authorization.
//!
//! The `#[amplify_rest]` macro (feature `macros`) or a build script (`amplify-rest-codegen`)
//! turns `amplifyconfiguration.json` into one struct per REST endpoint, its auth mode baked into
//! the type; this crate is what those structs call.
//!
//! ```ignore
//! #[amplify_rest::amplify_rest(config = "amplifyconfiguration.json")]
//! pub mod api {
//!     pub struct StatusApi;
//!     #[endpoint("publicCatalog")] pub struct Catalog;
//! }
//!
//! let status = api::StatusApi::new();                 // NONE
//! let catalog = api::Catalog::new();                  // API_KEY: the key from the config
//! let items: Vec<Item> = catalog.get("/items").query("limit", "10").send().await?.json()?;
//! ```
//!
//! # The request pipeline
//! One pipeline for every mode. For each attempt:
//! 1. the auth mode's headers ([`auth::Authorizer::authorize`]): `x-api-key`, `authorization`;
//! 2. the client's default headers, then the request's own headers (a later one replaces an
//!    earlier one of the same name, so a caller-set `authorization` wins);
//! 3. interceptors ([`Interceptor`]), in the order they were added;
//! 4. signing ([`auth::Authorizer::sign`]): SigV4 for `AWS_IAM`, last, so it covers all of the above;
//! 5. the transport (reqwest; redirects are never followed automatically).
//!
//! Answers with status 400 and above become an [`Error`] of kind [`ErrorKind::Http`] carrying
//! status, headers, body and the AWS error name.

#![forbid(unsafe_code)]

mod api;
pub mod auth;
mod clock;
pub mod cognito;
pub mod config;
mod error;
mod interceptor;
mod request;
mod response;
mod secret;
mod spec;
mod url;

pub use api::{Api, ApiBuilder, DEFAULT_MAX_RESPONSE_BYTES};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{BoxError, Error, ErrorKind};
pub use interceptor::{BoxFuture, FnInterceptor, Interceptor, interceptor_fn};
pub use request::{Request, RequestBuilder};
pub use response::Response;
pub use secret::SecretString;
pub use spec::{AuthorizationType, Endpoint, EndpointSpec};

/// Re-exported so users name the same versions the runtime uses.
pub use {bytes, http, reqwest};

#[cfg(feature = "macros")]
pub use amplify_rest_macros::amplify_rest;
