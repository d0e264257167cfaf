//! The request builder and the request that auth modes and interceptors see.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use serde::Serialize;

use crate::api::Api;
use crate::auth::Authorizer;
use crate::error::{Error, ErrorKind};
use crate::response::Response;
use crate::retry::RetryPolicy;

/// A request on its way out: what the auth step, interceptors and the signer read and change.
pub struct Request {
    pub(crate) method: Method,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) attempt: u32,
}

impl Request {
    /// Which attempt this is: 1 for the first send, 2 for the first retry, ...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The full URL.
    pub fn url(&self) -> &reqwest::Url {
        &self.url
    }

    /// The URL, to change (e.g. add query pairs).
    pub fn url_mut(&mut self) -> &mut reqwest::Url {
        &mut self.url
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, to change.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Replaces the body.
    pub fn set_body(&mut self, body: impl Into<Bytes>) {
        self.body = body.into();
    }
}

/// Header values that carry secrets are never shown.
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "x-api-key",
    "x-amz-security-token",
    "cookie",
    "proxy-authorization",
];

/// Headers never sent to another origin when following a redirect: the secret ones and every
/// `x-amz-*` header (signing date, content hash).
pub(crate) fn stays_home(name: &HeaderName) -> bool {
    SECRET_HEADERS.contains(&name.as_str()) || name.as_str().starts_with("x-amz-")
}

pub(crate) fn debug_headers(headers: &HeaderMap) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(k, v)| {
            let shown = if SECRET_HEADERS.contains(&k.as_str()) {
                "** redacted **"
            } else {
                v.to_str().unwrap_or("<binary>")
            };
            (k.as_str(), shown)
        })
        .collect()
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &debug_headers(&self.headers))
            .field("body_len", &self.body.len())
            .field("attempt", &self.attempt)
            .finish()
    }
}

/// Per-request settings that override the client's.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) idempotent: Option<bool>,
}

/// Builds one request: `api.get("/pets").query("limit", "10").send().await`.
///
/// Problems found while building (a bad header name, a body that does not serialize) are kept
/// and returned by [`RequestBuilder::send`], so calls chain without `?` at each step.
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder<A> {
    api: Api<A>,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
    options: RequestOptions,
    error: Option<Error>,
}

impl<A: Authorizer> RequestBuilder<A> {
    pub(crate) fn new(api: Api<A>, method: Method, path: String) -> Self {
        RequestBuilder {
            api,
            method,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            options: RequestOptions::default(),
            error: None,
        }
    }

    /// Adds a query pair; pairs keep their order and repeated keys are kept.
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Sets a header for this request, replacing a client default or an auth header of the same
    /// name. Setting `authorization` on an `AWS_IAM` request sends it unsigned with your header.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(k), Ok(v)) => {
                self.headers.insert(k, v);
            }
            _ => self.fail(Error::new(ErrorKind::Config, "invalid header name or value")),
        }
        self
    }

    /// Sets a JSON body (and `content-type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = bytes.into();
                self.headers
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            Err(e) => {
                self.fail(Error::new(ErrorKind::Config, "cannot serialize the JSON body").with_source(e))
            }
        }
        self
    }

    /// Sets a raw body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// A total time limit for this request, overriding the client's: it covers every attempt
    /// and the waits between them. Running out is an [`ErrorKind::Timeout`] error.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// A time limit for each attempt of this request, overriding the client's
    /// ([`crate::ApiBuilder::attempt_timeout`]). An attempt that runs out is an
    /// [`ErrorKind::Timeout`] error, retried like a transport failure.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.options.attempt_timeout = Some(timeout);
        self
    }

    /// The retry policy of this request, overriding the client's
    /// ([`RetryPolicy::disabled`] turns retries off for it).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Declares whether sending this request twice is safe. By default only `POST` and `PATCH`
    /// are not, and they are retried only when they never reached the server; `idempotent(true)`
    /// on a `POST` that carries an idempotency key lets it be retried like a `GET`.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.options.idempotent = Some(idempotent);
        self
    }

    fn fail(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }

    /// Sends the request, retrying as the [`RetryPolicy`] says. Answers with status 400 and above
    /// are errors carrying status, headers, body, the AWS error name and the number of attempts;
    /// other answers (including redirects, which are not followed) are a [`Response`].
    ///
    /// Nothing is sent until the returned future is polled. Dropping it cancels the request:
    /// the connection in use is closed and no retry is made later.
    pub fn send(self) -> impl Future<Output = Result<Response, Error>> + Send + use<A> {
        let RequestBuilder {
            api,
            method,
            path,
            query,
            headers,
            body,
            options,
            error,
        } = self;
        // The URL is made here, so the future does not hold the path and query.
        let url = match error {
            None => api.join(&path, &query),
            Some(e) => Err(e),
        };
        api.execute(method, url, headers, body, options)
    }
}

impl<A: Authorizer> fmt::Debug for RequestBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("endpoint", &self.api.spec().name)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query_len", &self.query.len())
            .field("headers", &debug_headers(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}
