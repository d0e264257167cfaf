//! End to end: `AWS_IAM` endpoints signed with SigV4, every signature recomputed and compared
//! by botocore in the stand-in gateway (`/iam/<region>/...`). Tampering in flight is caught.

use amplify_rest::auth::Credentials;
use amplify_rest::{BoxError, ErrorKind, Request, interceptor_fn};
use amplify_rest_tests::proxy::Proxy;
use amplify_rest_tests::{echo, servers};
use serde_json::{Value, json};

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    pub struct PetsApi;
}

const AKID: &str = "AKIDEXAMPLESTATIC";
const SECRET: &str = "static-secret-key-for-tests";

fn credentials(token: Option<&str>) -> Credentials {
    Credentials::new(AKID, SECRET, token.map(Into::into), None)
}

fn pets_at(base: &str, token: Option<&str>) -> api::PetsApi {
    api::PetsApi::builder(credentials(token))
        .base_url(format!("{base}/iam/us-west-2/dev"))
        .build()
        .expect("client")
}

fn pets(token: Option<&str>) -> api::PetsApi {
    pets_at(&servers::gateway(), token)
}

#[tokio::test]
async fn signed_with_the_session_token_for_execute_api_in_the_endpoint_region() {
    let echo = echo(pets(Some("session-token-123")).get("/pets/7")).await;
    let auth = &echo["auth"];
    assert_eq!(auth["mode"], "iam");
    assert_eq!(auth["access_key_id"], AKID);
    assert_eq!(auth["region"], "us-west-2");
    assert_eq!(auth["session_token"], "session-token-123");
    let signed: Vec<&str> = auth["signed_headers"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(signed.contains(&"x-amz-security-token"), "{signed:?}");
    assert!(
        signed.contains(&"host") && signed.contains(&"x-amz-date"),
        "{signed:?}"
    );
    assert_eq!(
        echo["headers"]["x-amz-content-sha256"],
        Value::Null,
        "no content-sha256 header"
    );
    let authorization = echo["headers"]["authorization"].as_str().expect("authorization");
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLESTATIC/")
            && authorization.contains("/us-west-2/execute-api/aws4_request"),
        "{authorization}"
    );
}

#[tokio::test]
async fn without_a_session_token() {
    let echo = echo(pets(None).get("/pets")).await;
    assert_eq!(echo["auth"]["session_token_present"], false);
}

#[tokio::test]
async fn query_corner_cases_are_signed_correctly() {
    let client = pets(Some("t"));
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("q", "a b")],
        vec![("q", "a+b"), ("plus", "+")],
        vec![("q", "a;b"), ("semi", ";")],
        vec![("name", "Zoë"), ("city", "東京")],
        vec![("tag", "b"), ("tag", "a"), ("tag", "c")],
        vec![("v", "é"), ("v", "z")],
        vec![("a:", "1"), ("a0", "2")],
        vec![
            ("empty", ""),
            ("reserved", "!*'()~._-"),
            ("slash", "a/b"),
            ("pct", "100%"),
        ],
    ];
    for pairs in cases {
        let mut request = client.get("/search");
        for (k, v) in &pairs {
            request = request.query(*k, *v);
        }
        let echo = echo(request).await;
        let got: Vec<(String, String)> = echo["query"]
            .as_array()
            .expect("query")
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap_or_default().to_owned(),
                    p[1].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let want: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want);
    }
}

#[tokio::test]
async fn path_corner_cases_are_signed_correctly() {
    let client = pets(Some("t"));
    for (path, arrived) in [
        ("/files/a b", "/dev/files/a%20b"),
        ("/files/Zoë/東京", "/dev/files/Zo%C3%AB/%E6%9D%B1%E4%BA%AC"),
        ("/files/a%2Fb", "/dev/files/a%2Fb"),
        ("/files/a+b;c=d", "/dev/files/a+b;c=d"),
        ("/", "/dev/"),
    ] {
        let echo = echo(client.get(path)).await;
        assert_eq!(echo["path"], arrived, "{path}");
    }
}

#[tokio::test]
async fn empty_json_and_binary_bodies_are_signed() {
    let client = pets(Some("t"));
    let empty = echo(client.post("/empty")).await;
    assert_eq!(empty["body_base64"], "");
    let with_json = echo(client.put("/json").json(&json!({"name": "Rex", "emoji": "🐕"}))).await;
    assert_eq!(with_json["headers"]["content-type"], "application/json");
    let binary: Vec<u8> = (0..=255u8).rev().cycle().take(70_000).collect();
    let with_binary = echo(client.post("/binary").body(binary)).await;
    assert_eq!(with_binary["body"], Value::Null);
}

#[tokio::test]
async fn what_an_interceptor_adds_is_signed() {
    let client = api::PetsApi::builder(credentials(Some("t")))
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .interceptor(interceptor_fn(|r: &mut Request| {
            r.headers_mut().insert("x-tenant", "acme".parse()?);
            Ok::<(), BoxError>(())
        }))
        .build()
        .expect("client");
    let echo = echo(client.get("/pets").header("x-trace", "abc")).await;
    let signed = echo["auth"]["signed_headers"].to_string();
    assert!(
        signed.contains("x-tenant") && signed.contains("x-trace"),
        "{signed}"
    );
}

#[tokio::test]
async fn a_caller_set_authorization_goes_out_unsigned() {
    // Pointed at the NONE route, so the gateway echoes what arrived without checking it.
    let client = api::PetsApi::builder(credentials(Some("t")))
        .base_url(format!("{}/none/dev", servers::gateway()))
        .build()
        .expect("client");
    let echo = echo(client.get("/pets").header("authorization", "Custom my-own")).await;
    assert_eq!(echo["headers"]["authorization"], "Custom my-own");
    assert_eq!(echo["headers"]["x-amz-date"], Value::Null);
    assert_eq!(echo["headers"]["x-amz-security-token"], Value::Null);
}

#[tokio::test]
async fn wrong_secret_is_a_typed_403_with_the_canonical_request() {
    let client = api::PetsApi::builder(Credentials::new(AKID, "not-the-secret", None, None))
        .base_url(format!("{}/iam/us-west-2/dev", servers::gateway()))
        .build()
        .expect("client");
    let err = client.get("/pets").send().await.expect_err("403");
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.aws_error_name(), Some("InvalidSignatureException"));
    let body: Value = serde_json::from_slice(err.body().expect("body")).expect("JSON");
    assert!(
        body["canonical_request"]
            .as_str()
            .is_some_and(|c| c.starts_with("GET\n/iam/us-west-2/dev/pets\n")),
        "{body}"
    );
    assert!(!err.to_string().contains("not-the-secret"));
}

/// Changes one byte of the signed request between the client and the gateway.
async fn tampered(
    transform: impl Fn(&mut amplify_rest_tests::proxy::RawRequest) + Send + Sync + 'static,
) -> amplify_rest::Error {
    let proxy = Proxy::start_with(&servers::gateway(), transform).await;
    let client = pets_at(proxy.url(), Some("t"));
    let untouched = client
        .post("/pets/7")
        .header("x-custom", "1")
        .body("abc")
        .send()
        .await;
    untouched.expect_err("tampered requests must be refused")
}

#[tokio::test]
async fn tampering_with_body_path_or_a_signed_header_is_refused() {
    let mut cases: Vec<(&str, amplify_rest::Error)> = Vec::new();
    cases.push(("body", tampered(|r| r.body[0] ^= 1).await));
    cases.push((
        "path",
        tampered(|r| r.target = r.target.replace("/pets/7", "/pets/8")).await,
    ));
    cases.push((
        "header",
        tampered(|r| {
            for (k, v) in &mut r.headers {
                if k.eq_ignore_ascii_case("x-custom") {
                    *v = "2".to_owned();
                }
            }
        })
        .await,
    ));
    for (what, err) in cases {
        assert_eq!(err.status().map(|s| s.as_u16()), Some(403), "{what}: {err}");
        assert_eq!(err.aws_error_name(), Some("InvalidSignatureException"), "{what}");
        let body: Value = serde_json::from_slice(err.body().expect("body")).expect("JSON");
        assert!(body["canonical_request"].is_string(), "{what}: {body}");
    }
    // The proxy itself changes nothing when told nothing: the same request passes through it.
    let proxy = Proxy::start(&servers::gateway()).await;
    let echo = echo(
        pets_at(proxy.url(), Some("t"))
            .post("/pets/7")
            .header("x-custom", "1")
            .body("abc"),
    )
    .await;
    assert_eq!(echo["body"], "abc");
}
