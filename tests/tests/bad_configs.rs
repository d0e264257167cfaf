//! Every bad fixture gives an error (never a panic) naming the file, the place in it and what
//! was expected — through the generator API the build script and CLI use. Some cases are read
//! with a per-endpoint setting (the problem is the setting, not the file). The macro's messages
//! for the same files are pinned in `ui/bad_*.stderr`.

use std::path::Path;

use amplify_rest_codegen::Generator;
use amplify_rest_codegen::model::AuthorizationType;

/// Settings a case is read with (most use none).
type Setup = fn(&mut Generator);

fn defaults(_: &mut Generator) {}

/// (fixture, settings, the JSON path or line:column it must name, words of the expectation)
const CASES: &[(&str, Setup, &str, &str)] = &[
    (
        "unknown-auth-type.json",
        defaults,
        "api.plugins.awsAPIPlugin.todoApi.authorizationType",
        "did you mean `AWS_IAM`?",
    ),
    (
        "api-key-missing.json",
        defaults,
        "api.plugins.awsAPIPlugin.todoApi",
        "missing `apiKey`",
    ),
    (
        "iam-without-region.json",
        defaults,
        "api.plugins.awsAPIPlugin.todoApi",
        "missing `region`",
    ),
    (
        "placeholder-endpoint.json",
        defaults,
        "api.plugins.awsAPIPlugin.YOUR_API_NAME.endpoint",
        "absolute http(s) URL",
    ),
    (
        "userinfo-endpoint.json",
        defaults,
        "api.plugins.awsAPIPlugin.adminApi.endpoint",
        "\"https://***@abc123.execute-api.us-east-1.amazonaws.com/dev\" carries credentials (`user:password@`)",
    ),
    (
        "colliding-names.json",
        defaults,
        "api.plugins.awsAPIPlugin.leads_api",
        "\"leads-api\" and \"leads_api\" both become the Rust type `LeadsApi`",
    ),
    (
        "endpoint-not-string.json",
        defaults,
        "api.plugins.awsAPIPlugin.todoApi.endpoint",
        "expected a string, found a number",
    ),
    (
        "unknown-endpoint-type.json",
        defaults,
        "api.plugins.awsAPIPlugin.todoApi.endpointType",
        "expected `REST` or `GraphQL`",
    ),
    (
        "user-pools-without-auth-block.json",
        defaults,
        "api.plugins.awsAPIPlugin.todoApi.authorizationType",
        "no user pool",
    ),
    (
        "missing-comma.json",
        defaults,
        "line 7, column 11",
        "expected `,` or `}`",
    ),
    ("empty.json", defaults, "line 1, column 1", "the file is empty"),
    (
        "duplicate-keys.json",
        defaults,
        "line 6, column 17",
        "duplicate key \"todoApi\" (first at line 5, column 17)",
    ),
    (
        "unknown-format.json",
        defaults,
        "line 1, column 1",
        "cannot tell which Amplify config this is",
    ),
    (
        "process-env.js",
        defaults,
        "line 6, column 25",
        "`process.env.TODO_API_URL` cannot be read without running the file",
    ),
    (
        "js-duplicate-keys.js",
        defaults,
        "line 6, column 5",
        "duplicate key \"aws_project_region\" (first at line 2, column 5)",
    ),
    (
        "flat-unknown-auth-type.json",
        defaults,
        "aws_cloud_logic_custom[0].authorizationType",
        "unknown authorization type \"AWS-IAM\"; expected one of `AWS_IAM`, `API_KEY`, \
         `AMAZON_COGNITO_USER_POOLS`, `OPENID_CONNECT`, `NONE`; did you mean `AWS_IAM`?",
    ),
    (
        "flat-unknown-override.json",
        unknown_override,
        "the authorization setting for \"lead-api\"",
        "names no REST API of the file; did you mean \"leads-api\"? REST APIs in the file: \"leads-api\"",
    ),
    (
        "flat-duplicate-name.json",
        defaults,
        "aws_cloud_logic_custom[1]",
        "the API \"leads-api\" is listed twice",
    ),
    (
        "gen2-without-endpoint.json",
        defaults,
        "custom.API.myRestApi",
        "missing `endpoint`: expected a string (the API's base URL)",
    ),
    (
        "gen2-without-custom-api.json",
        defaults,
        "custom.API",
        "no REST APIs: Gen 2 keeps them under `custom.API.<name>",
    ),
];

fn unknown_override(g: &mut Generator) {
    g.with_authorization("lead-api", AuthorizationType::ApiKey);
}

#[test]
fn every_bad_fixture_is_named_and_explained() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad");
    let listed: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures/bad")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !n.ends_with(".md"))
        .collect();
    for name in &listed {
        assert!(CASES.iter().any(|c| c.0 == name), "{name} has no case here");
    }
    let out = std::env::temp_dir().join(format!("amplify-rest-bad-{}.rs", std::process::id()));
    for (file, setup, place, expectation) in CASES {
        let mut generator = Generator::new();
        setup(&mut generator);
        let err = generator
            .generate_file(&root.join(file), file, &out)
            .expect_err(file);
        let text = err.to_string();
        assert!(text.starts_with(file), "{file}: names the file: {text}");
        assert!(text.contains(place), "{file}: names `{place}`: {text}");
        assert!(text.contains(expectation), "{file}: says `{expectation}`: {text}");
        assert!(!text.contains('\n'), "{file}: one line: {text}");
    }
}

#[test]
fn flat_form_settings_give_other_modes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad");
    let path = root.join("flat-unknown-override.json");
    // By its Rust type name, with an API key: accepted.
    let config = Generator::new()
        .with_authorization("LeadsApi", AuthorizationType::ApiKey)
        .with_api_key("leads_api", "k-123")
        .load(&path, "flat.json")
        .expect("settings apply");
    let e = &config.endpoints[0];
    assert_eq!(e.authorization, AuthorizationType::ApiKey);
    assert_eq!(e.api_key.as_deref(), Some("k-123"));
    // API_KEY without a key: says how to give one.
    let err = Generator::new()
        .with_authorization("leads-api", AuthorizationType::ApiKey)
        .load(&path, "flat.json")
        .expect_err("no key")
        .to_string();
    assert!(
        err.contains("missing `apiKey`") && err.contains("with_api_key"),
        "{err}"
    );
    // User pools without a pool in the file: names the flat form's key.
    let err = Generator::new()
        .with_authorization("leads-api", AuthorizationType::AmazonCognitoUserPools)
        .load(&path, "flat.json")
        .expect_err("no pool")
        .to_string();
    assert!(err.contains("no user pool (`aws_user_pools_id`)"), "{err}");
    // A key for an endpoint that is not API_KEY.
    let err = Generator::new()
        .with_api_key("leads-api", "k")
        .load(&path, "flat.json")
        .expect_err("key for IAM")
        .to_string();
    assert!(
        err.contains("its authorization type is `AWS_IAM`, not `API_KEY`"),
        "{err}"
    );
}

#[test]
fn a_user_pool_supplied_at_run_time_can_be_allowed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad");
    let path = root.join("user-pools-without-auth-block.json");
    let config = Generator::new()
        .with_runtime_user_pool(true)
        .load(&path, "user-pools-without-auth-block.json")
        .expect("allowed by the setting");
    assert_eq!(config.rest_endpoints().count(), 1);
}

#[test]
fn the_build_script_path_writes_formatted_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("amplify-rest-good-{}.rs", std::process::id()));
    Generator::new()
        .generate_file(
            &root.join("fixtures/configs/all-modes.json"),
            "all-modes.json",
            &out,
        )
        .expect("good config");
    let text = std::fs::read_to_string(&out).expect("written");
    std::fs::remove_file(&out).ok();
    assert!(
        text.contains("pub struct PetsApi {\n    api: ::amplify_rest::Api<::amplify_rest::auth::Iam>,\n}")
    );
    assert!(!text.contains("StoreGraph"), "GraphQL APIs are not generated");
}

#[test]
fn a_password_in_an_endpoint_url_is_never_shown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad");
    let err = Generator::new()
        .load(&root.join("userinfo-endpoint.json"), "userinfo-endpoint.json")
        .expect_err("refused")
        .to_string();
    assert!(err.contains("carries credentials"), "{err}");
    assert!(!err.contains("hunter2") && !err.contains("admin:"), "{err}");
}
