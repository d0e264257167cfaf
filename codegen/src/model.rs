//! The validated model every config format is read into, and code is generated from.

use std::fmt;
use std::str::FromStr;

use crate::error::did_you_mean;
use crate::format::Format;

/// A validated configuration: the endpoints and the Cognito settings of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The file as the user named it (used in messages and doc comments).
    pub file: String,
    /// The shape the file was read as.
    pub format: Format,
    /// Every API in the file, REST and GraphQL, in file order.
    pub endpoints: Vec<Endpoint>,
    /// Cognito settings, where the file has them.
    pub auth: AuthSettings,
}

impl Config {
    /// The REST endpoints (the ones code is generated for).
    pub fn rest_endpoints(&self) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.iter().filter(|e| e.kind == EndpointKind::Rest)
    }
}

/// One API listed in the config.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoint {
    /// The name in the config (`petsApi`).
    pub name: String,
    /// The Rust type name generated for it (`PetsApi`).
    pub type_name: String,
    /// REST or GraphQL.
    pub kind: EndpointKind,
    /// The base URL, including the stage (`https://abc.execute-api.us-east-1.amazonaws.com/dev`).
    pub url: String,
    /// The AWS region, where given.
    pub region: Option<String>,
    /// How requests are authorized.
    pub authorization: AuthorizationType,
    /// The API key of an `API_KEY` endpoint.
    pub api_key: Option<String>,
    /// Where the endpoint is in the file (JSON path).
    pub path: String,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("name", &self.name)
            .field("type_name", &self.type_name)
            .field("kind", &self.kind)
            .field("url", &self.url)
            .field("region", &self.region)
            .field("authorization", &self.authorization)
            .field("api_key", &self.api_key.as_ref().map(|_| "** redacted **"))
            .field("path", &self.path)
            .finish()
    }
}

/// REST or GraphQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    /// `endpointType: "REST"`: code is generated for it.
    Rest,
    /// `endpointType: "GraphQL"`: listed, never generated.
    GraphQl,
}

/// The five authorization modes of the Amplify REST API category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthorizationType {
    /// `AWS_IAM`: SigV4 with identity-pool (or other) credentials.
    AwsIam,
    /// `API_KEY`: `x-api-key` from the config.
    ApiKey,
    /// `AMAZON_COGNITO_USER_POOLS`: the user pool's access (or ID) token.
    AmazonCognitoUserPools,
    /// `OPENID_CONNECT`: a token from the app's provider.
    OpenIdConnect,
    /// `NONE`: nothing added.
    None,
}

impl AuthorizationType {
    /// Every mode, in the order the Amplify docs list them.
    pub const ALL: [AuthorizationType; 5] = [
        AuthorizationType::AwsIam,
        AuthorizationType::ApiKey,
        AuthorizationType::AmazonCognitoUserPools,
        AuthorizationType::OpenIdConnect,
        AuthorizationType::None,
    ];

    /// The name as written in config files (`AWS_IAM`).
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorizationType::AwsIam => "AWS_IAM",
            AuthorizationType::ApiKey => "API_KEY",
            AuthorizationType::AmazonCognitoUserPools => "AMAZON_COGNITO_USER_POOLS",
            AuthorizationType::OpenIdConnect => "OPENID_CONNECT",
            AuthorizationType::None => "NONE",
        }
    }

    /// Parses the config spelling.
    pub fn from_config_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// The message of an authorization type that is not one: lists the valid ones and suggests
/// the closest (`API_IAM` -> `AWS_IAM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAuthorization {
    /// What is wrong and what was expected.
    pub message: String,
    /// "did you mean `AWS_IAM`?", where one is close.
    pub help: Option<String>,
}

impl fmt::Display for UnknownAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "; {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownAuthorization {}

impl FromStr for AuthorizationType {
    type Err = UnknownAuthorization;

    /// Parses the config spelling (`AWS_IAM`, ...), suggesting the closest on a miss.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::from_config_name(text).ok_or_else(|| {
            let names = AuthorizationType::ALL.map(AuthorizationType::as_str);
            UnknownAuthorization {
                message: format!(
                    "unknown authorization type \"{text}\"; expected one of {}",
                    names.map(|n| format!("`{n}`")).join(", ")
                ),
                help: did_you_mean(text, names).map(|s| format!("did you mean `{s}`?")),
            }
        })
    }
}

impl fmt::Display for AuthorizationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Cognito settings of the file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AuthSettings {
    /// `CognitoUserPool.Default`.
    pub user_pool: Option<UserPool>,
    /// `CredentialsProvider.CognitoIdentity.Default`.
    pub identity_pool: Option<IdentityPool>,
    /// `Auth.Default.authenticationFlowType`.
    pub flow: Option<AuthFlow>,
    /// Gen 2 `auth.unauthenticated_identities_enabled`: whether the identity pool hands out guest
    /// credentials. Read and checked; the runtime asks the identity pool either way.
    pub unauthenticated_identities: Option<bool>,
}

/// A Cognito user pool and its app client.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserPool {
    /// `us-east-1_AbCdEf`.
    pub pool_id: String,
    /// The app client id.
    pub app_client_id: String,
    /// The app client secret, if the client has one (an empty string in the file means none).
    pub app_client_secret: Option<String>,
    /// The region of the pool.
    pub region: String,
}

impl fmt::Debug for UserPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPool")
            .field("pool_id", &self.pool_id)
            .field("app_client_id", &self.app_client_id)
            .field(
                "app_client_secret",
                &self.app_client_secret.as_ref().map(|_| "** redacted **"),
            )
            .field("region", &self.region)
            .finish()
    }
}

/// A Cognito identity pool.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IdentityPool {
    /// `us-east-1:1234...`.
    pub pool_id: String,
    /// The region of the pool.
    pub region: String,
}

/// How users sign in to the user pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFlow {
    /// `USER_SRP_AUTH` (the default of every Amplify library).
    UserSrp,
    /// `USER_PASSWORD_AUTH`.
    UserPassword,
    /// `CUSTOM_AUTH`.
    Custom,
}

impl AuthFlow {
    /// The config spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthFlow::UserSrp => "USER_SRP_AUTH",
            AuthFlow::UserPassword => "USER_PASSWORD_AUTH",
            AuthFlow::Custom => "CUSTOM_AUTH",
        }
    }
}
