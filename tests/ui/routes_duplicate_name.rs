// Two routes of one endpoint with the same name, across two `#[routes]` blocks.
#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/all-modes.json")]
mod api {
    pub struct StatusApi;

    #[routes]
    impl StatusApi {
        #[get("/pets/{id}")]
        fn get_pet(id: u64) -> String;
    }

    #[routes]
    impl StatusApi {
        #[get("/v2/pets/{id}")]
        fn get_pet(id: u64) -> String;
    }
}

fn main() {}
