#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/gen2-outputs.json", format = "gen-2")]
mod api {}

fn main() {}
