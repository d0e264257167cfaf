// `auth = "API_KEY"` on a flat-form endpoint needs a key; a bad mode on another is on its literal.
#[amplify_rest::amplify_rest(config = "../../../../tests/fixtures/configs/flat-exports.json")]
mod api {
    #[endpoint("leads-api", auth = "API_KEY")]
    pub struct Leads;
    #[endpoint("authtest_1", auth = "none")]
    pub struct AuthTest;
    #[endpoint("authtest_1", mode = "NONE")]
    pub struct Other;
}

fn main() {}
