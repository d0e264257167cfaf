//! What generated code knows about an endpoint: its spec and the [`Endpoint`] trait.

use std::fmt;

use crate::api::Api;
use crate::auth::Authorizer;

/// The authorization mode of an endpoint, as named in the Amplify docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthorizationType {
    /// `AWS_IAM`: SigV4-signed with AWS credentials (Cognito identity pool, or any other source).
    AwsIam,
    /// `API_KEY`: the key from the config as `x-api-key`.
    ApiKey,
    /// `AMAZON_COGNITO_USER_POOLS`: the user pool access token (or ID token) as `authorization`.
    AmazonCognitoUserPools,
    /// `OPENID_CONNECT`: a token from the app's provider as `authorization`.
    OpenIdConnect,
    /// `NONE`: nothing added.
    None,
}

impl AuthorizationType {
    /// The name as written in config files (`AWS_IAM`).
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthorizationType::AwsIam => "AWS_IAM",
            AuthorizationType::ApiKey => "API_KEY",
            AuthorizationType::AmazonCognitoUserPools => "AMAZON_COGNITO_USER_POOLS",
            AuthorizationType::OpenIdConnect => "OPENID_CONNECT",
            AuthorizationType::None => "NONE",
        }
    }
}

impl fmt::Display for AuthorizationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The config facts of one REST endpoint. Generated code builds it with [`EndpointSpec::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointSpec {
    /// The API's name in the config.
    pub name: &'static str,
    /// The base URL, stage included.
    pub endpoint: &'static str,
    /// The AWS region, where the config gives one.
    pub region: Option<&'static str>,
    /// How requests are authorized.
    pub authorization: AuthorizationType,
}

impl EndpointSpec {
    /// A spec from its parts.
    pub const fn new(
        name: &'static str,
        endpoint: &'static str,
        region: Option<&'static str>,
        authorization: AuthorizationType,
    ) -> Self {
        EndpointSpec {
            name,
            endpoint,
            region,
            authorization,
        }
    }
}

/// Implemented by every generated endpoint struct: ties the struct to its spec and auth mode.
///
/// Generated structs dereference to their [`Api`], so `endpoint.get("/path")` works directly.
pub trait Endpoint: Sized {
    /// The authorization mode's type ([`crate::auth::Iam`], [`crate::auth::ApiKey`], ...).
    type Auth: Authorizer;
    /// The endpoint's config facts.
    const SPEC: EndpointSpec;

    /// Wraps a configured [`Api`].
    fn from_api(api: Api<Self::Auth>) -> Self;

    /// The underlying [`Api`].
    fn api(&self) -> &Api<Self::Auth>;

    /// A client with default settings (the config's base URL, a shared HTTP client).
    fn with_auth(auth: Self::Auth) -> Self {
        Self::from_api(Api::new(Self::SPEC, auth))
    }
}
