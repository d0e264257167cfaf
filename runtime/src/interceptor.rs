//! Interceptors: user code that reads and changes a request before it is signed and sent.

use std::future::Future;
use std::pin::Pin;

use crate::error::BoxError;
use crate::request::Request;

/// A boxed future, as trait objects return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Reads and changes a request before it is sent: headers, query, body.
///
/// Interceptors run after the auth mode's headers and the per-request headers, before SigV4
/// signing, so whatever they add is signed. An error fails the request with
/// [`crate::ErrorKind::Interceptor`], the interceptor's error as its source.
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
