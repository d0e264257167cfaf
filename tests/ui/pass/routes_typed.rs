// Typed routes compile warning-free and have the signatures the docs promise.
#![deny(warnings)]

use amplify_rest::{Error, Response, RouteError};

#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/all-modes.json")]
pub mod api {
    pub struct StatusApi;

    #[routes]
    impl StatusApi {
        /// One pet.
        #[get("/pets/{id}", error = String)]
        fn get_pet(id: u64) -> Vec<u8>;
        #[post("/pets")]
        fn create(body: &(u8, u8)) -> amplify_rest::Response;
        #[delete("/pets/{id}")]
        fn delete_pet(id: &str);
    }
}

#[allow(dead_code)]
async fn signatures(status: &api::StatusApi) {
    let _: Result<Vec<u8>, RouteError<String>> = status.get_pet(7).await;
    let _: Result<Response, Error> = status.create(&(1, 2)).await;
    let _: Result<(), Error> = status.delete_pet("a/b").await;
    // The untyped API stays.
    let _ = status.get("/pets").send().await;
}

fn main() {}
