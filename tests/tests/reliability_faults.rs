//! Reliability: Cognito and the API misbehaving. A faulting proxy (tests/src/proxy.rs) sits in
//! front of moto or the stand-in gateway and answers in their place: 500, 503, throttling,
//! malformed JSON, a truncated body, a hung connection, a reset mid-body, invalid UTF-8, a 2 GiB
//! `Content-Length`, unusable tokens. Every one must come back as a typed error — retried where
//! that is safe, never a panic — and a signed-in session must survive it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use amplify_rest::auth::Cognito;
use amplify_rest::cognito::{IdentityPool, SignIn};
use amplify_rest::config::{AuthFlow, IdentityPoolConfig};
use amplify_rest::{ErrorKind, ManualClock, RetryPolicy};
use amplify_rest_tests::moto::{self, PASSWORD};
use amplify_rest_tests::proxy::{Fault, Proxy, RawRequest, RawResponse};
use amplify_rest_tests::servers;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

#[amplify_rest::amplify_rest(config = "fixtures/e2e/cognito.json")]
mod cup {
    pub struct OrdersApi;
}

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    pub struct StatusApi;
    pub struct PetsApi;
}

// ------------------------------------------------------------------------------ fault control

/// Faults the proxy answers with: each rule matches an operation (`x-amz-target`) or a path
/// part, optionally a body part, and fires `left` times.
#[derive(Clone, Default)]
struct Faults(Arc<Mutex<Vec<Rule>>>);

struct Rule {
    matches: &'static str,
    body_has: Option<&'static str>,
    left: usize,
    fault: Fault,
}

fn operation(r: &RawRequest) -> Option<&str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
        .and_then(|(_, v)| v.rsplit('.').next())
}

impl Faults {
    fn add(&self, matches: &'static str, body_has: Option<&'static str>, times: usize, fault: Fault) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(Rule {
            matches,
            body_has,
            left: times,
            fault,
        });
    }

    fn clear(&self) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    fn pick(&self, r: &RawRequest) -> Option<Fault> {
        let mut rules = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let body = String::from_utf8_lossy(&r.body);
        let rule = rules.iter_mut().find(|rule| {
            rule.left > 0
                && (operation(r) == Some(rule.matches) || r.target.contains(rule.matches))
                && rule.body_has.is_none_or(|b| body.contains(b))
        })?;
        rule.left -= 1;
        Some(rule.fault.clone())
    }
}

const SIGN_IN: Option<&str> = Some("USER_SRP_AUTH");
const REFRESH: Option<&str> = Some("REFRESH_TOKEN_AUTH");

/// A moto user pool behind a faulting proxy, and a Cognito client for it.
struct CognitoRig {
    pool: moto::UserPool,
    proxy: Proxy,
    faults: Faults,
}

impl CognitoRig {
    async fn new(name: &str) -> CognitoRig {
        Self::with_rewrite(name, |_, _| {}).await
    }

    async fn with_rewrite(
        name: &str,
        rewrite: impl Fn(&RawRequest, &mut RawResponse) + Send + Sync + 'static,
    ) -> CognitoRig {
        let pool = moto::UserPool::create(&format!("{name}{}", std::process::id()), false).await;
        let faults = Faults::default();
        let f = faults.clone();
        let proxy = Proxy::builder(&servers::moto())
            .fault(move |r| f.pick(r))
            .rewrite(rewrite)
            .start()
            .await;
        CognitoRig { pool, proxy, faults }
    }

    fn builder(&self) -> amplify_rest::cognito::CognitoBuilder {
        Cognito::builder()
            .user_pool(&self.pool.id, &self.pool.client_id)
            .user_pool_url(self.proxy.url())
            .call_timeout(Duration::from_millis(300))
    }

    fn orders(&self, auth: &Cognito) -> cup::OrdersApi {
        cup::OrdersApi::builder(auth)
            .base_url(self.pool.cup_url())
            .build()
            .expect("orders client")
    }

    fn count(&self, op: &str, body_has: &str) -> usize {
        self.proxy
            .bodies(op)
            .iter()
            .filter(|b| String::from_utf8_lossy(b).contains(body_has))
            .count()
    }
}

fn done(outcome: SignIn) -> amplify_rest::cognito::SessionInfo {
    match outcome {
        SignIn::Done(info) => info,
        other => panic!("expected a finished sign-in, got {other:?}"),
    }
}

/// The chain of an error's sources, as text.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        text.push_str(" <- ");
        text.push_str(&s.to_string());
        next = s.source();
    }
    text
}

// ---------------------------------------------------------------------------- Cognito faults

#[tokio::test]
async fn cognito_5xx_and_throttling_are_retried_and_the_session_survives() {
    let rig = CognitoRig::new("rf-retry").await;
    let auth = rig.builder().build().expect("cognito");
    let faults = [
        ("500", Fault::aws_error(500, "InternalErrorException", "boom")),
        ("503", Fault::json(503, "")),
        (
            "throttled",
            Fault::aws_error(400, "TooManyRequestsException", "Rate exceeded"),
        ),
        (
            "429",
            Fault::aws_error(429, "TooManyRequestsException", "slow down"),
        ),
    ];
    for (what, fault) in faults.clone() {
        let before = rig.count("InitiateAuth", "USER_SRP_AUTH");
        rig.faults.add("InitiateAuth", SIGN_IN, 2, fault);
        done(
            auth.sign_in(&rig.pool.user, PASSWORD)
                .await
                .unwrap_or_else(|e| panic!("{what}: {e}")),
        );
        assert_eq!(
            rig.count("InitiateAuth", "USER_SRP_AUTH") - before,
            3,
            "{what}: two faults, one success"
        );
    }
    // Three in a row: the typed error, after 3 attempts; the session from before is untouched.
    for (what, fault) in faults {
        rig.faults.add("InitiateAuth", SIGN_IN, 3, fault);
        let e = auth.sign_in(&rig.pool.user, PASSWORD).await.expect_err(what);
        assert_eq!(e.kind(), ErrorKind::Cognito, "{what}: {e}");
        assert_eq!(e.attempts(), Some(3), "{what}: {e}");
        assert!(e.is_retryable(), "{what}: {e}");
        assert!(e.to_string().contains("InitiateAuth"), "{what}: {e}");
        assert!(auth.is_signed_in().await, "{what}: the session survives");
    }
    rig.orders(&auth)
        .get("/orders")
        .send()
        .await
        .expect("still signed in");

    // RespondToAuthChallenge uses up its session: never sent twice once it reached Cognito.
    let before = rig.proxy.count("RespondToAuthChallenge");
    rig.faults.add(
        "RespondToAuthChallenge",
        None,
        1,
        Fault::aws_error(500, "InternalErrorException", "x"),
    );
    let e = auth
        .sign_in(&rig.pool.user, PASSWORD)
        .await
        .expect_err("not retried");
    assert_eq!(e.kind(), ErrorKind::Cognito, "{e}");
    assert_eq!(rig.proxy.count("RespondToAuthChallenge") - before, 1);
    assert!(auth.is_signed_in().await);
}

#[tokio::test]
async fn malformed_truncated_and_oversized_cognito_answers_are_typed_errors() {
    let rig = CognitoRig::new("rf-malformed").await;
    let auth = rig.builder().build().expect("cognito");
    let sign_ins = || rig.count("InitiateAuth", "USER_SRP_AUTH");
    let cases: [(&str, Fault, ErrorKind, usize, &str); 5] = [
        (
            "malformed JSON",
            Fault::Answer(RawResponse {
                status: 200,
                headers: vec![],
                body: br#"{"ChallengeName": "PASSWORD_VERIF"#.to_vec(),
            }),
            ErrorKind::Decode,
            1, // a well-formed answer will not come from asking again
            "not JSON",
        ),
        (
            "a crash page",
            Fault::Answer(RawResponse {
                status: 500,
                headers: vec![("content-type".into(), "text/html".into())],
                body: b"<html><body>Internal Server Error</body></html>".to_vec(),
            }),
            ErrorKind::Cognito,
            3,
            "HTTP 500",
        ),
        (
            "a truncated body",
            Fault::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{\"ChallengeName\":".to_vec()),
            ErrorKind::Transport,
            3,
            "reading the response body",
        ),
        (
            "a reset mid-body",
            Fault::RawThenReset(b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{\"Chall".to_vec()),
            ErrorKind::Transport,
            3,
            "InitiateAuth",
        ),
        (
            "a 2 GiB Content-Length",
            Fault::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 2147483648\r\n\r\n{".to_vec()),
            ErrorKind::Decode,
            1,
            "larger than the limit",
        ),
    ];
    for (what, fault, kind, sends, says) in cases {
        let before = sign_ins();
        rig.faults.add("InitiateAuth", SIGN_IN, 3, fault);
        let e = auth.sign_in(&rig.pool.user, PASSWORD).await.expect_err(what);
        assert_eq!(e.kind(), kind, "{what}: {}", chain(&e));
        assert!(chain(&e).contains(says), "{what}: {}", chain(&e));
        assert_eq!(sign_ins() - before, sends, "{what}: sends");
        assert!(!auth.is_signed_in().await, "{what}");
        rig.faults.clear();
    }
    // One truncated answer, then a good one: the retry signs in.
    rig.faults.add(
        "InitiateAuth",
        SIGN_IN,
        1,
        Fault::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n{".to_vec()),
    );
    done(auth.sign_in(&rig.pool.user, PASSWORD).await.expect("retried"));
    rig.orders(&auth).get("/orders").send().await.expect("signed in");
}

#[tokio::test]
async fn a_hung_cognito_times_out_and_the_session_is_kept() {
    let rig = CognitoRig::new("rf-hung").await;
    let clock = ManualClock::starting_now();
    let auth = rig.builder().clock(clock.clone()).build().expect("cognito");
    done(auth.sign_in(&rig.pool.user, PASSWORD).await.expect("sign in"));
    let orders = rig.orders(&auth);
    orders.get("/orders").send().await.expect("signed in");

    rig.faults.add("InitiateAuth", REFRESH, usize::MAX, Fault::Hang);
    // A minute before expiry: the refresh hangs, times out (3 tries), the old tokens serve.
    clock.advance(Duration::from_secs(3600 - 60));
    let started = Instant::now();
    orders
        .get("/orders")
        .send()
        .await
        .expect("old tokens still serve");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(rig.count("InitiateAuth", "REFRESH_TOKEN_AUTH"), 3);

    // Past expiry: a typed error, the refresh tried 3 times (the pipeline adds no retries of its
    // own on top), and the user is still signed in.
    clock.advance(Duration::from_secs(120));
    let e = orders
        .get("/orders")
        .send()
        .await
        .expect_err("expired, Cognito hangs");
    assert_eq!(e.kind(), ErrorKind::Credentials, "{}", chain(&e));
    assert!(chain(&e).contains("did not answer InitiateAuth"), "{}", chain(&e));
    assert_eq!(rig.count("InitiateAuth", "REFRESH_TOKEN_AUTH"), 6);
    assert!(
        auth.is_signed_in().await,
        "a hung Cognito does not sign anyone out"
    );

    // Cognito back: one refresh and on.
    rig.faults.clear();
    orders.get("/orders").send().await.expect("refreshed");
    assert_eq!(rig.count("InitiateAuth", "REFRESH_TOKEN_AUTH"), 7);

    // A refresh answered with 500s, then a refused one (the refresh token was revoked): the
    // first keeps the session, only the second ends it.
    clock.advance(Duration::from_secs(3 * 3600));
    rig.faults.add(
        "InitiateAuth",
        REFRESH,
        3,
        Fault::aws_error(500, "InternalErrorException", "x"),
    );
    let e = orders.get("/orders").send().await.expect_err("500s");
    assert_eq!(e.kind(), ErrorKind::Credentials, "{}", chain(&e));
    assert!(auth.is_signed_in().await);
    rig.faults.add(
        "InitiateAuth",
        REFRESH,
        1,
        Fault::aws_error(400, "NotAuthorizedException", "revoked"),
    );
    let e = orders.get("/orders").send().await.expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::NotSignedIn, "{}", chain(&e));
    assert!(!auth.is_signed_in().await);
}

#[tokio::test]
async fn identity_pool_faults_are_retried_once_not_per_pipeline_attempt() {
    let id = moto::create_identity_pool(&format!("rf-identity{}", std::process::id())).await;
    let pool_id: &'static str = Box::leak(id.into_boxed_str());
    let faults = Faults::default();
    let f = faults.clone();
    let proxy = Proxy::builder(&servers::moto())
        .fault(move |r| f.pick(r))
        .start()
        .await;
    let pool = IdentityPool::builder(IdentityPoolConfig::new(pool_id, "us-east-1"))
        .endpoint_url(proxy.url())
        .call_timeout(Duration::from_millis(300))
        .build()
        .expect("identity pool");
    let pets = api::PetsApi::builder(pool.clone())
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .build()
        .expect("client");

    faults.add("GetCredentialsForIdentity", None, usize::MAX, Fault::Hang);
    let e = pets.get("/pets").send().await.expect_err("hung");
    assert_eq!(e.kind(), ErrorKind::Timeout, "{}", chain(&e));
    assert_eq!(proxy.count("GetCredentialsForIdentity"), 3, "3 tries, not 3 x 3");
    faults.clear();

    faults.add("GetCredentialsForIdentity", None, 2, Fault::json(503, "{}"));
    pets.get("/pets")
        .send()
        .await
        .expect("503 twice, then credentials");
    assert_eq!(proxy.count("GetCredentialsForIdentity"), 6);

    // Credentials with a malformed Expiration are a typed error, not a panic.
    pool.invalidate();
    faults.add(
        "GetCredentialsForIdentity",
        None,
        1,
        Fault::json(
            200,
            r#"{"IdentityId":"x","Credentials":{"AccessKeyId":"A","SecretKey":"S","SessionToken":"T","Expiration":"soon"}}"#,
        ),
    );
    let e = pets.get("/pets").send().await.expect_err("bad expiration");
    assert_eq!(e.kind(), ErrorKind::Decode, "{}", chain(&e));
    pets.get("/pets").send().await.expect("good again");
}

#[tokio::test]
async fn cognito_redirects_are_not_followed() {
    let rig = CognitoRig::new("rf-redirect").await;
    let auth = rig.builder().build().expect("cognito");
    let other = format!("{}/none/dev/stolen", servers::gateway());
    rig.faults.add(
        "InitiateAuth",
        None,
        1,
        Fault::Answer(RawResponse {
            status: 307,
            headers: vec![("location".into(), other)],
            body: vec![],
        }),
    );
    let e = auth
        .sign_in(&rig.pool.user, PASSWORD)
        .await
        .expect_err("a redirect");
    assert_eq!(e.kind(), ErrorKind::Cognito, "{e}");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(rig.proxy.count("InitiateAuth"), 1, "neither followed nor retried");
}

// ------------------------------------------------------------------------------- bad tokens

type TokenEdit = fn(&mut Value);

fn edit_payload(token: &str, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64")).expect("JSON");
    edit(payload.as_object_mut().expect("claims"));
    format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    )
}

fn token_field(result: &mut Value, name: &str, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    let t = result[name].as_str().expect("token").to_owned();
    result[name] = edit_payload(&t, edit).into();
}

#[tokio::test]
async fn unusable_tokens_from_cognito_are_typed_errors_and_change_nothing() {
    let edit: Arc<Mutex<Option<TokenEdit>>> = Arc::default();
    let e2 = Arc::clone(&edit);
    let rig = CognitoRig::with_rewrite("rf-tokens", move |_, answer| {
        let Some(f) = *e2.lock().unwrap_or_else(PoisonError::into_inner) else {
            return;
        };
        let Ok(mut v) = serde_json::from_slice::<Value>(&answer.body) else {
            return;
        };
        if v.get("AuthenticationResult").is_some() {
            f(&mut v["AuthenticationResult"]);
            answer.body = v.to_string().into_bytes();
        }
    })
    .await;
    let auth = rig
        .builder()
        .flow(AuthFlow::UserPassword)
        .build()
        .expect("cognito");
    let set = |f: Option<TokenEdit>| *edit.lock().unwrap_or_else(PoisonError::into_inner) = f;
    let cases: [(&str, TokenEdit, &str); 7] = [
        (
            "not a JWT",
            |r| r["AccessToken"] = "not-a-jwt".into(),
            "three parts",
        ),
        ("not base64", |r| r["IdToken"] = "a.!!!.c".into(), "base64url"),
        (
            "no exp",
            |r| token_field(r, "AccessToken", |c| drop(c.remove("exp"))),
            "`exp`",
        ),
        (
            "exp not a number",
            |r| token_field(r, "AccessToken", |c| drop(c.insert("exp".into(), "soon".into()))),
            "JSON object",
        ),
        (
            "no sub",
            |r| token_field(r, "IdToken", |c| drop(c.remove("sub"))),
            "`sub`",
        ),
        (
            "expired on issue",
            |r| {
                token_field(r, "AccessToken", |c| {
                    drop(c.insert("exp".into(), c["iat"].clone()))
                })
            },
            "before it was issued",
        ),
        (
            "no ID token",
            |r| drop(r.as_object_mut().map(|o| o.remove("IdToken"))),
            "no IdToken",
        ),
    ];
    // Signed out: each is a typed error and nobody is signed in after it.
    for (what, f, says) in cases {
        set(Some(f));
        let e = auth.sign_in(&rig.pool.user, PASSWORD).await.expect_err(what);
        assert_eq!(e.kind(), ErrorKind::Decode, "{what}: {e}");
        assert!(e.to_string().contains(says), "{what}: {e}");
        assert!(!e.to_string().contains("eyJ"), "{what}: a token leaked: {e}");
        assert!(!auth.is_signed_in().await, "{what}");
    }
    // Signed in: a bad sign-in or a bad refresh leaves the session as it was.
    set(None);
    let alice = done(auth.sign_in(&rig.pool.user, PASSWORD).await.expect("sign in"));
    let orders = rig.orders(&auth);
    for (what, f, _) in cases {
        set(Some(f));
        let e = auth.sign_in(&rig.pool.user, PASSWORD).await.expect_err(what);
        assert_eq!(e.kind(), ErrorKind::Decode, "{what}: {e}");
        let e = auth.refresh().await.expect_err(what);
        assert_eq!(e.kind(), ErrorKind::Credentials, "{what}: {}", chain(&e));
        assert_eq!(
            auth.session().await.expect("session").map(|s| s.sub),
            Some(alice.sub.clone())
        );
        orders
            .get("/orders")
            .send()
            .await
            .expect("the session still works");
    }
    set(None);
    auth.refresh().await.expect("good tokens again");
}

// ---------------------------------------------------------------------------- gateway faults

/// A proxy in front of the gateway that faults on paths containing a marker.
async fn gateway_rig() -> (Proxy, Faults) {
    let faults = Faults::default();
    let f = faults.clone();
    let proxy = Proxy::builder(&servers::gateway())
        .fault(move |r| f.pick(r))
        .start()
        .await;
    (proxy, faults)
}

fn status_api(proxy: &Proxy) -> amplify_rest::ApiBuilder<api::StatusApi> {
    api::StatusApi::builder()
        .base_url(format!("{}/none/dev", proxy.url()))
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(2)))
}

/// The peak resident set of this process (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_transport_error_retried_for_get_only() {
    let (proxy, faults) = gateway_rig().await;
    let client = status_api(&proxy).build().expect("client");
    let reset =
        || Fault::RawThenReset(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n{\"method\":".to_vec());
    faults.add("/mid-body-always", None, usize::MAX, reset());
    let e = client
        .get("/mid-body-always")
        .send()
        .await
        .expect_err("always reset");
    assert_eq!(e.kind(), ErrorKind::Transport, "{}", chain(&e));
    assert_eq!(e.attempts(), Some(3));
    faults.add("/mid-body-once", None, 1, reset());
    let r = client.get("/mid-body-once").send().await.expect("retried");
    assert_eq!(r.status().as_u16(), 200);
    faults.add("/mid-body-post", None, 1, reset());
    let e = client
        .post("/mid-body-post")
        .body("x")
        .send()
        .await
        .expect_err("POST not retried");
    assert_eq!(e.kind(), ErrorKind::Transport, "{}", chain(&e));
    assert_eq!(e.attempts(), Some(1));
}

#[tokio::test]
async fn invalid_utf8_is_a_decode_error_only_where_text_is_asked_for() {
    let (proxy, faults) = gateway_rig().await;
    let client = status_api(&proxy).build().expect("client");
    let bad = b"{\"name\": \"\xff\xfe\xc3\x28\"}".to_vec();
    faults.add(
        "/utf8-ok",
        None,
        1,
        Fault::Answer(RawResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: bad.clone(),
        }),
    );
    let r = client.get("/utf8-ok").send().await.expect("a 200 with bytes");
    assert_eq!(r.bytes().as_ref(), bad.as_slice());
    assert_eq!(r.text().expect_err("not UTF-8").kind(), ErrorKind::Decode);
    assert_eq!(r.json::<Value>().expect_err("not JSON").kind(), ErrorKind::Decode);
    // An error answer with invalid UTF-8 in its body and in its error-type header.
    faults.add(
        "/utf8-err",
        None,
        1,
        Fault::Raw(
            [
                &b"HTTP/1.1 418 I'm a teapot\r\nx-amzn-errortype: Bad\xffName\r\ncontent-length: 5\r\n\r\n"[..],
                &b"\xff\xfe\xfd\xfc\xfb"[..],
            ]
            .concat(),
        ),
    );
    let e = client.get("/utf8-err").send().await.expect_err("418");
    assert_eq!(e.kind(), ErrorKind::Http);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(e.aws_error_name(), None);
    assert_eq!(e.body().map(|b| b.len()), Some(5));
    let _ = (e.to_string(), format!("{e:?}"));
}

#[tokio::test]
async fn a_2_gib_content_length_is_refused_without_allocating_it() {
    let (proxy, faults) = gateway_rig().await;
    let before = peak_rss_kib();
    let huge = |more: &[u8]| {
        Fault::Raw(
            [
                &b"HTTP/1.1 200 OK\r\ncontent-length: 2147483648\r\n\r\n"[..],
                more,
            ]
            .concat(),
        )
    };
    // The default limit (16 MiB): refused from the header alone, not retried.
    faults.add("/huge-default", None, 1, huge(b"{"));
    let client = status_api(&proxy).build().expect("client");
    let e = client.get("/huge-default").send().await.expect_err("too large");
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(
        e.to_string().contains("larger than the limit of 16777216 bytes"),
        "{e}"
    );
    assert_eq!(e.attempts(), Some(1));

    // A limit above 2 GiB: the client reads what comes (1 MiB, then the server hangs up) and
    // never reserves the declared size.
    faults.add("/huge-allowed", None, 3, huge(&vec![b'x'; 1 << 20]));
    let roomy = status_api(&proxy)
        .max_response_bytes(4usize << 30)
        .build()
        .expect("client");
    let e = roomy.get("/huge-allowed").send().await.expect_err("cut short");
    assert_eq!(e.kind(), ErrorKind::Transport, "{}", chain(&e));
    let grown_mib = peak_rss_kib().saturating_sub(before) / 1024;
    eprintln!(
        "peak RSS before the 2 GiB answers: {before} KiB, after: {} KiB",
        peak_rss_kib()
    );
    assert!(grown_mib < 256, "the peak RSS grew by {grown_mib} MiB");

    // The limit is configurable, with and without a Content-Length.
    let tight = status_api(&proxy)
        .max_response_bytes(100)
        .build()
        .expect("client");
    let e = tight
        .get("/echo-is-bigger")
        .send()
        .await
        .expect_err("the echo is > 100 bytes");
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(e.to_string().contains("limit of 100 bytes"), "{e}");
    let chunk = format!("{:x}\r\n{}\r\n", 80, "y".repeat(80));
    faults.add(
        "/chunked",
        None,
        1,
        Fault::Raw(
            format!("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n{chunk}{chunk}0\r\n\r\n")
                .into_bytes(),
        ),
    );
    let e = tight.get("/chunked").send().await.expect_err("160 bytes chunked");
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    let fits = status_api(&proxy)
        .max_response_bytes(2000)
        .build()
        .expect("client");
    fits.get("/small")
        .send()
        .await
        .expect("an echo fits in 2000 bytes");
}
