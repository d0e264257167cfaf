use std::fmt;
use std::sync::Arc;

use http::HeaderValue;
use http::header::AUTHORIZATION;

use super::{AuthContext, Authorizer};
use crate::error::{Error, ErrorKind};
use crate::interceptor::BoxFuture;
use crate::request::Request;
use crate::secret::SecretString;

/// The tokens of a signed-in user pool user.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UserPoolTokens {
    /// The access token (sent by default).
    pub access_token: SecretString,
    /// The ID token (sent with [`UserPools::use_id_token`]).
    pub id_token: SecretString,
}

impl UserPoolTokens {
    /// Tokens from their parts.
    pub fn new(access_token: impl Into<SecretString>, id_token: impl Into<SecretString>) -> Self {
        UserPoolTokens {
            access_token: access_token.into(),
            id_token: id_token.into(),
        }
    }
}

/// Where `AMAZON_COGNITO_USER_POOLS` endpoints get fresh tokens: the Cognito session, or your
/// own. Return an [`ErrorKind::NotSignedIn`] error when nobody is signed in.
pub trait UserPoolTokenSource: Send + Sync + fmt::Debug + 'static {
    /// Current, unexpired tokens (refreshing them first if needed).
    fn user_pool_tokens(&self) -> BoxFuture<'_, Result<UserPoolTokens, Error>>;
}

impl UserPoolTokenSource for UserPoolTokens {
    fn user_pool_tokens(&self) -> BoxFuture<'_, Result<UserPoolTokens, Error>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// Which user pool token goes in `authorization`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TokenUse {
    /// The access token (the Amplify libraries' default).
    #[default]
    Access,
    /// The ID token.
    Id,
}

/// `AMAZON_COGNITO_USER_POOLS`: `authorization: <access token>`, raw (no `Bearer`).
#[derive(Clone)]
pub struct UserPools {
    source: Arc<dyn UserPoolTokenSource>,
    token_use: TokenUse,
}

impl UserPools {
    /// Tokens from `source`; the access token is sent.
    pub fn new(source: impl UserPoolTokenSource) -> Self {
        UserPools {
            source: Arc::new(source),
            token_use: TokenUse::Access,
        }
    }

    /// Sends the ID token instead of the access token.
    pub fn use_id_token(mut self) -> Self {
        self.token_use = TokenUse::Id;
        self
    }

    /// Which token is sent.
    pub fn token_use(&self) -> TokenUse {
        self.token_use
    }
}

impl<T: UserPoolTokenSource> From<T> for UserPools {
    fn from(source: T) -> Self {
        UserPools::new(source)
    }
}

impl fmt::Debug for UserPools {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPools")
            .field("source", &self.source)
            .field("token_use", &self.token_use)
            .finish()
    }
}

impl Authorizer for UserPools {
    /// `authorization`.
    const HEADERS_ADDED: usize = 1;

    async fn authorize(&self, request: &mut Request, _: &AuthContext<'_>) -> Result<(), Error> {
        let tokens = self.source.user_pool_tokens().await?;
        let token = match self.token_use {
            TokenUse::Access => &tokens.access_token,
            TokenUse::Id => &tokens.id_token,
        };
        request
            .headers
            .insert(AUTHORIZATION, secret_header(token.expose())?);
        Ok(())
    }
}

/// A header value marked sensitive (hidden by `http`'s own `Debug`).
pub(crate) fn secret_header(value: &str) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        Error::new(
            ErrorKind::Credentials,
            "the token has characters a header may not carry",
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}
