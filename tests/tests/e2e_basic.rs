//! End to end: generated `NONE` and `API_KEY` clients against the stand-in API Gateway
//! (tests/gateway/gateway.py), which checks `x-api-key` and echoes what arrived as JSON.

use amplify_rest::{BoxError, Endpoint, ErrorKind, Request, interceptor_fn};
use amplify_rest_tests::servers;
use serde_json::{Value, json};

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    pub struct StatusApi;
    #[endpoint("publicCatalog")]
    pub struct Catalog;
}

const FIXTURE_KEY: &str = "fixture-api-key-0123456789";

fn status(stage: &str) -> api::StatusApi {
    api::StatusApi::builder()
        .base_url(format!("{}/none{stage}", servers::gateway()))
        .build()
        .expect("valid base URL")
}

fn catalog() -> api::Catalog {
    api::Catalog::builder()
        .base_url(format!("{}/apikey/prod", servers::gateway()))
        .build()
        .expect("valid base URL")
}

fn header<'a>(echo: &'a Value, name: &str) -> Option<&'a str> {
    echo["headers"][name].as_str()
}

#[test]
fn constants_come_from_the_config() {
    assert_eq!(api::StatusApi::NAME, "statusApi");
    assert_eq!(
        api::StatusApi::ENDPOINT,
        "https://p6q7r8s9t0.execute-api.us-west-2.amazonaws.com/default"
    );
    assert_eq!(api::StatusApi::REGION, Some("us-west-2"));
    assert_eq!(
        api::StatusApi::AUTHORIZATION,
        amplify_rest::AuthorizationType::None
    );
    assert_eq!(api::Catalog::NAME, "publicCatalog");
    assert_eq!(
        api::Catalog::AUTHORIZATION,
        amplify_rest::AuthorizationType::ApiKey
    );
    assert_eq!(<api::Catalog as Endpoint>::SPEC.endpoint, api::Catalog::ENDPOINT);
    // The default client goes to the config's URL.
    assert_eq!(api::Catalog::new().base_url(), api::Catalog::ENDPOINT);
    // AUTH carries the file's Cognito settings.
    let pool = api::AUTH.user_pool.expect("user pool");
    assert_eq!(pool.pool_id, "us-west-2_Fixture01");
    assert_eq!(
        api::AUTH.identity_pool.expect("identity pool").region,
        "us-west-2"
    );
}

#[tokio::test]
async fn none_sends_no_authorization_and_everything_arrives() {
    let echo: Value = status("/default")
        .get("/pets/7")
        .query("full", "1")
        .header("x-trace", "abc")
        .send()
        .await
        .expect("200")
        .json()
        .expect("echo JSON");
    assert_eq!(echo["method"], "GET");
    assert_eq!(echo["path"], "/default/pets/7");
    assert_eq!(echo["query"], json!([["full", "1"]]));
    assert_eq!(header(&echo, "x-trace"), Some("abc"));
    assert_eq!(header(&echo, "authorization"), None);
    assert_eq!(header(&echo, "x-api-key"), None);
    let ua = header(&echo, "user-agent").expect("user-agent");
    assert!(ua.starts_with("amplify-rest/"), "{ua}");
    assert_eq!(echo["auth"]["mode"], "none");
}

#[tokio::test]
async fn api_key_comes_from_the_config() {
    let echo: Value = catalog()
        .get("/items")
        .send()
        .await
        .expect("200")
        .json()
        .expect("JSON");
    assert_eq!(header(&echo, "x-api-key"), Some(FIXTURE_KEY));
    assert_eq!(echo["auth"]["mode"], "apikey");
    assert_eq!(echo["path"], "/prod/items");
}

#[tokio::test]
async fn a_wrong_api_key_is_a_typed_403() {
    let client = api::Catalog::builder()
        .base_url(format!("{}/apikey/prod", servers::gateway()))
        .api_key("not-the-key")
        .build()
        .expect("client");
    let err = client.get("/items").send().await.expect_err("403");
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.aws_error_name(), Some("ForbiddenException"));
    assert_eq!(
        err.to_string(),
        "HTTP 403 Forbidden (ForbiddenException): Forbidden"
    );
    let body: Value = serde_json::from_slice(err.body().expect("body")).expect("JSON body");
    assert_eq!(body["message"], "Forbidden");
    assert!(err.headers().expect("headers").contains_key("x-amzn-errortype"));
    assert!(!err.is_retryable());
    assert!(!format!("{err:?}").contains("not-the-key"));
}

#[tokio::test]
async fn a_caller_set_api_key_wins_over_the_config() {
    let echo: Value = catalog()
        .get("/items")
        .header("x-api-key", "example-api-key-0123456789")
        .send()
        .await
        .expect("the gateway accepts the example key too")
        .json()
        .expect("JSON");
    assert_eq!(header(&echo, "x-api-key"), Some("example-api-key-0123456789"));
}

#[tokio::test]
async fn every_method_and_body_kind() {
    let client = status("/default");
    let payload = json!({"name": "Rex", "tags": ["a", "b"], "age": 3});
    for (method, builder) in [
        ("POST", client.post("/pets")),
        ("PUT", client.put("/pets/1")),
        ("PATCH", client.patch("/pets/1")),
    ] {
        let echo: Value = builder
            .json(&payload)
            .send()
            .await
            .expect("200")
            .json()
            .expect("JSON");
        assert_eq!(echo["method"], method);
        assert_eq!(header(&echo, "content-type"), Some("application/json"));
        let sent: Value = serde_json::from_str(echo["body"].as_str().expect("text body")).expect("JSON body");
        assert_eq!(sent, payload);
    }
    let binary: Vec<u8> = (0..=255u8).collect();
    let echo: Value = client
        .post("/blob")
        .header("content-type", "application/octet-stream")
        .body(binary.clone())
        .send()
        .await
        .expect("200")
        .json()
        .expect("JSON");
    assert_eq!(echo["body"], Value::Null, "not UTF-8");
    assert_eq!(echo["body_base64"], base64_of(&binary));

    let echo: Value = client
        .delete("/pets/1")
        .send()
        .await
        .expect("200")
        .json()
        .expect("JSON");
    assert_eq!(echo["method"], "DELETE");
    assert_eq!(echo["body_base64"], "");

    let head = client.head("/pets/1").send().await.expect("200");
    assert_eq!(head.status().as_u16(), 200);
    assert!(head.bytes().is_empty());
}

#[tokio::test]
async fn paths_join_exactly_with_and_without_slashes() {
    for stage in ["/dev", "/dev/"] {
        let client = status(stage);
        for path in ["/pets/7", "pets/7"] {
            let echo: Value = client.get(path).send().await.expect("200").json().expect("JSON");
            assert_eq!(echo["path"], "/dev/pets/7", "stage {stage:?} + path {path:?}");
        }
        let echo: Value = client.get("").send().await.expect("200").json().expect("JSON");
        assert_eq!(echo["path"], "/dev/");
    }
}

#[tokio::test]
async fn paths_and_queries_are_encoded() {
    let echo: Value = status("/dev")
        .get("/files/a b/é/a%2Fb")
        .query("q", "a b+c;d")
        .query("q", "ü")
        .query("empty", "")
        .send()
        .await
        .expect("200")
        .json()
        .expect("JSON");
    assert_eq!(
        echo["path"], "/dev/files/a%20b/%C3%A9/a%2Fb",
        "encoded slash stays one segment"
    );
    assert_eq!(
        echo["query"],
        json!([["q", "a b+c;d"], ["q", "ü"], ["empty", ""]])
    );
}

#[tokio::test]
async fn not_found_is_an_error_with_status_headers_body_and_aws_name() {
    let client = api::StatusApi::builder()
        .base_url(format!("{}/no-such-route/dev", servers::gateway()))
        .build()
        .expect("client");
    let err = client.get("/x").send().await.expect_err("404");
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.aws_error_name(), Some("NotFoundException"));
}

#[tokio::test]
async fn decode_and_size_errors_are_typed() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Pet {
        name: String,
    }
    let response = status("/dev").get("/pets").send().await.expect("200");
    let err = response.json::<Pet>().expect_err("the echo is not a Pet");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(std::error::Error::source(&err).is_some());

    let small = api::StatusApi::builder()
        .base_url(format!("{}/none/dev", servers::gateway()))
        .max_response_bytes(16)
        .build()
        .expect("client");
    let err = small.get("/pets").send().await.expect_err("too large");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string().contains("larger than the limit of 16 bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let client = api::StatusApi::builder()
        .base_url(format!("http://127.0.0.1:{port}/dev"))
        .build()
        .expect("client");
    let err = client.get("/x").send().await.expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn defaults_then_request_headers_then_interceptors() {
    let client = api::Catalog::builder()
        .base_url(format!("{}/apikey/prod", servers::gateway()))
        .default_header("x-tenant", "acme")
        .default_header("x-shared", "from-default")
        .interceptor(interceptor_fn(|request: &mut Request| {
            // Interceptors see what came before them.
            let seen = request.headers().get("x-shared").cloned();
            request.headers_mut().insert("x-intercepted", "yes".parse()?);
            if let Some(v) = seen {
                request.headers_mut().insert("x-seen-by-interceptor", v);
            }
            Ok::<(), BoxError>(())
        }))
        .build()
        .expect("client");
    let echo: Value = client
        .get("/items")
        .header("x-shared", "from-request")
        .send()
        .await
        .expect("200")
        .json()
        .expect("JSON");
    assert_eq!(header(&echo, "x-tenant"), Some("acme"));
    assert_eq!(header(&echo, "x-shared"), Some("from-request"));
    assert_eq!(header(&echo, "x-seen-by-interceptor"), Some("from-request"));
    assert_eq!(header(&echo, "x-intercepted"), Some("yes"));
    assert_eq!(header(&echo, "x-api-key"), Some(FIXTURE_KEY));
}

#[tokio::test]
async fn an_interceptor_error_fails_the_request_with_it_as_source() {
    #[derive(Debug)]
    struct Refused;
    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("refused by policy")
        }
    }
    impl std::error::Error for Refused {}
    let client = api::StatusApi::builder()
        .base_url(format!("{}/none/dev", servers::gateway()))
        .interceptor(interceptor_fn(|_: &mut Request| {
            Err(Box::new(Refused) as BoxError)
        }))
        .build()
        .expect("client");
    let err = client.get("/x").send().await.expect_err("interceptor fails");
    assert_eq!(err.kind(), ErrorKind::Interceptor);
    let source = std::error::Error::source(&err).expect("source");
    assert_eq!(source.to_string(), "refused by policy");
}

#[test]
fn secrets_stay_out_of_debug() {
    let client = api::Catalog::new();
    let text = format!(
        "{client:?} {:?} {:?}",
        client.get("/x").header("x-api-key", "other"),
        api::AUTH
    );
    assert!(!text.contains(FIXTURE_KEY), "{text}");
    assert!(!text.contains("other"), "{text}");
    assert!(!text.contains("fixtureappclientsecret"), "{text}");
}

#[test]
fn bad_builder_input_is_an_error_not_a_panic() {
    let err = api::StatusApi::builder()
        .base_url("not a url")
        .build()
        .expect_err("bad URL");
    assert_eq!(err.kind(), ErrorKind::Config);
    let err = api::StatusApi::builder()
        .base_url("https://user:pw@example.com/dev")
        .build()
        .expect_err("credentials in URL");
    assert!(!err.to_string().contains("pw"), "{err}");
    let err = api::StatusApi::builder()
        .default_header("bad header", "x")
        .build()
        .expect_err("bad header name");
    assert_eq!(err.kind(), ErrorKind::Config);
}

fn base64_of(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
