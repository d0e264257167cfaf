#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/iam-without-region.json")]
mod api {}

fn main() {}
