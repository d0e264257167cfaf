//! One Cognito call: unsigned JSON 1.1 over HTTP `POST /`.

use std::time::Duration;

use http::header::CONTENT_TYPE;
use serde_json::Value;

use crate::error::{Error, ErrorKind};

/// The user pool service's target prefix.
pub(crate) const USER_POOLS: &str = "AWSCognitoIdentityProviderService";

/// How long one Cognito call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The default service URL: `https://<service>.<region>.amazonaws.com/` (`.com.cn` in China).
pub(crate) fn default_url(service: &str, region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://{service}.{region}.{suffix}/")
}

/// Checks a service URL given by the user (http or https, parses).
pub(crate) fn check_url(what: &str, url: &str) -> Result<reqwest::Url, Error> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        Error::new(ErrorKind::Config, format!("the {what} URL does not parse")).with_source(e)
    })?;
    if !matches!(parsed.scheme(), "http" | "https")
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        return Err(Error::new(
            ErrorKind::Config,
            format!("the {what} URL must be http or https, without user info"),
        ));
    }
    Ok(parsed)
}

/// Calls `<prefix>.<operation>` at `url` with `body`; the answer's JSON, or a typed error.
///
/// Successful answers are not checked for their content type (moto labels them text/html).
/// Neither the body sent nor the one received is ever put in an error or a log: both can
/// carry passwords and tokens. Error answers carry no secrets and are kept.
pub(crate) async fn call(
    http: &reqwest::Client,
    url: &reqwest::Url,
    prefix: &str,
    operation: &str,
    body: &Value,
) -> Result<Value, Error> {
    let bytes = serde_json::to_vec(body)
        .map_err(|e| Error::new(ErrorKind::Config, "cannot encode a Cognito request").with_source(e))?;
    tracing::debug!(target: "amplify_rest::cognito", operation, "calling Cognito");
    let response = http
        .post(url.clone())
        .header(CONTENT_TYPE, "application/x-amz-json-1.1")
        .header("x-amz-target", format!("{prefix}.{operation}"))
        .timeout(CALL_TIMEOUT)
        .body(bytes)
        .send()
        .await
        .map_err(|e| transport(operation, e))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(|e| transport(operation, e))?;
    if status.as_u16() >= 300 {
        tracing::debug!(target: "amplify_rest::cognito", operation, status = status.as_u16(), "Cognito refused");
        return Err(Error::cognito(operation, status, headers, body));
    }
    serde_json::from_slice(&body).map_err(|_| {
        Error::new(
            ErrorKind::Decode,
            format!("Cognito's answer to {operation} is not JSON"),
        )
    })
}

fn transport(operation: &str, e: reqwest::Error) -> Error {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    };
    Error::new(kind, format!("cannot reach Cognito for {operation}")).with_source(e)
}

/// A string field of a JSON object.
pub(crate) fn str_field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name)?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            default_url("cognito-idp", "eu-west-1"),
            "https://cognito-idp.eu-west-1.amazonaws.com/"
        );
        assert_eq!(
            default_url("cognito-identity", "cn-north-1"),
            "https://cognito-identity.cn-north-1.amazonaws.com.cn/"
        );
        assert!(check_url("user pool", "http://127.0.0.1:5000").is_ok());
        assert!(check_url("user pool", "ftp://x").is_err());
        assert!(check_url("user pool", "https://u:p@x/").is_err());
        assert!(check_url("user pool", "not a url").is_err());
    }
}
