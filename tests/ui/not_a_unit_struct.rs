#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/all-modes.json")]
mod api {
    pub struct StatusApi {
        pub field: u8,
    }
}

fn main() {}
