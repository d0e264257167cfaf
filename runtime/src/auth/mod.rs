//! The authorization modes. Each is a small step in the one request pipeline:
//! [`Authorizer::authorize`] adds headers first, [`Authorizer::sign`] runs last.
//!
//! | mode | type | constructor takes |
//! |---|---|---|
//! | `NONE` | [`NoAuth`] | nothing |
//! | `API_KEY` | [`ApiKey`] | nothing (the key comes from the config) |
//! | `AMAZON_COGNITO_USER_POOLS` | [`UserPools`] | a [`UserPoolTokenSource`] ([`Cognito`], `&Cognito`) |
//! | `OPENID_CONNECT` | [`Oidc`] | a [`TokenProvider`] (a `String` works; [`Cognito::id_token_provider`]) |
//! | `AWS_IAM` | [`Iam`] | a [`CredentialsProvider`] ([`Credentials`] work) |

mod api_key;
mod iam;
mod none;
mod oidc;
mod user_pools;

use std::future::Future;
use std::time::SystemTime;

pub use api_key::ApiKey;
#[doc(hidden)]
pub use iam::sign_for_benchmark;
pub use iam::{Credentials, CredentialsProvider, EnvironmentCredentials, Iam};
pub use none::NoAuth;
pub use oidc::{FnTokenProvider, Oidc, TokenProvider, token_fn};
pub use user_pools::{TokenUse, UserPoolTokenSource, UserPoolTokens, UserPools};

pub use crate::cognito::{Cognito, CognitoIdToken};

use crate::error::Error;
use crate::request::Request;
use crate::spec::EndpointSpec;

/// What an auth step knows about the attempt it works on.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AuthContext<'a> {
    /// The endpoint's config facts (region, name).
    pub spec: &'a EndpointSpec,
    /// The time the attempt is made at (signing time).
    pub now: SystemTime,
}

/// An authorization mode: how a request is authorized before it is sent.
pub trait Authorizer: Send + Sync + std::fmt::Debug + 'static {
    /// At most how many headers [`authorize`](Self::authorize) and [`sign`](Self::sign) add to
    /// a request together. Only a hint, to size the request's header map once: a wrong value
    /// costs an allocation, nothing else. 2 by default.
    const HEADERS_ADDED: usize = 2;

    /// Adds the mode's headers. Runs first; per-request headers and interceptors come after
    /// and may replace what it sets.
    fn authorize(
        &self,
        request: &mut Request,
        ctx: &AuthContext<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send;

    /// Runs last, after interceptors (SigV4 signing for `AWS_IAM`). Does nothing by default.
    fn sign(
        &self,
        request: &mut Request,
        ctx: &AuthContext<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = (request, ctx);
        std::future::ready(Ok(()))
    }
}
