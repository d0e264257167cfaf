//! The flat form of `aws-exports` (as JSON, or read from `aws-exports.js`):
//! `aws_cloud_logic_custom: [{name, endpoint, region}]` and `aws_user_pools_id`, ...
//!
//! The flat form has no authorization type per API: Amplify signs them with `AWS_IAM`. An entry's
//! own `authorizationType` (and `apiKey`) is honoured where a hand edit added one, and a generator
//! setting overrides either.

use crate::json::{Kind, Value};
use crate::model::{AuthSettings, EndpointKind};
use crate::read::{self, Reader};
use crate::validate::RawEndpoint;

const APIS: &str = "aws_cloud_logic_custom";

/// Reads the REST APIs and Cognito settings of a flat-form file.
pub(crate) fn read(r: &mut Reader<'_>, root: &Value) -> (Vec<RawEndpoint>, AuthSettings) {
    let project_region = r.opt_str(root, "", "aws_project_region");
    let mut endpoints = Vec::new();
    match root.get(APIS) {
        None => {
            r.error(
                "",
                root.pos,
                format!(
                    "no `{APIS}`: expected the REST APIs of the flat form as \
                     `{APIS}: [{{ name, endpoint, region }}]`"
                ),
            );
        }
        Some(Value {
            kind: Kind::Array(items),
            ..
        }) => {
            for (i, item) in items.iter().enumerate() {
                let path = format!("{APIS}[{i}]");
                if let Some(mut e) = read_entry(r, &path, item) {
                    if e.region.is_none() {
                        // Amplify falls back to the project's region for an API without one.
                        e.region = project_region.map(|(s, p)| (s.to_owned(), p));
                    }
                    endpoints.push(e);
                }
            }
        }
        Some(other) => {
            let kind = other.kind_name();
            r.error(
                APIS,
                other.pos,
                format!("expected an array of `{{ name, endpoint, region }}`, found {kind}"),
            );
        }
    }
    (endpoints, read_auth(r, root))
}

fn read_entry(r: &mut Reader<'_>, path: &str, item: &Value) -> Option<RawEndpoint> {
    if item.as_object().is_none() {
        let kind = item.kind_name();
        r.error(
            path,
            item.pos,
            format!("expected an object `{{ name, endpoint, region }}`, found {kind}"),
        );
        return None;
    }
    let name = r.req_str(item, path, "name", "the API's name");
    // The other fields are checked even without a name, so one build shows every problem.
    let entry = r.endpoint_entry(item, path, name.map_or("", |(n, _)| n), EndpointKind::Rest);
    name.and(entry)
}

fn read_auth(r: &mut Reader<'_>, root: &Value) -> AuthSettings {
    let mut settings = AuthSettings::default();
    let cognito_region = r.opt_str(root, "", "aws_cognito_region").map(|(s, _)| s);
    if let Some(pool_id) = r.opt_str(root, "", "aws_user_pools_id") {
        let client = r.req_str(
            root,
            "",
            "aws_user_pools_web_client_id",
            "the app client id of `aws_user_pools_id`",
        );
        if let Some((client, _)) = client {
            settings.user_pool = read::user_pool(r, "aws_user_pools_id", pool_id, client, cognito_region);
        }
    }
    if let Some(pool_id) = r.opt_str(root, "", "aws_cognito_identity_pool_id") {
        settings.identity_pool =
            read::identity_pool(r, "aws_cognito_identity_pool_id", pool_id, cognito_region);
    }
    settings
}
