//! Interceptors: user code that reads and changes a request before it is signed and sent.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use http::Method;

use crate::error::{BoxError, Error};
use crate::request::Request;
use crate::response::Response;

/// A boxed future, as trait objects return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Reads and changes a request before it is sent (headers, query, body), and sees every
/// answer after it ([`Interceptor::after_response`], read-only: logging, metrics).
///
/// Interceptors belong to one endpoint client ([`crate::ApiBuilder::interceptor`]) and run in
/// the order they were added, once per attempt, at this point of the pipeline:
///
/// auth headers -> client default headers -> per-request headers -> **interceptors** -> SigV4
///
/// so they see the auth mode's `x-api-key`/`authorization` and every header the caller set, and
/// whatever they add is signed (a retry runs them again, then signs afresh). An error fails the
/// request with [`crate::ErrorKind::Interceptor`], the interceptor's error as its source; it is
/// not retried.
///
/// Async work (fetching a token, asking a service) goes in the returned future:
///
/// ```
/// use amplify_rest::{BoxError, BoxFuture, Interceptor, Request};
///
/// #[derive(Debug)]
/// struct Tenant;
///
/// impl Interceptor for Tenant {
///     fn before_send<'a>(&'a self, request: &'a mut Request) -> BoxFuture<'a, Result<(), BoxError>> {
///         Box::pin(async move {
///             let tenant = async { "acme" }.await; // e.g. read from a store
///             request.headers_mut().insert("x-tenant", tenant.parse()?);
///             Ok(())
///         })
///     }
/// }
/// ```
///
/// A synchronous closure works through [`interceptor_fn`]:
///
/// ```
/// use amplify_rest::{BoxError, Request, interceptor_fn};
///
/// let add_tenant = interceptor_fn(|request: &mut Request| {
///     request.headers_mut().insert("x-tenant", "acme".parse()?);
///     Ok::<(), BoxError>(())
/// });
/// # let _ = add_tenant;
/// ```
pub trait Interceptor: Send + Sync + 'static {
    /// Called once per attempt, before signing.
    fn before_send<'a>(&'a self, request: &'a mut Request) -> BoxFuture<'a, Result<(), BoxError>>;

    /// Called once per attempt that was sent, after its answer was read (or it failed), with
    /// the outcome. Read-only; does nothing by default.
    fn after_response(&self, attempt: &AttemptOutcome<'_>) {
        let _ = attempt;
    }
}

/// What [`Interceptor::after_response`] sees of one attempt.
#[derive(Debug)]
#[non_exhaustive]
pub struct AttemptOutcome<'a> {
    /// The endpoint's name in the config.
    pub endpoint: &'static str,
    /// The HTTP method.
    pub method: &'a Method,
    /// The URL sent to.
    pub url: &'a reqwest::Url,
    /// The attempt's number, 1 for the first send.
    pub attempt: u32,
    /// From sending to the end of the answer's body.
    pub elapsed: Duration,
    /// The answer (status below 400), or what went wrong (an error answer, a transport failure,
    /// a timeout of the attempt).
    pub result: Result<&'a Response, &'a Error>,
}

impl AttemptOutcome<'_> {
    /// The answer's status, if one came.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self.result {
            Ok(r) => Some(r.status()),
            Err(e) => e.status(),
        }
    }
}

/// An interceptor from a synchronous closure; see [`Interceptor`].
pub fn interceptor_fn<F>(f: F) -> FnInterceptor<F>
where
    F: Fn(&mut Request) -> Result<(), BoxError> + Send + Sync + 'static,
{
    FnInterceptor(f)
}

/// The interceptor [`interceptor_fn`] makes.
pub struct FnInterceptor<F>(F);

impl<F> std::fmt::Debug for FnInterceptor<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FnInterceptor")
    }
}

impl<F> Interceptor for FnInterceptor<F>
where
    F: Fn(&mut Request) -> Result<(), BoxError> + Send + Sync + 'static,
{
    fn before_send<'a>(&'a self, request: &'a mut Request) -> BoxFuture<'a, Result<(), BoxError>> {
        let result = (self.0)(request);
        Box::pin(std::future::ready(result))
    }
}
