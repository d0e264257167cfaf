//! One error type for everything a request can run into.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// A boxed error from user code (interceptors, token providers).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What kind of failure an [`Error`] is; match on it to decide what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The endpoint or client is misconfigured (bad base URL, bad header name or value).
    Config,
    /// The request needs a signed-in user and nobody is signed in, or the session expired (Cognito
    /// refused the refresh token: then [`Error::aws_error_name`] says why).
    NotSignedIn,
    /// Cognito refused the sign-in or the token: wrong password, disabled user, revoked token,
    /// bad `SECRET_HASH` (`NotAuthorizedException`).
    NotAuthorized,
    /// The user pool has no such user (`UserNotFoundException`).
    UserNotFound,
    /// The user has not confirmed their account yet (`UserNotConfirmedException`).
    UserNotConfirmed,
    /// The user must reset their password before signing in (`PasswordResetRequiredException`).
    PasswordResetRequired,
    /// Cognito answered with another error (bad parameter, throttling, unknown client, ...);
    /// [`Error::aws_error_name`] names it.
    Cognito,
    /// Credentials or tokens could not be obtained (Cognito refused, a provider failed).
    Credentials,
    /// The request could not be signed.
    Signing,
    /// An interceptor failed the request; its error is the source.
    Interceptor,
    /// The request timed out.
    Timeout,
    /// The request did not get an answer: connection refused or reset, DNS, TLS.
    Transport,
    /// The server answered with a non-2xx status.
    Http,
    /// The answer could not be read or decoded (bad JSON, too large).
    Decode,
}

/// The error of every fallible call in this crate.
///
/// `Display` is one line without secrets; `source()` chains to the cause.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    http: Option<HttpFailure>,
    source: Option<BoxError>,
    /// How many times the request was sent (set by the request pipeline).
    attempts: Option<u32>,
    /// Whether the auth step failed (credentials, tokens): the pipeline does not retry such a
    /// failure, which the source (Cognito's client) has retried already where it was safe.
    auth_step: bool,
}

/// What a non-2xx answer carried.
struct HttpFailure {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    aws_error: Option<String>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                http: None,
                source: None,
                attempts: None,
                auth_step: false,
            }),
        }
    }

    /// Marks an error of the auth step (see `Inner::auth_step`).
    pub(crate) fn in_auth_step(mut self) -> Self {
        self.inner.auth_step = true;
        self
    }

    pub(crate) fn is_from_auth_step(&self) -> bool {
        self.inner.auth_step
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// An error for a non-2xx answer; reads the AWS error name and message from it.
    pub(crate) fn http(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let (aws_error, message) = aws_error_of(&headers, &body);
        let reason = status.canonical_reason().unwrap_or("");
        let mut text = format!("HTTP {} {reason}", status.as_u16()).trim_end().to_owned();
        if let Some(name) = &aws_error {
            text.push_str(&format!(" ({name})"));
        }
        if let Some(m) = message {
            text.push_str(": ");
            text.push_str(&one_line(&m, 200));
        }
        Error {
            inner: Box::new(Inner {
                kind: ErrorKind::Http,
                message: text,
                http: Some(HttpFailure {
                    status,
                    headers,
                    body,
                    aws_error,
                }),
                source: None,
                attempts: None,
                auth_step: false,
            }),
        }
    }

    /// An error for a non-2xx answer of a Cognito service call (`operation`: `InitiateAuth`):
    /// the kind follows Cognito's error name.
    pub(crate) fn cognito(operation: &str, status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let mut e = Error::http(status, headers, body);
        e.inner.kind = match e.aws_error_name() {
            Some("NotAuthorizedException") => ErrorKind::NotAuthorized,
            Some("UserNotFoundException") => ErrorKind::UserNotFound,
            Some("UserNotConfirmedException") => ErrorKind::UserNotConfirmed,
            Some("PasswordResetRequiredException") => ErrorKind::PasswordResetRequired,
            _ => ErrorKind::Cognito,
        };
        e.inner.message = format!("Cognito {operation} failed: {}", e.inner.message);
        e
    }

    /// Copies the answer facts (status, headers, body, AWS error name) of `other`, so an error
    /// that wraps a Cognito refusal still names it.
    pub(crate) fn with_http_of(mut self, other: &Error) -> Self {
        if let Some(h) = &other.inner.http {
            self.inner.http = Some(HttpFailure {
                status: h.status,
                headers: h.headers.clone(),
                body: h.body.clone(),
                aws_error: h.aws_error.clone(),
            });
        }
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status of a non-2xx answer (of the endpoint, or of Cognito for sign-in errors).
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.http.as_ref().map(|h| h.status)
    }

    /// The AWS error name of a non-2xx answer (`x-amzn-errortype`, else `code` or `__type` in
    /// the body), without namespace or suffix: `ForbiddenException`.
    pub fn aws_error_name(&self) -> Option<&str> {
        self.inner.http.as_ref()?.aws_error.as_deref()
    }

    /// The headers of a non-2xx answer.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.http.as_ref().map(|h| &h.headers)
    }

    /// The body of a non-2xx answer.
    pub fn body(&self) -> Option<&Bytes> {
        self.inner.http.as_ref().map(|h| &h.body)
    }

    /// How many times the request was sent before this error (retries included); `None` for
    /// errors that did not come from sending a request. When more than one, `Display` ends with
    /// `(after N attempts)`.
    pub fn attempts(&self) -> Option<u32> {
        self.inner.attempts
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = Some(attempts);
        self
    }

    /// Whether the answer refused the signature because of the signing time: the caller's clock
    /// is off (`RequestTimeTooSkewed`, or API Gateway's `InvalidSignatureException` saying
    /// "Signature expired" / "Signature not yet current").
    pub fn is_clock_skew(&self) -> bool {
        let Some(h) = &self.inner.http else {
            return false;
        };
        match h.aws_error.as_deref() {
            Some("RequestTimeTooSkewed" | "RequestExpired" | "RequestInTheFuture") => true,
            Some("InvalidSignatureException" | "SignatureDoesNotMatch") => {
                let message = aws_error_of(&h.headers, &h.body).1.unwrap_or_default();
                message.contains("Signature expired") || message.contains("Signature not yet current")
            }
            _ => false,
        }
    }

    /// Whether trying again may succeed: transport failures, timeouts, 429 and 5xx answers
    /// other than 501, AWS throttling errors and clock-skew refusals ([`Error::is_clock_skew`]).
    pub fn is_retryable(&self) -> bool {
        if self.is_clock_skew() {
            return true;
        }
        match self.inner.kind {
            ErrorKind::Transport | ErrorKind::Timeout => true,
            ErrorKind::Http | ErrorKind::Cognito => {
                let status = self.status().map_or(0, |s| s.as_u16());
                matches!(status, 429 | 500 | 502 | 503 | 504)
                    || self.aws_error_name().is_some_and(|n| {
                        matches!(
                            n,
                            "Throttling"
                                | "ThrottlingException"
                                | "ThrottledException"
                                | "TooManyRequestsException"
                                | "RequestThrottledException"
                                | "ProvisionedThroughputExceededException"
                                | "RequestLimitExceeded"
                                | "SlowDown"
                                | "ThrottlingError"
                                | "TooManyRequests"
                                | "BandwidthLimitExceeded"
                                | "LimitExceededException"
                                | "PriorRequestNotComplete"
                                | "EC2ThrottledException"
                                | "TransactionInProgressException"
                                | "RequestThrottled"
                        )
                    })
            }
            _ => false,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("message", &self.inner.message);
        if let Some(h) = &self.inner.http {
            d.field("status", &h.status).field("aws_error", &h.aws_error);
        }
        if let Some(n) = self.inner.attempts {
            d.field("attempts", &n);
        }
        if let Some(s) = &self.inner.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)?;
        match self.inner.attempts {
            Some(n) if n > 1 => write!(f, " (after {n} attempts)"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// The AWS error name and message of an error answer. The name comes from `x-amzn-errortype`,
/// else from `code`/`__type` in a JSON body; `aws.protocol#Name:http://...` becomes `Name`.
pub(crate) fn aws_error_of(headers: &HeaderMap, body: &[u8]) -> (Option<String>, Option<String>) {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let field = |names: &[&str]| {
        let obj = json.as_ref()?.as_object()?;
        names
            .iter()
            .find_map(|n| obj.get(*n)?.as_str().map(str::to_owned))
    };
    let name = headers
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| field(&["code", "__type"]))
        .map(|raw| clean_error_name(&raw))
        .filter(|n| !n.is_empty());
    let message = field(&["message", "Message", "errorMessage"]);
    (name, message)
}

fn clean_error_name(raw: &str) -> String {
    let no_suffix = raw.split(':').next().unwrap_or(raw);
    no_suffix
        .rsplit('#')
        .next()
        .unwrap_or(no_suffix)
        .trim()
        .to_owned()
}

fn one_line(text: &str, max_chars: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max_chars)
        .collect();
    if text.chars().count() > max_chars {
        format!("{flat}…")
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_error_names() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-amzn-errortype",
            "ForbiddenException:http://internal.amazon.com/coral/"
                .parse()
                .expect("value"),
        );
        assert_eq!(aws_error_of(&h, b"{}").0.as_deref(), Some("ForbiddenException"));
        let body =
            br#"{"__type":"com.amazon#NotAuthorizedException","message":"Incorrect username or password."}"#;
        let (name, msg) = aws_error_of(&HeaderMap::new(), body);
        assert_eq!(name.as_deref(), Some("NotAuthorizedException"));
        assert_eq!(msg.as_deref(), Some("Incorrect username or password."));
        assert_eq!(aws_error_of(&HeaderMap::new(), b"not json"), (None, None));
    }

    #[test]
    fn http_error_is_one_line() {
        let body = Bytes::from_static(br#"{"code":"ThrottlingException","message":"Rate\nexceeded"}"#);
        let e = Error::http(StatusCode::BAD_REQUEST, HeaderMap::new(), body);
        assert_eq!(
            e.to_string(),
            "HTTP 400 Bad Request (ThrottlingException): Rate exceeded"
        );
        assert!(e.is_retryable());
        assert_eq!(e.kind(), ErrorKind::Http);
    }

    #[test]
    fn cognito_errors_are_typed() {
        let body = Bytes::from_static(
            br#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#,
        );
        let e = Error::cognito("InitiateAuth", StatusCode::BAD_REQUEST, HeaderMap::new(), body);
        assert_eq!(e.kind(), ErrorKind::NotAuthorized);
        assert_eq!(e.aws_error_name(), Some("NotAuthorizedException"));
        assert_eq!(
            e.to_string(),
            "Cognito InitiateAuth failed: HTTP 400 Bad Request (NotAuthorizedException): Incorrect username or password."
        );
        let body =
            Bytes::from_static(br#"{"__type":"UserNotFoundException","message":"User does not exist."}"#);
        let e = Error::cognito("InitiateAuth", StatusCode::BAD_REQUEST, HeaderMap::new(), body);
        assert_eq!(e.kind(), ErrorKind::UserNotFound);
        let wrapped = Error::new(ErrorKind::NotSignedIn, "the session expired").with_http_of(&e);
        assert_eq!(wrapped.aws_error_name(), Some("UserNotFoundException"));
        assert!(!wrapped.is_retryable());
        let body = Bytes::from_static(br#"{"__type":"TooManyRequestsException","message":"slow"}"#);
        let e = Error::cognito("InitiateAuth", StatusCode::BAD_REQUEST, HeaderMap::new(), body);
        assert_eq!(e.kind(), ErrorKind::Cognito);
        assert!(e.is_retryable());
    }
}
