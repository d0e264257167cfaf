//! Errors that name the file, the place in it and what was expected.

use std::fmt;

use crate::json::Pos;

/// One problem found in a configuration file.
///
/// `Display` gives one line: the file, the JSON path and line:column where known, what is wrong
/// and what was expected, and a suggestion where one is obvious.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file as the user named it.
    pub file: String,
    /// The JSON path of the offending value (`api.plugins.awsAPIPlugin.todoApi.region`), if any.
    pub path: Option<String>,
    /// The line and column, if known.
    pub pos: Option<Pos>,
    /// What is wrong and what was expected.
    pub message: String,
    /// A suggestion ("did you mean `AWS_IAM`?"), if one is obvious.
    pub help: Option<String>,
    /// For a problem with a per-endpoint setting rather than the file: the endpoint name the
    /// setting was given for (the macro points its error at that setting).
    pub setting: Option<String>,
}

impl ConfigError {
    pub(crate) fn new(
        file: &str,
        path: Option<String>,
        pos: Option<Pos>,
        message: impl Into<String>,
    ) -> Self {
        ConfigError {
            file: file.to_owned(),
            path,
            pos,
            message: message.into(),
            help: None,
            setting: None,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        match (&self.path, &self.pos) {
            (Some(path), Some(pos)) => write!(f, ": at `{path}` ({pos})")?,
            (Some(path), None) => write!(f, ": at `{path}`")?,
            (None, Some(pos)) => write!(f, ": {pos}")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "; {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// Every problem found in one configuration file (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// The problems, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &ConfigError> {
        self.0.iter()
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        ConfigErrors(vec![e])
    }
}

/// The closest of `candidates` to `given` (by edit distance, ignoring case), if it is close
/// enough to suggest: `API_IAM` -> `AWS_IAM`, `PetApi` -> `PetsApi`.
pub(crate) fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let given_lower = given.to_lowercase();
    let limit = (given.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| {
            let lower = c.to_lowercase();
            let distance = strsim::levenshtein(&given_lower, &lower);
            // Ties go to the candidate that shares more of the start.
            (
                distance,
                std::cmp::Reverse((strsim::jaro_winkler(&given_lower, &lower) * 1e6) as u64),
                c,
            )
        })
        .filter(|(distance, _, _)| *distance <= limit)
        .min()
        .map(|(_, _, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggestions() {
        let modes = [
            "AWS_IAM",
            "API_KEY",
            "AMAZON_COGNITO_USER_POOLS",
            "OPENID_CONNECT",
            "NONE",
        ];
        assert_eq!(did_you_mean("API_IAM", modes), Some("AWS_IAM"));
        assert_eq!(did_you_mean("api_key", modes), Some("API_KEY"));
        assert_eq!(did_you_mean("COGNITO", modes), None);
        assert_eq!(did_you_mean("PetApi", ["PetsApi", "StatusApi"]), Some("PetsApi"));
        assert_eq!(did_you_mean("Rest", ["REST", "GraphQL"]), Some("REST"));
        assert_eq!(did_you_mean("SOAP", ["REST", "GraphQL"]), None);
    }
}
