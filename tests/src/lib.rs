//! Test support for amplify-rest: the golden files compiled as real code, and helpers for the
//! end-to-end tests (the local servers the test harness starts).

#![deny(warnings)]

/// The golden files of `tests/golden.rs`, compiled: generated code must build warning-free.
pub mod golden {
    /// `fixtures/configs/all-modes.json`.
    pub mod all_modes {
        include!("../golden/all_modes.rs");
    }
    /// `fixtures/configs/cli-iam.json`.
    pub mod cli_iam {
        include!("../golden/cli_iam.rs");
    }
    /// `fixtures/configs/hand-edited.jsonc`.
    pub mod hand_edited {
        include!("../golden/hand_edited.rs");
    }
    /// `fixtures/configs/flat-exports.json` (the flat form).
    pub mod flat_exports {
        include!("../golden/flat_exports.rs");
    }
    /// `fixtures/configs/gen2-outputs.json` (Gen 2 `amplify_outputs.json`).
    pub mod gen2_outputs {
        include!("../golden/gen2_outputs.rs");
    }
    /// `fixtures/configs/aws-exports.js`.
    pub mod aws_exports {
        include!("../golden/aws_exports.rs");
    }
    /// `fixtures/configs/all-modes.json` with the typed routes of `fixtures/routes/all_modes.rs`.
    pub mod all_modes_routes {
        use serde::{Deserialize, Serialize};

        /// A pet.
        #[derive(Debug, Deserialize)]
        pub struct Pet {
            /// Its id.
            pub id: u64,
            /// Its name.
            pub name: String,
        }

        /// A new pet.
        #[derive(Debug, Serialize)]
        pub struct NewPet {
            /// Its name.
            pub name: String,
        }

        /// A page of results.
        #[derive(Debug, Deserialize)]
        pub struct Page<T> {
            /// The items.
            pub items: Vec<T>,
            /// Where the next page starts.
            pub cursor: Option<String>,
        }

        /// Query parameters of a list.
        #[derive(Debug, Serialize)]
        pub struct ListQuery {
            /// At most this many.
            pub limit: Option<u32>,
            /// Start here.
            pub cursor: Option<String>,
        }

        /// The error body of the API.
        #[derive(Debug, Deserialize)]
        pub struct ApiError {
            /// What went wrong.
            pub message: String,
        }

        include!("../golden/all_modes_routes.rs");
    }
}

pub mod moto;

/// Sends `request` to the stand-in gateway and returns the request it echoes back as JSON.
///
/// # Panics
/// When the gateway refuses the request: the panic shows the error, its source and the
/// gateway's answer (for IAM, the canonical request botocore computed).
pub async fn echo<A: amplify_rest::auth::Authorizer>(
    request: amplify_rest::RequestBuilder<A>,
) -> serde_json::Value {
    match request.send().await {
        Ok(r) => r.json().expect("echo JSON"),
        Err(e) => panic!(
            "{e} ({:?})\n{}",
            std::error::Error::source(&e),
            e.body()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default()
        ),
    }
}
pub mod proxy;

/// The local servers `scripts/test.sh` starts, found through environment variables.
pub mod servers {
    /// The base URL of the stand-in API Gateway (`AMPLIFY_REST_TEST_GATEWAY`).
    ///
    /// # Panics
    /// When the variable is not set: the end-to-end tests need the servers, and never skip.
    pub fn gateway() -> String {
        required("AMPLIFY_REST_TEST_GATEWAY")
    }

    /// The base URL of moto's Cognito (`AMPLIFY_REST_TEST_MOTO`).
    ///
    /// # Panics
    /// When the variable is not set.
    pub fn moto() -> String {
        required("AMPLIFY_REST_TEST_MOTO")
    }

    fn required(name: &str) -> String {
        match std::env::var(name) {
            Ok(v) if !v.is_empty() => v.trim_end_matches('/').to_owned(),
            _ => panic!(
                "{name} is not set: the end-to-end tests need the local servers. Run `./scripts/test.sh`, \
                 or `./scripts/test.sh --servers-only` in another shell and export what it prints."
            ),
        }
    }
}
