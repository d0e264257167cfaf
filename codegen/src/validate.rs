//! Checks that hold whatever format a config came from, and the step from raw values to the model.

use std::collections::{HashMap, HashSet};

use crate::json::Pos;
use crate::model::{AuthSettings, AuthorizationType, Endpoint, EndpointKind};
use crate::names::type_name;
use crate::read::{Reader, join_path};

/// An endpoint as a format reader found it, before validation.
#[derive(Debug)]
pub(crate) struct RawEndpoint {
    pub(crate) name: String,
    pub(crate) name_pos: Pos,
    pub(crate) path: String,
    pub(crate) kind: EndpointKind,
    pub(crate) url: Option<(String, Pos)>,
    pub(crate) region: Option<(String, Pos)>,
    pub(crate) authorization: Authorization,
    pub(crate) api_key: Option<(String, Pos)>,
    /// The name a per-endpoint setting gave for it, if one changed its authorization.
    pub(crate) setting: Option<String>,
}

/// How an endpoint's requests are authorized, and where that was decided.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Authorization {
    pub(crate) mode: AuthorizationType,
    /// The `authorizationType` value, else the endpoint's entry.
    pub(crate) pos: Pos,
    pub(crate) source: AuthSource,
}

/// Where an endpoint's authorization type came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthSource {
    /// The file's `authorizationType`.
    File,
    /// Nothing said: `AWS_IAM`, as in Amplify.
    Default,
    /// A generator setting (`with_authorization`, the macro's `auth(...)`).
    Setting,
}

/// Settings that change what validation accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    /// Accept `AMAZON_COGNITO_USER_POOLS` endpoints in a file without a user pool.
    pub(crate) runtime_user_pool: bool,
    /// Where the format keeps the user pool, for "the file has no user pool".
    pub(crate) user_pool_place: &'static str,
}

/// Per-endpoint settings, by endpoint name (or any name that becomes the same Rust type).
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides<'s> {
    pub(crate) authorizations: &'s [(String, AuthorizationType)],
    pub(crate) api_keys: &'s [(String, String)],
}

/// Whether a setting's `key` names the endpoint `name`: the same name, or one that becomes the
/// same Rust type (`leads_api`, `LeadsApi` and `leads-api` all name `leads-api`).
pub(crate) fn names_match(key: &str, name: &str) -> bool {
    key == name || type_name(key).is_some_and(|k| type_name(name).is_some_and(|n| n == k))
}

/// Applies the per-endpoint settings; a setting that names no REST endpoint of the file, or an
/// API key for an endpoint that is not `API_KEY`, is an error naming the setting.
pub(crate) fn apply_overrides(r: &mut Reader<'_>, raw: &mut [RawEndpoint], overrides: &Overrides<'_>) {
    let names: Vec<String> = raw
        .iter()
        .filter(|e| e.kind == EndpointKind::Rest)
        .map(|e| e.name.clone())
        .collect();
    let unknown = |r: &mut Reader<'_>, key: &str, what: &str| {
        let listing = if names.is_empty() {
            "the file has no REST APIs".to_owned()
        } else {
            format!(
                "REST APIs in the file: {}",
                names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let hint = crate::error::did_you_mean(key, names.iter().map(String::as_str))
            .map(|s| format!("did you mean \"{s}\"? "))
            .unwrap_or_default();
        r.setting_error(
            key,
            format!("the {what} setting for \"{key}\" names no REST API of the file"),
        )
        .help = Some(format!("{hint}{listing}"));
    };
    for (key, mode) in overrides.authorizations {
        let mut found = false;
        for e in raw
            .iter_mut()
            .filter(|e| e.kind == EndpointKind::Rest && names_match(key, &e.name))
        {
            found = true;
            e.authorization = Authorization {
                mode: *mode,
                pos: e.name_pos,
                source: AuthSource::Setting,
            };
            e.setting = Some(key.clone());
        }
        if !found {
            unknown(r, key, "authorization");
        }
    }
    for (key, api_key) in overrides.api_keys {
        let mut found = false;
        for e in raw
            .iter_mut()
            .filter(|e| e.kind == EndpointKind::Rest && names_match(key, &e.name))
        {
            found = true;
            if e.authorization.mode == AuthorizationType::ApiKey {
                e.api_key = Some((api_key.clone(), e.name_pos));
            } else {
                let mode = e.authorization.mode;
                r.setting_error(
                    key,
                    format!(
                        "an API key is set for \"{}\", but its authorization type is `{mode}`, not `API_KEY`",
                        e.name
                    ),
                )
                .help = Some(format!(
                    "set its authorization to `API_KEY` too, or drop the key setting for \"{key}\""
                ));
            }
        }
        if !found {
            unknown(r, key, "API key");
        }
    }
}

pub(crate) fn endpoints(
    r: &mut Reader<'_>,
    raw: Vec<RawEndpoint>,
    auth: &AuthSettings,
    rules: Rules,
) -> Vec<Endpoint> {
    let mut out: Vec<Endpoint> = Vec::new();
    // The names in `out`, and where each type name is, so a config with thousands of APIs is
    // not checked pairwise.
    let mut names: HashSet<String> = HashSet::new();
    let mut type_names: HashMap<String, usize> = HashMap::new();
    fn push(
        out: &mut Vec<Endpoint>,
        names: &mut HashSet<String>,
        type_names: &mut HashMap<String, usize>,
        endpoint: Endpoint,
    ) {
        names.insert(endpoint.name.clone());
        type_names.entry(endpoint.type_name.clone()).or_insert(out.len());
        out.push(endpoint);
    }
    for e in raw {
        let rest = e.kind == EndpointKind::Rest;
        let Some(type_name) = type_name(&e.name) else {
            if rest {
                r.error(
                    &e.path,
                    e.name_pos,
                    format!(
                        "the API name \"{}\" has no letters or digits to make a Rust type name from",
                        e.name
                    ),
                );
            }
            continue;
        };
        if !rest {
            // GraphQL entries are listed (so the macro can say what they are) but never validated
            // as REST endpoints: their shape is AppSync's business.
            push(
                &mut out,
                &mut names,
                &mut type_names,
                Endpoint {
                    name: e.name,
                    type_name,
                    kind: e.kind,
                    url: e.url.map(|u| u.0).unwrap_or_default(),
                    region: e.region.map(|r| r.0),
                    authorization: e.authorization.mode,
                    api_key: None,
                    path: e.path,
                },
            );
            continue;
        }
        let mut ok = true;
        let Authorization {
            mode,
            pos: mode_pos,
            source,
        } = e.authorization;
        let mode_path = if source == AuthSource::File {
            join_path(&e.path, "authorizationType")
        } else {
            e.path.clone()
        };
        if let Some((url, pos)) = &e.url
            && let Err(why) = check_url(url)
        {
            let url = shown_url(url);
            r.error(&join_path(&e.path, "endpoint"), *pos, format!("\"{url}\" {why}; expected an absolute http(s) URL such as `https://abc123.execute-api.us-east-1.amazonaws.com/dev`"));
            ok = false;
        }
        ok &= e.url.is_some();
        if let Some((region, pos)) = &e.region
            && !is_region(region)
        {
            r.error(
                &join_path(&e.path, "region"),
                *pos,
                format!("\"{region}\" is not an AWS region; expected something like `us-east-1`"),
            );
            ok = false;
        }
        if mode == AuthorizationType::AwsIam && e.region.is_none() {
            r.error(
                &e.path,
                e.name_pos,
                "missing `region`: an `AWS_IAM` endpoint needs the region its requests are signed for",
            );
            ok = false;
        }
        match (&e.api_key, mode) {
            (None, AuthorizationType::ApiKey) => {
                let err = r.error(
                    &e.path,
                    e.name_pos,
                    "missing `apiKey`: an `API_KEY` endpoint needs the key to send as `x-api-key`",
                );
                if source == AuthSource::Setting {
                    err.setting.clone_from(&e.setting);
                    err.help = Some(format!(
                        "give the key with `Generator::with_api_key(\"{}\", ...)`, the macro's \
                         `api_key(...)` or the CLI's `--api-key {}=KEY`",
                        e.name, e.name
                    ));
                }
                ok = false;
            }
            (Some((key, pos)), AuthorizationType::ApiKey) if key.is_empty() => {
                r.error(
                    &join_path(&e.path, "apiKey"),
                    *pos,
                    "`apiKey` is empty; expected the API key",
                );
                ok = false;
            }
            _ => {}
        }
        if mode == AuthorizationType::AmazonCognitoUserPools
            && auth.user_pool.is_none()
            && !rules.runtime_user_pool
        {
            r.error(
                &mode_path,
                mode_pos,
                format!(
                    "an `AMAZON_COGNITO_USER_POOLS` endpoint, but the file has no user pool (`{}`)",
                    rules.user_pool_place
                ),
            )
            .help = Some(
                "add the user pool to the file, or allow a user pool supplied at run time \
                 (`runtime_user_pool = true` in the macro, `with_runtime_user_pool(true)` in the generator)"
                    .to_owned(),
            );
            if source == AuthSource::Setting
                && let Some(err) = r.errors.last_mut()
            {
                err.setting.clone_from(&e.setting);
            }
            ok = false;
        }
        if names.contains(&e.name) {
            r.error(
                &e.path,
                e.name_pos,
                format!("the API \"{}\" is listed twice; remove one", e.name),
            );
            ok = false;
        } else if let Some(first) = type_names.get(&type_name).map(|&i| &out[i]) {
            r.error(
                &e.path,
                e.name_pos,
                format!(
                    "the APIs \"{}\" and \"{}\" both become the Rust type `{type_name}`; rename one",
                    first.name, e.name
                ),
            );
            ok = false;
        }
        if ok && let Some((url, _)) = e.url {
            push(
                &mut out,
                &mut names,
                &mut type_names,
                Endpoint {
                    name: e.name,
                    type_name,
                    kind: e.kind,
                    url,
                    region: e.region.map(|r| r.0),
                    authorization: mode,
                    api_key: e
                        .api_key
                        .filter(|_| mode == AuthorizationType::ApiKey)
                        .map(|k| k.0),
                    path: e.path,
                },
            );
        }
    }
    out
}

/// `us-east-1`, `eu-central-1`, `cn-north-1`, `us-gov-west-1`, ...
fn is_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 32
        && region.contains('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && region.bytes().last().is_some_and(|b| b.is_ascii_digit())
}

/// `url` as an error may show it: user info (`user:password@`) replaced by `***@`, so a
/// password in a config never reaches build logs.
fn shown_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

/// Checks that `url` is an absolute http(s) URL with a host, no credentials, no query and no fragment.
pub(crate) fn check_url(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("is not an absolute http(s) URL")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains white space");
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err("carries credentials (`user:password@`), which must never be in a config file");
    }
    if tail.contains(['?', '#']) {
        return Err("has a query or fragment; the base URL ends at the stage");
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (h, Some(p)),
        _ => (authority, None),
    };
    if let Some(port) = port
        && (port.is_empty() || port.parse::<u16>().is_err())
    {
        return Err("has an invalid port");
    }
    let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !v6.is_empty() && v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    };
    if !host_ok {
        return Err("has no valid host name");
    }
    if tail.contains(['[', ']', '{', '}', '<', '>', '\\', '^', '`', '|', '"']) {
        return Err("has characters that are not allowed in a URL path");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn urls() {
        for good in [
            "https://a1.execute-api.us-west-2.amazonaws.com/dev",
            "https://api.club.example.org",
            "https://x.example.org/Prod/",
            "http://127.0.0.1:8080/none/dev",
            "http://[::1]:80/x",
        ] {
            assert_eq!(check_url(good), Ok(()), "{good}");
        }
        for bad in [
            "[Endpoint]/[Stage]",
            "ftp://x.example.org",
            "https://",
            "https://user:pass@x.example.org/dev",
            "https://x.example.org/dev?x=1",
            "https://x.example.org:99999/",
            "https://x..org/",
            "https://x.example.org/a b",
            "https://x.example.org/[Stage]",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
