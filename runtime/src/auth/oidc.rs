use std::fmt;
use std::future::Future;
use std::sync::Arc;

use http::header::AUTHORIZATION;

use super::user_pools::secret_header;
use super::{AuthContext, Authorizer};
use crate::error::{BoxError, Error, ErrorKind};
use crate::interceptor::BoxFuture;
use crate::request::Request;
use crate::secret::SecretString;

/// The app's token provider for `OPENID_CONNECT` endpoints, asked once per request.
///
/// A fixed `String` or [`SecretString`] works as a provider; [`token_fn`] makes one from an
/// async closure.
pub trait TokenProvider: Send + Sync + 'static {
    /// A current token; an error fails the request with this error as its source.
    fn token(&self) -> BoxFuture<'_, Result<SecretString, BoxError>>;
}

impl TokenProvider for SecretString {
    fn token(&self) -> BoxFuture<'_, Result<SecretString, BoxError>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

impl TokenProvider for String {
    fn token(&self) -> BoxFuture<'_, Result<SecretString, BoxError>> {
        Box::pin(std::future::ready(Ok(SecretString::new(self.as_str()))))
    }
}

/// A token provider from an async closure.
///
/// ```
/// use amplify_rest::auth::token_fn;
/// let provider = token_fn(|| async { Ok::<_, std::io::Error>("a.jwt.token".to_owned()) });
/// # let _ = provider;
/// ```
pub fn token_fn<F, Fut, T, E>(f: F) -> FnTokenProvider<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Into<SecretString>,
    E: Into<BoxError>,
{
    FnTokenProvider(f)
}

/// The provider [`token_fn`] makes.
pub struct FnTokenProvider<F>(F);

impl<F> fmt::Debug for FnTokenProvider<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnTokenProvider")
    }
}

impl<F, Fut, T, E> TokenProvider for FnTokenProvider<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Into<SecretString>,
    E: Into<BoxError>,
{
    fn token(&self) -> BoxFuture<'_, Result<SecretString, BoxError>> {
        let fut = (self.0)();
        Box::pin(async move { fut.await.map(Into::into).map_err(Into::into) })
    }
}

/// `OPENID_CONNECT`: `authorization: <token>` from the app's [`TokenProvider`], raw.
#[derive(Clone)]
pub struct Oidc {
    provider: Arc<dyn TokenProvider>,
}

impl Oidc {
    /// Tokens from `provider`.
    pub fn new(provider: impl TokenProvider) -> Self {
        Oidc {
            provider: Arc::new(provider),
        }
    }
}

impl<T: TokenProvider> From<T> for Oidc {
    fn from(provider: T) -> Self {
        Oidc::new(provider)
    }
}

impl fmt::Debug for Oidc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Oidc { .. }")
    }
}

impl Authorizer for Oidc {
    /// `authorization`.
    const HEADERS_ADDED: usize = 1;

    async fn authorize(&self, request: &mut Request, _: &AuthContext<'_>) -> Result<(), Error> {
        let token = self
            .provider
            .token()
            .await
            .map_err(|e| match e.downcast::<Error>() {
                // "Nobody is signed in" from a Cognito-backed provider stays that.
                Ok(e) if e.kind() == ErrorKind::NotSignedIn => *e,
                Ok(e) => Error::new(ErrorKind::Credentials, "the OpenID Connect token provider failed")
                    .with_source(e),
                Err(e) => Error::new(ErrorKind::Credentials, "the OpenID Connect token provider failed")
                    .with_source(e),
            })?;
        request
            .headers
            .insert(AUTHORIZATION, secret_header(token.expose())?);
        Ok(())
    }
}
