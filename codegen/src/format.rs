//! Which of the Amplify config shapes a file is, detected from its content (and, for JavaScript,
//! its extension) unless a setting forces one.

use std::fmt;
use std::str::FromStr;

use crate::error::did_you_mean;
use crate::json::Value;

/// The config shapes the generator reads. All of them become the same [`crate::model::Config`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `amplifyconfiguration.json`, plugin form: `api.plugins.awsAPIPlugin.<name>` and
    /// `auth.plugins.awsCognitoAuthPlugin`.
    Plugin,
    /// The flat form of `aws-exports`, as JSON: `aws_cloud_logic_custom: [{name, endpoint, region}]`,
    /// `aws_user_pools_id`, ... (also found in files named `amplifyconfiguration.json`).
    Flat,
    /// Gen 2 `amplify_outputs.json`: `auth.*` and `custom.API.<name> = {endpoint, region, apiName}`.
    Gen2,
    /// `aws-exports.js` / `.ts`: the flat form as a JavaScript object literal
    /// (`const awsmobile = {...}; export default awsmobile;`).
    AwsExports,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 4] = [Format::Plugin, Format::Flat, Format::Gen2, Format::AwsExports];

    /// The setting's spelling: `plugin`, `flat`, `gen2` or `aws-exports`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plugin => "plugin",
            Format::Flat => "flat",
            Format::Gen2 => "gen2",
            Format::AwsExports => "aws-exports",
        }
    }

    /// What a user knows the format as, for messages and `check`.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Plugin => "amplifyconfiguration.json, plugin form (api.plugins.awsAPIPlugin)",
            Format::Flat => "flat form (aws_cloud_logic_custom)",
            Format::Gen2 => "Gen 2 amplify_outputs.json (custom.API)",
            Format::AwsExports => "aws-exports JavaScript (flat form)",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The message of a format name that is not one: lists the valid ones and suggests the closest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Parses `plugin`, `flat`, `gen2` or `aws-exports` (also `js`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(f) = Format::ALL.into_iter().find(|f| f.as_str() == s) {
            return Ok(f);
        }
        if s == "js" {
            return Ok(Format::AwsExports);
        }
        let names = Format::ALL.map(Format::as_str);
        let mut message = format!(
            "unknown format \"{s}\"; expected one of {}",
            names.map(|n| format!("`{n}`")).join(", ")
        );
        if let Some(close) = did_you_mean(s, names) {
            message.push_str(&format!("; did you mean `{close}`?"));
        }
        Err(UnknownFormat(message))
    }
}

/// Whether the file is JavaScript: by extension, or because it does not start like JSON.
pub(crate) fn is_javascript(file_name: &str, text: &str) -> bool {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if matches!(ext.as_deref(), Some("js" | "mjs" | "cjs" | "ts" | "mts" | "cts")) {
        return true;
    }
    let mut rest = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    // Skip leading comments to see the first real character.
    loop {
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, r)| r);
        } else {
            break;
        }
        rest = rest.trim_start();
    }
    ["const ", "let ", "var ", "export ", "module.exports", "import "]
        .iter()
        .any(|w| rest.starts_with(w))
}

/// The JSON shape of `root` (an object), or `None` if it is none of them.
pub(crate) fn detect(root: &Value) -> Option<Format> {
    let members = root.as_object()?;
    let has = |k: &str| root.get(k).is_some();
    if has("api")
        || root.get("auth").is_some_and(|a| a.get("plugins").is_some())
        || has("UserAgent")
        || has("Version")
    {
        return Some(Format::Plugin);
    }
    if members.iter().any(|m| m.key.starts_with("aws_")) {
        return Some(Format::Flat);
    }
    if has("custom") || has("version") || root.get("auth").is_some_and(|a| a.get("user_pool_id").is_some()) {
        return Some(Format::Gen2);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_suggest() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
        let e = "gen-2".parse::<Format>().expect_err("unknown");
        assert!(e.to_string().contains("did you mean `gen2`?"), "{e}");
    }

    #[test]
    fn javascript_by_extension_or_content() {
        assert!(is_javascript("src/aws-exports.ts", "{}"));
        assert!(is_javascript(
            "x.json",
            "/* eslint-disable */\n// hi\nconst awsmobile = {};"
        ));
        assert!(!is_javascript("x.json", "// c\n{ \"a\": 1 }"));
    }
}
