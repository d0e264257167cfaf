#[amplify_rest::amplify_rest(config = "no-such-amplifyconfiguration.json")]
mod api {}

fn main() {}
