//! End to end: identity-pool credentials from moto's Cognito Identity, signing `AWS_IAM`
//! requests verified by botocore in the stand-in gateway. Cognito calls are counted by a proxy
//! between the client and moto; time is a manual clock, so expiry needs no sleeping.

use std::time::Duration;

use amplify_rest::ManualClock;
use amplify_rest::cognito::IdentityPool;
use amplify_rest::config::IdentityPoolConfig;
use amplify_rest::reqwest;
use amplify_rest_tests::proxy::Proxy;
use amplify_rest_tests::servers;
use serde_json::{Value, json};
use tokio::task::JoinSet;

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    pub struct PetsApi;
}

/// Creates an identity pool in moto that allows guests; returns its id.
async fn create_identity_pool() -> String {
    let answer = reqwest::Client::new()
        .post(format!("{}/", servers::moto()))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityService.CreateIdentityPool")
        .body(
            json!({
                "IdentityPoolName": format!("guests{}", std::process::id()),
                "AllowUnauthenticatedIdentities": true,
            })
            .to_string(),
        )
        .send()
        .await
        .expect("moto answers")
        .bytes()
        .await
        .expect("body");
    let answer: Value = serde_json::from_slice(&answer).expect("JSON");
    answer["IdentityPoolId"]
        .as_str()
        .expect("IdentityPoolId")
        .to_owned()
}

struct Setup {
    proxy: Proxy,
    clock: ManualClock,
    pool: IdentityPool,
}

async fn setup() -> Setup {
    let id = create_identity_pool().await;
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
        tasks.spawn(async move { pool.credentials().await.map(|c| c.access_key_id) });
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
    assert!(matches!(err.status().map(|s| s.as_u16()), Some(400 | 500)), "{err}");
    assert_eq!(err.kind(), amplify_rest::ErrorKind::Cognito, "{err}");
    assert!(err.to_string().contains("GetId"), "names the Cognito operation: {err}");
    assert!(proxy.count("GetId") >= 1);
    assert_eq!(proxy.count("GetCredentialsForIdentity"), 0);
}
