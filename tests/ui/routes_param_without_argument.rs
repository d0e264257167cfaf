// A `{param}` in the path with no argument of that name, and an argument the path lacks.
#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/all-modes.json")]
mod api {
    pub struct StatusApi;

    #[routes]
    impl StatusApi {
        #[get("/pets/{id}")]
        fn get_pet() -> String;
        #[get("/pets")]
        fn list_pets(limit: u32) -> String;
    }
}

fn main() {}
