// Routes on a struct that is not an endpoint of the module.
#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/all-modes.json")]
mod api {
    pub struct StatusApi;

    #[routes]
    impl StatusAPI {
        #[get("/health")]
        fn health() -> String;
    }
}

fn main() {}
