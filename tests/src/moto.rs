//! Setting up Cognito in moto for a test: unsigned JSON 1.1 admin calls, as MOTO.md describes.
//! Every test makes its own pools (tests run in parallel; nothing is reset).

use amplify_rest::reqwest;
use serde_json::{Value, json};

use crate::servers;

/// The password every test user gets.
pub const PASSWORD: &str = "Correct-Horse-7";

/// Calls `<target_prefix>.<op>` on moto; panics with moto's answer if it fails.
pub async fn call(target_prefix: &str, op: &str, body: Value) -> Value {
    let answer = reqwest::Client::new()
        .post(format!("{}/", servers::moto()))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("{target_prefix}.{op}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("moto {op}: {e}"));
    let status = answer.status();
    let text = answer.text().await.expect("moto body");
    assert!(status.is_success(), "moto {op} answered {status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("moto {op}: not JSON: {text}"))
}

/// A user pool admin call.
pub async fn user_pools(op: &str, body: Value) -> Value {
    call("AWSCognitoIdentityProviderService", op, body).await
}

/// An identity pool admin call.
pub async fn identity(op: &str, body: Value) -> Value {
    call("AWSCognitoIdentityService", op, body).await
}

/// Creates `user` in `pool_id`, confirmed with `permanent_password`, or left needing a new
/// password (`FORCE_CHANGE_PASSWORD`) when it is `None`.
pub async fn add_user(pool_id: &str, user: &str, permanent_password: Option<&str>) {
    user_pools(
        "AdminCreateUser",
        json!({"UserPoolId": pool_id, "Username": user, "TemporaryPassword": "Temp-Pass-1", "MessageAction": "SUPPRESS"}),
    )
    .await;
    if let Some(password) = permanent_password {
        user_pools(
            "AdminSetUserPassword",
            json!({"UserPoolId": pool_id, "Username": user, "Password": password, "Permanent": true}),
        )
        .await;
    }
}

/// One moto user pool with an app client (with or without a secret) and a confirmed user whose
/// password is [`PASSWORD`].
#[derive(Debug, Clone)]
pub struct UserPool {
    /// The pool id (`us-east-1_...`).
    pub id: String,
    /// The app client id.
    pub client_id: String,
    /// The app client secret, when the client has one.
    pub client_secret: Option<String>,
    /// The user's name.
    pub user: String,
}

impl UserPool {
    /// Creates the pool, its client and its user.
    pub async fn create(name: &str, secret: bool) -> UserPool {
        let pool = user_pools("CreateUserPool", json!({"PoolName": format!("e2e-{name}")})).await;
        let id = pool["UserPool"]["Id"].as_str().expect("pool id").to_owned();
        let client = user_pools(
            "CreateUserPoolClient",
            json!({
                "UserPoolId": id,
                "ClientName": format!("e2e-{name}-client"),
                "GenerateSecret": secret,
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            }),
        )
        .await;
        let client_id = client["UserPoolClient"]["ClientId"]
            .as_str()
            .expect("client id")
            .to_owned();
        let client_secret = client["UserPoolClient"]["ClientSecret"]
            .as_str()
            .map(str::to_owned);
        assert_eq!(client_secret.is_some(), secret);
        let user = format!("{name}-user");
        add_user(&id, &user, Some(PASSWORD)).await;
        UserPool {
            id,
            client_id,
            client_secret,
            user,
        }
    }
}

impl UserPool {
    /// The stand-in gateway's user-pool route for this pool and client, stage `dev`: requests
    /// there must carry a token of this pool issued to this client.
    pub fn cup_url(&self) -> String {
        format!("{}/cup/{}/{}/dev", servers::gateway(), self.id, self.client_id)
    }
}

/// Creates an identity pool that allows guests; returns its id (`us-east-1:...`).
pub async fn create_identity_pool(name: &str) -> String {
    let answer = identity(
        "CreateIdentityPool",
        json!({"IdentityPoolName": name, "AllowUnauthenticatedIdentities": true}),
    )
    .await;
    answer["IdentityPoolId"]
        .as_str()
        .expect("IdentityPoolId")
        .to_owned()
}
