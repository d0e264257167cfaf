// A setting for an endpoint the file lacks: the error is on the setting's name, with a suggestion.
#[amplify_rest::amplify_rest(
    config = "../../../../tests/fixtures/configs/flat-exports.json",
    auth(LeadApi = "NONE"),
    api_key(Authtest1 = "k")
)]
mod api {}

fn main() {}
