//! End to end: typed routes (`#[routes] impl`) through the stand-in gateway in every auth mode.
//! The gateway echoes what arrived, so the tests see the path encoding of a parameter, the
//! query encoding of a struct and the JSON body; IAM signatures are recomputed by botocore,
//! user-pool tokens are verified against moto's JWKS, OIDC tokens against the gateway's key.

use std::collections::HashMap;

use amplify_rest::auth::{Cognito, Credentials};
use amplify_rest::config::AuthFlow;
use amplify_rest::{ErrorKind, RouteError, reqwest};
use amplify_rest_tests::moto::{self, PASSWORD};
use amplify_rest_tests::servers;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// What the gateway echoes.
#[derive(Debug, Deserialize)]
struct Echo {
    method: String,
    path: String,
    raw_query: String,
    query: Vec<(String, String)>,
    headers: HashMap<String, String>,
    body: Option<String>,
    auth: Value,
}

#[derive(Debug, Serialize)]
struct ListQuery {
    limit: Option<u32>,
    cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct NewPet {
    name: String,
    tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ApiError {
    message: String,
}

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    use super::{ApiError, Echo, ListQuery, NewPet};

    pub struct PetsApi;
    pub struct PublicCatalog;
    pub struct StatusApi;
    pub struct OrdersApi;
    pub struct PartnerApi;

    #[routes]
    impl PetsApi {
        #[get("/pets/{id}")]
        fn get_pet(id: &str) -> Echo;
        #[get("/pets")]
        fn list_pets(query: &ListQuery) -> Echo;
        #[post("/owners/{owner}/pets")]
        fn create_pet(owner: &str, body: &NewPet) -> Echo;
        #[delete("/pets/{id}")]
        fn delete_pet(id: u64);
    }

    #[routes]
    impl PublicCatalog {
        #[get("/items/{id}", error = ApiError)]
        fn get_item(id: u32) -> Echo;
        #[get("/items/{id}")]
        fn get_item_raw(id: u32) -> amplify_rest::Response;
    }

    #[routes]
    impl StatusApi {
        #[put("/pets/{id}")]
        fn replace_pet(id: String, query: ListQuery, body: NewPet) -> Echo;
    }

    #[routes]
    impl OrdersApi {
        #[post("/orders/{id}/items")]
        fn add_item(id: u64, body: &NewPet) -> Echo;
    }

    #[routes]
    impl PartnerApi {
        #[patch("/partners/{name}")]
        fn rename(name: &str, body: &NewPet) -> Echo;
    }
}

fn new_pet() -> NewPet {
    NewPet {
        name: "Rex & Co/\"1\"".to_owned(),
        tags: vec!["good dog".to_owned()],
    }
}

fn body_of(echo: &Echo) -> NewPet {
    serde_json::from_str(echo.body.as_deref().expect("body")).expect("JSON body")
}

fn pets() -> api::PetsApi {
    let credentials = Credentials::new("AKIDEXAMPLESTATIC", "static-secret-key-for-tests", None, None);
    api::PetsApi::builder(credentials)
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .build()
        .expect("client")
}

#[tokio::test]
async fn none_encodes_path_query_and_body() {
    let status = api::StatusApi::builder()
        .base_url(format!("{}/none/default", servers::gateway()))
        .build()
        .expect("client");
    let query = ListQuery {
        limit: Some(10),
        cursor: Some("a b&c=d/é+".to_owned()),
    };
    let echo = status
        .replace_pet("a/b c?".to_owned(), query, new_pet())
        .await
        .expect("200");
    assert_eq!(echo.method, "PUT");
    // One segment: the `/` of the value is `%2F`.
    assert_eq!(echo.path, "/default/pets/a%2Fb%20c%3F");
    assert_eq!(echo.raw_query, "limit=10&cursor=a%20b%26c%3Dd%2F%C3%A9%2B");
    assert_eq!(
        echo.query,
        [
            ("limit".to_owned(), "10".to_owned()),
            ("cursor".to_owned(), "a b&c=d/é+".to_owned())
        ]
    );
    assert_eq!(body_of(&echo), new_pet());
    assert_eq!(echo.headers["content-type"], "application/json");
    assert_eq!(echo.auth["mode"], "none");
}

#[tokio::test]
async fn api_key_routes_and_typed_error_bodies() {
    let catalog = api::PublicCatalog::builder()
        .base_url(format!("{}/apikey/prod", servers::gateway()))
        .build()
        .expect("client");
    let echo = catalog.get_item(7).await.expect("200");
    assert_eq!(
        (echo.method.as_str(), echo.path.as_str()),
        ("GET", "/prod/items/7")
    );
    assert_eq!(echo.auth["mode"], "apikey");
    assert_eq!(echo.body.as_deref(), Some(""));
    let raw = catalog.get_item_raw(7).await.expect("200");
    assert_eq!(raw.status().as_u16(), 200);

    let wrong_key = api::PublicCatalog::builder()
        .base_url(format!("{}/apikey/prod", servers::gateway()))
        .api_key("not-the-key")
        .build()
        .expect("client");
    let err = wrong_key.get_item(7).await.expect_err("403");
    let RouteError::Api { body, error } = &err else {
        panic!("expected a decoded error body: {err:?}");
    };
    assert_eq!(body.message, "Forbidden");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.aws_error_name(), Some("ForbiddenException"));
    assert_eq!(
        err.to_string(),
        "HTTP 403 Forbidden (ForbiddenException): Forbidden"
    );
    // Routes without an error type give the untyped error, which still has status and body.
    let err = wrong_key.get_item_raw(7).await.expect_err("403");
    assert_eq!(err.kind(), ErrorKind::Http);
    let body: Value = serde_json::from_slice(err.body().expect("body")).expect("JSON");
    assert_eq!(body["message"], "Forbidden");
    // `?` turns a RouteError into the untyped error.
    let untyped: amplify_rest::Error = wrong_key.get_item(7).await.expect_err("403").into();
    assert_eq!(untyped.status().map(|s| s.as_u16()), Some(403));
}

#[tokio::test]
async fn iam_routes_are_signed_and_verified_by_botocore() {
    let pets = pets();
    let echo = pets.get_pet("a/b c").await.expect("signed GET");
    assert_eq!(echo.path, "/dev/pets/a%2Fb%20c");
    assert_eq!(echo.auth["mode"], "iam");
    assert_eq!(echo.auth["access_key_id"], "AKIDEXAMPLESTATIC");

    let query = ListQuery {
        limit: None,
        cursor: Some("x=1&y=2 z".to_owned()),
    };
    let echo = pets.list_pets(&query).await.expect("signed GET with query");
    assert_eq!(echo.raw_query, "cursor=x%3D1%26y%3D2%20z");
    assert_eq!(echo.query, [("cursor".to_owned(), "x=1&y=2 z".to_owned())]);

    let echo = pets.create_pet("ann/bob", &new_pet()).await.expect("signed POST");
    assert_eq!(echo.method, "POST");
    assert_eq!(echo.path, "/dev/owners/ann%2Fbob/pets");
    assert_eq!(body_of(&echo), new_pet());

    pets.delete_pet(9).await.expect("signed DELETE, body ignored");
}

#[tokio::test]
async fn user_pool_routes_carry_the_verified_access_token() {
    let pool = moto::UserPool::create("routes", false).await;
    let auth = Cognito::builder()
        .config(api::AUTH)
        .flow(AuthFlow::UserPassword)
        .user_pool(&pool.id, &pool.client_id)
        .user_pool_url(servers::moto())
        .build()
        .expect("cognito");
    auth.sign_in(&pool.user, PASSWORD).await.expect("sign-in");
    let orders = api::OrdersApi::builder(&auth)
        .base_url(pool.cup_url())
        .build()
        .expect("client");
    let echo = orders.add_item(42, &new_pet()).await.expect("200");
    assert_eq!(echo.auth["mode"], "cup");
    assert_eq!(echo.path, "/dev/orders/42/items");
    assert_eq!(body_of(&echo), new_pet());
}

#[tokio::test]
async fn oidc_routes_carry_the_provider_token() {
    let gw = servers::gateway();
    let minted = reqwest::Client::new()
        .post(format!("{gw}/_admin/oidc-token"))
        .body(json!({"sub": "x", "expires_in": 3600}).to_string())
        .send()
        .await
        .expect("mint")
        .text()
        .await
        .expect("body");
    let minted: Value = serde_json::from_str(&minted).expect("JSON");
    let token = minted["token"].as_str().expect("token").to_owned();
    let partner = api::PartnerApi::builder(token)
        .base_url(format!("{gw}/oidc/v1"))
        .build()
        .expect("client");
    let echo = partner.rename("ü/x", &new_pet()).await.expect("200");
    assert_eq!(echo.method, "PATCH");
    assert_eq!(echo.path, "/v1/partners/%C3%BC%2Fx");
    assert_eq!(echo.auth["mode"], "oidc");
    assert_eq!(echo.auth["sub"], "x");
    assert_eq!(body_of(&echo), new_pet());
}
