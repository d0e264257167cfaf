//! `amplifyconfiguration.json` files made by code, for the generator-scale measurements.

use std::fmt::Write;

/// The authorization types the endpoints cycle through, so every kind of struct is generated.
const MODES: [&str; 5] = [
    "AWS_IAM",
    "API_KEY",
    "AMAZON_COGNITO_USER_POOLS",
    "OPENID_CONNECT",
    "NONE",
];

/// How the APIs of a generated config are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// `svc0`, `svc1`, ...: type names of 4 to 7 bytes.
    Short,
    /// `svc0`, `svc1OrdersI`, `svc2OrdersInvent`, ...: a suffix of 0 to 38 bytes cut from a
    /// longer word, so type names spread over 4 to ~45 bytes, as in a config whose APIs are
    /// named after what they serve.
    Varied,
}

/// The plugin form of `amplifyconfiguration.json` with `endpoints` REST APIs (`svc0`,
/// `svc1`, ...), their authorization types in turn IAM, API key, user pools, OIDC, none, and
/// a user pool and identity pool.
pub fn plugin_config(endpoints: usize) -> String {
    plugin_config_named(endpoints, Names::Short)
}

/// [`plugin_config`] with the APIs named as `names` says.
pub fn plugin_config_named(endpoints: usize, names: Names) -> String {
    const SUFFIX: &str = "OrdersInventoryCatalogueRecommendations";
    let mut apis = String::new();
    for i in 0..endpoints {
        let mode = MODES[i % MODES.len()];
        let key = if mode == "API_KEY" {
            format!(",\n                    \"apiKey\": \"key-{i:06}-0123456789abcdef\"")
        } else {
            String::new()
        };
        let comma = if i + 1 < endpoints { "," } else { "" };
        let suffix = match names {
            Names::Short => "",
            Names::Varied => &SUFFIX[..(i * 7) % SUFFIX.len()],
        };
        let _ = write!(
            apis,
            r#"
                "svc{i}{suffix}": {{
                    "endpointType": "REST",
                    "endpoint": "https://h{i:07}x.execute-api.us-east-1.amazonaws.com/dev",
                    "region": "us-east-1",
                    "authorizationType": "{mode}"{key}
                }}{comma}"#
        );
    }
    format!(
        r#"{{
    "UserAgent": "aws-amplify-cli/2.0",
    "Version": "1.0",
    "api": {{
        "plugins": {{
            "awsAPIPlugin": {{{apis}
            }}
        }}
    }},
    "auth": {{
        "plugins": {{
            "awsCognitoAuthPlugin": {{
                "CredentialsProvider": {{
                    "CognitoIdentity": {{
                        "Default": {{ "PoolId": "us-east-1:11111111-2222-3333-4444-555555555555", "Region": "us-east-1" }}
                    }}
                }},
                "CognitoUserPool": {{
                    "Default": {{ "PoolId": "us-east-1_AbCdEfGhI", "AppClientId": "1a2b3c4d5e6f7g8h9i0j1k2l3m", "Region": "us-east-1" }}
                }},
                "Auth": {{ "Default": {{ "authenticationFlowType": "USER_SRP_AUTH" }} }}
            }}
        }}
    }}
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use amplify_rest_codegen::Generator;

    #[test]
    fn generated_configs_parse_with_every_endpoint() {
        for n in [1, 10, 57] {
            for names in [super::Names::Short, super::Names::Varied] {
                let config = Generator::new()
                    .parse("amplifyconfiguration.json", &super::plugin_config_named(n, names))
                    .expect("a valid config");
                assert_eq!(config.rest_endpoints().count(), n);
            }
        }
    }
}
