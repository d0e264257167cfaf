//! The session: sign-in (SRP, password, custom), challenges, refresh, sign-out, the store.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::client::Cognito;
use super::jwt;
use super::service::str_field;
use super::srp::{SrpClient, SrpError, format_timestamp};
use super::store::StoredTokens;
use super::types::{Challenge, ChallengeName, RefreshMethod, SessionChange, SessionInfo, SignIn};
use crate::auth::{TokenProvider, UserPoolTokenSource, UserPoolTokens, UserPools};
use crate::config::AuthFlow;
use crate::error::{BoxError, Error, ErrorKind};
use crate::interceptor::BoxFuture;
use crate::secret::SecretString;

/// A session's tokens and what the client knows about them.
pub(crate) struct Tokens {
    pub(crate) access: SecretString,
    pub(crate) id: SecretString,
    pub(crate) refresh: SecretString,
    /// The username Cognito knows the user by (`SECRET_HASH` on refresh uses it).
    pub(crate) username: String,
    pub(crate) sub: String,
    /// Expiry by the client's clock: for tokens just received, `exp` shifted by the difference
    /// between our clock and the token's `iat` (as Amplify JS does), so a skewed clock, or a
    /// test clock, neither refreshes too often nor sends expired tokens.
    pub(crate) access_expires: SystemTime,
    pub(crate) id_expires: SystemTime,
    pub(crate) lifetime: Duration,
}

impl Tokens {
    /// Tokens from an `AuthenticationResult`; `previous` gives the refresh token when Cognito
    /// sends none (REFRESH_TOKEN_AUTH does not).
    fn from_result(
        result: &Value,
        previous: Option<&Tokens>,
        username_hint: &str,
        now: SystemTime,
    ) -> Result<Tokens, Error> {
        let missing = |field: &str| {
            Error::new(
                ErrorKind::Decode,
                format!("Cognito's AuthenticationResult has no {field}"),
            )
        };
        let access = str_field(result, "AccessToken").ok_or_else(|| missing("AccessToken"))?;
        let id = str_field(result, "IdToken").ok_or_else(|| missing("IdToken"))?;
        let refresh = match (str_field(result, "RefreshToken"), previous) {
            (Some(r), _) => SecretString::new(r),
            (None, Some(p)) => p.refresh.clone(),
            (None, None) => return Err(missing("RefreshToken")),
        };
        let expires_in = result
            .get("ExpiresIn")
            .and_then(Value::as_u64)
            .map(Duration::from_secs);
        Tokens::from_parts(access, id, refresh, username_hint, Some((now, expires_in)))
    }

    /// `received`: when the tokens arrived by our clock (and `ExpiresIn`), for fresh tokens;
    /// `None` for tokens read from a store, which expire at their `exp`.
    fn from_parts(
        access: &str,
        id: &str,
        refresh: SecretString,
        username_hint: &str,
        received: Option<(SystemTime, Option<Duration>)>,
    ) -> Result<Tokens, Error> {
        let a = jwt::claims(access, "access token")?;
        let i = jwt::claims(id, "ID token")?;
        let issued = a
            .iat
            .or_else(|| received.and_then(|(_, e)| e).and_then(|e| a.exp.checked_sub(e)))
            .unwrap_or(a.exp);
        let lifetime = a.exp.duration_since(issued).unwrap_or(Duration::ZERO);
        let shift = |exp: SystemTime| match received {
            Some((now, _)) => match now.duration_since(issued) {
                Ok(ahead) => exp + ahead,
                Err(behind) => exp.checked_sub(behind.duration()).unwrap_or(UNIX_EPOCH),
            },
            None => exp,
        };
        let username = a
            .username
            .or(i.username)
            .unwrap_or_else(|| username_hint.to_owned());
        Ok(Tokens {
            access: SecretString::new(access),
            id: SecretString::new(id),
            refresh,
            username,
            sub: i.sub,
            access_expires: shift(a.exp),
            id_expires: shift(i.exp),
            lifetime,
        })
    }

    fn info(&self) -> SessionInfo {
        SessionInfo {
            username: self.username.clone(),
            sub: self.sub.clone(),
            access_token_expires_at: self.access_expires,
            id_token_expires_at: self.id_expires,
        }
    }

    fn expires(&self) -> SystemTime {
        self.access_expires.min(self.id_expires)
    }

    /// Whether to refresh now: within `margin` of expiry (at most half the lifetime).
    fn is_stale(&self, now: SystemTime, margin: Duration) -> bool {
        let margin = margin.min(self.lifetime / 2);
        now + margin >= self.expires()
    }

    fn to_stored(&self, pool_id: &str, client_id: &str) -> StoredTokens {
        StoredTokens::new(
            pool_id,
            client_id,
            self.username.clone(),
            self.access.clone(),
            self.id.clone(),
            self.refresh.clone(),
        )
    }
}

fn not_signed_in() -> Error {
    Error::new(
        ErrorKind::NotSignedIn,
        "nobody is signed in to the Cognito user pool",
    )
}

fn srp_error(e: SrpError) -> Error {
    let kind = match e {
        SrpError::RandomUnavailable => ErrorKind::Credentials,
        _ => ErrorKind::Decode,
    };
    Error::new(kind, "cannot answer Cognito's PASSWORD_VERIFIER challenge").with_source(e)
}

impl Cognito {
    /// Signs in with the configured flow (`USER_SRP_AUTH` unless the config or builder says
    /// otherwise), replacing any current session.
    ///
    /// # Errors
    /// Typed refusals: [`ErrorKind::NotAuthorized`] (wrong password, disabled user),
    /// [`ErrorKind::UserNotFound`], [`ErrorKind::UserNotConfirmed`],
    /// [`ErrorKind::PasswordResetRequired`], each naming Cognito's error
    /// ([`Error::aws_error_name`]); [`ErrorKind::Config`] without a user pool.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<SignIn, Error> {
        let flow = self.settings()?.flow;
        self.sign_in_with_flow(username, password, flow).await
    }

    /// Signs in with a given flow. `CUSTOM_AUTH` does not use the password: Cognito answers
    /// with a challenge for your Lambda triggers.
    ///
    /// # Errors
    /// As [`Cognito::sign_in`].
    pub async fn sign_in_with_flow(
        &self,
        username: &str,
        password: &str,
        flow: AuthFlow,
    ) -> Result<SignIn, Error> {
        let pool = self.user_pool()?;
        let mut params = Map::new();
        params.insert("USERNAME".into(), username.into());
        if let Some(hash) = pool.secret_hash(username) {
            params.insert("SECRET_HASH".into(), hash.into());
        }
        let (auth_flow, srp) = match flow {
            AuthFlow::UserPassword => {
                params.insert("PASSWORD".into(), password.into());
                ("USER_PASSWORD_AUTH", None)
            }
            AuthFlow::Custom => ("CUSTOM_AUTH", None),
            // UserSrp, and any flow added later, signs in with SRP (the Amplify default).
            _ => {
                let srp = SrpClient::new().map_err(srp_error)?;
                params.insert("SRP_A".into(), srp.srp_a_hex().into());
                ("USER_SRP_AUTH", Some(srp))
            }
        };
        let body = json!({
            "AuthFlow": auth_flow,
            "ClientId": pool.app_client_id,
            "AuthParameters": params,
        });
        let answer = pool.call(&self.inner.http, "InitiateAuth", &body).await?;
        match (srp, str_field(&answer, "ChallengeName")) {
            (Some(srp), Some("PASSWORD_VERIFIER")) => {
                self.answer_password_verifier(&srp, &answer, username, password)
                    .await
            }
            _ => self.finish(&answer, username).await,
        }
    }

    async fn answer_password_verifier(
        &self,
        srp: &SrpClient,
        answer: &Value,
        username: &str,
        password: &str,
    ) -> Result<SignIn, Error> {
        let pool = self.user_pool()?;
        let params = answer.get("ChallengeParameters").unwrap_or(&Value::Null);
        let param = |name: &str| {
            str_field(params, name).ok_or_else(|| {
                Error::new(
                    ErrorKind::Decode,
                    format!("Cognito's PASSWORD_VERIFIER challenge has no {name}"),
                )
            })
        };
        let challenge_user = str_field(params, "USERNAME").unwrap_or(username);
        let secret_block = param("SECRET_BLOCK")?;
        let now = self.inner.clock.now();
        let unix = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let timestamp = format_timestamp(unix);
        let signature = srp
            .password_claim(
                &pool.pool_id,
                param("USER_ID_FOR_SRP")?,
                password,
                param("SALT")?,
                param("SRP_B")?,
                secret_block,
                &timestamp,
            )
            .map_err(srp_error)?;
        let mut responses = Map::new();
        responses.insert("USERNAME".into(), challenge_user.into());
        responses.insert("PASSWORD_CLAIM_SECRET_BLOCK".into(), secret_block.into());
        responses.insert("TIMESTAMP".into(), timestamp.into());
        responses.insert("PASSWORD_CLAIM_SIGNATURE".into(), signature.into());
        if let Some(hash) = pool.secret_hash(challenge_user) {
            responses.insert("SECRET_HASH".into(), hash.into());
        }
        let mut body = json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "ClientId": pool.app_client_id,
            "ChallengeResponses": responses,
        });
        if let Some(session) = str_field(answer, "Session") {
            body["Session"] = session.into();
        }
        let answer = pool
            .call(&self.inner.http, "RespondToAuthChallenge", &body)
            .await?;
        self.finish(&answer, challenge_user).await
    }

    /// Answers a challenge with one value: the new password, the MFA code, the answer of a
    /// custom challenge, the MFA type to use.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] for a challenge that takes more than one value (`MFA_SETUP`, an
    /// unknown one): use [`Cognito::confirm_sign_in_with`]. Cognito's refusals as for
    /// [`Cognito::sign_in`] (`CodeMismatchException`, `InvalidPasswordException` are
    /// [`ErrorKind::Cognito`]).
    pub async fn confirm_sign_in(
        &self,
        challenge: &Challenge,
        answer: impl Into<SecretString>,
    ) -> Result<SignIn, Error> {
        let key = challenge.name.answer_key().ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                format!(
                    "the {} challenge takes more than one answer: use confirm_sign_in_with",
                    challenge.name
                ),
            )
        })?;
        let answer = answer.into();
        self.confirm_sign_in_with(challenge, [(key.to_owned(), answer)])
            .await
    }

    /// Answers a challenge with the given `ChallengeResponses` (`USERNAME` and `SECRET_HASH`
    /// are added).
    ///
    /// # Errors
    /// As [`Cognito::confirm_sign_in`].
    pub async fn confirm_sign_in_with<I, K, V>(
        &self,
        challenge: &Challenge,
        responses: I,
    ) -> Result<SignIn, Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<SecretString>,
    {
        let pool = self.user_pool()?;
        let mut map = Map::new();
        map.insert("USERNAME".into(), challenge.username.as_str().into());
        if let Some(hash) = pool.secret_hash(&challenge.username) {
            map.insert("SECRET_HASH".into(), hash.into());
        }
        for (k, v) in responses {
            map.insert(k.into(), v.into().expose().into());
        }
        let mut body = json!({
            "ChallengeName": challenge.name.as_str(),
            "ClientId": pool.app_client_id,
            "ChallengeResponses": map,
        });
        if let Some(session) = &challenge.session {
            body["Session"] = session.expose().into();
        }
        let answer = pool
            .call(&self.inner.http, "RespondToAuthChallenge", &body)
            .await?;
        self.finish(&answer, &challenge.username).await
    }

    /// Tokens, or the next challenge, from an InitiateAuth/RespondToAuthChallenge answer.
    async fn finish(&self, answer: &Value, username: &str) -> Result<SignIn, Error> {
        if let Some(result) = answer.get("AuthenticationResult").filter(|v| v.is_object()) {
            let tokens = Tokens::from_result(result, None, username, self.inner.clock.now())?;
            let info = tokens.info();
            self.install(Some(tokens), SessionChange::SignedIn).await;
            return Ok(SignIn::Done(info));
        }
        let Some(name) = str_field(answer, "ChallengeName") else {
            return Err(Error::new(
                ErrorKind::Decode,
                "Cognito's answer has neither tokens nor a challenge",
            ));
        };
        let mut parameters = BTreeMap::new();
        if let Some(obj) = answer.get("ChallengeParameters").and_then(Value::as_object) {
            for (k, v) in obj {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                parameters.insert(k.clone(), text);
            }
        }
        let challenge_user = parameters
            .get("USERNAME")
            .cloned()
            .unwrap_or_else(|| username.to_owned());
        Ok(SignIn::NextStep(Challenge {
            name: ChallengeName::parse(name),
            session: str_field(answer, "Session").map(SecretString::new),
            username: challenge_user,
            parameters,
        }))
    }

    /// Replaces the session (under the change lock), saves or clears the store, and reports.
    async fn install(&self, tokens: Option<Tokens>, change: SessionChange) {
        let _guard = self.inner.change_lock.lock().await;
        self.install_locked(tokens, change).await;
    }

    /// As [`Cognito::install`], for a caller holding the change lock.
    async fn install_locked(&self, tokens: Option<Tokens>, change: SessionChange) {
        let tokens = tokens.map(Arc::new);
        {
            let mut state = self.state();
            state.loaded = true;
            state.tokens = tokens.clone();
        }
        // A store that fails does not fail the sign-in: the session works, it just won't last.
        let stored = match (&tokens, self.user_pool()) {
            (Some(t), Ok(pool)) => {
                let stored = t.to_stored(&pool.pool_id, &pool.app_client_id);
                self.inner.store.save(&stored).await
            }
            _ => self.inner.store.clear().await,
        };
        if let Err(e) = stored {
            tracing::warn!(target: "amplify_rest::cognito", error = %e, "the token store failed");
        }
        self.emit(change, tokens.map(|t| t.sub.clone()));
    }

    /// Reads the token store once, the first time a session is needed.
    async fn ensure_loaded(&self) -> Result<(), Error> {
        if self.state().loaded {
            return Ok(());
        }
        let _guard = self.inner.change_lock.lock().await;
        if self.state().loaded {
            return Ok(());
        }
        let pool = self.user_pool()?;
        let stored = self.inner.store.load().await?;
        let tokens = match stored {
            Some(s) if s.pool_id == pool.pool_id && s.app_client_id == pool.app_client_id => {
                let t = Tokens::from_parts(
                    s.access_token.expose(),
                    s.id_token.expose(),
                    s.refresh_token.clone(),
                    &s.username,
                    None,
                );
                match t {
                    Ok(t) => Some(t),
                    Err(e) => {
                        tracing::warn!(target: "amplify_rest::cognito", error = %e, "ignoring unusable stored tokens");
                        None
                    }
                }
            }
            // Another pool's or app client's session is not ours to use.
            _ => None,
        };
        let mut state = self.state();
        state.loaded = true;
        if let Some(t) = tokens {
            let sub = t.sub.clone();
            state.tokens = Some(Arc::new(t));
            drop(state);
            self.emit(SessionChange::Restored, Some(sub));
        }
        Ok(())
    }

    /// The current tokens, refreshed first if they are about to expire. One refresh at a
    /// time: requests that find the tokens stale wait for it rather than start their own.
    pub(crate) async fn fresh_tokens(&self) -> Result<Arc<Tokens>, Error> {
        self.ensure_loaded().await?;
        let current = self.state().tokens.clone().ok_or_else(not_signed_in)?;
        if !current.is_stale(self.inner.clock.now(), self.inner.refresh_margin) {
            return Ok(current);
        }
        self.refresh_tokens(false).await
    }

    async fn refresh_tokens(&self, force: bool) -> Result<Arc<Tokens>, Error> {
        let _guard = self.inner.change_lock.lock().await;
        // Whoever held the lock before may have refreshed, or signed out.
        let current = self.state().tokens.clone().ok_or_else(not_signed_in)?;
        let now = self.inner.clock.now();
        if !force && !current.is_stale(now, self.inner.refresh_margin) {
            return Ok(current);
        }
        match self.call_refresh(&current).await {
            Ok(tokens) => {
                self.install_locked(Some(tokens), SessionChange::Refreshed).await;
                self.state().tokens.clone().ok_or_else(not_signed_in)
            }
            Err(e) if matches!(e.kind(), ErrorKind::NotAuthorized | ErrorKind::UserNotFound) => {
                self.install_locked(None, SessionChange::SignedOut).await;
                Err(Error::new(
                    ErrorKind::NotSignedIn,
                    "the session expired: Cognito refused the refresh token; sign in again",
                )
                .with_http_of(&e)
                .with_source(e))
            }
            // Cognito unreachable: the old tokens serve while they are still valid.
            Err(e) if !force && now < current.expires() => {
                tracing::warn!(target: "amplify_rest::cognito", error = %e, "token refresh failed; using the current tokens");
                Ok(current)
            }
            Err(e) => {
                Err(Error::new(ErrorKind::Credentials, "cannot refresh the user pool tokens").with_source(e))
            }
        }
    }

    async fn call_refresh(&self, current: &Tokens) -> Result<Tokens, Error> {
        let pool = self.user_pool()?;
        let method = self.settings()?.refresh_method;
        let answer = match method {
            RefreshMethod::GetTokensFromRefreshToken => {
                let mut body = json!({
                    "ClientId": pool.app_client_id,
                    "RefreshToken": current.refresh.expose(),
                });
                if let Some(secret) = &pool.app_client_secret {
                    body["ClientSecret"] = secret.expose().into();
                }
                pool.call(&self.inner.http, "GetTokensFromRefreshToken", &body)
                    .await?
            }
            // REFRESH_TOKEN_AUTH, and any method added later.
            _ => {
                let mut params = Map::new();
                params.insert("REFRESH_TOKEN".into(), current.refresh.expose().into());
                if let Some(hash) = pool.secret_hash(&current.username) {
                    params.insert("SECRET_HASH".into(), hash.into());
                }
                let body = json!({
                    "AuthFlow": "REFRESH_TOKEN_AUTH",
                    "ClientId": pool.app_client_id,
                    "AuthParameters": params,
                });
                pool.call(&self.inner.http, "InitiateAuth", &body).await?
            }
        };
        let result = answer
            .get("AuthenticationResult")
            .filter(|v| v.is_object())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Decode,
                    "Cognito answered the refresh without an AuthenticationResult",
                )
            })?;
        Tokens::from_result(result, Some(current), &current.username, self.inner.clock.now())
    }

    /// Refreshes the tokens now, whether or not they are about to expire.
    ///
    /// # Errors
    /// [`ErrorKind::NotSignedIn`] when nobody is signed in, or when Cognito refuses the refresh
    /// token (the user is then signed out); [`ErrorKind::Credentials`] when Cognito cannot be
    /// reached.
    pub async fn refresh(&self) -> Result<SessionInfo, Error> {
        self.ensure_loaded().await?;
        Ok(self.refresh_tokens(true).await?.info())
    }

    /// Current tokens for the signed-in user, refreshed first if they are about to expire.
    ///
    /// # Errors
    /// As [`Cognito::refresh`].
    pub async fn tokens(&self) -> Result<UserPoolTokens, Error> {
        let t = self.fresh_tokens().await?;
        Ok(UserPoolTokens::new(t.access.clone(), t.id.clone()))
    }

    /// Who is signed in, if anyone (reads the token store the first time; never refreshes).
    ///
    /// # Errors
    /// [`ErrorKind::Config`] without a user pool; the token store's errors.
    pub async fn session(&self) -> Result<Option<SessionInfo>, Error> {
        self.ensure_loaded().await?;
        Ok(self.state().tokens.as_ref().map(|t| t.info()))
    }

    /// Whether someone is signed in (reads the token store the first time).
    pub async fn is_signed_in(&self) -> bool {
        matches!(self.session().await, Ok(Some(_)))
    }

    /// Signs out on this device: forgets the tokens and clears the token store. Requests then
    /// fail with [`ErrorKind::NotSignedIn`] until the next sign-in.
    pub async fn sign_out(&self) {
        self.install(None, SessionChange::SignedOut).await;
    }

    /// Signs out everywhere: Cognito revokes the user's tokens (`GlobalSignOut`), then signs out
    /// here. The local sign-out happens even when Cognito's call fails.
    ///
    /// # Errors
    /// Cognito's error, if `GlobalSignOut` failed for another reason than tokens already revoked.
    pub async fn global_sign_out(&self) -> Result<(), Error> {
        let result = match self.fresh_tokens().await {
            Ok(t) => {
                let pool = self.user_pool()?;
                let body = json!({ "AccessToken": t.access.expose() });
                pool.call(&self.inner.http, "GlobalSignOut", &body)
                    .await
                    .map(drop)
            }
            Err(e) => Err(e),
        };
        self.sign_out().await;
        match result {
            Err(e) if !matches!(e.kind(), ErrorKind::NotAuthorized | ErrorKind::NotSignedIn) => Err(e),
            _ => Ok(()),
        }
    }

    /// The signed-in user's current ID token (refreshed if needed), or `None` when nobody is
    /// signed in or the session just expired: what identity pool `Logins` carry.
    #[allow(dead_code)] // for AWS_IAM credentials through the identity pool
    pub(crate) async fn id_token_if_signed_in(&self) -> Result<Option<SecretString>, Error> {
        match self.fresh_tokens().await {
            Ok(t) => Ok(Some(t.id.clone())),
            Err(e) if e.kind() == ErrorKind::NotSignedIn => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// An `OPENID_CONNECT` token provider that sends this session's ID token (the Amplify
    /// docs' way to call an API whose OIDC issuer is the user pool).
    pub fn id_token_provider(&self) -> CognitoIdToken {
        CognitoIdToken {
            cognito: self.clone(),
        }
    }
}

impl UserPoolTokenSource for Cognito {
    fn user_pool_tokens(&self) -> BoxFuture<'_, Result<UserPoolTokens, Error>> {
        Box::pin(self.tokens())
    }
}

impl From<&Cognito> for UserPools {
    fn from(cognito: &Cognito) -> Self {
        UserPools::new(cognito.clone())
    }
}

/// The session's ID token as an `OPENID_CONNECT` [`TokenProvider`]
/// ([`Cognito::id_token_provider`]). Signed out, requests fail with [`ErrorKind::NotSignedIn`].
#[derive(Clone)]
pub struct CognitoIdToken {
    cognito: Cognito,
}

impl fmt::Debug for CognitoIdToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoIdToken").finish_non_exhaustive()
    }
}

impl TokenProvider for CognitoIdToken {
    fn token(&self) -> BoxFuture<'_, Result<SecretString, BoxError>> {
        Box::pin(async move {
            let t = self.cognito.fresh_tokens().await?;
            Ok(t.id.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn jwt(payload: Value) -> String {
        format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(payload.to_string())
        )
    }

    #[test]
    fn expiry_follows_our_clock() {
        let iat = 1_700_000_000u64;
        let access = jwt(json!({"sub": "s1", "username": "alice", "iat": iat, "exp": iat + 3600}));
        let id = jwt(json!({"sub": "s1", "cognito:username": "alice", "iat": iat, "exp": iat + 3600}));
        let result = json!({"AccessToken": access, "IdToken": id, "RefreshToken": "r", "ExpiresIn": 3600});
        // Our clock is 100 s ahead of Cognito's.
        let now = UNIX_EPOCH + Duration::from_secs(iat + 100);
        let t = Tokens::from_result(&result, None, "hint", now).expect("tokens");
        assert_eq!(t.username, "alice");
        assert_eq!(t.sub, "s1");
        assert_eq!(t.access_expires, now + Duration::from_secs(3600));
        assert_eq!(t.lifetime, Duration::from_secs(3600));
        assert!(!t.is_stale(now + Duration::from_secs(3600 - 121), Duration::from_secs(120)));
        assert!(t.is_stale(now + Duration::from_secs(3600 - 120), Duration::from_secs(120)));
        // The margin never exceeds half the lifetime.
        assert!(!t.is_stale(now + Duration::from_secs(1000), Duration::from_secs(3000)));

        // A refresh without a refresh token keeps the old one.
        let again = json!({"AccessToken": access, "IdToken": id, "ExpiresIn": 3600});
        let t2 = Tokens::from_result(&again, Some(&t), "hint", now).expect("tokens");
        assert_eq!(t2.refresh.expose(), "r");
        assert!(Tokens::from_result(&again, None, "hint", now).is_err());

        // Stored tokens expire at their exp.
        let t3 = Tokens::from_parts(&access, &id, SecretString::new("r"), "hint", None).expect("stored");
        assert_eq!(t3.access_expires, UNIX_EPOCH + Duration::from_secs(iat + 3600));
    }

    #[test]
    fn garbage_tokens_are_errors() {
        let result = json!({"AccessToken": "nope", "IdToken": "nope", "RefreshToken": "r"});
        let e = Tokens::from_result(&result, None, "u", SystemTime::now())
            .err()
            .expect("garbage");
        assert_eq!(e.kind(), ErrorKind::Decode);
    }
}
