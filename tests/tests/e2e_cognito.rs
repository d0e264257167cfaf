//! End to end: Cognito user pools (moto) signing users in, `AMAZON_COGNITO_USER_POOLS` and
//! `OPENID_CONNECT` endpoints whose tokens the stand-in gateway verifies with PyJWT (against
//! moto's JWKS for user pool tokens, against its own test key for OIDC tokens).
//!
//! Every test makes its own user pool (tests run in parallel; no reset).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use amplify_rest::auth::{Cognito, UserPools, token_fn};
use amplify_rest::cognito::{ChallengeName, FileTokenStore, MemoryTokenStore, SessionChange, SignIn};
use amplify_rest::config::AuthFlow;
use amplify_rest::{Clock, ErrorKind, ManualClock, reqwest};
use amplify_rest_tests::moto::{self, PASSWORD};
use amplify_rest_tests::proxy::Proxy;
use amplify_rest_tests::{echo, servers};
use serde_json::{Value, json};

#[amplify_rest::amplify_rest(config = "fixtures/e2e/cognito.json")]
mod api {}

/// One moto user pool with an app client (with or without a secret) and a confirmed user.
struct Pool(moto::UserPool);

impl std::ops::Deref for Pool {
    type Target = moto::UserPool;
    fn deref(&self) -> &moto::UserPool {
        &self.0
    }
}

impl Pool {
    async fn new(name: &str, secret: bool) -> Pool {
        Pool(moto::UserPool::create(name, secret).await)
    }

    /// A builder from the fixture config, pointed at this pool and at moto.
    fn builder(&self) -> amplify_rest::cognito::CognitoBuilder {
        let mut b = Cognito::builder()
            .config(api::AUTH)
            .flow(AuthFlow::UserSrp)
            .user_pool(&self.id, &self.client_id)
            .user_pool_url(servers::moto());
        if let Some(secret) = &self.client_secret {
            b = b.app_client_secret(secret.as_str());
        }
        b
    }

    fn cognito(&self) -> Cognito {
        self.builder().build().expect("cognito")
    }

    fn orders(&self, tokens: impl Into<UserPools>) -> api::OrdersApi {
        api::OrdersApi::builder(tokens)
            .base_url(self.cup_url())
            .build()
            .expect("orders client")
    }
}

fn expect_done(outcome: SignIn) -> amplify_rest::cognito::SessionInfo {
    match outcome {
        SignIn::Done(info) => info,
        other => panic!("expected to be signed in, got {other:?}"),
    }
}

#[tokio::test]
async fn srp_sign_in_sends_the_raw_access_token_verified_against_moto_jwks() {
    let pool = Pool::new("srp", false).await;
    let auth = pool.cognito();
    let info = expect_done(auth.sign_in(&pool.user, PASSWORD).await.expect("SRP sign-in"));
    assert_eq!(info.username, pool.user);
    assert!(!info.sub.is_empty());
    assert_eq!(auth.session().await.expect("session"), Some(info.clone()));

    // `&auth` and `auth.clone()` both make an endpoint; the session is shared.
    let echo_access = echo(pool.orders(&auth).get("/orders/1")).await;
    let a = &echo_access["auth"];
    assert_eq!(a["mode"], "cup");
    assert_eq!(a["token_use"], "access");
    assert_eq!(a["client_id"], pool.client_id.as_str());
    assert_eq!(a["username"], pool.user.as_str());
    assert_eq!(a["sub"], info.sub.as_str());
    let header = echo_access["headers"]["authorization"]
        .as_str()
        .expect("authorization");
    assert!(!header.starts_with("Bearer"), "raw token expected: {header}");
    assert_eq!(header.split('.').count(), 3);

    let echo_id = echo(
        pool.orders(UserPools::from(auth.clone()).use_id_token())
            .get("/orders/1"),
    )
    .await;
    assert_eq!(echo_id["auth"]["token_use"], "id");
    assert_eq!(echo_id["auth"]["username"], pool.user.as_str());

    // Debug shows who, never a token.
    let debug = format!("{auth:?} {:?}", pool.orders(&auth));
    assert!(!debug.contains(header), "{debug}");
    assert!(debug.contains(&pool.client_id), "{debug}");
}

#[tokio::test]
async fn a_client_with_a_secret_signs_in_both_ways_and_refreshes() {
    let pool = Pool::new("secret", true).await;
    let secret = pool.client_secret.clone().expect("secret");
    let auth = pool.cognito();
    let debug = format!("{auth:?}");
    assert!(!debug.contains(&secret), "{debug}");

    // moto checks SECRET_HASH on the SRP InitiateAuth: without the secret, Cognito refuses.
    let no_secret = Cognito::builder()
        .user_pool(&pool.id, &pool.client_id)
        .user_pool_url(servers::moto())
        .build()
        .expect("cognito");
    let e = no_secret
        .sign_in(&pool.user, PASSWORD)
        .await
        .expect_err("no SECRET_HASH");
    assert_eq!(e.kind(), ErrorKind::NotAuthorized, "{e}");

    expect_done(
        auth.sign_in(&pool.user, PASSWORD)
            .await
            .expect("SRP with SECRET_HASH"),
    );
    let first = auth.tokens().await.expect("tokens");
    let generation = auth.session_generation();

    // moto checks SECRET_HASH on REFRESH_TOKEN_AUTH too.
    auth.refresh().await.expect("refresh with SECRET_HASH");
    let second = auth.tokens().await.expect("tokens");
    assert_ne!(
        first.access_token.expose(),
        second.access_token.expose(),
        "refresh gives new tokens"
    );
    assert_eq!(auth.session_generation(), generation + 1);
    assert_eq!(auth.session_events().borrow().change, SessionChange::Refreshed);
    let e = echo(pool.orders(&auth).get("/after-refresh")).await;
    assert_eq!(e["auth"]["token_use"], "access");

    // USER_PASSWORD_AUTH, as the fixture config's flow says.
    let by_password = Cognito::builder()
        .config(api::AUTH)
        .user_pool(&pool.id, &pool.client_id)
        .app_client_secret(secret.as_str())
        .user_pool_url(servers::moto())
        .build()
        .expect("cognito");
    expect_done(
        by_password
            .sign_in(&pool.user, PASSWORD)
            .await
            .expect("password sign-in"),
    );
    by_password
        .refresh()
        .await
        .expect("refresh after password sign-in");
    let e = echo(pool.orders(&by_password).get("/by-password")).await;
    assert_eq!(e["auth"]["username"], pool.user.as_str());
}

#[tokio::test]
async fn wrong_password_and_unknown_user_are_typed_errors() {
    let pool = Pool::new("refusals", false).await;
    let auth = pool.cognito();

    let e = auth
        .sign_in_with_flow(&pool.user, "Wrong-Password-9", AuthFlow::UserPassword)
        .await
        .expect_err("wrong password");
    assert_eq!(e.kind(), ErrorKind::NotAuthorized, "{e}");
    assert_eq!(e.aws_error_name(), Some("NotAuthorizedException"));
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    let text = e.to_string();
    assert!(
        !text.contains('\n') && !text.contains("Wrong-Password-9"),
        "{text}"
    );
    assert!(
        text.contains("InitiateAuth") && text.contains("NotAuthorizedException"),
        "{text}"
    );

    for flow in [AuthFlow::UserPassword, AuthFlow::UserSrp] {
        let e = auth
            .sign_in_with_flow("nobody-here", PASSWORD, flow)
            .await
            .expect_err("unknown user");
        assert_eq!(e.kind(), ErrorKind::UserNotFound, "{flow:?}: {e}");
        assert_eq!(e.aws_error_name(), Some("UserNotFoundException"));
    }
    assert_eq!(
        auth.session().await.expect("session"),
        None,
        "failed sign-ins leave nobody signed in"
    );
}

#[tokio::test]
async fn new_password_required_comes_back_as_a_next_step() {
    let pool = Pool::new("newpass", false).await;
    moto::add_user(&pool.id, "fresh-user", None).await;
    let auth = pool.cognito();
    let outcome = auth
        .sign_in("fresh-user", "Temp-Pass-1")
        .await
        .expect("first step");
    let challenge = match outcome {
        SignIn::NextStep(c) => c,
        other => panic!("expected a challenge, got {other:?}"),
    };
    assert_eq!(challenge.name(), &ChallengeName::NewPasswordRequired);
    assert_eq!(challenge.username(), "fresh-user");
    assert!(!format!("{challenge:?}").contains("Temp-Pass-1"));
    assert_eq!(auth.session().await.expect("session"), None);

    let info = expect_done(
        auth.confirm_sign_in(&challenge, "Brand-New-Pass-2")
            .await
            .expect("answer"),
    );
    assert_eq!(info.username, "fresh-user");
    let e = echo(pool.orders(&auth).get("/welcome")).await;
    assert_eq!(e["auth"]["username"], "fresh-user");
    // The new password is the password now.
    let again = pool.cognito();
    expect_done(
        again
            .sign_in_with_flow("fresh-user", "Brand-New-Pass-2", AuthFlow::UserPassword)
            .await
            .expect("new password works"),
    );
}

#[tokio::test]
async fn signed_out_requests_fail_before_anything_is_sent() {
    let pool = Pool::new("signedout", false).await;
    let auth = pool.cognito();
    let mut events = auth.session_events();
    // Nothing listens on port 9: a request that went out would be a transport error.
    let nowhere = api::OrdersApi::builder(&auth)
        .base_url("http://127.0.0.1:9/dev")
        .build()
        .expect("client");
    let e = nowhere.get("/x").send().await.expect_err("signed out");
    assert_eq!(e.kind(), ErrorKind::NotSignedIn, "{e}");

    expect_done(auth.sign_in(&pool.user, PASSWORD).await.expect("sign-in"));
    assert!(events.has_changed().expect("open"));
    assert_eq!(events.borrow_and_update().change, SessionChange::SignedIn);
    echo(pool.orders(&auth).get("/in")).await;

    auth.sign_out().await;
    assert_eq!(events.borrow_and_update().change, SessionChange::SignedOut);
    assert!(!auth.is_signed_in().await);
    let e = nowhere.get("/x").send().await.expect_err("signed out again");
    assert_eq!(e.kind(), ErrorKind::NotSignedIn, "{e}");
    let e = pool
        .orders(&auth)
        .get("/out")
        .send()
        .await
        .expect_err("signed out");
    assert_eq!(e.kind(), ErrorKind::NotSignedIn);
}

#[tokio::test]
async fn a_tampered_token_is_a_typed_401() {
    let pool = Pool::new("tamper", false).await;
    let auth = pool.cognito();
    expect_done(auth.sign_in(&pool.user, PASSWORD).await.expect("sign-in"));
    let tokens = auth.tokens().await.expect("tokens");
    let access = tokens.access_token.expose().to_owned();
    // Change the payload (the user name) and keep moto's signature.
    let parts: Vec<&str> = access.split('.').collect();
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut claims: Value = serde_json::from_slice(&engine.decode(parts[1]).expect("b64")).expect("claims");
    claims["username"] = json!("mallory");
    let forged = format!("{}.{}.{}", parts[0], engine.encode(claims.to_string()), parts[2]);
    let source = amplify_rest::auth::UserPoolTokens::new(forged, tokens.id_token.clone());
    let e = pool
        .orders(source)
        .get("/steal")
        .send()
        .await
        .expect_err("tampered");
    assert_eq!(e.kind(), ErrorKind::Http);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(e.aws_error_name(), Some("UnauthorizedException"));
}

/// A second stand-in gateway whose clock runs `skew` seconds ahead, to age tokens.
struct SkewedGateway {
    child: std::process::Child,
    url: String,
}

impl SkewedGateway {
    fn start(skew_seconds: u64) -> SkewedGateway {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let python = root.join(".venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run ./scripts/test.sh once",
            python.display()
        );
        let dir = std::env::temp_dir().join(format!(
            "amplify-rest-skewed-gw-{}-{skew_seconds}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let port_file = dir.join("port");
        let _ = std::fs::remove_file(&port_file);
        let child = std::process::Command::new(python)
            .arg(root.join("tests/gateway/gateway.py"))
            .args(["--port", "0", "--port-file"])
            .arg(&port_file)
            .args([
                "--moto-url",
                &servers::moto(),
                "--clock-skew-seconds",
                &skew_seconds.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the skewed gateway");
        let mut gw = SkewedGateway {
            child,
            url: String::new(),
        };
        for _ in 0..200 {
            if let Ok(port) = std::fs::read_to_string(&port_file)
                && !port.trim().is_empty()
            {
                gw.url = format!("http://127.0.0.1:{}", port.trim());
                return gw;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the skewed gateway did not start within 20 s");
    }
}

impl Drop for SkewedGateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn an_expired_token_is_a_typed_401() {
    let pool = Pool::new("expired", false).await;
    let auth = pool.cognito();
    expect_done(auth.sign_in(&pool.user, PASSWORD).await.expect("sign-in"));
    // Two hours on, by the gateway's clock, moto's one-hour token has expired.
    let gateway = SkewedGateway::start(7200);
    let late = api::OrdersApi::builder(&auth)
        .base_url(format!("{}/cup/{}/{}/dev", gateway.url, pool.id, pool.client_id))
        .build()
        .expect("client");
    let e = late.get("/late").send().await.expect_err("expired");
    assert_eq!(e.kind(), ErrorKind::Http);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(e.aws_error_name(), Some("UnauthorizedException"));
    assert!(e.to_string().contains("expired"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_refresh_before_expiry_for_100_concurrent_requests() {
    let pool = Pool::new("single-flight", true).await;
    // Count Cognito calls on their way to moto.
    let proxy = Proxy::start(&servers::moto()).await;
    let clock = ManualClock::starting_now();
    let auth = pool
        .builder()
        .user_pool_url(proxy.url())
        .clock(clock.clone())
        .build()
        .expect("cognito");
    let info = expect_done(auth.sign_in(&pool.user, PASSWORD).await.expect("sign-in"));
    let lifetime = info
        .access_token_expires_at
        .duration_since(clock.now())
        .expect("in the future");
    assert!(lifetime > Duration::from_secs(3500), "{lifetime:?}");
    let orders = pool.orders(&auth);

    let burst = || {
        let handles: Vec<_> = (0..100)
            .map(|i| {
                let orders = orders.clone();
                tokio::spawn(async move { orders.get(format!("/burst/{i}")).send().await })
            })
            .collect();
        async move {
            for h in handles {
                let answer = h.await.expect("task").expect("request");
                let echo: Value = answer.json().expect("echo");
                assert_eq!(echo["auth"]["token_use"], "access");
            }
        }
    };

    // Well before expiry: no refresh.
    let before = proxy.count("InitiateAuth");
    clock.advance(lifetime - Duration::from_secs(600));
    burst().await;
    assert_eq!(
        proxy.count("InitiateAuth"),
        before,
        "no refresh while the tokens are fresh"
    );

    // 60 s before expiry (inside the 2-minute margin): exactly one refresh for 100 requests.
    clock.advance(Duration::from_secs(540));
    assert!(clock.now() < info.access_token_expires_at);
    burst().await;
    assert_eq!(proxy.count("InitiateAuth"), before + 1, "exactly one refresh");
    let refreshed = auth.session().await.expect("session").expect("signed in");
    assert!(refreshed.access_token_expires_at > info.access_token_expires_at);

    // The new tokens are fresh: another burst refreshes nothing.
    burst().await;
    assert_eq!(proxy.count("InitiateAuth"), before + 1);
}

#[tokio::test]
async fn a_refused_refresh_signs_out_and_says_so() {
    let pool = Pool::new("revoked", false).await;
    let store = MemoryTokenStore::new();
    let clock = ManualClock::starting_now();
    let a = pool.builder().token_store(store.clone()).build().expect("a");
    let b = pool
        .builder()
        .token_store(store.clone())
        .clock(clock.clone())
        .build()
        .expect("b");
    expect_done(a.sign_in(&pool.user, PASSWORD).await.expect("sign-in"));

    // b restores a's session from the shared store.
    let restored = b.session().await.expect("session").expect("restored");
    assert_eq!(restored.username, pool.user);
    assert_eq!(b.session_events().borrow().change, SessionChange::Restored);
    echo(pool.orders(&b).get("/restored")).await;

    // a signs out everywhere: Cognito revokes the refresh token b holds.
    a.global_sign_out().await.expect("global sign-out");
    assert!(!a.is_signed_in().await);

    // b's tokens age past expiry; the refresh is refused; b is signed out, and told so.
    clock.advance(Duration::from_secs(3700));
    let nowhere = api::OrdersApi::builder(&b)
        .base_url("http://127.0.0.1:9/dev")
        .build()
        .expect("client");
    let e = nowhere.get("/x").send().await.expect_err("session over");
    assert_eq!(e.kind(), ErrorKind::NotSignedIn, "{e}");
    assert_eq!(e.aws_error_name(), Some("NotAuthorizedException"));
    assert!(e.to_string().contains("expired"), "{e}");
    let source = std::error::Error::source(&e).expect("the refusal is the source");
    assert!(source.to_string().contains("NotAuthorizedException"), "{source}");
    assert_eq!(b.session().await.expect("session"), None);
    assert_eq!(b.session_events().borrow().change, SessionChange::SignedOut);
}

#[tokio::test]
async fn a_file_store_keeps_the_session_across_clients() {
    let pool = Pool::new("filestore", true).await;
    let dir = std::env::temp_dir().join(format!("amplify-rest-e2e-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("session.json");
    let _ = std::fs::remove_file(&path);

    let first = pool
        .builder()
        .token_store(FileTokenStore::new(&path))
        .build()
        .expect("first");
    expect_done(first.sign_in(&pool.user, PASSWORD).await.expect("sign-in"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).expect("token file").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // A later run: no sign-in, the file's session works, and refreshes (with SECRET_HASH).
    let later = pool
        .builder()
        .token_store(FileTokenStore::new(&path))
        .build()
        .expect("later");
    let e = echo(pool.orders(&later).get("/later")).await;
    assert_eq!(e["auth"]["username"], pool.user.as_str());
    later.refresh().await.expect("refresh from a stored session");

    later.sign_out().await;
    assert!(!path.exists(), "sign-out deletes the token file");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn oidc_tokens_from_the_provider_are_asked_per_request() {
    let gw = servers::gateway();
    let minted = reqwest::Client::new()
        .post(format!("{gw}/_admin/oidc-token"))
        .body(json!({"sub": "partner-7"}).to_string())
        .send()
        .await
        .expect("mint")
        .text()
        .await
        .expect("body");
    let minted: Value = serde_json::from_str(&minted).expect("JSON");
    let token = minted["token"].as_str().expect("token").to_owned();

    // A fixed String works.
    let fixed = api::PartnerApi::builder(token.clone())
        .base_url(format!("{gw}/oidc/v1"))
        .build()
        .expect("client");
    let e = echo(fixed.get("/partners")).await;
    assert_eq!(e["auth"]["mode"], "oidc");
    assert_eq!(e["auth"]["sub"], "partner-7");
    assert_eq!(e["headers"]["authorization"], token.as_str());

    // A provider is asked once per request.
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let provider = token_fn(move || {
        let token = token.clone();
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<_, std::io::Error>(token)
        }
    });
    let partner = api::PartnerApi::builder(provider)
        .base_url(format!("{gw}/oidc/v1"))
        .build()
        .expect("client");
    echo(partner.get("/a")).await;
    echo(partner.get("/b")).await;
    assert_eq!(asked.load(Ordering::SeqCst), 2);

    // A token the gateway does not trust is refused with a typed 401.
    let stranger = api::PartnerApi::builder("a.b.c".to_owned())
        .base_url(format!("{gw}/oidc/v1"))
        .build()
        .expect("client");
    let e = stranger.get("/x").send().await.expect_err("untrusted");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(401));
}

#[derive(Debug)]
struct VaultLocked;

impl std::fmt::Display for VaultLocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the token vault is locked")
    }
}

impl std::error::Error for VaultLocked {}

#[tokio::test]
async fn an_oidc_provider_error_is_the_source() {
    let provider = token_fn(|| async { Err::<String, _>(VaultLocked) });
    // Nothing listens on port 9: a request that went out would be a transport error.
    let partner = api::PartnerApi::builder(provider)
        .base_url("http://127.0.0.1:9/v1")
        .build()
        .expect("client");
    let e = partner.get("/x").send().await.expect_err("provider failed");
    assert_eq!(e.kind(), ErrorKind::Credentials, "{e}");
    let source = std::error::Error::source(&e).expect("source");
    assert!(source.downcast_ref::<VaultLocked>().is_some(), "{source:?}");
}

#[tokio::test]
async fn the_session_id_token_serves_oidc_endpoints() {
    let pool = Pool::new("idtoken", false).await;
    let auth = pool.cognito();
    // A user-pool-issued ID token, sent raw by an OPENID_CONNECT endpoint.
    let partner = api::PartnerApi::builder(auth.id_token_provider())
        .base_url(pool.cup_url())
        .build()
        .expect("client");
    let e = partner.get("/x").send().await.expect_err("signed out");
    assert_eq!(e.kind(), ErrorKind::NotSignedIn, "{e}");

    expect_done(auth.sign_in(&pool.user, PASSWORD).await.expect("sign-in"));
    let e = echo(partner.get("/me")).await;
    assert_eq!(e["auth"]["token_use"], "id");
    assert_eq!(e["auth"]["username"], pool.user.as_str());
}
