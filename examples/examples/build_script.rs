//! The build-script way: `build.rs` wrote the clients to `OUT_DIR`, and `src/lib.rs` includes
//! them as `amplify_rest_examples::api`. Same items as the macro makes.
//!
//! Run: `cargo run -p amplify-rest-examples --example build_script`

use amplify_rest_examples::{api, start_stand_in};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stand_in = start_stand_in().await?;
    let catalog = api::PublicCatalog::builder()
        .base_url(format!("{stand_in}/prod"))
        .build()?;
    let echo: Value = catalog.get("/items/42").send().await?.json()?;
    println!(
        "{} ({}) sent:",
        api::PublicCatalog::NAME,
        api::PublicCatalog::AUTHORIZATION
    );
    println!(
        "{}",
        echo["wire"]
            .as_str()
            .unwrap_or_default()
            .replace("\r\n", "\n")
            .trim_end()
    );
    Ok(())
}
