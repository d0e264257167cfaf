#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/endpoint-not-string.json")]
mod api {}

fn main() {}
