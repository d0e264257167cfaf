#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/missing-comma.json")]
mod api {}

fn main() {}
