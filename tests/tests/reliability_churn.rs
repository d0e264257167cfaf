//! Reliability: credential churn. Credentials (and user pool tokens) that expire every few
//! seconds of an injected clock, advanced by a background task, while 64 tasks send without
//! pause for a bounded time: no request may fail, and each expiry costs one refresh (counted by
//! the proxy between the client and moto), however many senders find the credentials stale.
//!
//! A refresh that lands just as the clock jumps dates its credentials from the new time and
//! absorbs that expiry, so the count may fall short of the expiries by a few; it may never
//! exceed them (+1 for the first fetch).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, UNIX_EPOCH};

use amplify_rest::auth::Cognito;
use amplify_rest::cognito::{IdentityPool, SignIn};
use amplify_rest::config::IdentityPoolConfig;
use amplify_rest::{Clock, ManualClock};
use amplify_rest_tests::moto::{self, PASSWORD};
use amplify_rest_tests::proxy::Proxy;
use amplify_rest_tests::servers;
use serde_json::Value;
use tokio::task::JoinSet;

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    pub struct PetsApi;
}

#[amplify_rest::amplify_rest(config = "fixtures/e2e/cognito.json")]
mod cup {
    pub struct OrdersApi;
}

const SENDERS: usize = 64;
const RUN_FOR: Duration = Duration::from_secs(4);
const TICK: Duration = Duration::from_millis(400);

/// What a churn run did.
#[derive(Debug)]
struct Run {
    requests: u64,
    failures: u64,
    expiries: u64,
}

/// Sends with `SENDERS` tasks for `RUN_FOR` while a ticker advances `clock` by `step` every
/// `TICK`; `send` makes one request.
async fn churn<F, Fut>(clock: &ManualClock, step: Duration, send: F) -> Run
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), amplify_rest::Error>> + Send,
{
    let send = Arc::new(send);
    let stop = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let completed = Arc::new(AtomicU64::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..SENDERS {
        let (send, stop, requests, failures, completed) = (
            Arc::clone(&send),
            Arc::clone(&stop),
            Arc::clone(&requests),
            Arc::clone(&failures),
            Arc::clone(&completed),
        );
        tasks.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                requests.fetch_add(1, Ordering::Relaxed);
                if let Err(e) = send().await {
                    failures.fetch_add(1, Ordering::Relaxed);
                    eprintln!("a request failed: {e}");
                }
                completed.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let started = Instant::now();
    let mut expiries = 0;
    while started.elapsed() < RUN_FOR {
        tokio::time::sleep(TICK).await;
        clock.advance(step);
        expiries += 1;
        // Each expiry is met by a request before the next: wait until one sent after it is done
        // (at most SENDERS were in flight when the clock moved). Bounded, for a stuck server.
        let mark = completed.load(Ordering::Relaxed) + SENDERS as u64 + 1;
        let deadline = Instant::now() + Duration::from_secs(10);
        while completed.load(Ordering::Relaxed) < mark && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    stop.store(true, Ordering::Relaxed);
    while let Some(r) = tasks.join_next().await {
        r.expect("a sender panicked");
    }
    Run {
        requests: requests.load(Ordering::Relaxed),
        failures: failures.load(Ordering::Relaxed),
        expiries,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn iam_credentials_that_expire_every_4_seconds_under_64_senders() {
    const LIFETIME: Duration = Duration::from_secs(4);
    let id = moto::create_identity_pool(&format!("churn{}", std::process::id())).await;
    let pool_id: &'static str = Box::leak(id.into_boxed_str());
    let clock = ManualClock::starting_now();
    // moto's credentials live 90 s of real time: make them live 4 s of the test's clock.
    let proxy_clock = clock.clone();
    let proxy = Proxy::builder(&servers::moto())
        .rewrite(move |_, answer| {
            let Ok(mut v) = serde_json::from_slice::<Value>(&answer.body) else {
                return;
            };
            if v["Credentials"].is_object() {
                let expires = (proxy_clock.now() + LIFETIME)
                    .duration_since(UNIX_EPOCH)
                    .expect("after 1970")
                    .as_secs_f64();
                v["Credentials"]["Expiration"] = expires.into();
                answer.body = v.to_string().into_bytes();
            }
        })
        .start()
        .await;
    let pool = IdentityPool::builder(IdentityPoolConfig::new(pool_id, "us-east-1"))
        .endpoint_url(proxy.url())
        .clock(clock.clone())
        .build()
        .expect("identity pool");
    let pets = api::PetsApi::builder(pool)
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .build()
        .expect("client");
    let run = churn(&clock, LIFETIME, move || {
        let pets = pets.clone();
        async move { pets.get("/pets").send().await.map(drop) }
    })
    .await;
    let fetches = proxy.count("GetCredentialsForIdentity") as u64;
    eprintln!(
        "IAM churn: {SENDERS} senders, {RUN_FOR:?}, {} requests, {} failures, {} expiries, {} refreshes",
        run.requests,
        run.failures,
        run.expiries,
        fetches - 1
    );
    assert_eq!(run.failures, 0, "{run:?}");
    assert!(run.requests > SENDERS as u64 * 2, "{run:?}");
    assert!(
        fetches - 1 <= run.expiries,
        "more refreshes than expiries: {fetches} / {run:?}"
    );
    assert!(
        fetches - 1 + 3 >= run.expiries,
        "too few refreshes: {fetches} / {run:?}"
    );
    assert_eq!(proxy.count("GetId"), 1, "one identity throughout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn user_pool_tokens_that_expire_every_tick_under_64_senders() {
    let user_pool = moto::UserPool::create(&format!("churn{}", std::process::id()), false).await;
    let proxy = Proxy::start(&servers::moto()).await;
    let clock = ManualClock::starting_now();
    let auth = Cognito::builder()
        .user_pool(&user_pool.id, &user_pool.client_id)
        .user_pool_url(proxy.url())
        .clock(clock.clone())
        .build()
        .expect("cognito");
    assert!(matches!(
        auth.sign_in(&user_pool.user, PASSWORD).await.expect("sign in"),
        SignIn::Done(_)
    ));
    let orders = cup::OrdersApi::builder(&auth)
        .base_url(user_pool.cup_url())
        .build()
        .expect("client");
    // moto's tokens live an hour: each tick is a token lifetime.
    let run = churn(&clock, Duration::from_secs(3600), move || {
        let orders = orders.clone();
        async move { orders.get("/orders").send().await.map(drop) }
    })
    .await;
    let refreshes = proxy
        .bodies("InitiateAuth")
        .iter()
        .filter(|b| String::from_utf8_lossy(b).contains("REFRESH_TOKEN_AUTH"))
        .count() as u64;
    eprintln!(
        "user pool churn: {SENDERS} senders, {RUN_FOR:?}, {} requests, {} failures, {} expiries, {refreshes} refreshes",
        run.requests, run.failures, run.expiries
    );
    assert_eq!(run.failures, 0, "{run:?}");
    assert!(
        refreshes <= run.expiries,
        "more refreshes than expiries: {refreshes} / {run:?}"
    );
    assert!(
        refreshes + 3 >= run.expiries,
        "too few refreshes: {refreshes} / {run:?}"
    );
    assert!(auth.is_signed_in().await);
}
