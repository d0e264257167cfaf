// Forcing the plugin form on a Gen 2 file says what the plugin form needs.
#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/gen2-outputs.json", format = "plugin")]
mod api {}

fn main() {}
