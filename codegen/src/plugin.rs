//! The plugin form of `amplifyconfiguration.json`:
//! `api.plugins.awsAPIPlugin.<name>` and `auth.plugins.awsCognitoAuthPlugin`.

use crate::error::did_you_mean;
use crate::json::Value;
use crate::model::{AuthFlow, AuthSettings, EndpointKind, IdentityPool, UserPool};
use crate::read::{Reader, join_path};
use crate::validate::RawEndpoint;

/// Reads the APIs and Cognito settings of a plugin-form file.
pub(crate) fn read(r: &mut Reader<'_>, root: &Value) -> (Vec<RawEndpoint>, AuthSettings) {
    let mut endpoints = Vec::new();
    if let Some(api) = r.opt_object(root, "", "api")
        && let Some(plugins) = r.opt_object(api, "api", "plugins")
        && let Some(apis) = r.opt_object(plugins, "api.plugins", "awsAPIPlugin")
    {
        for member in apis.as_object().unwrap_or_default() {
            let path = join_path("api.plugins.awsAPIPlugin", &member.key);
            if let Some(e) = read_endpoint(r, &member.key, &path, &member.value) {
                endpoints.push(e);
            }
        }
    }
    let auth = read_auth(r, root);
    (endpoints, auth)
}

fn read_endpoint(r: &mut Reader<'_>, name: &str, path: &str, value: &Value) -> Option<RawEndpoint> {
    if value.as_object().is_none() {
        let kind = value.kind_name();
        r.error(
            path,
            value.pos,
            format!("expected an object describing the API `{name}`, found {kind}"),
        );
        return None;
    }
    let kind = match r.req_str(value, path, "endpointType", "`REST` or `GraphQL`") {
        Some(("REST", _)) => EndpointKind::Rest,
        Some(("GraphQL", _)) => EndpointKind::GraphQl,
        Some((other, pos)) => {
            let help = did_you_mean(other, ["REST", "GraphQL"]).map(|s| format!("did you mean `{s}`?"));
            r.error(
                &join_path(path, "endpointType"),
                pos,
                format!("unknown endpoint type \"{other}\"; expected `REST` or `GraphQL`"),
            )
            .help = help;
            return None;
        }
        None => return None,
    };
    r.endpoint_entry(value, path, name, kind)
}

fn read_auth(r: &mut Reader<'_>, root: &Value) -> AuthSettings {
    let mut settings = AuthSettings::default();
    let Some(auth) = r.opt_object(root, "", "auth") else {
        return settings;
    };
    let Some(plugins) = r.opt_object(auth, "auth", "plugins") else {
        return settings;
    };
    let base = "auth.plugins.awsCognitoAuthPlugin";
    let Some(cognito) = r.opt_object(plugins, "auth.plugins", "awsCognitoAuthPlugin") else {
        return settings;
    };

    if let Some(pools) = r.opt_object(cognito, base, "CognitoUserPool") {
        let path = format!("{base}.CognitoUserPool");
        if let Some(pool) = r.opt_object(pools, &path, "Default") {
            let path = format!("{path}.Default");
            let pool_id = r.req_str(
                pool,
                &path,
                "PoolId",
                "the user pool id, like `us-east-1_AbCdEf123`",
            );
            let client = r.req_str(pool, &path, "AppClientId", "the app client id");
            let secret = r.opt_str(pool, &path, "AppClientSecret");
            let region = r.opt_str(pool, &path, "Region");
            if let (Some((pool_id, pos)), Some((client, _))) = (pool_id, client) {
                let Some((pool_region, _)) = pool_id.split_once('_') else {
                    r.error(
                        &join_path(&path, "PoolId"),
                        pos,
                        format!("\"{pool_id}\" is not a user pool id; expected `<region>_<id>`, like `us-east-1_AbCdEf123`"),
                    );
                    return settings;
                };
                settings.user_pool = Some(UserPool {
                    pool_id: pool_id.to_owned(),
                    app_client_id: client.to_owned(),
                    app_client_secret: secret.map(|(s, _)| s.to_owned()).filter(|s| !s.is_empty()),
                    region: region.map_or(pool_region, |(r, _)| r).to_owned(),
                });
            }
        }
    }

    if let Some(provider) = r.opt_object(cognito, base, "CredentialsProvider") {
        let path = format!("{base}.CredentialsProvider");
        if let Some(identity) = r.opt_object(provider, &path, "CognitoIdentity") {
            let path = format!("{path}.CognitoIdentity");
            if let Some(pool) = r.opt_object(identity, &path, "Default") {
                let path = format!("{path}.Default");
                let pool_id = r.req_str(
                    pool,
                    &path,
                    "PoolId",
                    "the identity pool id, like `us-east-1:1234abcd-...`",
                );
                let region = r.opt_str(pool, &path, "Region");
                if let Some((pool_id, pos)) = pool_id {
                    match pool_id.split_once(':') {
                        Some((pool_region, _)) => {
                            settings.identity_pool = Some(IdentityPool {
                                pool_id: pool_id.to_owned(),
                                region: region.map_or(pool_region, |(r, _)| r).to_owned(),
                            });
                        }
                        None => {
                            r.error(
                                &join_path(&path, "PoolId"),
                                pos,
                                format!(
                                    "\"{pool_id}\" is not an identity pool id; expected `<region>:<uuid>`"
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    if let Some(auth_section) = r.opt_object(cognito, base, "Auth") {
        let path = format!("{base}.Auth");
        if let Some(default) = r.opt_object(auth_section, &path, "Default") {
            let path = format!("{path}.Default");
            if let Some((flow, pos)) = r.opt_str(default, &path, "authenticationFlowType") {
                let flows = [AuthFlow::UserSrp, AuthFlow::UserPassword, AuthFlow::Custom];
                match flows.into_iter().find(|f| f.as_str() == flow) {
                    Some(f) => settings.flow = Some(f),
                    None => {
                        let help = did_you_mean(flow, flows.map(AuthFlow::as_str))
                            .map(|s| format!("did you mean `{s}`?"));
                        r.error(
                            &join_path(&path, "authenticationFlowType"),
                            pos,
                            format!(
                                "unknown authentication flow \"{flow}\"; expected `USER_SRP_AUTH`, `USER_PASSWORD_AUTH` or `CUSTOM_AUTH`"
                            ),
                        )
                        .help = help;
                    }
                }
            }
        }
    }
    settings
}
