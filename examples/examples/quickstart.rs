//! The main job on the shipped sample config: generate typed clients for
//! `examples/amplifyconfiguration.json` with the macro, point them at a local stand-in for API
//! Gateway, and print what went over the wire for `NONE`, `API_KEY` and `AWS_IAM` endpoints.
//!
//! Run: `cargo run -p amplify-rest-examples --example quickstart`

use amplify_rest::auth::Credentials;
use amplify_rest_examples::start_stand_in;
use serde_json::Value;

/// Every REST endpoint of the sample config (an empty module asks for all of them).
#[amplify_rest::amplify_rest(config = "amplifyconfiguration.json")]
pub mod api {}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stand_in = start_stand_in().await?;
    println!("generated from amplifyconfiguration.json:");
    for (name, url, mode) in [
        (
            api::StatusApi::NAME,
            api::StatusApi::ENDPOINT,
            api::StatusApi::AUTHORIZATION,
        ),
        (
            api::PublicCatalog::NAME,
            api::PublicCatalog::ENDPOINT,
            api::PublicCatalog::AUTHORIZATION,
        ),
        (
            api::PetsApi::NAME,
            api::PetsApi::ENDPOINT,
            api::PetsApi::AUTHORIZATION,
        ),
        (
            api::OrdersApi::NAME,
            api::OrdersApi::ENDPOINT,
            api::OrdersApi::AUTHORIZATION,
        ),
        (
            api::PartnerApi::NAME,
            api::PartnerApi::ENDPOINT,
            api::PartnerApi::AUTHORIZATION,
        ),
    ] {
        println!("  {name:<14} {mode:<26} {url}");
    }
    println!("\nrequests go to the local stand-in at {stand_in}\n");

    // NONE: nothing added.
    let status = api::StatusApi::builder()
        .base_url(format!("{stand_in}/default"))
        .build()?;
    let answer = status.get("/health").query("verbose", "1").send().await?;
    show("NONE", &answer.json::<Value>()?);

    // API_KEY: the key from the config, as x-api-key.
    let catalog = api::PublicCatalog::builder()
        .base_url(format!("{stand_in}/prod"))
        .build()?;
    let answer = catalog.get("/items").query("q", "red shoes").send().await?;
    show("API_KEY", &answer.json::<Value>()?);

    // AWS_IAM: SigV4-signed (here with fixed demo credentials; in an app, Cognito's).
    let demo = Credentials::new("AKIDEXAMPLE", "demo-secret-key", None, None);
    let pets = api::PetsApi::builder(demo)
        .base_url(format!("{stand_in}/dev"))
        .build()?;
    let answer = pets
        .post("/pets")
        .json(&serde_json::json!({"name": "Rex"}))
        .send()
        .await?;
    show("AWS_IAM", &answer.json::<Value>()?);
    Ok(())
}

fn show(mode: &str, echo: &Value) {
    println!("--- {mode}: what the server received ---");
    println!(
        "{}",
        echo["wire"]
            .as_str()
            .unwrap_or_default()
            .replace("\r\n", "\n")
            .trim_end()
    );
    println!();
}
