// Two unknown names in one module: both are reported in one build, each on its own token.
#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/all-modes.json")]
mod api {
    pub struct PetApi;
    #[endpoint("ordersAPI")]
    pub struct Orders;
    pub struct StatusApi;
}

fn main() {
    let _ = api::StatusApi::new();
}
