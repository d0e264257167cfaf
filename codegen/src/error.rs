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

/// The closest of `candidates` to `given`, if it is close enough to suggest.
pub(crate) fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let given_lower = given.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&given_lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
