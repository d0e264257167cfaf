//! Every bad fixture gives an error (never a panic) naming the file, the place in it and what
//! was expected — through the generator API the build script and CLI use. The macro's messages
//! for the same files are pinned in `ui/bad_*.stderr`.

use std::path::Path;

use amplify_rest_codegen::Generator;

/// (fixture, the JSON path or line:column it must name, words of the expectation)
const CASES: &[(&str, &str, &str)] = &[
    (
        "unknown-auth-type.json",
        "api.plugins.awsAPIPlugin.todoApi.authorizationType",
        "did you mean `AWS_IAM`?",
    ),
    (
        "api-key-missing.json",
        "api.plugins.awsAPIPlugin.todoApi",
        "missing `apiKey`",
    ),
    (
        "iam-without-region.json",
        "api.plugins.awsAPIPlugin.todoApi",
        "missing `region`",
    ),
    (
        "placeholder-endpoint.json",
        "api.plugins.awsAPIPlugin.YOUR_API_NAME.endpoint",
        "absolute http(s) URL",
    ),
    (
        "colliding-names.json",
        "api.plugins.awsAPIPlugin.leads_api",
        "\"leads-api\" and \"leads_api\" both become the Rust type `LeadsApi`",
    ),
    (
        "endpoint-not-string.json",
        "api.plugins.awsAPIPlugin.todoApi.endpoint",
        "expected a string, found a number",
    ),
    (
        "unknown-endpoint-type.json",
        "api.plugins.awsAPIPlugin.todoApi.endpointType",
        "expected `REST` or `GraphQL`",
    ),
    (
        "user-pools-without-auth-block.json",
        "api.plugins.awsAPIPlugin.todoApi.authorizationType",
        "no user pool",
    ),
    ("missing-comma.json", "line 7, column 11", "expected `,` or `}`"),
    ("empty.json", "line 1, column 1", "the file is empty"),
];

#[test]
fn every_bad_fixture_is_named_and_explained() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad");
    let listed: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures/bad")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    for name in &listed {
        assert!(CASES.iter().any(|c| c.0 == name), "{name} has no case here");
    }
    let out = std::env::temp_dir().join(format!("amplify-rest-bad-{}.rs", std::process::id()));
    for (file, place, expectation) in CASES {
        let err = Generator::new()
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
    assert!(text.contains("pub struct PetsApi(::amplify_rest::Api<::amplify_rest::auth::Iam>);"));
    assert!(!text.contains("StoreGraph"), "GraphQL APIs are not generated");
}
