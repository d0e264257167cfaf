#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/gen2-without-endpoint.json")]
mod api {}

fn main() {}
