//! Gen 2 `amplify_outputs.json`: `auth.*` for Cognito, and the REST APIs that a backend adds by
//! convention as `custom.API.<name> = {endpoint, region, apiName}` (`backend.addOutput`).
//!
//! Gen 2 names no authorization type for them: Amplify signs them with `AWS_IAM`. An entry's own
//! `authorizationType` (and `apiKey`) is honoured where one was added, and a generator setting
//! overrides either.

use crate::json::Value;
use crate::model::{AuthSettings, EndpointKind};
use crate::read::{self, Reader, join_path};
use crate::validate::RawEndpoint;

/// Reads the REST APIs and Cognito settings of an `amplify_outputs.json`.
pub(crate) fn read(r: &mut Reader<'_>, root: &Value) -> (Vec<RawEndpoint>, AuthSettings) {
    let mut endpoints = Vec::new();
    let apis = r
        .opt_object(root, "", "custom")
        .and_then(|custom| r.opt_object(custom, "custom", "API"));
    match apis {
        Some(apis) => {
            for member in apis.as_object().unwrap_or_default() {
                let path = join_path("custom.API", &member.key);
                if let Some(e) = read_entry(r, &member.key, &path, &member.value) {
                    endpoints.push(e);
                }
            }
        }
        None if r.errors.is_empty() => {
            r.error(
                "custom.API",
                root.pos,
                "no REST APIs: Gen 2 keeps them under `custom.API.<name> = { endpoint, region, apiName }` \
                 by convention",
            )
            .help = Some(
                "add them in amplify/backend.ts with `backend.addOutput({ custom: { API: { ... } } })`"
                    .to_owned(),
            );
        }
        None => {}
    }
    (endpoints, read_auth(r, root))
}

fn read_entry(r: &mut Reader<'_>, name: &str, path: &str, value: &Value) -> Option<RawEndpoint> {
    if value.as_object().is_none() {
        let kind = value.kind_name();
        r.error(
            path,
            value.pos,
            format!("expected an object `{{ endpoint, region, apiName }}` describing the API `{name}`, found {kind}"),
        );
        return None;
    }
    // `apiName` is only checked to be a string: the key under `custom.API` names the API.
    r.opt_str(value, path, "apiName");
    r.endpoint_entry(value, path, name, EndpointKind::Rest)
}

fn read_auth(r: &mut Reader<'_>, root: &Value) -> AuthSettings {
    let mut settings = AuthSettings::default();
    let Some(auth) = r.opt_object(root, "", "auth") else {
        return settings;
    };
    let region = r.opt_str(auth, "auth", "aws_region").map(|(s, _)| s);
    if let Some(pool_id) = r.opt_str(auth, "auth", "user_pool_id") {
        let client = r.req_str(
            auth,
            "auth",
            "user_pool_client_id",
            "the app client id of `user_pool_id`",
        );
        if let Some((client, _)) = client {
            settings.user_pool = read::user_pool(r, "auth.user_pool_id", pool_id, client, region);
        }
    }
    if let Some(pool_id) = r.opt_str(auth, "auth", "identity_pool_id") {
        settings.identity_pool = read::identity_pool(r, "auth.identity_pool_id", pool_id, region);
    }
    settings.unauthenticated_identities = r.opt_bool(auth, "auth", "unauthenticated_identities_enabled");
    settings
}
