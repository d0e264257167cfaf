#[amplify_rest::amplify_rest(conf = "../../../../tests/fixtures/configs/all-modes.json")]
mod api {}

fn main() {}
