#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/colliding-names.json")]
mod api {}

fn main() {}
