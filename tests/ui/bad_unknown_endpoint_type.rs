#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/unknown-endpoint-type.json")]
mod api {}

fn main() {}
