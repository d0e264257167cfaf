//! `AWS_IAM` endpoints with credentials from the environment or from the user's own source,
//! every signature checked by botocore in the stand-in gateway.
//!
//! This file is its own test binary because it sets process environment variables.

use amplify_rest::auth::{Credentials, CredentialsProvider, EnvironmentCredentials};
use amplify_rest::{BoxFuture, Error, ErrorKind};
use amplify_rest_tests::servers;
use serde_json::Value;

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    pub struct PetsApi;
}

fn base() -> String {
    format!("{}/iam/us-west-2/dev", servers::gateway())
}

/// The user's own source: here, one that rotates through two session tokens.
#[derive(Debug, Default)]
struct Rotating(std::sync::atomic::AtomicUsize);

impl CredentialsProvider for Rotating {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let token = format!("rotation-{}", n % 2);
        Box::pin(async move {
            Ok(Credentials::new(
                "AKIDEXAMPLESTATIC",
                "static-secret-key-for-tests",
                Some(token.into()),
                None,
            ))
        })
    }
}

#[tokio::test]
async fn environment_and_custom_sources() {
    // One test, so no other test of this binary races the environment.
    // SAFETY: no other thread of this process reads or writes the environment meanwhile.
    unsafe {
        std::env::remove_var("AWS_ACCESS_KEY_ID");
        std::env::remove_var("AWS_SECRET_ACCESS_KEY");
    }
    let pets = api::PetsApi::builder(EnvironmentCredentials)
        .base_url(base())
        .build()
        .expect("client");
    let err = pets
        .get("/pets")
        .send()
        .await
        .expect_err("no credentials in the environment");
    assert_eq!(err.kind(), ErrorKind::Credentials);

    // SAFETY: as above.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDEXAMPLESTATIC");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "static-secret-key-for-tests");
        std::env::set_var("AWS_SESSION_TOKEN", "env-session");
    }
    let echo: Value = pets
        .get("/pets")
        .send()
        .await
        .expect("signed from the environment")
        .json()
        .expect("JSON");
    assert_eq!(echo["auth"]["access_key_id"], "AKIDEXAMPLESTATIC");
    assert_eq!(echo["auth"]["session_token"], "env-session");

    let own = api::PetsApi::builder(Rotating::default())
        .base_url(base())
        .build()
        .expect("client");
    for expected in ["rotation-0", "rotation-1", "rotation-0"] {
        let echo: Value = own
            .get("/pets")
            .send()
            .await
            .expect("signed")
            .json()
            .expect("JSON");
        assert_eq!(echo["auth"]["session_token"], expected, "asked per request");
    }
}

#[test]
fn credentials_never_show_their_secrets() {
    let c = Credentials::new(
        "AKIDSHOWN",
        "the-secret-key",
        Some("the-session-token".into()),
        None,
    );
    let text = format!("{c:?}");
    assert!(text.contains("AKIDSHOWN"));
    assert!(
        !text.contains("the-secret-key") && !text.contains("the-session-token"),
        "{text}"
    );
}
