//! Secrets never show: every public type that can hold one is formatted with `{:?}`, `{:#?}`
//! and (where it has one) `{}` and searched for every secret value; everything `tracing` writes
//! at TRACE level during a full sign-in and signed calls (IAM, user pool, API key) is searched
//! too; the file token store is created 0600 and refuses a file others may read.
//!
//! aws-sigv4 (1.6.4) logs at TRACE the request it signs — method, URL and the header values
//! given to it, so a cookie or key a caller adds to an `AWS_IAM` request — next to the canonical
//! request (credentials redacted). The runtime mutes aws-sigv4 while signing unless
//! `AMPLIFY_REST_TRACE_SIGV4=1` (found by this test: the cookie below was in the output).

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use amplify_rest::auth::{Cognito, Credentials, UserPoolTokens};
use amplify_rest::cognito::{
    FileTokenStore, IdentityPool, Login, MemoryTokenStore, SignIn, StoredTokens, TokenStore,
};
use amplify_rest::config::{AuthConfig, AuthFlow, IdentityPoolConfig, UserPoolConfig};
use amplify_rest::{BoxError, Endpoint, Request, RetryPolicy, SecretString, interceptor_fn};
use amplify_rest_tests::moto::{self, PASSWORD};
use amplify_rest_tests::servers;

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    pub struct PetsApi;
    #[endpoint("publicCatalog")]
    pub struct Catalog;
}

#[amplify_rest::amplify_rest(config = "fixtures/e2e/cognito.json")]
mod cup {
    pub struct OrdersApi;
    pub struct PartnerApi;
}

const API_KEY: &str = "fixture-api-key-0123456789";
const STATIC_SECRET: &str = "static-secret-key-for-tests";
const STATIC_SESSION: &str = "static-session-token-secret-value";
const OIDC_TOKEN: &str = "oidc-token-secret-value";
const COOKIE: &str = "cookie-secret-value";
const CONFIG_SECRET: &str = "config-app-client-secret-value";

/// Fails if `text` (what formatting `what` gave) contains any of `secrets`.
fn assert_hidden(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(!s.is_empty());
        assert!(
            !text.contains(s.as_str()),
            "{what} shows a secret ({s:.6}…): {text}"
        );
    }
}

/// `{:?}` and `{:#?}` of `value`.
fn debug_of(value: &impl std::fmt::Debug) -> String {
    format!("{value:?}\n{value:#?}")
}

/// A signed-in Cognito client (with an app client secret, an identity pool and a memory
/// store), the pool, and every secret it knows.
async fn signed_in(name: &str) -> (Cognito, moto::UserPool, MemoryTokenStore, Vec<String>) {
    let pool = moto::UserPool::create(&format!("{name}{}", std::process::id()), true).await;
    let identity = moto::create_identity_pool(&format!("{name}{}", std::process::id())).await;
    let store = MemoryTokenStore::new();
    let secret = pool.client_secret.clone().expect("a client secret");
    let auth = Cognito::builder()
        .user_pool(&pool.id, &pool.client_id)
        .app_client_secret(secret.as_str())
        .user_pool_url(servers::moto())
        .identity_pool(identity)
        .identity_url(servers::moto())
        .token_store(store.clone())
        .build()
        .expect("cognito");
    assert!(matches!(
        auth.sign_in(&pool.user, PASSWORD).await.expect("sign in"),
        SignIn::Done(_)
    ));
    let tokens = auth.tokens().await.expect("tokens");
    let creds = auth.aws_credentials().await.expect("credentials");
    let mut secrets = vec![
        PASSWORD.to_owned(),
        secret,
        tokens.access_token.expose().to_owned(),
        tokens.id_token.expose().to_owned(),
        creds.secret_access_key().expose().to_owned(),
        creds.session_token().expect("session token").expose().to_owned(),
    ];
    // Tokens are long: a part of one is enough to count as shown.
    for t in [tokens.access_token.expose(), tokens.id_token.expose()] {
        secrets.push(t.split('.').nth(2).expect("signature").to_owned());
    }
    (auth, pool, store, secrets)
}

fn static_credentials() -> Credentials {
    Credentials::new(
        "AKIDEXAMPLESTATIC",
        STATIC_SECRET,
        Some(STATIC_SESSION.into()),
        None,
    )
}

#[tokio::test]
async fn every_public_type_that_holds_a_secret_hides_it() {
    let (auth, pool, store, mut secrets) = signed_in("secrets-fmt").await;
    secrets.extend(
        [
            API_KEY,
            STATIC_SECRET,
            STATIC_SESSION,
            OIDC_TOKEN,
            COOKIE,
            CONFIG_SECRET,
        ]
        .map(str::to_owned),
    );
    let stored = store.load().await.expect("load").expect("stored");
    secrets.push(stored.refresh_token.expose().to_owned());
    let tokens = auth.tokens().await.expect("tokens");
    let mut shown: Vec<(&str, String)> = Vec::new();

    // Config, credentials, tokens, Cognito.
    let user_pool = UserPoolConfig::new("us-east-1_X", "client", Some(CONFIG_SECRET), "us-east-1");
    let config = AuthConfig::new()
        .with_user_pool(user_pool)
        .with_identity_pool(IdentityPoolConfig::new("us-east-1:x", "us-east-1"));
    shown.push(("UserPoolConfig", debug_of(&user_pool)));
    shown.push(("AuthConfig", debug_of(&config)));
    shown.push(("Cognito::from_config", debug_of(&Cognito::from_config(config))));
    shown.push((
        "CognitoBuilder",
        debug_of(&Cognito::builder().config(config).app_client_secret(CONFIG_SECRET)),
    ));
    shown.push(("Credentials", debug_of(&static_credentials())));
    shown.push((
        "Cognito credentials",
        debug_of(&auth.aws_credentials().await.expect("creds")),
    ));
    shown.push(("SecretString", debug_of(&SecretString::new(OIDC_TOKEN))));
    shown.push(("UserPoolTokens", debug_of(&tokens)));
    shown.push((
        "UserPoolTokens::new",
        debug_of(&UserPoolTokens::new(OIDC_TOKEN, OIDC_TOKEN)),
    ));
    shown.push(("Login", debug_of(&Login::new("provider", OIDC_TOKEN, "sub"))));
    shown.push(("Cognito", debug_of(&auth)));
    shown.push(("SessionInfo", debug_of(&auth.session().await.expect("session"))));
    shown.push((
        "IdentityPool",
        debug_of(&auth.identity_pool().expect("identity pool")),
    ));
    shown.push((
        "IdentityPool::builder",
        debug_of(&IdentityPool::builder(IdentityPoolConfig::new(
            "us-east-1:x",
            "us-east-1",
        ))),
    ));
    shown.push(("CognitoIdToken", debug_of(&auth.id_token_provider())));
    shown.push(("MemoryTokenStore", debug_of(&store)));
    shown.push(("StoredTokens", debug_of(&stored)));
    shown.push((
        "StoredTokens::new",
        debug_of(&StoredTokens::new(
            "p",
            "c",
            "u",
            SecretString::new(OIDC_TOKEN),
            SecretString::new(OIDC_TOKEN),
            SecretString::new(COOKIE),
        )),
    ));
    // A challenge carries Cognito's session.
    moto::add_user(&pool.id, "fresh-user", None).await;
    let challenge = match auth
        .sign_in("fresh-user", "Temp-Pass-1")
        .await
        .expect("challenge")
    {
        SignIn::NextStep(c) => c,
        other => panic!("expected NEW_PASSWORD_REQUIRED, got {other:?}"),
    };
    shown.push(("Challenge", debug_of(&challenge)));
    shown.push(("SignIn", debug_of(&SignIn::NextStep(challenge.clone()))));
    shown.push(("ChallengeName", challenge.name().to_string()));
    // The challenge took over the session? Sign the user in again for what follows.
    auth.sign_in(&pool.user, PASSWORD).await.expect("sign in again");

    // Endpoint clients, builders, requests, responses, attempt outcomes.
    let requests_seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&requests_seen);
    let catalog_builder = api::Catalog::builder()
        .base_url(format!("{}/apikey/prod", servers::gateway()))
        .default_header("cookie", COOKIE)
        .interceptor(interceptor_fn(move |r: &mut Request| -> Result<(), BoxError> {
            seen.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(format!("{r:?}\n{r:#?}"));
            Ok(())
        }));
    shown.push(("ApiBuilder (API key)", debug_of(&catalog_builder)));
    let catalog = catalog_builder.build().expect("catalog");
    shown.push(("Catalog (API key)", debug_of(&catalog)));
    shown.push(("Api (API key)", debug_of(catalog.api())));
    shown.push(("ApiKey", debug_of(catalog.auth())));
    let staging = api::Catalog::builder().api_key("staging-key-secret-value");
    secrets.push("staging-key-secret-value".into());
    shown.push(("ApiBuilder::api_key", debug_of(&staging)));
    shown.push((
        "Catalog (staging key)",
        debug_of(&staging.build().expect("client")),
    ));
    let request = catalog
        .get("/items")
        .header("authorization", OIDC_TOKEN)
        .header("x-api-key", API_KEY)
        .header("x-amz-security-token", STATIC_SESSION)
        .header("cookie", COOKIE)
        .json(&serde_json::json!({"password": PASSWORD}));
    shown.push(("RequestBuilder", debug_of(&request)));
    let response = catalog.get("/items").send().await.expect("200");
    assert!(
        String::from_utf8_lossy(&response.bytes()).contains(API_KEY),
        "the echo has the key"
    );
    shown.push(("Response", debug_of(&response)));
    let pets = api::PetsApi::builder(static_credentials())
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .default_header("x-api-key", API_KEY);
    shown.push(("ApiBuilder (IAM)", debug_of(&pets)));
    let pets = pets.build().expect("pets");
    shown.push(("PetsApi (static)", debug_of(&pets)));
    pets.get("/pets")
        .header("cookie", COOKIE)
        .send()
        .await
        .expect("signed");
    shown.push(("PetsApi (Cognito)", debug_of(&api::PetsApi::new(&auth))));
    shown.push(("OrdersApi", debug_of(&cup::OrdersApi::new(&auth))));
    shown.push((
        "PartnerApi (OIDC)",
        debug_of(&cup::PartnerApi::new(OIDC_TOKEN.to_owned())),
    ));
    shown.push((
        "PartnerApi (ID token)",
        debug_of(&cup::PartnerApi::new(auth.id_token_provider())),
    ));

    // Errors from every path.
    let mut errors: Vec<(&str, amplify_rest::Error)> = Vec::new();
    errors.push((
        "wrong password",
        auth.sign_in_with_flow(&pool.user, "Wrong-Password-9", AuthFlow::UserPassword)
            .await
            .expect_err("refused"),
    ));
    errors.push((
        "bad API key",
        api::Catalog::builder()
            .base_url(format!("{}/apikey/prod", servers::gateway()))
            .api_key("staging-key-secret-value")
            .build()
            .expect("client")
            .get("/items")
            .send()
            .await
            .expect_err("403"),
    ));
    errors.push((
        "bad signature",
        api::PetsApi::builder(Credentials::new(
            "AKIDEXAMPLESTATIC",
            "wrong-secret-value",
            None,
            None,
        ))
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .build()
        .expect("client")
        .get("/pets")
        .send()
        .await
        .expect_err("403"),
    ));
    secrets.push("wrong-secret-value".into());
    errors.push((
        "bad header",
        catalog
            .get("/x")
            .header("authorization", "line\nbreak")
            .send()
            .await
            .expect_err("config"),
    ));
    errors.push((
        "transport",
        api::Catalog::builder()
            .base_url("http://127.0.0.1:9/prod")
            .retry(RetryPolicy::disabled())
            .build()
            .expect("client")
            .get("/items")
            .header("cookie", COOKIE)
            .send()
            .await
            .expect_err("refused"),
    ));
    // A listener that never answers: the connection is made (the kernel's backlog), the request
    // written, and no answer comes, so the timeout always fires (a 1 ns timeout raced a fast
    // gateway and sometimes lost).
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let silent_url = format!("http://{}/prod", silent.local_addr().expect("address"));
    errors.push((
        "timeout",
        api::Catalog::builder()
            .base_url(silent_url)
            .retry(RetryPolicy::disabled())
            .build()
            .expect("client")
            .get("/items")
            .header("cookie", COOKIE)
            .timeout(Duration::from_millis(50))
            .send()
            .await
            .expect_err("timeout"),
    ));
    drop(silent);
    errors.push(("decode", response.json::<Vec<u8>>().expect_err("not a list")));
    errors.push((
        "builder",
        api::Catalog::builder()
            .base_url("https://user:pw-secret-value@x/")
            .build()
            .expect_err("userinfo"),
    ));
    secrets.push("pw-secret-value".into());
    auth.sign_out().await;
    errors.push((
        "signed out",
        cup::OrdersApi::new(&auth)
            .get("/o")
            .send()
            .await
            .expect_err("signed out"),
    ));
    errors.push((
        "Cognito builder",
        Cognito::builder()
            .user_pool(&pool.id, &pool.client_id)
            .user_pool_url("not a url")
            .build()
            .expect_err("config"),
    ));
    for (what, e) in &errors {
        let mut text = format!("{e}\n{e:?}\n{e:#?}");
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text.push_str(&format!("\n{s}\n{s:?}"));
            source = s.source();
        }
        shown.push((what, text));
    }
    for text in requests_seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
    {
        shown.push(("Request", text.clone()));
    }
    assert!(
        shown.iter().any(|(w, _)| *w == "Request"),
        "the interceptor saw requests"
    );
    for (what, text) in &shown {
        assert_hidden(what, text, &secrets);
    }
}

// ------------------------------------------------------------------------------------ tracing

/// Collects everything the global `fmt` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A TRACE-level subscriber for the whole test binary (every thread, every crate).
fn capture() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        captured
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_output_of_sign_in_and_signed_calls_shows_no_secret() {
    let captured = capture();
    let dir = std::env::temp_dir().join(format!("amplify-rest-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("tokens.json");
    let _ = std::fs::remove_file(&path);

    let pool = moto::UserPool::create(&format!("secrets-trace{}", std::process::id()), true).await;
    let identity = moto::create_identity_pool(&format!("secrets-trace{}", std::process::id())).await;
    let secret = pool.client_secret.clone().expect("secret");
    let auth = Cognito::builder()
        .user_pool(&pool.id, &pool.client_id)
        .app_client_secret(secret.as_str())
        .user_pool_url(servers::moto())
        .identity_pool(identity)
        .identity_url(servers::moto())
        .token_store(FileTokenStore::new(&path))
        .build()
        .expect("cognito");
    auth.sign_in(&pool.user, PASSWORD).await.expect("SRP sign-in");
    let pets = api::PetsApi::builder(&auth)
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .build()
        .expect("pets");
    pets.get("/pets")
        .header("cookie", COOKIE)
        .send()
        .await
        .expect("IAM call");
    pets.post("/pets")
        .json(&serde_json::json!({"name": "x"}))
        .send()
        .await
        .expect("IAM POST");
    cup::OrdersApi::builder(&auth)
        .base_url(pool.cup_url())
        .build()
        .expect("orders")
        .get("/orders")
        .send()
        .await
        .expect("user pool call");
    api::Catalog::builder()
        .base_url(format!("{}/apikey/prod", servers::gateway()))
        .build()
        .expect("catalog")
        .get("/items")
        .send()
        .await
        .expect("API key call");
    auth.refresh().await.expect("refresh");
    auth.sign_in_with_flow(&pool.user, "Wrong-Password-9", AuthFlow::UserPassword)
        .await
        .expect_err("refused");

    let tokens = auth.tokens().await.expect("tokens");
    let creds = auth.aws_credentials().await.expect("credentials");
    let stored = FileTokenStore::new(&path)
        .load()
        .await
        .expect("load")
        .expect("stored");
    let refresh = stored.refresh_token.expose().to_owned();
    let secrets = vec![
        PASSWORD.to_owned(),
        "Wrong-Password-9".to_owned(),
        secret,
        tokens.access_token.expose().to_owned(),
        tokens.id_token.expose().to_owned(),
        refresh,
        creds.secret_access_key().expose().to_owned(),
        creds.session_token().expect("token").expose().to_owned(),
        API_KEY.to_owned(),
        COOKIE.to_owned(),
    ];
    let out =
        String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned();
    assert!(
        out.contains("amplify_rest.request"),
        "the subscriber saw our spans"
    );
    assert!(
        out.contains("calling Cognito"),
        "the subscriber saw Cognito calls"
    );
    assert!(
        out.contains("hyper_util"),
        "the subscriber saw other crates at TRACE"
    );
    assert!(!out.contains("aws_sigv4"), "aws-sigv4 is muted while signing");
    assert_hidden("TRACE output", &out, &secrets);
    let _ = std::fs::remove_dir_all(&dir);
}

// --------------------------------------------------------------------------- file token store

#[cfg(unix)]
#[tokio::test]
async fn the_file_store_is_owner_only_through_cognito() {
    use std::os::unix::fs::PermissionsExt as _;

    let dir = std::env::temp_dir().join(format!("amplify-rest-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("session.json");
    let _ = std::fs::remove_file(&path);
    let pool = moto::UserPool::create(&format!("secrets-store{}", std::process::id()), false).await;
    let cognito = || {
        Cognito::builder()
            .user_pool(&pool.id, &pool.client_id)
            .user_pool_url(servers::moto())
            .token_store(FileTokenStore::new(&path))
            .build()
            .expect("cognito")
    };
    cognito().sign_in(&pool.user, PASSWORD).await.expect("sign in");
    let mode = std::fs::metadata(&path)
        .expect("the token file")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "created owner-only");
    // Another client restores the session from it.
    assert!(cognito().is_signed_in().await);

    // Readable by the group or the world: refused, with an error that says why, no session.
    for loose in [0o644, 0o640, 0o604] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(loose)).expect("chmod");
        let auth = cognito();
        let e = auth.session().await.expect_err("refused");
        assert_eq!(e.kind(), amplify_rest::ErrorKind::Config, "{e}");
        assert!(e.to_string().contains("0600"), "{e}");
        assert!(!auth.is_signed_in().await);
        let e = cup::OrdersApi::new(&auth)
            .get("/o")
            .send()
            .await
            .expect_err("no session");
        assert_eq!(e.kind(), amplify_rest::ErrorKind::Config, "{e}");
    }
    // A new sign-in writes it owner-only again.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let _ = std::fs::remove_file(&path);
    cognito().sign_in(&pool.user, PASSWORD).await.expect("sign in");
    let mode = std::fs::metadata(&path)
        .expect("the token file")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let _ = std::fs::remove_dir_all(&dir);
}
