//! Cognito identity pools: AWS credentials for `AWS_IAM` endpoints, guest (unauthenticated role)
//! until someone signs in, then the signed-in (authenticated) role.
//!
//! `GetId` finds the identity of a login state, `GetCredentialsForIdentity` its credentials.
//! Identity ids are cached per login state (moto hands out a new one on every `GetId`);
//! credentials are cached until shortly before `Expiration` — the margin scales with their
//! lifetime — and refreshed by one caller at a time however many wait.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::service;
use crate::auth::{Credentials, CredentialsProvider};
use crate::clock::{Clock, SystemClock};
use crate::config::IdentityPoolConfig;
use crate::error::{Error, ErrorKind};
use crate::interceptor::BoxFuture;
use crate::secret::SecretString;

/// The identity service's target prefix.
pub(crate) const IDENTITY: &str = "AWSCognitoIdentityService";

/// The largest refresh margin: credentials are renewed at most this long before they expire.
const MAX_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Credentials that look expired on arrival (the local clock is ahead of Cognito's) are still
/// used for this long before the next fetch, so a skewed clock cannot make every request fetch.
const EXPIRED_ON_ARRIVAL_REUSE: Duration = Duration::from_secs(10);

/// One login for an identity pool: which provider vouches for the user, and its token.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Login {
    /// The `Logins` key: `cognito-idp.<region>.amazonaws.com/<userPoolId>` for a user pool.
    pub provider: String,
    /// The provider's token (the user pool's ID token).
    pub token: SecretString,
    /// Who the token is for (the `sub` claim): identity ids are cached per provider and subject.
    pub subject: String,
}

impl Login {
    /// A login from its parts.
    pub fn new(
        provider: impl Into<String>,
        token: impl Into<SecretString>,
        subject: impl Into<String>,
    ) -> Self {
        Login {
            provider: provider.into(),
            token: token.into(),
            subject: subject.into(),
        }
    }
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("provider", &self.provider)
            .field("token", &self.token)
            .field("subject", &self.subject)
            .finish()
    }
}

/// Tells an [`IdentityPool`] who is signed in: `None` for a guest.
pub trait LoginSource: Send + Sync + fmt::Debug + 'static {
    /// The current login (with a fresh token), or `None` when nobody is signed in.
    fn current_login(&self) -> BoxFuture<'_, Result<Option<Login>, Error>>;
}

/// Nobody ever signs in: guest credentials only.
#[derive(Debug, Clone, Copy, Default)]
pub struct GuestOnly;

impl LoginSource for GuestOnly {
    fn current_login(&self) -> BoxFuture<'_, Result<Option<Login>, Error>> {
        Box::pin(std::future::ready(Ok(None)))
    }
}

/// The `Logins` key of a user pool.
pub(crate) fn user_pool_provider(region: &str, pool_id: &str) -> String {
    let host = service::default_url("cognito-idp", region);
    let host = host.trim_start_matches("https://").trim_end_matches('/');
    format!("{host}/{pool_id}")
}

/// Credentials from a Cognito identity pool; a [`CredentialsProvider`] for `AWS_IAM` endpoints.
/// Cheap to clone: clones share the caches.
#[derive(Clone)]
pub struct IdentityPool {
    inner: Arc<Inner>,
}

struct Inner {
    pool_id: String,
    url: reqwest::Url,
    timeout: Duration,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    logins: Arc<dyn LoginSource>,
    /// Identity ids per login state (`None` = guest).
    identities: RwLock<HashMap<Option<(String, String)>, String>>,
    cached: RwLock<Option<Arc<Cached>>>,
    /// Held while credentials are fetched: one fetch at a time, the others wait and reuse it.
    refresh: tokio::sync::Mutex<()>,
}

struct Cached {
    login: Option<Login>,
    identity_id: String,
    credentials: Credentials,
    refresh_at: SystemTime,
}

/// Builds an [`IdentityPool`] with other settings.
#[must_use = "call .build()"]
pub struct IdentityPoolBuilder {
    pool: IdentityPoolConfig,
    url: Option<String>,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    clock: Arc<dyn Clock>,
    logins: Arc<dyn LoginSource>,
}

impl fmt::Debug for IdentityPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityPoolBuilder")
            .field("pool", &self.pool)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl IdentityPoolBuilder {
    /// The identity service URL (default `https://cognito-identity.<region>.amazonaws.com/`).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// How long one attempt of an identity call may take (default 30 s); see
    /// [`crate::cognito::CognitoBuilder::call_timeout`].
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The HTTP client for identity calls.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The clock credential expiry is judged by.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Who is signed in (default: nobody, guest credentials).
    pub fn logins(mut self, logins: impl LoginSource) -> Self {
        self.logins = Arc::new(logins);
        self
    }

    /// The identity pool client; fails on a bad URL.
    pub fn build(self) -> Result<IdentityPool, Error> {
        let url = match &self.url {
            Some(u) => service::check_url("identity pool", u)?,
            None => service::check_url(
                "identity pool",
                &service::default_url("cognito-identity", self.pool.region),
            )?,
        };
        let http = match self.http {
            Some(h) => h,
            None => crate::api::default_http_client(crate::api::DEFAULT_CONNECT_TIMEOUT)?,
        };
        Ok(IdentityPool::from_parts(
            self.pool.pool_id.to_owned(),
            url,
            self.timeout.unwrap_or(service::DEFAULT_CALL_TIMEOUT),
            http,
            self.clock,
            self.logins,
        ))
    }
}

impl IdentityPool {
    /// An identity pool client from checked parts (the `Cognito` client builds its own this way).
    pub(crate) fn from_parts(
        pool_id: String,
        url: reqwest::Url,
        timeout: Duration,
        http: reqwest::Client,
        clock: Arc<dyn Clock>,
        logins: Arc<dyn LoginSource>,
    ) -> Self {
        IdentityPool {
            inner: Arc::new(Inner {
                pool_id,
                url,
                timeout,
                http,
                clock,
                logins,
                identities: RwLock::new(HashMap::new()),
                cached: RwLock::new(None),
                refresh: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// A builder for the pool `pool` (guest credentials unless [`IdentityPoolBuilder::logins`]).
    pub fn builder(pool: IdentityPoolConfig) -> IdentityPoolBuilder {
        IdentityPoolBuilder {
            pool,
            url: None,
            timeout: None,
            http: None,
            clock: Arc::new(SystemClock),
            logins: Arc::new(GuestOnly),
        }
    }

    /// The identity id the last credentials were issued for, if any.
    pub fn identity_id(&self) -> Option<String> {
        self.read_cached().map(|c| c.identity_id.clone())
    }

    /// Forgets the cached credentials (not the identity ids): the next request fetches anew.
    pub fn invalidate(&self) {
        *self.inner.cached.write().unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn read_cached(&self) -> Option<Arc<Cached>> {
        self.inner
            .cached
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn usable(&self, login: &Option<Login>, now: SystemTime) -> Option<Arc<Cached>> {
        self.read_cached()
            .filter(|c| &c.login == login && now < c.refresh_at)
    }

    /// Current credentials for whoever is signed in now.
    pub async fn credentials(&self) -> Result<Credentials, Error> {
        let login = self.inner.logins.current_login().await?;
        if let Some(c) = self.usable(&login, self.inner.clock.now()) {
            return Ok(c.credentials.clone());
        }
        let _one_at_a_time = self.inner.refresh.lock().await;
        // Someone else may have fetched them while this caller waited.
        if let Some(c) = self.usable(&login, self.inner.clock.now()) {
            return Ok(c.credentials.clone());
        }
        let fetched = match self.fetch(&login).await {
            // The cached identity may have been deleted or unlinked: look it up once more.
            Err(e)
                if matches!(
                    e.aws_error_name(),
                    Some("ResourceNotFoundException" | "NotAuthorizedException")
                ) =>
            {
                self.forget_identity(&login);
                self.fetch(&login).await?
            }
            other => other?,
        };
        let credentials = fetched.credentials.clone();
        *self.inner.cached.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(fetched));
        Ok(credentials)
    }

    fn identity_key(login: &Option<Login>) -> Option<(String, String)> {
        login.as_ref().map(|l| (l.provider.clone(), l.subject.clone()))
    }

    fn forget_identity(&self, login: &Option<Login>) {
        self.inner
            .identities
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&Self::identity_key(login));
    }

    fn logins_json(login: &Option<Login>) -> Value {
        match login {
            Some(l) => json!({ l.provider.as_str(): l.token.expose() }),
            None => json!({}),
        }
    }

    async fn fetch(&self, login: &Option<Login>) -> Result<Cached, Error> {
        let inner = &*self.inner;
        let key = Self::identity_key(login);
        let known = inner
            .identities
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        let identity_id = match known {
            Some(id) => id,
            None => {
                let answer = service::call(
                    &inner.http,
                    &inner.url,
                    IDENTITY,
                    "GetId",
                    &json!({ "IdentityPoolId": inner.pool_id, "Logins": Self::logins_json(login) }),
                    inner.timeout,
                )
                .await?;
                let id = service::str_field(&answer, "IdentityId")
                    .ok_or_else(|| Error::new(ErrorKind::Decode, "Cognito's GetId answer has no IdentityId"))?
                    .to_owned();
                inner
                    .identities
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key, id.clone());
                id
            }
        };
        let mut request = json!({ "IdentityId": identity_id });
        if login.is_some() {
            request["Logins"] = Self::logins_json(login);
        }
        let answer = service::call(
            &inner.http,
            &inner.url,
            IDENTITY,
            "GetCredentialsForIdentity",
            &request,
            inner.timeout,
        )
        .await?;
        let credentials = parse_credentials(&answer)?;
        let now = inner.clock.now();
        let expiration = credentials
            .expiration()
            .unwrap_or(now + Duration::from_secs(15 * 60));
        let lifetime = expiration.duration_since(now).unwrap_or_default();
        // Renew a quarter of the lifetime early, at most five minutes: a 90 s credential (moto)
        // is renewed after ~67 s, a one-hour one (AWS) five minutes before it ends.
        let margin = (lifetime / 4).min(MAX_MARGIN);
        let refresh_at = if lifetime.is_zero() {
            tracing::warn!(
                target: "amplify_rest::cognito",
                "identity pool credentials expire before the local clock's now: is the clock ahead?"
            );
            now + EXPIRED_ON_ARRIVAL_REUSE
        } else {
            expiration - margin
        };
        tracing::debug!(
            target: "amplify_rest::cognito",
            signed_in = login.is_some(),
            lifetime_secs = lifetime.as_secs(),
            "fetched identity pool credentials"
        );
        Ok(Cached {
            login: login.clone(),
            identity_id: service::str_field(&answer, "IdentityId").map_or(identity_id, str::to_owned),
            credentials,
            refresh_at,
        })
    }
}

fn parse_credentials(answer: &Value) -> Result<Credentials, Error> {
    let bad = |what: &str| {
        Error::new(
            ErrorKind::Decode,
            format!("Cognito's GetCredentialsForIdentity answer has no usable {what}"),
        )
    };
    let c = answer.get("Credentials").ok_or_else(|| bad("Credentials"))?;
    let field = |name: &str| service::str_field(c, name).ok_or_else(|| bad(name));
    let expiration = match c.get("Expiration") {
        // Epoch seconds, a JSON number that may have a fraction.
        Some(Value::Number(n)) => {
            let secs = n
                .as_f64()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| bad("Expiration"))?;
            let since = Duration::try_from_secs_f64(secs).map_err(|_| bad("Expiration"))?;
            Some(
                SystemTime::UNIX_EPOCH
                    .checked_add(since)
                    .ok_or_else(|| bad("Expiration"))?,
            )
        }
        None | Some(Value::Null) => None,
        Some(_) => return Err(bad("Expiration")),
    };
    Ok(Credentials::new(
        field("AccessKeyId")?,
        field("SecretKey")?,
        Some(SecretString::new(field("SessionToken")?)),
        expiration,
    ))
}

impl fmt::Debug for IdentityPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityPool")
            .field("pool_id", &self.inner.pool_id)
            .field("url", &self.inner.url.as_str())
            .field("logins", &self.inner.logins)
            .finish_non_exhaustive()
    }
}

impl CredentialsProvider for IdentityPool {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(self.credentials())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_parse_with_fractional_expiration() {
        let answer = json!({"IdentityId": "id", "Credentials": {
            "AccessKeyId": "AK", "SecretKey": "SK", "SessionToken": "ST", "Expiration": 1700000000.5
        }});
        let c = parse_credentials(&answer).expect("valid");
        assert_eq!(c.access_key_id(), "AK");
        assert_eq!(
            c.expiration(),
            Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_500))
        );
        for bad in [
            json!({}),
            json!({"Credentials": {"AccessKeyId": "AK"}}),
            json!({"Credentials": {"AccessKeyId": "AK", "SecretKey": "SK", "SessionToken": "ST", "Expiration": "soon"}}),
            json!({"Credentials": {"AccessKeyId": "AK", "SecretKey": "SK", "SessionToken": "ST", "Expiration": -1}}),
        ] {
            let e = parse_credentials(&bad).expect_err("invalid");
            assert_eq!(e.kind(), ErrorKind::Decode);
        }
    }

    #[test]
    fn user_pool_provider_names() {
        assert_eq!(
            user_pool_provider("us-east-1", "us-east-1_abc"),
            "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
        );
        assert_eq!(
            user_pool_provider("cn-north-1", "cn-north-1_abc"),
            "cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_abc"
        );
    }

    #[test]
    fn debug_shows_no_token() {
        let login = Login::new("p", "secret-id-token", "sub");
        assert!(!format!("{login:?}").contains("secret-id-token"));
    }
}
