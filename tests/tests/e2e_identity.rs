//! End to end: identity-pool credentials from moto's Cognito Identity, signing `AWS_IAM`
//! requests verified by botocore in the stand-in gateway. Cognito calls are counted by a proxy
//! between the client and moto; time is a manual clock, so expiry needs no sleeping.

use std::time::Duration;

use amplify_rest::ManualClock;
use amplify_rest::auth::Cognito;
use amplify_rest::cognito::IdentityPool;
use amplify_rest::config::AuthFlow;
use amplify_rest::config::IdentityPoolConfig;
use amplify_rest_tests::moto::{self, PASSWORD};
use amplify_rest_tests::proxy::Proxy;
use amplify_rest_tests::servers;
use serde_json::Value;
use tokio::task::JoinSet;

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    pub struct PetsApi;
}

struct Setup {
    proxy: Proxy,
    clock: ManualClock,
    pool: IdentityPool,
}

async fn setup() -> Setup {
    let id = moto::create_identity_pool(&format!("guests{}", std::process::id())).await;
    let region: &'static str = "us-east-1";
    let pool_id: &'static str = Box::leak(id.into_boxed_str());
    let proxy = Proxy::start(&servers::moto()).await;
    let clock = ManualClock::starting_now();
    let pool = IdentityPool::builder(IdentityPoolConfig::new(pool_id, region))
        .endpoint_url(proxy.url())
        .clock(clock.clone())
        .build()
        .expect("identity pool client");
    Setup { proxy, clock, pool }
}

fn pets(pool: &IdentityPool) -> api::PetsApi {
    api::PetsApi::builder(pool.clone())
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .build()
        .expect("client")
}

#[tokio::test]
async fn guest_credentials_sign_requests_and_are_cached() {
    let Setup { proxy, pool, .. } = setup().await;
    let client = pets(&pool);
    for _ in 0..3 {
        let echo: Value = client
            .get("/pets")
            .send()
            .await
            .expect("signed with guest credentials")
            .json()
            .expect("JSON");
        assert_eq!(echo["auth"]["access_key_id"], "TESTACCESSKEY12345");
        assert_eq!(echo["auth"]["session_token_present"], true);
    }
    assert_eq!(proxy.count("GetId"), 1);
    assert_eq!(proxy.count("GetCredentialsForIdentity"), 1);
    assert!(pool.identity_id().is_some_and(|id| id.contains(':')));
}

#[tokio::test]
async fn credentials_are_renewed_before_expiration_and_the_identity_is_kept() {
    let Setup { proxy, clock, pool } = setup().await;
    let client = pets(&pool);
    client.get("/pets").send().await.expect("first");
    let identity = pool.identity_id();
    // moto's credentials live 90 s; a quarter of that is the margin: at +60 s they are still good.
    clock.advance(Duration::from_secs(60));
    client.get("/pets").send().await.expect("cached");
    assert_eq!(proxy.count("GetCredentialsForIdentity"), 1);
    // At +70 s they are within the margin: renewed once, for the same identity.
    clock.advance(Duration::from_secs(10));
    client.get("/pets").send().await.expect("renewed");
    client.get("/pets").send().await.expect("renewed, cached");
    assert_eq!(proxy.count("GetCredentialsForIdentity"), 2);
    assert_eq!(proxy.count("GetId"), 1, "the identity id is cached");
    assert_eq!(pool.identity_id(), identity);
}

#[tokio::test]
async fn a_thousand_waiters_on_expired_credentials_cause_one_fetch() {
    let Setup { proxy, clock, pool } = setup().await;
    pool.credentials().await.expect("first fetch");
    // An hour on, the credentials have expired. (moto dates new ones from the real clock, so
    // they too look expired to this clock: they are still used for a short while, not refetched
    // by every waiter.)
    clock.advance(Duration::from_secs(3600));
    let mut tasks = JoinSet::new();
    for _ in 0..1000 {
        let pool = pool.clone();
        tasks.spawn(async move { pool.credentials().await.map(|c| c.access_key_id().to_owned()) });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.expect("task").expect("credentials"), "TESTACCESSKEY12345");
    }
    assert_eq!(
        proxy.count("GetCredentialsForIdentity"),
        2,
        "one at start, one after expiry"
    );

    // And through the whole request path: 100 concurrent signed requests after expiry.
    clock.advance(Duration::from_secs(3600));
    let client = pets(&pool);
    let mut tasks = JoinSet::new();
    for i in 0..100 {
        let client = client.clone();
        tasks.spawn(async move { client.get(format!("/pets/{i}")).send().await.map(|r| r.status()) });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.expect("task").expect("signed request").as_u16(), 200);
    }
    assert_eq!(proxy.count("GetCredentialsForIdentity"), 3);
    assert_eq!(proxy.count("GetId"), 1);
}

#[tokio::test]
async fn an_unknown_identity_pool_is_a_typed_error_not_a_panic() {
    let proxy = Proxy::start(&servers::moto()).await;
    let pool = IdentityPool::builder(IdentityPoolConfig::new(
        "us-east-1:00000000-0000-0000-0000-000000000000",
        "us-east-1",
    ))
    .endpoint_url(proxy.url())
    .build()
    .expect("client");
    let err = pets(&pool).get("/pets").send().await.expect_err("no such pool");
    // AWS answers 400 ResourceNotFoundException; moto 5.2.5 crashes with a 500 page. Either way
    // the caller gets the status, and the request never reached the API.
    assert!(
        matches!(err.status().map(|s| s.as_u16()), Some(400 | 500)),
        "{err}"
    );
    assert_eq!(err.kind(), amplify_rest::ErrorKind::Cognito, "{err}");
    assert!(
        err.to_string().contains("GetId"),
        "names the Cognito operation: {err}"
    );
    assert!(proxy.count("GetId") >= 1);
    assert_eq!(proxy.count("GetCredentialsForIdentity"), 0);
}

/// The `Logins` and identity of each `GetCredentialsForIdentity` call the proxy saw.
fn credential_calls(proxy: &Proxy) -> Vec<(String, Option<(String, String)>)> {
    proxy
        .bodies("GetCredentialsForIdentity")
        .iter()
        .map(|b| {
            let v: Value = serde_json::from_slice(b).expect("JSON body");
            let identity = v["IdentityId"].as_str().expect("IdentityId").to_owned();
            let login = v["Logins"]
                .as_object()
                .and_then(|m| m.iter().next())
                .map(|(k, t)| (k.clone(), t.as_str().unwrap_or_default().to_owned()));
            (identity, login)
        })
        .collect()
}

#[tokio::test]
async fn guest_then_signed_in_then_guest_again_with_no_restart() {
    let user_pool = moto::UserPool::create("iamflow", false).await;
    let identity_pool = moto::create_identity_pool("iamflow").await;
    let proxy = Proxy::start(&servers::moto()).await;
    let auth = Cognito::builder()
        .user_pool(&user_pool.id, &user_pool.client_id)
        .user_pool_url(servers::moto())
        .identity_pool(&identity_pool)
        .identity_url(proxy.url())
        .flow(AuthFlow::UserPassword)
        .build()
        .expect("cognito");
    let pets = api::PetsApi::builder(&auth)
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .build()
        .expect("client");
    let provider = format!("cognito-idp.us-east-1.amazonaws.com/{}", user_pool.id);

    // 1. Nobody signed in: guest credentials, no Logins.
    let echo: Value = pets
        .get("/pets")
        .send()
        .await
        .expect("guest call")
        .json()
        .expect("JSON");
    assert_eq!(echo["auth"]["access_key_id"], "TESTACCESSKEY12345");
    let calls = credential_calls(&proxy);
    assert_eq!(calls.len(), 1);
    let (guest_identity, login) = calls[0].clone();
    assert_eq!(login, None, "guest credentials carry no Logins");
    assert_eq!(
        auth.identity_pool().and_then(|p| p.identity_id()),
        Some(guest_identity.clone())
    );

    // 2. Sign in: the next request is signed with the signed-in identity's credentials.
    auth.sign_in(&user_pool.user, PASSWORD).await.expect("sign in");
    let id_token = auth.tokens().await.expect("tokens").id_token.expose().to_owned();
    pets.get("/pets").send().await.expect("signed-in call");
    let calls = credential_calls(&proxy);
    assert_eq!(calls.len(), 2);
    let (user_identity, login) = calls[1].clone();
    assert_eq!(
        login,
        Some((provider.clone(), id_token)),
        "Logins keyed by the user pool, the ID token"
    );
    assert_ne!(
        user_identity, guest_identity,
        "a separate identity for the signed-in user"
    );
    pets.get("/pets").send().await.expect("cached");
    assert_eq!(credential_calls(&proxy).len(), 2, "cached while signed in");

    // 3. Sign out: guest again, the guest identity reused (no new GetId for it).
    auth.sign_out().await;
    pets.get("/pets").send().await.expect("guest again");
    let calls = credential_calls(&proxy);
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[2], (guest_identity.clone(), None));
    assert_eq!(proxy.count("GetId"), 2, "one identity per login state");

    // 4. Signing in again reuses the user's identity too.
    auth.sign_in(&user_pool.user, PASSWORD)
        .await
        .expect("sign in again");
    pets.get("/pets").send().await.expect("signed in again");
    let calls = credential_calls(&proxy);
    assert_eq!(calls[3].0, user_identity);
    assert_eq!(proxy.count("GetId"), 2);
}

#[tokio::test]
async fn a_user_pool_token_refresh_renews_the_identity_credentials() {
    let user_pool = moto::UserPool::create("iamrefresh", false).await;
    let identity_pool = moto::create_identity_pool("iamrefresh").await;
    let proxy = Proxy::start(&servers::moto()).await;
    let clock = ManualClock::starting_now();
    let auth = Cognito::builder()
        .user_pool(&user_pool.id, &user_pool.client_id)
        .user_pool_url(servers::moto())
        .identity_pool(&identity_pool)
        .identity_url(proxy.url())
        .flow(AuthFlow::UserPassword)
        .clock(clock.clone())
        .build()
        .expect("cognito");
    auth.sign_in(&user_pool.user, PASSWORD).await.expect("sign in");
    let first = auth.aws_credentials().await.expect("credentials");
    assert!(first.session_token().is_some());
    // Ten seconds on, the credentials are still good: no call.
    clock.advance(Duration::from_secs(10));
    auth.aws_credentials().await.expect("cached credentials");
    assert_eq!(credential_calls(&proxy).len(), 1);
    // A user pool refresh brings a new ID token: the identity credentials follow it, though the
    // old ones have not expired.
    auth.refresh().await.expect("refresh");
    auth.aws_credentials().await.expect("credentials after refresh");
    let calls = credential_calls(&proxy);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].0, calls[1].0, "same identity");
    assert_ne!(calls[0].1, calls[1].1, "with the refreshed ID token");
}

#[tokio::test]
async fn without_an_identity_pool_iam_is_a_config_error() {
    let auth = Cognito::builder()
        .user_pool("us-east-1_abc", "client")
        .build()
        .expect("cognito");
    let pets = api::PetsApi::builder(&auth)
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .build()
        .expect("client");
    let err = pets.get("/pets").send().await.expect_err("no identity pool");
    assert_eq!(err.kind(), amplify_rest::ErrorKind::Config);
    assert!(err.to_string().contains("identity pool"), "{err}");
}
