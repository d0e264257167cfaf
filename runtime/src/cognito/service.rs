//! One Cognito call: unsigned JSON 1.1 over HTTP `POST /`.

use std::time::Duration;

use http::header::CONTENT_TYPE;
use serde_json::Value;

use crate::error::{Error, ErrorKind};

/// The user pool service's target prefix.
pub(crate) const USER_POOLS: &str = "AWSCognitoIdentityProviderService";

/// How long one attempt of a Cognito call may take by default (see
/// [`crate::cognito::CognitoBuilder::call_timeout`]).
pub(crate) const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends per call at most (the first and two retries).
const MAX_ATTEMPTS: u32 = 3;

/// The largest Cognito answer read (real ones are a few KiB): a bigger one is a
/// [`ErrorKind::Decode`] error and is never allocated in full.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// Operations that may be sent again after they reached Cognito: they change nothing, or do
/// the same thing again. `RespondToAuthChallenge` (its session is used up) and
/// `GetTokensFromRefreshToken` (it may rotate the refresh token) are sent again only when the
/// connection was never made.
fn safe_to_repeat(operation: &str) -> bool {
    matches!(
        operation,
        "InitiateAuth" | "GetId" | "GetCredentialsForIdentity" | "GlobalSignOut"
    )
}

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
/// Each attempt may take `timeout`. Failures that may pass (connection failures, timeouts,
/// 5xx, 429 and throttling errors) are retried up to 3 sends in all, with jittered backoff,
/// for operations that are safe to repeat; others are re-sent only when the connection was
/// never made. Answers larger than 1 MiB are refused without being read in full.
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
    timeout: Duration,
) -> Result<Value, Error> {
    let bytes = bytes::Bytes::from(
        serde_json::to_vec(body)
            .map_err(|e| Error::new(ErrorKind::Config, "cannot encode a Cognito request").with_source(e))?,
    );
    let backoff = crate::retry::RetryPolicy::default()
        .base_delay(Duration::from_millis(50))
        .max_delay(Duration::from_secs(2));
    let mut attempt = 1;
    loop {
        match call_once(http, url, prefix, operation, bytes.clone(), timeout).await {
            Ok(answer) => return Ok(answer),
            Err(e) if attempt < MAX_ATTEMPTS && may_retry(operation, &e) => {
                let wait = backoff.delay(attempt, None, crate::retry::random_unit());
                tracing::debug!(
                    target: "amplify_rest::cognito",
                    operation,
                    attempt,
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    error = %e,
                    "retrying a Cognito call"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            Err(e) => return Err(e.with_attempts(attempt)),
        }
    }
}

/// Whether a failed call may be sent again.
fn may_retry(operation: &str, e: &Error) -> bool {
    let never_sent = std::error::Error::source(e)
        .and_then(|s| s.downcast_ref::<reqwest::Error>())
        .is_some_and(reqwest::Error::is_connect);
    never_sent || (safe_to_repeat(operation) && e.is_retryable())
}

async fn call_once(
    http: &reqwest::Client,
    url: &reqwest::Url,
    prefix: &str,
    operation: &str,
    body: bytes::Bytes,
    timeout: Duration,
) -> Result<Value, Error> {
    tracing::debug!(target: "amplify_rest::cognito", operation, "calling Cognito");
    let attempt = async {
        let mut response = http
            .post(url.clone())
            .header(CONTENT_TYPE, "application/x-amz-json-1.1")
            .header("x-amz-target", format!("{prefix}.{operation}"))
            .body(body)
            .send()
            .await
            .map_err(|e| transport(operation, e))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = crate::api::read_body(&mut response, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| {
                Error::new(e.kind(), format!("Cognito's answer to {operation}: {e}")).with_source(e)
            })?;
        Ok::<_, Error>((status, headers, body))
    };
    // One limit over connecting, sending and reading the whole answer.
    let (status, headers, body) = tokio::time::timeout(timeout, attempt).await.map_err(|_| {
        Error::new(
            ErrorKind::Timeout,
            format!("Cognito did not answer {operation} within {timeout:?}"),
        )
    })??;
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
