//! `Cognito` as the credentials source of `AWS_IAM` endpoints: identity-pool credentials for
//! whoever is signed in — guest (unauthenticated role) until sign-in, the signed-in user's
//! (authenticated role) after, guest again after sign-out — switched with no restart.

use std::fmt;
use std::sync::Weak;

use super::client::{Cognito, Inner};
use super::identity::{Login, LoginSource, user_pool_provider};
use crate::auth::{Credentials, CredentialsProvider, Iam};
use crate::error::{Error, ErrorKind};
use crate::interceptor::BoxFuture;

/// The login of a Cognito session, for its identity pool. Weak, so the session and its identity
/// pool (which holds this) do not keep each other alive.
pub(crate) struct SessionLogins(pub(crate) Weak<Inner>);

impl fmt::Debug for SessionLogins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionLogins")
    }
}

impl LoginSource for SessionLogins {
    fn current_login(&self) -> BoxFuture<'_, Result<Option<Login>, Error>> {
        Box::pin(async move {
            let Some(inner) = self.0.upgrade() else {
                return Ok(None);
            };
            let cognito = Cognito { inner };
            // No user pool: nobody can sign in, guest credentials only.
            let Ok(pool) = cognito.user_pool() else {
                return Ok(None);
            };
            let provider = user_pool_provider(&pool.region, &pool.pool_id);
            if cognito.session().await?.is_none() {
                return Ok(None);
            }
            // Refreshes the user pool tokens first if they are about to expire; a new ID token
            // means new identity credentials. A refused refresh fails this request with
            // "session expired" rather than quietly dropping the user to guest rights.
            let tokens = cognito.fresh_tokens().await?;
            Ok(Some(Login::new(provider, tokens.id.clone(), tokens.sub.clone())))
        })
    }
}

impl Cognito {
    /// The identity pool behind this client's `AWS_IAM` credentials, if one is configured.
    pub fn identity_pool(&self) -> Option<&super::identity::IdentityPool> {
        self.inner.identity.as_ref()
    }

    /// AWS credentials from the identity pool for whoever is signed in now (guest credentials
    /// when nobody is).
    ///
    /// # Errors
    /// [`ErrorKind::Config`] without an identity pool; Cognito's refusals, typed.
    pub async fn aws_credentials(&self) -> Result<Credentials, Error> {
        match &self.inner.identity {
            Some(pool) => pool.credentials().await,
            None => Err(Error::new(
                ErrorKind::Config,
                "no Cognito identity pool is configured (CredentialsProvider.CognitoIdentity.Default); \
                 AWS_IAM endpoints need one, or another credentials source",
            )),
        }
    }
}

impl CredentialsProvider for Cognito {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(self.aws_credentials())
    }
}

impl From<&Cognito> for Iam {
    fn from(cognito: &Cognito) -> Self {
        Iam::new(cognito.clone())
    }
}
