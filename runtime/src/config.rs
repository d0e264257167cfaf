//! Cognito settings as generated code carries them (`api::AUTH`).

use std::fmt;

/// The Cognito settings of a config file: user pool, identity pool and sign-in flow.
///
/// Generated code builds one as the `AUTH` constant; code can build one too.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AuthConfig {
    /// `CognitoUserPool.Default`.
    pub user_pool: Option<UserPoolConfig>,
    /// `CredentialsProvider.CognitoIdentity.Default`.
    pub identity_pool: Option<IdentityPoolConfig>,
    /// `Auth.Default.authenticationFlowType`.
    pub flow: Option<AuthFlow>,
}

impl AuthConfig {
    /// Settings with nothing in them.
    pub const fn new() -> Self {
        AuthConfig {
            user_pool: None,
            identity_pool: None,
            flow: None,
        }
    }

    /// With a user pool.
    pub const fn with_user_pool(mut self, pool: UserPoolConfig) -> Self {
        self.user_pool = Some(pool);
        self
    }

    /// With an identity pool.
    pub const fn with_identity_pool(mut self, pool: IdentityPoolConfig) -> Self {
        self.identity_pool = Some(pool);
        self
    }

    /// With a sign-in flow.
    pub const fn with_flow(mut self, flow: AuthFlow) -> Self {
        self.flow = Some(flow);
        self
    }
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("user_pool", &self.user_pool)
            .field("identity_pool", &self.identity_pool)
            .field("flow", &self.flow)
            .finish()
    }
}

/// A Cognito user pool and its app client.
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserPoolConfig {
    /// The pool id (`us-east-1_AbCdEf123`).
    pub pool_id: &'static str,
    /// The app client id.
    pub app_client_id: &'static str,
    /// The app client secret, if the client has one. Never printed.
    pub app_client_secret: Option<&'static str>,
    /// The pool's region.
    pub region: &'static str,
}

impl UserPoolConfig {
    /// A user pool from its parts.
    pub const fn new(
        pool_id: &'static str,
        app_client_id: &'static str,
        app_client_secret: Option<&'static str>,
        region: &'static str,
    ) -> Self {
        UserPoolConfig {
            pool_id,
            app_client_id,
            app_client_secret,
            region,
        }
    }
}

impl fmt::Debug for UserPoolConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPoolConfig")
            .field("pool_id", &self.pool_id)
            .field("app_client_id", &self.app_client_id)
            .field(
                "app_client_secret",
                &self.app_client_secret.map(|_| "** redacted **"),
            )
            .field("region", &self.region)
            .finish()
    }
}

/// A Cognito identity pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct IdentityPoolConfig {
    /// The pool id (`us-east-1:1234abcd-...`).
    pub pool_id: &'static str,
    /// The pool's region.
    pub region: &'static str,
}

impl IdentityPoolConfig {
    /// An identity pool from its parts.
    pub const fn new(pool_id: &'static str, region: &'static str) -> Self {
        IdentityPoolConfig { pool_id, region }
    }
}

/// How users sign in to the user pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthFlow {
    /// `USER_SRP_AUTH`, the default of every Amplify library.
    UserSrp,
    /// `USER_PASSWORD_AUTH`.
    UserPassword,
    /// `CUSTOM_AUTH`.
    Custom,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_client_secret() {
        const AUTH: AuthConfig = AuthConfig::new().with_user_pool(UserPoolConfig::new(
            "us-east-1_x",
            "client",
            Some("very-secret"),
            "us-east-1",
        ));
        let text = format!("{AUTH:?}");
        assert!(!text.contains("very-secret"), "{text}");
        assert!(text.contains("redacted"), "{text}");
    }
}
