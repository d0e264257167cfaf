//! Cognito user pools (and identity pools), spoken as plain JSON over HTTP (no AWS SDK).
//!
//! [`Cognito`] signs users in (`USER_SRP_AUTH` by default, `USER_PASSWORD_AUTH`, `CUSTOM_AUTH`),
//! hands challenges back as a typed [`SignIn::NextStep`], keeps the tokens fresh (one refresh in
//! flight at a time), and keeps the session in a [`TokenStore`]. It is what
//! `AMAZON_COGNITO_USER_POOLS` endpoints take (`api::Orders::new(&auth)`), and
//! [`Cognito::id_token_provider`] serves `OPENID_CONNECT` endpoints with the ID token.
//!
//! ```no_run
//! # async fn demo() -> Result<(), amplify_rest::Error> {
//! use amplify_rest::auth::Cognito;
//! use amplify_rest::cognito::SignIn;
//!
//! let auth = Cognito::builder().user_pool("us-east-1_AbCdEfGhI", "1example23456789").build()?;
//! match auth.sign_in("alice", "correct horse").await? {
//!     SignIn::Done(session) => println!("signed in as {}", session.username),
//!     SignIn::NextStep(challenge) => {
//!         // e.g. NEW_PASSWORD_REQUIRED: ask the user, then answer.
//!         auth.confirm_sign_in(&challenge, "a new password").await?;
//!     }
//!     _ => {}
//! }
//! # Ok(()) }
//! ```

mod client;
mod credentials;
mod identity;
mod jwt;
mod service;
mod session;
pub mod srp;
mod store;
mod types;

pub use client::{Cognito, CognitoBuilder, DEFAULT_REFRESH_MARGIN};
pub use identity::{GuestOnly, IdentityPool, IdentityPoolBuilder, Login, LoginSource};
pub use session::CognitoIdToken;
pub use store::{FileTokenStore, MemoryTokenStore, StoredTokens, TokenStore};
pub use types::{Challenge, ChallengeName, RefreshMethod, SessionChange, SessionEvent, SessionInfo, SignIn};
