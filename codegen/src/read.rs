//! Helpers shared by the config format readers: typed look-ups that record a clear error
//! (file, JSON path, line:column, expectation) instead of failing on the first problem.

use crate::error::ConfigError;
use crate::json::{Kind, Pos, Value};
use crate::model::{AuthorizationType, EndpointKind, IdentityPool, UserPool};
use crate::validate::{AuthSource, Authorization, RawEndpoint};

/// Collects the problems of one file while it is read.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    pub(crate) file: &'a str,
    pub(crate) errors: Vec<ConfigError>,
}

/// Appends `key` to a JSON path, quoting keys that are not plain identifiers.
pub(crate) fn join_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    match (parent.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[{key:?}]"),
    }
}

impl<'a> Reader<'a> {
    pub(crate) fn new(file: &'a str) -> Self {
        Reader {
            file,
            errors: Vec::new(),
        }
    }

    pub(crate) fn error(&mut self, path: &str, pos: Pos, message: impl Into<String>) -> &mut ConfigError {
        self.errors.push(ConfigError::new(
            self.file,
            Some(path.to_owned()),
            Some(pos),
            message,
        ));
        self.errors.last_mut().expect("just pushed")
    }

    /// Records a problem with a per-endpoint setting (not a place in the file): `key` is the
    /// endpoint name the setting was given for, so the macro can point at it.
    pub(crate) fn setting_error(&mut self, key: &str, message: impl Into<String>) -> &mut ConfigError {
        let mut e = ConfigError::new(self.file, None, None, message);
        e.setting = Some(key.to_owned());
        self.errors.push(e);
        self.errors.last_mut().expect("just pushed")
    }

    /// The member `key` of `obj` if it is an object; records an error if it is something else.
    /// A missing member is `None` without an error.
    pub(crate) fn opt_object<'v>(&mut self, obj: &'v Value, path: &str, key: &str) -> Option<&'v Value> {
        let value = obj.get(key)?;
        if value.as_object().is_some() {
            Some(value)
        } else {
            let kind = value.kind_name();
            self.error(
                &join_path(path, key),
                value.pos,
                format!("expected an object, found {kind}"),
            );
            None
        }
    }

    /// The member `key` as a string; records an error if it is not one. Missing is `None`.
    pub(crate) fn opt_str<'v>(&mut self, obj: &'v Value, path: &str, key: &str) -> Option<(&'v str, Pos)> {
        let value = obj.get(key)?;
        match &value.kind {
            Kind::String(s) => Some((s.as_str(), value.pos)),
            _ => {
                let kind = value.kind_name();
                self.error(
                    &join_path(path, key),
                    value.pos,
                    format!("expected a string, found {kind}"),
                );
                None
            }
        }
    }

    /// The member `key` as a string; records "missing" or "not a string" errors.
    pub(crate) fn req_str<'v>(
        &mut self,
        obj: &'v Value,
        path: &str,
        key: &str,
        why: &str,
    ) -> Option<(&'v str, Pos)> {
        if obj.get(key).is_none() {
            self.error(
                path,
                obj.pos,
                format!("missing `{key}`: expected a string ({why})"),
            );
            return None;
        }
        self.opt_str(obj, path, key)
    }

    /// The member `authorizationType` of an API entry; a missing one is `AWS_IAM`, as in Amplify.
    /// An unknown name is an error listing the valid ones and suggesting the closest.
    /// The fields every format's API entry shares — `endpoint`, `region`, `authorizationType`,
    /// `apiKey` — as the raw endpoint `name` at `path`.
    pub(crate) fn endpoint_entry(
        &mut self,
        entry: &Value,
        path: &str,
        name: &str,
        kind: EndpointKind,
    ) -> Option<RawEndpoint> {
        let url = self.req_str(entry, path, "endpoint", "the API's base URL");
        let region = self.opt_str(entry, path, "region");
        let authorization = self.authorization(entry, path);
        let api_key = self.opt_str(entry, path, "apiKey");
        let owned = |(s, pos): (&str, Pos)| (s.to_owned(), pos);
        Some(RawEndpoint {
            name: name.to_owned(),
            name_pos: entry.pos,
            path: path.to_owned(),
            kind,
            url: url.map(owned),
            region: region.map(owned),
            authorization: authorization?,
            api_key: api_key.map(owned),
            setting: None,
        })
    }

    pub(crate) fn authorization(&mut self, entry: &Value, path: &str) -> Option<Authorization> {
        match self.opt_str(entry, path, "authorizationType") {
            // Amplify treats a REST API without an authorization type as AWS_IAM.
            None if entry.get("authorizationType").is_none() => Some(Authorization {
                mode: AuthorizationType::AwsIam,
                pos: entry.pos,
                source: AuthSource::Default,
            }),
            None => None,
            Some((text, pos)) => match text.parse::<AuthorizationType>() {
                Ok(mode) => Some(Authorization {
                    mode,
                    pos,
                    source: AuthSource::File,
                }),
                Err(e) => {
                    self.error(&join_path(path, "authorizationType"), pos, e.message)
                        .help = e.help;
                    None
                }
            },
        }
    }

    /// The member `key` as a boolean; records an error if it is something else. Missing is `None`.
    pub(crate) fn opt_bool(&mut self, obj: &Value, path: &str, key: &str) -> Option<bool> {
        let value = obj.get(key)?;
        match value.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                let kind = value.kind_name();
                self.error(
                    &join_path(path, key),
                    value.pos,
                    format!("expected `true` or `false`, found {kind}"),
                );
                None
            }
        }
    }
}

/// A user pool from its id (`<region>_<id>`), app client and optional region; records an error
/// at `path` if the id is malformed.
pub(crate) fn user_pool(
    r: &mut Reader<'_>,
    path: &str,
    (pool_id, pos): (&str, Pos),
    client: &str,
    region: Option<&str>,
) -> Option<UserPool> {
    let Some((pool_region, _)) = pool_id.split_once('_') else {
        r.error(
            path,
            pos,
            format!(
                "\"{pool_id}\" is not a user pool id; expected `<region>_<id>`, like `us-east-1_AbCdEf123`"
            ),
        );
        return None;
    };
    Some(UserPool {
        pool_id: pool_id.to_owned(),
        app_client_id: client.to_owned(),
        app_client_secret: None,
        region: region.unwrap_or(pool_region).to_owned(),
    })
}

/// An identity pool from its id (`<region>:<uuid>`) and optional region; records an error at
/// `path` if the id is malformed.
pub(crate) fn identity_pool(
    r: &mut Reader<'_>,
    path: &str,
    (pool_id, pos): (&str, Pos),
    region: Option<&str>,
) -> Option<IdentityPool> {
    let Some((pool_region, _)) = pool_id.split_once(':') else {
        r.error(
            path,
            pos,
            format!("\"{pool_id}\" is not an identity pool id; expected `<region>:<uuid>`"),
        );
        return None;
    };
    Some(IdentityPool {
        pool_id: pool_id.to_owned(),
        region: region.unwrap_or(pool_region).to_owned(),
    })
}
