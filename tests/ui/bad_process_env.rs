#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/bad/process-env.js")]
mod api {}

fn main() {}
