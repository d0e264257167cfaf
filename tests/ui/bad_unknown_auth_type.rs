#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/unknown-auth-type.json")]
mod api {}

fn main() {}
