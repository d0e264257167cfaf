// GET and HEAD routes take no body.
#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/all-modes.json")]
mod api {
    pub struct StatusApi;

    #[routes]
    impl StatusApi {
        #[get("/pets")]
        fn find(body: String) -> String;
        #[head("/pets")]
        fn check(body: String);
    }
}

fn main() {}
