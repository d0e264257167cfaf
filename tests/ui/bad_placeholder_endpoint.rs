#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/placeholder-endpoint.json")]
mod api {}

fn main() {}
