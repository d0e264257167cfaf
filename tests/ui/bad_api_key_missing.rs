#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/api-key-missing.json")]
mod api {}

fn main() {}
