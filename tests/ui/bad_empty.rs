#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/empty.json")]
mod api {}

fn main() {}
