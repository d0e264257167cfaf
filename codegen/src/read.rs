//! Helpers shared by the config format readers: typed look-ups that record a clear error
//! (file, JSON path, line:column, expectation) instead of failing on the first problem.

use crate::error::ConfigError;
use crate::json::{Kind, Pos, Value};

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
}
