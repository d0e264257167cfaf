// An attribute that is not an HTTP method, and a route with none.
#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/all-modes.json")]
mod api {
    pub struct StatusApi;

    #[routes]
    impl StatusApi {
        #[fetch("/pets")]
        fn list() -> String;
        #[GET("/pets")]
        fn list2() -> String;
        fn nothing() -> String;
    }
}

fn main() {}
