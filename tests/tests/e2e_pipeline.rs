//! End to end: the request pipeline around the auth modes, against the stand-in gateway's fault
//! routes (tests/gateway/gateway.py): retries and what the server saw of each attempt, fresh
//! SigV4 signatures per attempt (botocore-checked), `Retry-After`, idempotency, clock skew,
//! timeouts, cancellation, redirects, interceptors and headers, errors, tracing.
//!
//! Every test picks its own fault key, so tests run in parallel without sharing counters.
//! Delays are configured in milliseconds; nothing here sleeps for seconds.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use amplify_rest::auth::Credentials;
use amplify_rest::{
    AttemptOutcome, BoxError, BoxFuture, ErrorKind, Interceptor, ManualClock, Request, RetryPolicy,
    interceptor_fn,
};
use amplify_rest_tests::servers;
use serde_json::{Value, json};

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    pub struct StatusApi;
    #[endpoint("publicCatalog")]
    pub struct Catalog;
    pub struct PetsApi;
}

const API_KEY: &str = "fixture-api-key-0123456789";
const AKID: &str = "AKIDEXAMPLESTATIC";
const SECRET: &str = "static-secret-key-for-tests";
const SESSION_TOKEN: &str = "session-token-for-pipeline-tests";

const MS: Duration = Duration::from_millis(1);

/// A key no other test (or earlier run against the same gateway) uses.
fn key(name: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{name}-{}-{nanos}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Retries with millisecond waits.
fn fast() -> RetryPolicy {
    RetryPolicy::default().base_delay(2 * MS).max_delay(20 * MS)
}

fn status_api(prefix: &str) -> api::StatusApi {
    api::StatusApi::builder()
        .base_url(format!("{}{prefix}/none/dev", servers::gateway()))
        .retry(fast())
        .build()
        .expect("client")
}

fn catalog(prefix: &str) -> api::Catalog {
    api::Catalog::builder()
        .base_url(format!("{}{prefix}/apikey/prod", servers::gateway()))
        .retry(fast())
        .build()
        .expect("client")
}

fn credentials() -> Credentials {
    Credentials::new(AKID, SECRET, Some(SESSION_TOKEN.into()), None)
}

fn pets_builder(prefix: &str) -> amplify_rest::ApiBuilder<api::PetsApi> {
    api::PetsApi::builder(credentials())
        .base_url(format!("{}{prefix}/iam/us-west-2/dev", servers::gateway()))
        .retry(fast())
}

async fn admin(path: &str) -> Value {
    let url = format!("{}/_admin/{path}", servers::gateway());
    let text = amplify_rest::reqwest::get(&url)
        .await
        .expect("admin request")
        .text()
        .await
        .expect("admin body");
    serde_json::from_str(&text).expect("admin JSON")
}

/// What the gateway recorded for each hit of fault key `key`.
async fn hits(key: &str) -> Vec<Value> {
    admin(&format!("hits/{key}")).await["hits"]
        .as_array()
        .expect("hits")
        .clone()
}

async fn statuses(key: &str) -> Vec<Value> {
    hits(key).await.iter().map(|h| h["status"].clone()).collect()
}

fn echo_of(response: amplify_rest::Response) -> Value {
    response.json().expect("echo JSON")
}

// ------------------------------------------------------------------------------------ retries

#[tokio::test]
async fn retryable_statuses_are_retried_until_success() {
    for status in [500, 502, 503, 504, 429] {
        let k = key("status");
        let echo = echo_of(
            status_api(&format!("/fail/{k}/2/{status}"))
                .get("/pets")
                .send()
                .await
                .unwrap_or_else(|e| panic!("{status}: {e}")),
        );
        assert_eq!(echo["path"], "/dev/pets");
        assert_eq!(
            statuses(&k).await,
            [json!(status), json!(status), json!(200)],
            "{status}"
        );
    }
}

#[tokio::test]
async fn at_most_max_attempts_then_the_last_error() {
    let k = key("give-up");
    let err = status_api(&format!("/fail/{k}/9/503"))
        .get("/pets")
        .send()
        .await
        .expect_err("503 each time");
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.aws_error_name(), Some("ServiceUnavailableException"));
    assert_eq!(err.attempts(), Some(3));
    assert!(err.is_retryable());
    assert_eq!(
        err.to_string(),
        "HTTP 503 Service Unavailable (ServiceUnavailableException): injected failure 3 of 9 (after 3 attempts)"
    );
    assert_eq!(hits(&k).await.len(), 3);
}

#[tokio::test]
async fn retries_are_configured_per_client_and_per_request() {
    // Off for the client.
    let k = key("off");
    let client = api::StatusApi::builder()
        .base_url(format!("{}/fail/{k}/2/503/none/dev", servers::gateway()))
        .retry(RetryPolicy::disabled())
        .build()
        .expect("client");
    let err = client.get("/x").send().await.expect_err("not retried");
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(
        err.to_string(),
        "HTTP 503 Service Unavailable (ServiceUnavailableException): injected failure 1 of 2"
    );
    // A request raises it again: 2 failures left, 4 attempts allowed.
    client
        .get("/x")
        .retry(fast().max_attempts(4))
        .send()
        .await
        .expect("succeeds on the 3rd attempt of this request");
    assert_eq!(hits(&k).await.len(), 3);
    // Off for one request of a retrying client.
    let k = key("req-off");
    let err = status_api(&format!("/fail/{k}/1/503"))
        .get("/x")
        .retry(RetryPolicy::disabled())
        .send()
        .await
        .expect_err("not retried");
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(hits(&k).await.len(), 1);
    // The default policy: 3 attempts.
    assert_eq!(status_api("").retry_policy().get_max_attempts(), 3);
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let k = key("403");
    let err = api::Catalog::builder()
        .base_url(format!("{}/fail/{k}/0/503/apikey/prod", servers::gateway()))
        .api_key("wrong-key")
        .retry(fast())
        .build()
        .expect("client")
        .get("/items")
        .send()
        .await
        .expect_err("403");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(!err.is_retryable());
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(statuses(&k).await, [json!(403)]);
}

#[tokio::test]
async fn post_and_patch_are_retried_only_when_safe() {
    // Reached the server: not retried.
    for method in ["POST", "PATCH"] {
        let k = key("post");
        let client = status_api(&format!("/fail/{k}/2/503"));
        let builder = if method == "POST" {
            client.post("/orders")
        } else {
            client.patch("/orders/1")
        };
        let err = builder.json(&json!({"n": 1})).send().await.expect_err("503");
        assert_eq!(err.attempts(), Some(1), "{method}");
        assert_eq!(hits(&k).await.len(), 1, "{method}");
    }
    // The caller opts in per request ...
    let k = key("post-opt-in");
    status_api(&format!("/fail/{k}/2/503"))
        .post("/orders")
        .idempotent(true)
        .send()
        .await
        .expect("retried");
    assert_eq!(hits(&k).await.len(), 3);
    // ... or per client.
    let k = key("post-policy");
    api::StatusApi::builder()
        .base_url(format!("{}/fail/{k}/2/503/none/dev", servers::gateway()))
        .retry(fast().retry_non_idempotent(true))
        .build()
        .expect("client")
        .post("/orders")
        .send()
        .await
        .expect("retried");
    assert_eq!(hits(&k).await.len(), 3);
    // PUT and DELETE are idempotent.
    let k = key("put");
    let client = status_api(&format!("/fail/{k}/1/503"));
    client.put("/orders/1").send().await.expect("retried");
    client.delete("/orders/1").send().await.expect("first try");
    assert_eq!(statuses(&k).await, [json!(503), json!(200), json!(200)]);
}

#[tokio::test]
async fn a_reset_connection_is_retried_for_get_but_not_for_post() {
    let k = key("reset-get");
    status_api(&format!("/reset/{k}/2"))
        .get("/x")
        .send()
        .await
        .expect("3rd attempt answers");
    assert_eq!(statuses(&k).await, [json!("reset"), json!("reset"), json!(200)]);

    let k = key("reset-post");
    let err = status_api(&format!("/reset/{k}/2"))
        .post("/x")
        .body("payload")
        .send()
        .await
        .expect_err("the server may have acted on it");
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(err.attempts(), Some(1));
    assert!(err.status().is_none());
    assert!(
        std::error::Error::source(&err).is_some(),
        "the transport error is the source"
    );
    assert!(!err.to_string().contains('\n'));
    assert_eq!(hits(&k).await.len(), 1);
}

#[tokio::test]
async fn a_post_that_never_connected_is_retried() {
    // A port nobody listens on: the connection is refused, nothing reached a server.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = api::StatusApi::builder()
        .base_url(format!("http://127.0.0.1:{port}/dev"))
        .retry(fast())
        .connect_timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client.post("/x").body("p").send().await.expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(err.attempts(), Some(3));
    assert!(err.is_retryable());
    assert_eq!(
        err.to_string(),
        "cannot connect to the endpoint (after 3 attempts)"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn the_body_is_replayed_exactly() {
    let k = key("body");
    let body = "{\"name\":\"Zoë\",\"tags\":[\"東京\",\"\\u0000\"],\"n\":12345678901234567890}".repeat(50);
    let echo = echo_of(
        status_api(&format!("/fail/{k}/2/503"))
            .post("/upload")
            .header("content-type", "application/json")
            .body(body.clone())
            .idempotent(true)
            .send()
            .await
            .expect("3rd attempt"),
    );
    assert_eq!(echo["body"], body.as_str());
    let sums: Vec<Value> = hits(&k).await.iter().map(|h| h["body_sha256"].clone()).collect();
    assert_eq!(sums.len(), 3);
    assert!(sums.iter().all(|s| *s == sums[0]), "{sums:?}");
    // The hash of the empty body would say nothing was sent.
    assert_ne!(
        sums[0],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[tokio::test]
async fn a_retried_iam_request_is_signed_afresh_and_verified_each_time() {
    let k = key("iam");
    // The attempt number goes into a header the interceptor adds: every attempt differs, so a
    // replayed signature could not pass botocore's check.
    let client = pets_builder(&format!("/fail/{k}/2/503"))
        .interceptor(interceptor_fn(|request: &mut Request| {
            let attempt = request.attempt().to_string();
            request.headers_mut().insert("x-attempt", attempt.parse()?);
            Ok::<(), BoxError>(())
        }))
        .build()
        .expect("client");
    let echo = echo_of(
        client
            .put("/pets/7")
            .json(&json!({"name": "Rex"}))
            .send()
            .await
            .expect("3rd attempt"),
    );
    assert_eq!(echo["auth"]["mode"], "iam");
    assert_eq!(echo["headers"]["x-attempt"], "3");
    let signed = echo["auth"]["signed_headers"].as_array().expect("list");
    assert!(signed.contains(&json!("x-attempt")), "{signed:?}");
    let recorded = hits(&k).await;
    // The fault route only turns an answer that passed the botocore check into a 503.
    assert_eq!(
        recorded.iter().map(|h| h["status"].clone()).collect::<Vec<_>>(),
        [json!(503), json!(503), json!(200)]
    );
    let attempts: Vec<&str> = recorded
        .iter()
        .map(|h| h["headers"]["x-attempt"].as_str().expect("x-attempt"))
        .collect();
    assert_eq!(attempts, ["1", "2", "3"]);
    let signatures: Vec<&str> = recorded
        .iter()
        .map(|h| h["signature"].as_str().expect("signature"))
        .collect();
    assert!(
        signatures[0] != signatures[1] && signatures[1] != signatures[2] && signatures[0] != signatures[2],
        "{signatures:?}"
    );
    for h in &recorded {
        assert_eq!(
            h["secret_headers"],
            json!(["authorization", "x-amz-security-token"])
        );
    }
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` for `t`.
fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_a_date() {
    // Backoff alone would wait 1 ms; Retry-After asks for more, capped at max_delay (300 ms).
    let policy = RetryPolicy::default()
        .base_delay(MS)
        .max_delay(300 * MS)
        .jitter(false);
    let date = http_date(SystemTime::now() + Duration::from_secs(3));
    for (name, retry_after) in [("seconds", "1".to_owned()), ("date", date.replace(' ', "%20"))] {
        let k = key(name);
        let client = api::StatusApi::builder()
            .base_url(format!(
                "{}/throttle/{k}/1/{retry_after}/none/dev",
                servers::gateway()
            ))
            .retry(policy)
            .build()
            .expect("client");
        let started = Instant::now();
        client.get("/x").send().await.expect("2nd attempt");
        let took = started.elapsed();
        assert!(
            took >= 300 * MS && took < Duration::from_secs(1),
            "{name}: {took:?}"
        );
        let recorded = hits(&k).await;
        assert_eq!(recorded.len(), 2, "{name}");
        let gap = recorded[1]["at"].as_f64().expect("at") - recorded[0]["at"].as_f64().expect("at");
        assert!(gap >= 0.29, "{name}: {gap}");
    }
    // Without Retry-After the backoff applies.
    let k = key("no-retry-after");
    let started = Instant::now();
    api::StatusApi::builder()
        .base_url(format!("{}/fail/{k}/1/429/none/dev", servers::gateway()))
        .retry(policy)
        .build()
        .expect("client")
        .get("/x")
        .send()
        .await
        .expect("2nd attempt");
    assert!(started.elapsed() < 250 * MS);
}

// --------------------------------------------------------------------------------- clock skew

#[tokio::test]
async fn clock_skew_is_corrected_once_and_remembered() {
    // Our (injected) clock is an hour slow: the gateway refuses the signature as expired, its
    // Date header shows the difference, the client signs with its time and sends once more.
    let k = key("skew-slow");
    let clock = ManualClock::new(SystemTime::now() - Duration::from_secs(3600));
    let client = pets_builder(&format!("/skew/{k}/0"))
        .clock(clock.clone())
        .retry(RetryPolicy::disabled())
        .build()
        .expect("client");
    let echo = echo_of(
        client
            .post("/pets")
            .json(&json!({"n": 1}))
            .send()
            .await
            .expect("corrected"),
    );
    assert_eq!(echo["auth"]["mode"], "iam");
    assert_eq!(statuses(&k).await, [json!(403), json!(200)]);
    let offset = client.clock_offset_millis();
    assert!((offset - 3_600_000).abs() < 5_000, "{offset}");
    // Remembered: the next request is signed right the first time.
    client.get("/pets").send().await.expect("200");
    assert_eq!(statuses(&k).await.len(), 3);

    // The gateway's clock an hour behind ours: "Signature not yet current".
    let k = key("skew-ahead");
    let client = pets_builder(&format!("/skew/{k}/-3600")).build().expect("client");
    client.get("/pets").send().await.expect("corrected");
    assert_eq!(statuses(&k).await, [json!(403), json!(200)]);
    assert!((client.clock_offset_millis() + 3_600_000).abs() < 5_000);
}

#[tokio::test]
async fn a_refusal_that_is_not_about_time_is_not_corrected() {
    let k = key("skew-wrong-secret");
    let err = api::PetsApi::builder(Credentials::new(AKID, "wrong-secret", None, None))
        .base_url(format!("{}/skew/{k}/3600/iam/us-west-2/dev", servers::gateway()))
        .clock(ManualClock::new(SystemTime::now() + Duration::from_secs(3600)))
        .build()
        .expect("client")
        .get("/pets")
        .send()
        .await
        .expect_err("bad signature");
    assert_eq!(err.aws_error_name(), Some("InvalidSignatureException"));
    assert!(!err.is_clock_skew() && !err.is_retryable());
    assert_eq!(err.attempts(), Some(1));
    assert!(!err.to_string().contains("wrong-secret"));
}

// ------------------------------------------------------------------- timeouts and cancellation

#[tokio::test]
async fn a_total_timeout_covers_all_attempts() {
    let k = key("total");
    let client = api::StatusApi::builder()
        .base_url(format!("{}/slow/{k}/2000/none/dev", servers::gateway()))
        .timeout(200 * MS)
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client.get("/x").send().await.expect_err("timeout");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_retryable());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.to_string(), "the request to statusApi timed out after 200ms");
    // A request sets its own limit.
    let k = key("total-request");
    let client = api::StatusApi::builder()
        .base_url(format!("{}/slow/{k}/300/none/dev", servers::gateway()))
        .timeout(100 * MS)
        .build()
        .expect("client");
    client
        .get("/x")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("within 5 s");
}

#[tokio::test]
async fn a_connect_timeout_is_a_timeout_and_retried_even_for_post() {
    // A listener whose accept queue is full: the kernel drops further SYNs, connects hang.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
    let listener = socket.listen(0).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let _fillers: Vec<_> = (0..3)
        .filter_map(|_| std::net::TcpStream::connect_timeout(&addr, 50 * MS).ok())
        .collect();
    let client = api::StatusApi::builder()
        .base_url(format!("http://{addr}/dev"))
        .connect_timeout(100 * MS)
        .retry(fast().max_attempts(2))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client
        .post("/x")
        .body("p")
        .send()
        .await
        .expect_err("cannot connect");
    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert_eq!(
        err.attempts(),
        Some(2),
        "nothing reached the server: a POST is retried"
    );
    assert!(took >= 200 * MS && took < Duration::from_secs(2), "{took:?}");
    drop(listener);
}

#[tokio::test]
async fn each_attempt_can_have_its_own_timeout() {
    let k = key("attempt");
    let client = api::StatusApi::builder()
        .base_url(format!("{}/slow/{k}/1500/none/dev", servers::gateway()))
        .retry(fast())
        .attempt_timeout(100 * MS)
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client
        .get("/x")
        .send()
        .await
        .expect_err("every attempt times out");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.attempts(), Some(3));
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(hits(&k).await.len(), 3);
    // The total limit still wins over attempts and waits; a request sets its own attempt limit.
    let err = client
        .get("/x")
        .attempt_timeout(60 * MS)
        .retry(fast().max_attempts(10))
        .timeout(150 * MS)
        .send()
        .await
        .expect_err("total timeout");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(matches!(err.attempts(), Some(2..=3)), "{:?}", err.attempts());
}

#[tokio::test]
async fn dropping_the_future_leaves_nothing_running() {
    // Dropped while waiting for the answer: the connection is closed at once (the gateway sees
    // the client leave) and no retry is ever sent.
    let k = key("drop-answer");
    let client = status_api(&format!("/slow/{k}/3000"));
    let dropped = tokio::time::timeout(100 * MS, client.get("/x").send()).await;
    assert!(dropped.is_err(), "still waiting when dropped");
    let deadline = Instant::now() + Duration::from_secs(2);
    while statuses(&k).await != [json!("client-gone")] {
        assert!(
            Instant::now() < deadline,
            "the gateway never saw the client leave: {:?}",
            hits(&k).await
        );
        tokio::time::sleep(20 * MS).await;
    }
    // Dropped while waiting to retry: the retry never comes.
    let k = key("drop-backoff");
    let client = api::StatusApi::builder()
        .base_url(format!("{}/fail/{k}/5/503/none/dev", servers::gateway()))
        .retry(RetryPolicy::default().base_delay(200 * MS).jitter(false))
        .build()
        .expect("client");
    let dropped = tokio::time::timeout(100 * MS, client.get("/x").send()).await;
    assert!(dropped.is_err());
    tokio::time::sleep(300 * MS).await;
    assert_eq!(hits(&k).await.len(), 1);
}

// ---------------------------------------------------------------------------------- redirects

#[tokio::test]
async fn redirects_come_back_as_responses_and_secrets_stay_home() {
    let other_port = admin("health").await["redirect_port"]
        .as_u64()
        .expect("redirect port");
    let k = key("redirect");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let api_key_client = api::Catalog::builder()
        .base_url(format!(
            "{}/redirect/{k}/307/landing/{k}/apikey",
            servers::gateway()
        ))
        .interceptor(Recorder(seen.clone()))
        .build()
        .expect("client");
    let iam_client = pets_builder(&format!("/redirect/{k}/302/landing/{k}/iam"))
        .build()
        .expect("client");
    let cup_like = status_api(&format!("/redirect/{k}/301/landing/{k}/none"));
    let responses = [
        api_key_client
            .get("/items")
            .send()
            .await
            .expect("307 is a response"),
        iam_client
            .post("/pets")
            .body("x")
            .send()
            .await
            .expect("302 is a response"),
        cup_like
            .get("/me")
            .header("authorization", "caller-token-secret")
            .send()
            .await
            .expect("301 is a response"),
    ];
    for (r, status) in responses.iter().zip([307, 302, 301]) {
        assert_eq!(r.status().as_u16(), status);
        let location = r.headers()["location"].to_str().expect("location");
        assert!(
            location.starts_with(&format!("http://127.0.0.1:{other_port}/landing/")),
            "{location}"
        );
    }
    assert_eq!(hits(&k).await.len(), 3);
    // The hook saw the 3xx.
    assert_eq!(*seen.lock().expect("lock"), [(1, Some(307))]);
    // Nothing at all arrived at the other origin, so none of the secret headers did.
    let other = admin("other-origin").await;
    let arrived: Vec<&Value> = other["requests"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|r| r["raw_path"].as_str().is_some_and(|p| p.contains(&k)))
        .collect();
    assert!(arrived.is_empty(), "{arrived:?}");
    assert!(!other.to_string().contains(API_KEY) && !other.to_string().contains(SESSION_TOKEN));
}

#[tokio::test]
async fn followed_redirects_are_signed_afresh_at_home() {
    // Opted in; the same origin: the whole pipeline runs again for the new URL.
    let k = key("follow-home");
    let client = pets_builder(&format!("/redirect-here/{k}/307"))
        .follow_redirects(3)
        .build()
        .expect("client");
    let echo = echo_of(client.put("/pets/7").body("rex").send().await.expect("followed"));
    assert_eq!(echo["auth"]["mode"], "iam", "botocore checked the new signature");
    assert_eq!(echo["raw_path"], "/iam/us-west-2/dev/pets/7");
    assert_eq!(
        (echo["method"].as_str(), echo["body"].as_str()),
        (Some("PUT"), Some("rex"))
    );
    assert_eq!(hits(&k).await.len(), 1);

    // 303 after a POST: a GET without body.
    let k = key("follow-303");
    let echo = echo_of(
        api::StatusApi::builder()
            .base_url(format!("{}/redirect-here/{k}/303/none/dev", servers::gateway()))
            .follow_redirects(1)
            .build()
            .expect("client")
            .post("/orders")
            .json(&json!({"n": 1}))
            .send()
            .await
            .expect("followed"),
    );
    assert_eq!(echo["method"], "GET");
    assert_eq!(echo["body"], "");
    assert_eq!(echo["headers"]["content-type"], Value::Null);

    // At most max_hops: then the 3xx is the answer.
    let k = key("follow-max");
    let response = api::StatusApi::builder()
        .base_url(format!(
            "{}/redirect-here/{k}/307/redirect-here/{k}/308/none/dev",
            servers::gateway()
        ))
        .follow_redirects(1)
        .build()
        .expect("client")
        .get("/x")
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status().as_u16(), 308);
    assert_eq!(statuses(&k).await, [json!(307), json!(308)]);
}

#[tokio::test]
async fn followed_redirects_to_another_origin_carry_no_secrets() {
    let k = key("follow-abroad");
    let api_key_client = api::Catalog::builder()
        .base_url(format!(
            "{}/redirect/{k}/307/landing/{k}/apikey",
            servers::gateway()
        ))
        .default_header("x-tenant", "acme")
        .interceptor(interceptor_fn(|request: &mut Request| {
            request.headers_mut().insert("x-from-interceptor", "yes".parse()?);
            Ok::<(), BoxError>(())
        }))
        .follow_redirects(2)
        .build()
        .expect("client");
    let echo = echo_of(
        api_key_client
            .post("/items")
            .header("authorization", "caller-token-secret")
            .header("cookie", "session=cookie-secret")
            .header("x-plain", "p")
            .body("payload")
            .send()
            .await
            .expect("followed"),
    );
    assert_eq!(echo["auth"]["mode"], "other-origin");
    assert_eq!(echo["method"], "POST", "307 keeps method and body");
    assert_eq!(echo["body"], "payload");
    assert_eq!(echo["headers"]["x-tenant"], "acme");
    assert_eq!(echo["headers"]["x-plain"], "p");
    for name in ["x-api-key", "authorization", "cookie", "x-from-interceptor"] {
        assert_eq!(
            echo["headers"][name],
            Value::Null,
            "{name} went to another origin"
        );
    }

    let iam_client = pets_builder(&format!("/redirect/{k}/302/landing/{k}/iam"))
        .follow_redirects(2)
        .build()
        .expect("client");
    let echo = echo_of(iam_client.get("/pets").send().await.expect("followed"));
    assert_eq!(echo["auth"]["mode"], "other-origin");
    for name in ["authorization", "x-amz-security-token", "x-amz-date"] {
        assert_eq!(
            echo["headers"][name],
            Value::Null,
            "{name} went to another origin"
        );
    }

    // What the other origin recorded: nothing secret, by name or by value.
    let other = admin("other-origin").await;
    let arrived: Vec<&Value> = other["requests"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|r| r["raw_path"].as_str().is_some_and(|p| p.contains(&k)))
        .collect();
    assert_eq!(arrived.len(), 2);
    for r in &arrived {
        assert_eq!(r["secret_headers"], json!([]), "{r}");
    }
    let text = serde_json::to_string(&arrived).expect("JSON");
    for secret in [API_KEY, SESSION_TOKEN, "caller-token-secret", "cookie-secret"] {
        assert!(!text.contains(secret), "{secret}");
    }
}

// ------------------------------------------------------------------ interceptors and headers

/// (attempt, status) of each answer an after-response hook saw.
type Seen = Arc<Mutex<Vec<(u32, Option<u16>)>>>;

/// Records (attempt, status) of every answer.
#[derive(Debug)]
struct Recorder(Seen);

impl Interceptor for Recorder {
    fn before_send<'a>(&'a self, _: &'a mut Request) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async { Ok(()) })
    }

    fn after_response(&self, attempt: &AttemptOutcome<'_>) {
        assert_eq!(attempt.method, "GET");
        assert!(attempt.url.path().ends_with("/items") || attempt.url.path().ends_with("/x"));
        self.0
            .lock()
            .expect("lock")
            .push((attempt.attempt, attempt.status().map(|s| s.as_u16())));
    }
}

/// An async interceptor that writes down what it saw, then adds and replaces headers.
#[derive(Debug, Default)]
struct Inspect(Arc<Mutex<Vec<Value>>>);

impl Interceptor for Inspect {
    fn before_send<'a>(&'a self, request: &'a mut Request) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            tokio::task::yield_now().await; // really async
            let h = request.headers();
            let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
            self.0.lock().expect("lock").push(json!({
                "x-api-key": get("x-api-key"),
                "authorization": get("authorization"),
                "x-tenant": get("x-tenant"),
                "x-default-only": get("x-default-only"),
                "user-agent": get("user-agent"),
            }));
            request.headers_mut().insert("x-from-interceptor", "yes".parse()?);
            request.headers_mut().insert("x-both", "interceptor".parse()?);
            request
                .url_mut()
                .query_pairs_mut()
                .append_pair("added", "by interceptor");
            Ok(())
        })
    }
}

#[tokio::test]
async fn the_order_is_auth_defaults_request_interceptors_signing() {
    // API_KEY: the auth header is there before the interceptor runs.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let echo = echo_of(
        api::Catalog::builder()
            .base_url(format!("{}/apikey/prod", servers::gateway()))
            .default_header("x-tenant", "default")
            .default_header("x-default-only", "d")
            .default_header("x-both", "default")
            .interceptor(Inspect(seen.clone()))
            .build()
            .expect("client")
            .get("/items")
            .header("x-tenant", "request")
            .header("x-both", "request")
            .send()
            .await
            .expect("200"),
    );
    let saw = seen.lock().expect("lock")[0].clone();
    assert_eq!(saw["x-api-key"], API_KEY, "auth headers come first");
    assert_eq!(
        saw["x-tenant"], "request",
        "a per-request header replaces a default"
    );
    assert_eq!(saw["x-default-only"], "d");
    assert!(
        saw["user-agent"]
            .as_str()
            .is_some_and(|ua| ua.starts_with("amplify-rest/"))
    );
    assert_eq!(
        echo["headers"]["x-both"], "interceptor",
        "interceptors come after request headers"
    );
    assert_eq!(echo["headers"]["x-from-interceptor"], "yes");
    assert_eq!(echo["query"], json!([["added", "by interceptor"]]));

    // AWS_IAM: signing comes after the interceptors, and covers what they added.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let echo = echo_of(
        pets_builder("")
            .default_header("x-tenant", "default")
            .interceptor(Inspect(seen.clone()))
            .build()
            .expect("client")
            .get("/pets")
            .send()
            .await
            .expect("signature verified by botocore"),
    );
    assert_eq!(
        seen.lock().expect("lock")[0]["authorization"],
        Value::Null,
        "not signed yet"
    );
    let signed = echo["auth"]["signed_headers"].as_array().expect("list");
    for name in ["x-from-interceptor", "x-both", "x-tenant"] {
        assert!(signed.contains(&json!(name)), "{name} not signed: {signed:?}");
    }
}

#[tokio::test]
async fn an_interceptor_error_fails_the_request_with_it_as_source() {
    let k = key("interceptor-error");
    let failing = api::StatusApi::builder()
        .base_url(format!("{}/fail/{k}/0/503/none/dev", servers::gateway()))
        .interceptor(interceptor_fn(|_: &mut Request| {
            Err::<(), BoxError>("no tenant configured".into())
        }))
        .build()
        .expect("client");
    let err = failing.get("/x").send().await.expect_err("interceptor error");
    assert_eq!(err.kind(), ErrorKind::Interceptor);
    assert!(!err.is_retryable());
    assert_eq!(err.to_string(), "an interceptor failed the request");
    assert_eq!(
        std::error::Error::source(&err)
            .map(ToString::to_string)
            .as_deref(),
        Some("no tenant configured")
    );
    assert_eq!(hits(&k).await.len(), 0, "nothing was sent");
}

#[tokio::test]
async fn the_after_response_hook_sees_every_attempt() {
    let k = key("hook");
    let seen = Arc::new(Mutex::new(Vec::new()));
    api::StatusApi::builder()
        .base_url(format!("{}/fail/{k}/2/503/none/dev", servers::gateway()))
        .retry(fast())
        .interceptor(Recorder(seen.clone()))
        .build()
        .expect("client")
        .get("/x")
        .send()
        .await
        .expect("3rd attempt");
    assert_eq!(
        *seen.lock().expect("lock"),
        [(1, Some(503)), (2, Some(503)), (3, Some(200))]
    );
}

// ------------------------------------------------------------------------------------ tracing

/// Collects everything a `fmt` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_per_request_and_attempt_without_secrets() {
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::util::SubscriberInitExt;

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = subscriber.set_default(); // this test's thread only (current-thread runtime)

    let query_secret = "query-value-secret";
    let requests = || async {
        catalog(&format!("/fail/{}/1/503", key("trace")))
            .get("/items/7")
            .query("q", query_secret)
            .send()
            .await
            .expect("2nd attempt");
        pets_builder(&format!("/fail/{}/1/503", key("trace-iam")))
            .build()
            .expect("client")
            .put("/pets/7")
            .body("body-secret")
            .send()
            .await
            .expect("2nd attempt");
    };
    // A callsite first reached on another test's thread (no subscriber there) is cached as
    // "never" for every thread: reach them all here once, ask again, then record for real.
    requests().await;
    tracing::callsite::rebuild_interest_cache();
    captured.0.lock().expect("lock").clear();
    requests().await;
    drop(_guard);

    let out = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("UTF-8");
    let lines: Vec<&str> = out.lines().collect();
    let closing = |span: &str, needles: &[&str]| {
        lines
            .iter()
            .any(|l| l.contains(span) && l.contains("close") && needles.iter().all(|n| l.contains(n)))
    };
    assert!(
        closing(
            "amplify_rest.request",
            &[
                "endpoint=\"publicCatalog\"",
                "method=GET",
                "/apikey/prod/items/7\"",
                "attempts=2",
                "status=200",
                "latency_ms="
            ]
        ),
        "{out}"
    );
    assert!(
        closing(
            "amplify_rest.request",
            &["endpoint=\"petsApi\"", "method=PUT", "attempts=2", "status=200"]
        ),
        "{out}"
    );
    assert!(
        closing(
            "amplify_rest.attempt",
            &["attempt=1", "status=503", "latency_ms="]
        ),
        "{out}"
    );
    assert!(
        closing("amplify_rest.attempt", &["attempt=2", "status=200"]),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("retrying") && l.contains("wait_ms=")),
        "{out}"
    );
    for secret in [
        API_KEY,
        SECRET,
        SESSION_TOKEN,
        query_secret,
        "body-secret",
        "AWS4-HMAC-SHA256",
        "Signature=",
    ] {
        assert!(!out.contains(secret), "{secret} in the trace output:\n{out}");
    }
}
