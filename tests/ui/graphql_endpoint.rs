#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/all-modes.json")]
mod api {
    pub struct StoreGraph;
}

fn main() {}
