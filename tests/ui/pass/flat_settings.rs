// Per-endpoint settings for formats that name no authorization type: module-level `auth(...)`
// by Rust type name, per-struct `#[endpoint(..., auth = ..., api_key = ...)]`, and a forced format.
#[amplify_rest::amplify_rest(
    config = "../../../../tests/fixtures/configs/flat-exports.json",
    auth(LeadsApi = "AMAZON_COGNITO_USER_POOLS")
)]
mod flat {
    pub struct LeadsApi;
    #[endpoint("authtest_1", auth = "API_KEY", api_key = "k-123")]
    pub struct AuthTest;
}

#[amplify_rest::amplify_rest(
    config = "../../../../tests/fixtures/configs/aws-exports.js",
    format = "aws-exports",
    auth(nurse_report = "NONE")
)]
mod js {}

#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/gen2-outputs.json")]
mod gen2 {}

fn main() {
    use amplify_rest::AuthorizationType;
    assert_eq!(flat::LeadsApi::AUTHORIZATION, AuthorizationType::AmazonCognitoUserPools);
    assert_eq!(flat::AuthTest::AUTHORIZATION, AuthorizationType::ApiKey);
    let _ = flat::AuthTest::new();
    assert_eq!(js::NurseReport::AUTHORIZATION, AuthorizationType::None);
    assert_eq!(js::Api2024Stats::REGION, Some("eu-west-1"));
    let _ = js::NurseReport::new();
    assert_eq!(gen2::MyRestApi::AUTHORIZATION, AuthorizationType::AwsIam);
    assert!(flat::AUTH.user_pool.is_some());
}
