// An authorization type that is not one: the error is on the literal, with a suggestion.
#[amplify_rest::amplify_rest(
    config = "../../../../tests/fixtures/configs/flat-exports.json",
    auth(LeadsApi = "API_IAM")
)]
mod api {}

fn main() {}
