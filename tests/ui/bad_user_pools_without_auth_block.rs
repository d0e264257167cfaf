#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/user-pools-without-auth-block.json")]
mod api {}

fn main() {}
