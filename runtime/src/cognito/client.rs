//! [`Cognito`]: the auth client of a user pool (and, later, an identity pool), and its builder.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;

use super::service::{self, check_url, default_url};
use super::session::Tokens;
use super::store::{MemoryTokenStore, TokenStore};
use super::types::{RefreshMethod, SessionChange, SessionEvent};
use crate::clock::{Clock, SystemClock};
use crate::config::{AuthConfig, AuthFlow};
use crate::error::{Error, ErrorKind};
use crate::secret::SecretString;

/// Refresh this long before the tokens expire (Amplify Swift's margin), or at half their
/// lifetime if that comes first.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(120);

/// Cognito sign-in and tokens for the endpoints of a config.
///
/// Cheap to clone: clones share one session. `Debug` never shows a secret.
///
/// ```ignore
/// let auth = amplify_rest::auth::Cognito::from_config(api::AUTH);
/// auth.sign_in("alice", "correct horse").await?;   // USER_SRP_AUTH unless the config says otherwise
/// let orders = api::Orders::new(&auth);             // AMAZON_COGNITO_USER_POOLS: the access token
/// let partner = api::Partner::new(auth.id_token_provider()); // OPENID_CONNECT with the ID token
/// ```
#[derive(Clone)]
pub struct Cognito {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The settings, or why they are unusable (reported by every call, never a panic).
    pub(crate) settings: Result<Settings, String>,
    pub(crate) http: reqwest::Client,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) store: Arc<dyn TokenStore>,
    pub(crate) refresh_margin: Duration,
    pub(crate) state: Mutex<State>,
    /// Held while the session changes (refresh, sign-in, sign-out, loading the store): one
    /// refresh in flight however many requests wait on it.
    pub(crate) change_lock: tokio::sync::Mutex<()>,
    pub(crate) events: watch::Sender<SessionEvent>,
    /// AWS credentials for `AWS_IAM` endpoints, when an identity pool is configured: guest
    /// until sign-in, then the signed-in user's (its login source is this session, held weakly).
    pub(crate) identity: Option<super::identity::IdentityPool>,
}

#[derive(Default)]
pub(crate) struct State {
    /// Whether the token store has been read (it is read once, lazily).
    pub(crate) loaded: bool,
    pub(crate) tokens: Option<Arc<Tokens>>,
}

pub(crate) struct Settings {
    pub(crate) user_pool: Option<UserPool>,
    pub(crate) identity_pool: Option<IdentityPool>,
    pub(crate) flow: AuthFlow,
    pub(crate) refresh_method: RefreshMethod,
}

pub(crate) struct UserPool {
    pub(crate) pool_id: String,
    pub(crate) app_client_id: String,
    pub(crate) app_client_secret: Option<SecretString>,
    pub(crate) region: String,
    pub(crate) url: reqwest::Url,
    /// How long one attempt of a call may take.
    pub(crate) timeout: Duration,
}

/// The identity pool settings (used for `AWS_IAM` credentials).
pub(crate) struct IdentityPool {
    pub(crate) pool_id: String,
    pub(crate) region: String,
    pub(crate) url: reqwest::Url,
    /// How long one attempt of a call may take.
    pub(crate) timeout: Duration,
}

impl UserPool {
    /// `SECRET_HASH` for `username`, when the app client has a secret.
    pub(crate) fn secret_hash(&self, username: &str) -> Option<String> {
        self.app_client_secret
            .as_ref()
            .map(|s| super::srp::secret_hash(username, &self.app_client_id, s.expose()))
    }

    pub(crate) async fn call(
        &self,
        http: &reqwest::Client,
        operation: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, Error> {
        service::call(
            http,
            &self.url,
            service::USER_POOLS,
            operation,
            body,
            self.timeout,
        )
        .await
    }
}

impl Cognito {
    /// The auth client of a config's `AUTH` constant, with default settings.
    ///
    /// Settings that cannot work (a malformed pool id) do not panic here: every call then fails
    /// with an [`ErrorKind::Config`] error saying why. Use [`Cognito::builder`] to see it at once.
    pub fn from_config(config: crate::config::AuthConfig) -> Self {
        let builder = Cognito::builder().config(config);
        let (http, clock, store, margin) = builder.runtime_parts();
        let settings = builder.settings().map_err(|e| e.to_string());
        Cognito::assemble(settings, http, clock, store, margin)
    }

    /// A builder: start from a config with [`CognitoBuilder::config`], or give the values in code.
    pub fn builder() -> CognitoBuilder {
        CognitoBuilder::default()
    }

    fn assemble(
        settings: Result<Settings, String>,
        http: Result<reqwest::Client, Error>,
        clock: Arc<dyn Clock>,
        store: Arc<dyn TokenStore>,
        refresh_margin: Duration,
    ) -> Self {
        let (http, settings) = match http {
            Ok(http) => (http, settings),
            Err(e) => (reqwest::Client::new(), Err(e.to_string())),
        };
        let (events, _) = watch::channel(SessionEvent {
            generation: 0,
            change: SessionChange::Initial,
            user_sub: None,
        });
        Cognito {
            inner: Arc::new_cyclic(|session| {
                let identity = settings
                    .as_ref()
                    .ok()
                    .and_then(|s| s.identity_pool.as_ref())
                    .map(|pool| {
                        super::identity::IdentityPool::from_parts(
                            pool.pool_id.clone(),
                            pool.url.clone(),
                            pool.timeout,
                            http.clone(),
                            Arc::clone(&clock),
                            Arc::new(super::credentials::SessionLogins(session.clone())),
                        )
                    });
                Inner {
                    settings,
                    http,
                    clock,
                    store,
                    refresh_margin,
                    state: Mutex::new(State::default()),
                    change_lock: tokio::sync::Mutex::new(()),
                    events,
                    identity,
                }
            }),
        }
    }

    pub(crate) fn settings(&self) -> Result<&Settings, Error> {
        self.inner
            .settings
            .as_ref()
            .map_err(|e| Error::new(ErrorKind::Config, e.clone()))
    }

    pub(crate) fn user_pool(&self) -> Result<&UserPool, Error> {
        self.settings()?.user_pool.as_ref().ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                "no Cognito user pool is configured (CognitoUserPool.Default)",
            )
        })
    }

    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Follows the session: sign-in, refresh, restore from the store, sign-out.
    ///
    /// The receiver sees the latest [`SessionEvent`]; its `generation` tells any two apart.
    pub fn session_events(&self) -> watch::Receiver<SessionEvent> {
        self.inner.events.subscribe()
    }

    /// The number of session changes so far (see [`SessionEvent::generation`]).
    pub fn session_generation(&self) -> u64 {
        self.inner.events.borrow().generation
    }

    pub(crate) fn emit(&self, change: SessionChange, user_sub: Option<String>) {
        self.inner.events.send_modify(|e| {
            e.generation += 1;
            e.change = change;
            e.user_sub = user_sub;
        });
    }
}

impl fmt::Debug for Cognito {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Cognito");
        match &self.inner.settings {
            Ok(s) => {
                if let Some(p) = &s.user_pool {
                    d.field("user_pool_id", &p.pool_id)
                        .field("app_client_id", &p.app_client_id)
                        .field(
                            "app_client_secret",
                            &p.app_client_secret.as_ref().map(|_| "** redacted **"),
                        )
                        .field("user_pool_region", &p.region)
                        .field("user_pool_url", &p.url.as_str());
                }
                if let Some(p) = &s.identity_pool {
                    d.field("identity_pool_id", &p.pool_id)
                        .field("identity_region", &p.region)
                        .field("identity_url", &p.url.as_str());
                }
                d.field("flow", &s.flow)
                    .field("refresh_method", &s.refresh_method);
            }
            Err(e) => {
                d.field("config_error", e);
            }
        }
        let signed_in = self.state().tokens.as_ref().map(|t| t.username.clone());
        d.field("signed_in_as", &signed_in)
            .field("clock", &self.inner.clock)
            .field("store", &self.inner.store)
            .finish()
    }
}

/// Builds a [`Cognito`] from a config, values given in code, or both (later calls win).
///
/// ```
/// use amplify_rest::auth::Cognito;
/// use amplify_rest::config::AuthFlow;
///
/// let auth = Cognito::builder()
///     .user_pool("us-east-1_AbCdEfGhI", "1example23456789")
///     .flow(AuthFlow::UserPassword)
///     .user_pool_url("http://127.0.0.1:5000") // a local Cognito, a VPC endpoint
///     .build()?;
/// # let _ = auth;
/// # Ok::<(), amplify_rest::Error>(())
/// ```
#[derive(Default)]
#[must_use = "call .build() to get the client"]
pub struct CognitoBuilder {
    pool_id: Option<String>,
    app_client_id: Option<String>,
    app_client_secret: Option<SecretString>,
    user_pool_region: Option<String>,
    identity_pool_id: Option<String>,
    identity_region: Option<String>,
    flow: Option<AuthFlow>,
    refresh_method: RefreshMethod,
    call_timeout: Option<Duration>,
    user_pool_url: Option<String>,
    identity_url: Option<String>,
    http: Option<reqwest::Client>,
    clock: Option<Arc<dyn Clock>>,
    store: Option<Arc<dyn TokenStore>>,
    refresh_margin: Option<Duration>,
}

impl CognitoBuilder {
    /// Takes the user pool, identity pool and sign-in flow of a config (`api::AUTH`).
    pub fn config(mut self, config: AuthConfig) -> Self {
        if let Some(p) = config.user_pool {
            self.pool_id = Some(p.pool_id.to_owned());
            self.app_client_id = Some(p.app_client_id.to_owned());
            self.app_client_secret = p.app_client_secret.map(SecretString::new);
            self.user_pool_region = Some(p.region.to_owned()).filter(|r| !r.is_empty());
        }
        if let Some(p) = config.identity_pool {
            self.identity_pool_id = Some(p.pool_id.to_owned());
            self.identity_region = Some(p.region.to_owned()).filter(|r| !r.is_empty());
        }
        if let Some(flow) = config.flow {
            self.flow = Some(flow);
        }
        self
    }

    /// The user pool (`us-east-1_AbCdEfGhI`) and its app client; the region defaults to the
    /// pool id's prefix. Forgets any app client secret set before.
    pub fn user_pool(mut self, pool_id: impl Into<String>, app_client_id: impl Into<String>) -> Self {
        self.pool_id = Some(pool_id.into());
        self.app_client_id = Some(app_client_id.into());
        self.app_client_secret = None;
        self.user_pool_region = None;
        self
    }

    /// The app client's secret (an empty string means none): `SECRET_HASH` is then sent.
    pub fn app_client_secret(mut self, secret: impl Into<SecretString>) -> Self {
        self.app_client_secret = Some(secret.into());
        self
    }

    /// The user pool's region, where it is not the pool id's prefix.
    pub fn user_pool_region(mut self, region: impl Into<String>) -> Self {
        self.user_pool_region = Some(region.into());
        self
    }

    /// The identity pool (`us-east-1:1234abcd-...`); its region is the id's prefix.
    pub fn identity_pool(mut self, pool_id: impl Into<String>) -> Self {
        self.identity_pool_id = Some(pool_id.into());
        self.identity_region = None;
        self
    }

    /// How [`Cognito::sign_in`] signs in (default: the config's, else `USER_SRP_AUTH`).
    pub fn flow(mut self, flow: AuthFlow) -> Self {
        self.flow = Some(flow);
        self
    }

    /// How tokens are refreshed (default: `REFRESH_TOKEN_AUTH`).
    pub fn refresh_method(mut self, method: RefreshMethod) -> Self {
        self.refresh_method = method;
        self
    }

    /// Sends user pool calls to `url` instead of `https://cognito-idp.<region>.amazonaws.com/`.
    pub fn user_pool_url(mut self, url: impl Into<String>) -> Self {
        self.user_pool_url = Some(url.into());
        self
    }

    /// Sends identity pool calls to `url` instead of `https://cognito-identity.<region>.amazonaws.com/`.
    pub fn identity_url(mut self, url: impl Into<String>) -> Self {
        self.identity_url = Some(url.into());
        self
    }

    /// Uses this HTTP client for Cognito calls (keep redirects off on it).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Reads time from `clock` (token expiry, refresh, SRP timestamps). Default: the system clock.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Keeps the session in `store` (default: a fresh [`MemoryTokenStore`]).
    pub fn token_store(mut self, store: impl TokenStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Refreshes tokens this long before they expire (default [`DEFAULT_REFRESH_MARGIN`]; never
    /// more than half the tokens' lifetime).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
    }

    /// How long one attempt of a Cognito call (user pool and identity pool) may take, from
    /// connecting to the end of the answer (default 30 s). Running out is an
    /// [`ErrorKind::Timeout`] error; calls that are safe to repeat (`InitiateAuth`, `GetId`,
    /// `GetCredentialsForIdentity`, `GlobalSignOut`) are tried 3 times in all on timeouts,
    /// connection failures, 5xx answers and throttling.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// The client.
    ///
    /// # Errors
    /// [`ErrorKind::Config`]: a pool id without region prefix, a user pool without app client,
    /// a service URL that does not parse, an HTTP client that cannot be built.
    pub fn build(self) -> Result<Cognito, Error> {
        let settings = self.settings()?;
        let (http, clock, store, margin) = self.runtime_parts();
        let http = http?;
        Ok(Cognito::assemble(Ok(settings), Ok(http), clock, store, margin))
    }

    #[allow(clippy::type_complexity)]
    fn runtime_parts(
        &self,
    ) -> (
        Result<reqwest::Client, Error>,
        Arc<dyn Clock>,
        Arc<dyn TokenStore>,
        Duration,
    ) {
        let http = match &self.http {
            Some(c) => Ok(c.clone()),
            // Its own client, as endpoints have (see `crate::api::default_http_client`).
            None => crate::api::default_http_client(crate::api::DEFAULT_CONNECT_TIMEOUT),
        };
        let clock = self.clock.clone().unwrap_or_else(|| Arc::new(SystemClock));
        let store = self
            .store
            .clone()
            .unwrap_or_else(|| Arc::new(MemoryTokenStore::new()));
        (
            http,
            clock,
            store,
            self.refresh_margin.unwrap_or(DEFAULT_REFRESH_MARGIN),
        )
    }

    fn settings(&self) -> Result<Settings, Error> {
        let config = |m: String| Error::new(ErrorKind::Config, m);
        let user_pool = match (&self.pool_id, &self.app_client_id) {
            (None, None) => None,
            (Some(pool_id), Some(client_id)) => {
                let prefix = match pool_id.split_once('_') {
                    Some((region, name)) if !region.is_empty() && !name.is_empty() => region,
                    _ => {
                        return Err(config(format!(
                            "the user pool id `{pool_id}` is not of the form <region>_<name>"
                        )));
                    }
                };
                if client_id.is_empty() {
                    return Err(config("the user pool's app client id is empty".into()));
                }
                let region = self.user_pool_region.clone().unwrap_or_else(|| prefix.to_owned());
                let url = match &self.user_pool_url {
                    Some(u) => check_url("user pool service", u)?,
                    None => check_url("user pool service", &default_url("cognito-idp", &region))?,
                };
                Some(UserPool {
                    pool_id: pool_id.clone(),
                    app_client_id: client_id.clone(),
                    app_client_secret: self.app_client_secret.clone().filter(|s| !s.is_empty()),
                    region,
                    url,
                    timeout: self.call_timeout.unwrap_or(service::DEFAULT_CALL_TIMEOUT),
                })
            }
            _ => {
                return Err(config(
                    "a user pool needs both a pool id and an app client id".into(),
                ));
            }
        };
        let identity_pool = match &self.identity_pool_id {
            None => None,
            Some(pool_id) => {
                let region = match (pool_id.split_once(':'), &self.identity_region) {
                    (Some((region, id)), _) if !region.is_empty() && !id.is_empty() => region.to_owned(),
                    _ => {
                        return Err(config(format!(
                            "the identity pool id `{pool_id}` is not of the form <region>:<id>"
                        )));
                    }
                };
                let url = match &self.identity_url {
                    Some(u) => check_url("identity service", u)?,
                    None => check_url("identity service", &default_url("cognito-identity", &region))?,
                };
                Some(IdentityPool {
                    pool_id: pool_id.clone(),
                    region,
                    url,
                    timeout: self.call_timeout.unwrap_or(service::DEFAULT_CALL_TIMEOUT),
                })
            }
        };
        Ok(Settings {
            user_pool,
            identity_pool,
            flow: self.flow.unwrap_or(AuthFlow::UserSrp),
            refresh_method: self.refresh_method,
        })
    }
}

impl fmt::Debug for CognitoBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoBuilder")
            .field("pool_id", &self.pool_id)
            .field("app_client_id", &self.app_client_id)
            .field(
                "app_client_secret",
                &self.app_client_secret.as_ref().map(|_| "** redacted **"),
            )
            .field("identity_pool_id", &self.identity_pool_id)
            .field("flow", &self.flow)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{IdentityPoolConfig, UserPoolConfig};

    const AUTH: AuthConfig = AuthConfig::new()
        .with_user_pool(UserPoolConfig::new(
            "eu-west-1_AbC",
            "client123",
            Some("very-secret-value"),
            "eu-west-1",
        ))
        .with_identity_pool(IdentityPoolConfig::new(
            "eu-west-1:11111111-2222-3333-4444-555555555555",
            "eu-west-1",
        ))
        .with_flow(AuthFlow::UserPassword);

    #[test]
    fn from_config_takes_everything_and_hides_the_secret() {
        let auth = Cognito::from_config(AUTH);
        let s = auth.settings().expect("settings");
        let pool = s.user_pool.as_ref().expect("pool");
        assert_eq!(pool.url.as_str(), "https://cognito-idp.eu-west-1.amazonaws.com/");
        assert_eq!(pool.region, "eu-west-1");
        assert!(pool.secret_hash("alice").is_some());
        assert_eq!(s.flow, AuthFlow::UserPassword);
        let id = s.identity_pool.as_ref().expect("identity pool");
        assert_eq!(
            id.url.as_str(),
            "https://cognito-identity.eu-west-1.amazonaws.com/"
        );
        let text = format!("{auth:?}");
        assert!(!text.contains("very-secret-value"), "{text}");
        assert!(text.contains("client123"), "{text}");
    }

    #[test]
    fn builder_checks_and_overrides() {
        let auth = Cognito::builder()
            .config(AUTH)
            .user_pool("us-east-2_X", "c")
            .app_client_secret("")
            .user_pool_url("http://127.0.0.1:9/")
            .build()
            .expect("build");
        let pool = auth.user_pool().expect("pool");
        assert!(pool.secret_hash("alice").is_none(), "an empty secret is none");
        assert_eq!(pool.url.as_str(), "http://127.0.0.1:9/");
        assert_eq!(pool.region, "us-east-2");
        // The config's flow stays.
        assert_eq!(auth.settings().expect("s").flow, AuthFlow::UserPassword);

        let e = Cognito::builder()
            .user_pool("nounderscore", "c")
            .build()
            .expect_err("bad id");
        assert_eq!(e.kind(), ErrorKind::Config);
        let e = Cognito::builder()
            .user_pool("us-east-1_x", "c")
            .user_pool_url("nope")
            .build()
            .expect_err("bad url");
        assert_eq!(e.kind(), ErrorKind::Config);
        let e = Cognito::builder()
            .identity_pool("no-region")
            .build()
            .expect_err("bad identity pool");
        assert_eq!(e.kind(), ErrorKind::Config);
    }

    #[test]
    fn a_bad_config_fails_calls_not_construction() {
        let bad = AuthConfig::new().with_user_pool(UserPoolConfig::new("bad", "c", None, "r"));
        let auth = Cognito::from_config(bad);
        assert_eq!(
            auth.user_pool().map(|_| ()).expect_err("deferred").kind(),
            ErrorKind::Config
        );
        let none = Cognito::from_config(AuthConfig::new());
        assert_eq!(
            none.user_pool().map(|_| ()).expect_err("no pool").kind(),
            ErrorKind::Config
        );
    }
}
