#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/userinfo-endpoint.json")]
mod api {}

fn main() {}
