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
//! 5. the transport (reqwest). Redirects are not followed by default: a 3xx comes back as a
//!    [`Response`]. [`ApiBuilder::follow_redirects`] opts in; a redirect to another origin is
//!    then sent without `authorization`, `x-api-key`, `x-amz-security-token` or a signature;
//! 6. after-response hooks ([`Interceptor::after_response`]), read-only, with the outcome.
//!
//! Answers with status 400 and above become an [`Error`] of kind [`ErrorKind::Http`] carrying
//! status, headers, body and the AWS error name.
//!
//! Around the attempts:
//! - **Retries** ([`RetryPolicy`], per client and per request): connection errors, timeouts,
//!   429, 500, 502, 503, 504, AWS throttling and clock-skew errors; exponential backoff with
//!   jitter, `Retry-After` honoured; every attempt runs steps 1-6 again (a fresh signature) with
//!   the same body bytes. `POST` and `PATCH` are retried only when nothing reached the server,
//!   unless the caller opts in ([`RequestBuilder::idempotent`]).
//! - **Clock skew**: a signature refused as expired / not yet valid by an endpoint whose `Date`
//!   is 5 minutes or more off our clock is re-sent once, signed with the endpoint's time
//!   ([`ApiBuilder::clock`]).
//! - **Timeouts**: connect ([`ApiBuilder::connect_timeout`]), per attempt
//!   ([`ApiBuilder::attempt_timeout`], [`RequestBuilder::attempt_timeout`]) and total, over all
//!   attempts ([`ApiBuilder::timeout`], [`RequestBuilder::timeout`]); each is an
//!   [`ErrorKind::Timeout`] error.
//! - **Cancellation**: dropping the future of [`RequestBuilder::send`] stops everything: the
//!   connection in use is closed, no retry follows.
//! - **Tracing**: a `debug` span `amplify_rest.request` (endpoint, method, path, attempts,
//!   status, latency_ms) around a span `amplify_rest.attempt` per attempt (attempt, status,
//!   latency_ms); no header, query or body value is ever recorded.

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
mod retry;
pub mod routes;
mod secret;
mod skew;
mod spec;
mod url;

pub use api::{Api, ApiBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_USER_AGENT};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{BoxError, Error, ErrorKind};
pub use interceptor::{AttemptOutcome, BoxFuture, FnInterceptor, Interceptor, interceptor_fn};
pub use request::{Request, RequestBuilder};
pub use response::Response;
pub use retry::{DEFAULT_MAX_ATTEMPTS, RetryPolicy};
pub use routes::RouteError;
pub use secret::SecretString;
pub use spec::{AuthorizationType, Endpoint, EndpointSpec};

/// Re-exported so users name the same versions the runtime uses.
pub use {bytes, http, reqwest};

#[cfg(feature = "macros")]
pub use amplify_rest_macros::amplify_rest;
