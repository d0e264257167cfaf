//! [`Api`]: one endpoint's client, and the one request pipeline every auth mode plugs into.
//!
//! Order for one attempt: auth headers -> client default headers -> per-request headers (each
//! may replace what came before) -> interceptors -> signing (SigV4 for `AWS_IAM`) -> transport
//! -> after-response hooks. A retry runs all of it again, so every attempt is signed afresh.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_TYPE, HOST, HeaderName, HeaderValue, LOCATION, USER_AGENT};
use http::{HeaderMap, Method, StatusCode};
use tracing::Instrument;
use tracing::field::Empty;

use crate::auth::{AuthContext, Authorizer};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind};
use crate::interceptor::{AttemptOutcome, Interceptor};
use crate::request::{Request, RequestBuilder, RequestOptions, debug_headers, stays_home};
use crate::response::Response;
use crate::retry::{self, RetryPolicy};
use crate::skew::{self, SkewOffset};
use crate::spec::{Endpoint, EndpointSpec};
use crate::url::BaseUrl;

/// The connect timeout of the HTTP client an endpoint builds for itself (10 s); see
/// [`ApiBuilder::connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest response body read by default (16 MiB); see [`ApiBuilder::max_response_bytes`].
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// The `user-agent` header every request carries (`amplify-rest/VERSION`) unless the client's
/// default headers or the request set one of their own.
pub const DEFAULT_USER_AGENT: &str = concat!("amplify-rest/", env!("CARGO_PKG_VERSION"));

/// The client of one endpoint, generic over its auth mode. Cheap to clone (shared inside).
///
/// Generated endpoint structs wrap an `Api` and dereference to it.
pub struct Api<A> {
    inner: Arc<Shared<A>>,
}

struct Shared<A> {
    spec: EndpointSpec,
    base: Result<BaseUrl, String>,
    auth: A,
    http: reqwest::Client,
    default_headers: HeaderMap,
    interceptors: Vec<Arc<dyn Interceptor>>,
    max_response_bytes: usize,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    skew: SkewOffset,
    max_redirects: u32,
}

impl<A> Clone for Api<A> {
    fn clone(&self) -> Self {
        Api {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// The HTTP client of an endpoint that is not given one. Each endpoint client has its own (and
/// its own connection pool): a client shared across tokio runtimes breaks when the runtime that
/// opened a pooled connection ends, as it does between `#[tokio::test]`s. Hand several
/// endpoints one client with [`ApiBuilder::http_client`] to share a pool.
/// Redirects are never followed automatically, so no secret header can reach another origin.
pub(crate) fn default_http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .build()
        .map_err(|e| Error::new(ErrorKind::Config, "cannot build the HTTP client").with_source(e))
}

impl<A: Authorizer> Api<A> {
    /// A client for `spec` with default settings.
    ///
    /// A base URL that does not parse (which the generator rules out) makes every request fail
    /// with a [`ErrorKind::Config`] error rather than panic here.
    pub fn new(spec: EndpointSpec, auth: A) -> Self {
        let (http, base) = match default_http_client(DEFAULT_CONNECT_TIMEOUT) {
            Ok(http) => (http, BaseUrl::parse(spec.endpoint).map_err(|e| e.to_string())),
            Err(e) => (reqwest::Client::new(), Err(e.to_string())),
        };
        Api {
            inner: Arc::new(Shared {
                spec,
                base,
                auth,
                http,
                default_headers: HeaderMap::new(),
                interceptors: Vec::new(),
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
                timeout: None,
                attempt_timeout: None,
                retry: RetryPolicy::default(),
                clock: Arc::new(SystemClock),
                skew: SkewOffset::default(),
                max_redirects: 0,
            }),
        }
    }

    /// The endpoint's config facts.
    pub fn spec(&self) -> &EndpointSpec {
        &self.inner.spec
    }

    /// The base URL requests go to (the config's, or the one set on the builder).
    pub fn base_url(&self) -> String {
        match &self.inner.base {
            Ok(b) => b.as_string(),
            Err(_) => self.inner.spec.endpoint.to_owned(),
        }
    }

    /// The auth mode value.
    pub fn auth(&self) -> &A {
        &self.inner.auth
    }

    /// A request with any method; `path` is joined to the base URL (stage kept, one `/`).
    pub fn request(&self, method: Method, path: impl Into<String>) -> RequestBuilder<A> {
        RequestBuilder::new(self.clone(), method, path.into())
    }

    /// A `GET` request.
    pub fn get(&self, path: impl Into<String>) -> RequestBuilder<A> {
        self.request(Method::GET, path)
    }

    /// A `POST` request.
    pub fn post(&self, path: impl Into<String>) -> RequestBuilder<A> {
        self.request(Method::POST, path)
    }

    /// A `PUT` request.
    pub fn put(&self, path: impl Into<String>) -> RequestBuilder<A> {
        self.request(Method::PUT, path)
    }

    /// A `PATCH` request.
    pub fn patch(&self, path: impl Into<String>) -> RequestBuilder<A> {
        self.request(Method::PATCH, path)
    }

    /// A `DELETE` request.
    pub fn delete(&self, path: impl Into<String>) -> RequestBuilder<A> {
        self.request(Method::DELETE, path)
    }

    /// A `HEAD` request.
    pub fn head(&self, path: impl Into<String>) -> RequestBuilder<A> {
        self.request(Method::HEAD, path)
    }

    /// The retry policy of requests that do not set their own.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// How far this client signs ahead of (positive) or behind its clock, in milliseconds,
    /// after a clock-skew correction; 0 until one happened.
    pub fn clock_offset_millis(&self) -> i64 {
        self.inner.skew.millis()
    }

    /// The URL of a request for `path` and `query` pairs (see [`BaseUrl::join`]).
    pub(crate) fn join(&self, path: &str, query: &[(String, String)]) -> Result<reqwest::Url, Error> {
        match &self.inner.base {
            Ok(base) => Ok(base.join(path, query)),
            Err(e) => Err(Error::new(ErrorKind::Config, e.clone())),
        }
    }

    /// Runs the pipeline for one request to `url` (or fails with its error): attempts,
    /// retries, the total time limit, tracing.
    pub(crate) async fn execute(
        self,
        method: Method,
        url: Result<reqwest::Url, Error>,
        headers: HeaderMap,
        body: Bytes,
        options: RequestOptions,
    ) -> Result<Response, Error> {
        let url = url?;
        let shared = &*self.inner;
        // Path only: a query may carry values the caller considers private.
        let span = tracing::debug_span!(
            "amplify_rest.request",
            endpoint = shared.spec.name,
            method = %method,
            path = url.path(),
            attempts = Empty,
            status = Empty,
            latency_ms = Empty,
        );
        let attempts = AtomicU32::new(0);
        // Nothing records the span when it is disabled: then its clock is not read
        // (entering a disabled span at each poll costs next to nothing).
        let started = (!span.is_disabled()).then(Instant::now);
        let run = self.run(&method, &url, &headers, &body, &options, &attempts);
        let limit = options.timeout.or(shared.timeout);
        let result = if span.is_disabled() && limit.is_none() {
            // Nothing records the span and there is no limit: the attempts run inline, with no
            // wrapper to poll through (measured: 1–3% of a request's CPU at concurrency 64).
            run.await
        } else {
            let run = run.instrument(span.clone());
            match limit {
                // The total limit covers every attempt and the waits between them.
                Some(limit) => tokio::time::timeout(limit, run).await.unwrap_or_else(|_| {
                    Err(Error::new(
                        ErrorKind::Timeout,
                        format!("the request to {} timed out after {limit:?}", shared.spec.name),
                    )
                    .with_attempts(attempts.load(Ordering::Relaxed)))
                }),
                None => run.await,
            }
        };
        if let Some(started) = started {
            span.record("attempts", attempts.load(Ordering::Relaxed));
            span.record("latency_ms", millis(started.elapsed()));
            match &result {
                Ok(r) => span.record("status", r.status().as_u16()),
                Err(e) => span.record("status", e.status().map_or(0, |s| s.as_u16())),
            };
        }
        result
    }

    /// Attempts until one succeeds, a failure may not be retried, or the policy is spent.
    async fn run(
        &self,
        method: &Method,
        url: &reqwest::Url,
        headers: &HeaderMap,
        body: &Bytes,
        options: &RequestOptions,
        attempts: &AtomicU32,
    ) -> Result<Response, Error> {
        let shared = &*self.inner;
        let policy = options.retry.unwrap_or(shared.retry);
        let idempotent = options
            .idempotent
            .unwrap_or_else(|| retry::is_idempotent(method) || policy.get_retry_non_idempotent());
        let attempt_timeout = options.attempt_timeout.or(shared.attempt_timeout);
        let mut counted = 0; // attempts that count against the policy (a skew correction does not)
        let mut skew_corrected = false;
        loop {
            let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            counted += 1;
            let span = tracing::debug_span!(
                "amplify_rest.attempt",
                attempt,
                status = Empty,
                latency_ms = Empty,
            );
            // The clock is read only when something looks at the attempt's duration.
            let timed = !span.is_disabled() || !shared.interceptors.is_empty();
            let started = timed.then(Instant::now);
            let one = self.attempt(method, url, headers, body, attempt);
            let result = match attempt_timeout {
                // Boxed: the timer and the attempt are then allocated once, not moved.
                Some(limit) => tokio::time::timeout(limit, Box::pin(one.instrument(span.clone())))
                    .await
                    .unwrap_or_else(|_| {
                        Err(Error::new(
                            ErrorKind::Timeout,
                            format!("an attempt timed out after {limit:?}"),
                        ))
                    }),
                // As in `execute`: no wrapper when nothing records the span.
                None if span.is_disabled() => one.await,
                None => one.instrument(span.clone()).await,
            };
            let elapsed = started.map_or(Duration::ZERO, |t| t.elapsed());
            if !span.is_disabled() {
                span.record("latency_ms", millis(elapsed));
                let status = match &result {
                    Ok(r) => Some(r.status()),
                    Err(e) => e.status(),
                };
                if let Some(s) = status {
                    span.record("status", s.as_u16());
                }
            }
            if !shared.interceptors.is_empty() && was_sent(&result) {
                let outcome = AttemptOutcome {
                    endpoint: shared.spec.name,
                    method,
                    url,
                    attempt,
                    elapsed,
                    result: result.as_ref(),
                };
                for interceptor in &shared.interceptors {
                    interceptor.after_response(&outcome);
                }
            }
            let err = match result {
                Ok(response) => return Ok(response),
                Err(e) => e,
            };
            // Clock skew: sign with the endpoint's time and send once more, whatever the method
            // (a refused signature means the request was not acted on).
            if !skew_corrected && let Some(offset) = skew::correction(&err, shared.clock.now()) {
                skew_corrected = true;
                counted -= 1;
                shared.skew.set_millis(offset);
                tracing::warn!(
                    parent: &span,
                    offset_ms = offset,
                    "the endpoint's clock differs from ours by 5 minutes or more: signing with its time"
                );
                continue;
            }
            let may_retry =
                !err.is_from_auth_step() && err.is_retryable() && (idempotent || never_sent(&err));
            if !may_retry || counted >= policy.get_max_attempts() {
                return Err(err.with_attempts(attempt));
            }
            let server_now = shared.skew.apply(shared.clock.now());
            let asked = err.headers().and_then(|h| retry::retry_after(h, server_now));
            let wait = policy.delay(counted, asked, retry::random_unit());
            tracing::debug!(parent: &span, wait_ms = millis(wait), error = %err, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: the whole pipeline, from the auth headers to the answer's body, and the
    /// redirects it follows when the client opted in ([`ApiBuilder::follow_redirects`]).
    async fn attempt(
        &self,
        method: &Method,
        url: &reqwest::Url,
        headers: &HeaderMap,
        body: &Bytes,
        attempt: u32,
    ) -> Result<Response, Error> {
        let request = self
            .prepare(method.clone(), url.clone(), headers, body.clone(), attempt)
            .await?;
        let (status, response_headers, response_body) = self.transport(request).await?;
        if self.inner.max_redirects > 0 && status.is_redirection() {
            // Off the hot path, and boxed so that its state does not enlarge every attempt's.
            let answer = (status, response_headers, response_body);
            return Box::pin(self.follow(method, url, headers, body, attempt, answer)).await;
        }
        finish(status, response_headers, response_body)
    }

    /// Follows the redirects of an attempt whose first answer (to `url`) was a 3xx, up to the
    /// client's limit; the last answer is the attempt's.
    async fn follow(
        &self,
        method: &Method,
        url: &reqwest::Url,
        headers: &HeaderMap,
        body: &Bytes,
        attempt: u32,
        answer: (StatusCode, HeaderMap, Bytes),
    ) -> Result<Response, Error> {
        let shared = &*self.inner;
        let (mut status, mut response_headers, mut response_body) = answer;
        // The first URL's origin: the whole pipeline runs again for a redirect back to it.
        let home = url.origin();
        let (mut method, mut url, mut body) = (method.clone(), url.clone(), body.clone());
        let mut headers = std::borrow::Cow::Borrowed(headers);
        let mut hops = 0;
        loop {
            let next = (hops < shared.max_redirects && status.is_redirection())
                .then(|| redirect_target(&url, &response_headers))
                .flatten();
            let Some(next) = next else {
                return finish(status, response_headers, response_body);
            };
            hops += 1;
            // As browsers and reqwest do: 303, and a POST answered 301/302, become a GET.
            let to_get = (status == StatusCode::SEE_OTHER && method != Method::HEAD)
                || (matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND)
                    && method == Method::POST);
            if to_get {
                method = Method::GET;
                body = Bytes::new();
                headers.to_mut().remove(CONTENT_TYPE);
            }
            let same_origin = next.origin() == home;
            tracing::debug!(
                status = status.as_u16(),
                same_origin,
                hop = hops,
                "following a redirect"
            );
            url = next;
            let request = if same_origin {
                self.prepare(method.clone(), url.clone(), &headers, body.clone(), attempt)
                    .await?
            } else {
                self.bare(method.clone(), url.clone(), &headers, body.clone(), attempt)
            };
            (status, response_headers, response_body) = self.transport(request).await?;
        }
    }

    /// Steps 1-4 for a request to the endpoint's own origin.
    ///
    /// The request is made before the returned future starts, so that future holds it once
    /// (not also the parts it is made of).
    fn prepare<'a>(
        &'a self,
        method: Method,
        url: reqwest::Url,
        headers: &'a HeaderMap,
        body: Bytes,
        attempt: u32,
    ) -> impl Future<Output = Result<Request, Error>> + Send + 'a {
        let shared = &*self.inner;
        let room = shared.default_headers.len() + headers.len() + A::HEADERS_ADDED;
        let mut request = Request::start(method, url, body, attempt, room);
        let ctx = AuthContext {
            spec: &shared.spec,
            // The signing time, corrected by the endpoint's clock offset if one was learned.
            now: shared.skew.apply(shared.clock.now()),
        };
        async move {
            // 1. The auth mode's headers.
            // An auth step failure is not retried here: its source retried where that was safe.
            shared
                .auth
                .authorize(&mut request, &ctx)
                .await
                .map_err(Error::in_auth_step)?;
            // 2. Client defaults, then this request's headers: a later one replaces an earlier one.
            for (name, value) in shared.default_headers.iter().chain(headers.iter()) {
                request.headers.insert(name.clone(), value.clone());
            }
            // 3. Interceptors, in registration order.
            for interceptor in &shared.interceptors {
                interceptor.before_send(&mut request).await.map_err(|e| {
                    Error::new(ErrorKind::Interceptor, "an interceptor failed the request").with_source(e)
                })?;
            }
            // 4. Signing, last, so it covers everything above.
            shared
                .auth
                .sign(&mut request, &ctx)
                .await
                .map_err(Error::in_auth_step)?;
            Ok(request)
        }
    }

    /// A followed redirect to another origin: no auth mode, no interceptors, no signature, and
    /// none of the caller's secret headers; the other headers and the body go along.
    fn bare(
        &self,
        method: Method,
        url: reqwest::Url,
        headers: &HeaderMap,
        body: Bytes,
        attempt: u32,
    ) -> Request {
        let room = self.inner.default_headers.len() + headers.len();
        let mut request = Request::start(method, url, body, attempt, room);
        for (name, value) in self.inner.default_headers.iter().chain(headers.iter()) {
            if !stays_home(name) {
                request.headers.insert(name.clone(), value.clone());
            }
        }
        request
    }

    /// 5. Transport: sends and reads the whole answer.
    ///
    /// The request is handed to reqwest before the returned future starts, so that future
    /// holds only what is in flight (it is part of every attempt's future).
    fn transport(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<(StatusCode, HeaderMap, Bytes), Error>> + Send + 'static {
        let Request {
            method,
            url,
            mut headers,
            body,
            ..
        } = request;
        // The `host` header hyper would add, added here, after signing (it is the value the
        // signer signed, from the URL); a caller's own is left alone. reqwest hands hyper a
        // copy of the map with exactly the room its headers take, so hyper adding `host` grew
        // that copy: for a signed request with a `user-agent`, a 1 KiB+ allocation that glibc
        // serves under its arena lock and that the connection's task frees on another thread,
        // which cost 7–10% of the throughput at concurrency 64 (BENCHMARKS.md, issue 8).
        if let Ok(base) = &self.inner.base
            && let Some(host) = base.host_header(&url)
            && !headers.contains_key(HOST)
        {
            headers.insert(HOST, host.clone());
        }
        let mut http_request = reqwest::Request::new(method, url);
        *http_request.headers_mut() = headers;
        // No body is what reqwest sends for an empty one too (`Body::empty()`).
        if !body.is_empty() {
            *http_request.body_mut() = Some(body.into());
        }
        let sent = self.inner.http.execute(http_request);
        let limit = self.inner.max_response_bytes;
        async move {
            let mut response = sent.await.map_err(transport_error)?;
            let status = response.status();
            let body = read_body(&mut response, limit).await?;
            Ok((status, std::mem::take(response.headers_mut()), body))
        }
    }
}

/// The attempt's outcome from its (last) answer: status 400 and above is an error.
fn finish(status: StatusCode, headers: HeaderMap, body: Bytes) -> Result<Response, Error> {
    if status.as_u16() >= 400 {
        Err(Error::http(status, headers, body))
    } else {
        Ok(Response::new(status, headers, body))
    }
}

/// Where a 3xx answer points, resolved against the URL it answered (http and https only).
fn redirect_target(from: &reqwest::Url, headers: &HeaderMap) -> Option<reqwest::Url> {
    let location = headers.get(LOCATION)?.to_str().ok()?;
    let next = from.join(location).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Whether the attempt got as far as the transport (so after-response hooks see it).
fn was_sent(result: &Result<Response, Error>) -> bool {
    match result {
        Ok(_) => true,
        Err(e) => matches!(
            e.kind(),
            ErrorKind::Http | ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::Decode
        ),
    }
}

/// Whether the request certainly never reached the server: the connection was never made.
fn never_sent(err: &Error) -> bool {
    std::error::Error::source(err)
        .and_then(|s| s.downcast_ref::<reqwest::Error>())
        .is_some_and(reqwest::Error::is_connect)
}

fn transport_error(e: reqwest::Error) -> Error {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    };
    let what = if e.is_connect() {
        "cannot connect to the endpoint"
    } else if e.is_timeout() {
        "the request timed out"
    } else {
        "the request failed in transport"
    };
    // reqwest's error names the URL, which never carries secrets (no userinfo is accepted).
    Error::new(kind, what).with_source(e)
}

impl Request {
    /// A request as every attempt starts: no headers but the crate's `user-agent` (with room
    /// for `headers` more); the body is the same bytes every attempt (a cheap
    /// reference-counted clone).
    fn start(method: Method, url: reqwest::Url, body: Bytes, attempt: u32, headers: usize) -> Request {
        // Room for `headers` more and for what the pipeline and reqwest add (`user-agent`,
        // `host`, `accept`), plus one: hyper makes room for one more header in reqwest's copy
        // of the map before it sees that `host` is there, and growing that copy is an
        // allocation too large for glibc's per-thread cache (see `transport`).
        let mut headers = HeaderMap::with_capacity(headers + 4);
        headers.insert(USER_AGENT, HeaderValue::from_static(DEFAULT_USER_AGENT));
        Request {
            method,
            url,
            headers,
            body,
            attempt,
        }
    }
}

/// Reads the body, refusing more than `limit` bytes without allocating them up front.
pub(crate) async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<Bytes, Error> {
    let too_large = || {
        Error::new(
            ErrorKind::Decode,
            format!("the response body is larger than the limit of {limit} bytes"),
        )
    };
    let declared = response.content_length();
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    let failed = |e: reqwest::Error| {
        Error::new(
            ErrorKind::Transport,
            "the connection failed while reading the response body",
        )
        .with_source(e)
    };
    // Most answers arrive in one chunk: hand that chunk out as it is, without a copy.
    let Some(first) = response.chunk().await.map_err(failed)? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(too_large());
    }
    let Some(second) = response.chunk().await.map_err(failed)? else {
        return Ok(first);
    };
    let mut buf = BytesMut::with_capacity(declared.unwrap_or(0).min(64 * 1024) as usize);
    let mut next = Some(second);
    buf.extend_from_slice(&first);
    while let Some(chunk) = next {
        if buf.len() + chunk.len() > limit {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
        next = response.chunk().await.map_err(failed)?;
    }
    Ok(buf.freeze())
}

impl<A: fmt::Debug> fmt::Debug for Api<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &*self.inner;
        f.debug_struct("Api")
            .field("name", &s.spec.name)
            .field("authorization", &s.spec.authorization)
            .field("base_url", &s.base.as_ref().map(BaseUrl::as_string))
            .field("auth", &s.auth)
            .field("default_headers", &debug_headers(&s.default_headers))
            .field("interceptors", &s.interceptors.len())
            .field("retry", &s.retry)
            .field("timeout", &s.timeout)
            .field("attempt_timeout", &s.attempt_timeout)
            .field("clock", &s.clock)
            .field("max_redirects", &s.max_redirects)
            .finish()
    }
}

struct Parts {
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    default_headers: HeaderMap,
    interceptors: Vec<Arc<dyn Interceptor>>,
    max_response_bytes: usize,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    max_redirects: u32,
}

/// Builds an endpoint client with other settings: `PetsApi::builder(creds).base_url(..).build()?`.
#[must_use = "call .build() to get the client"]
pub struct ApiBuilder<E: Endpoint> {
    auth: E::Auth,
    parts: Parts,
    error: Option<Error>,
}

impl<E: Endpoint> ApiBuilder<E> {
    /// A builder with the config's settings and `auth`.
    pub fn new(auth: E::Auth) -> Self {
        ApiBuilder {
            auth,
            parts: Parts {
                base_url: None,
                http: None,
                default_headers: HeaderMap::new(),
                interceptors: Vec::new(),
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
                timeout: None,
                attempt_timeout: None,
                connect_timeout: None,
                retry: RetryPolicy::default(),
                clock: Arc::new(SystemClock),
                max_redirects: 0,
            },
            error: None,
        }
    }

    /// Sends requests to `url` instead of the config's endpoint (a staging stage, a local
    /// stand-in). The stage path is part of it: `http://127.0.0.1:8080/dev`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.parts.base_url = Some(url.into());
        self
    }

    /// Uses this HTTP client (proxies, TLS roots, pools). Keep redirects off on it
    /// (`redirect::Policy::none()`), or secret headers may follow a redirect. It brings its own
    /// connect timeout: [`ApiBuilder::connect_timeout`] does not change it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.parts.http = Some(client);
        self
    }

    /// A header sent with every request; a per-request header of the same name replaces it.
    pub fn default_header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(k), Ok(v)) => {
                self.parts.default_headers.insert(k, v);
            }
            _ => {
                self.error.get_or_insert(Error::new(
                    ErrorKind::Config,
                    "invalid default header name or value",
                ));
            }
        }
        self
    }

    /// Adds an interceptor; they run in the order added, after headers, before signing, once
    /// per attempt (see [`Interceptor`]).
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.parts.interceptors.push(Arc::new(interceptor));
        self
    }

    /// The largest response body to read (default 16 MiB); a larger one is a
    /// [`ErrorKind::Decode`] error and is never allocated in full.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.parts.max_response_bytes = limit;
        self
    }

    /// A total time limit for every request of this client: it covers every attempt and the
    /// waits between them. Running out is an [`ErrorKind::Timeout`] error. A request may set
    /// its own ([`RequestBuilder::timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.parts.timeout = Some(timeout);
        self
    }

    /// A time limit for each attempt of every request; an attempt that runs out is an
    /// [`ErrorKind::Timeout`] error and is retried like a transport failure.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.parts.attempt_timeout = Some(timeout);
        self
    }

    /// How long to wait for a TCP (and TLS) connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    /// Applies to the client this builder makes; a client given with
    /// [`ApiBuilder::http_client`] keeps its own setting. A connect timeout is an
    /// [`ErrorKind::Timeout`] error, retried for every method (nothing reached the server).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.parts.connect_timeout = Some(timeout);
        self
    }

    /// How requests are retried ([`RetryPolicy::default`]: 3 attempts); a request may set its
    /// own ([`RequestBuilder::retry`]). [`RetryPolicy::disabled`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.parts.retry = policy;
        self
    }

    /// Follows up to `max_hops` redirects (301, 302, 303, 307, 308 with a `Location`) instead of
    /// returning them as a [`crate::Response`] (the default, `0`). After `max_hops`, the last
    /// 3xx is returned.
    ///
    /// - To the endpoint's own origin (scheme, host, port): the whole pipeline runs again for
    ///   the new URL: auth headers, interceptors, a fresh SigV4 signature.
    /// - To any other origin: the request goes without the auth mode, without interceptors and
    ///   unsigned, and none of `authorization`, `x-api-key`, `x-amz-security-token`, `cookie`,
    ///   `proxy-authorization` or any `x-amz-*` header goes along (not even one the caller
    ///   set); the caller's other headers and the body do.
    ///
    /// A 303, or a 301/302 answering a `POST`, is followed with a `GET` without body.
    pub fn follow_redirects(mut self, max_hops: u32) -> Self {
        self.parts.max_redirects = max_hops;
        self
    }

    /// The clock signing time is read from (default: the system clock).
    ///
    /// Clock skew: when the endpoint refuses a signature as expired or not yet valid and its
    /// `Date` header is 5 minutes or more away from this clock, the client remembers the
    /// difference, signs with the endpoint's time from then on, and sends the refused request
    /// once more (for every method: a refused signature means nothing was done). That re-send
    /// does not count against the [`RetryPolicy`].
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.parts.clock = Arc::new(clock);
        self
    }

    /// The client; fails on an invalid base URL or header.
    pub fn build(self) -> Result<E, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let spec = E::SPEC;
        let base = BaseUrl::parse(self.parts.base_url.as_deref().unwrap_or(spec.endpoint))?;
        let http = match self.parts.http {
            Some(c) => c,
            None => default_http_client(self.parts.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))?,
        };
        Ok(E::from_api(Api {
            inner: Arc::new(Shared {
                spec,
                base: Ok(base),
                auth: self.auth,
                http,
                default_headers: self.parts.default_headers,
                interceptors: self.parts.interceptors,
                max_response_bytes: self.parts.max_response_bytes,
                timeout: self.parts.timeout,
                attempt_timeout: self.parts.attempt_timeout,
                retry: self.parts.retry,
                clock: self.parts.clock,
                skew: SkewOffset::default(),
                max_redirects: self.parts.max_redirects,
            }),
        }))
    }
}

impl<E: Endpoint<Auth = crate::auth::ApiKey>> ApiBuilder<E> {
    /// Sends this API key instead of the config's (a staging key, one from a secret store).
    pub fn api_key(mut self, key: impl AsRef<str>) -> Self {
        self.auth = crate::auth::ApiKey::new(key);
        self
    }
}

impl<E: Endpoint> fmt::Debug for ApiBuilder<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiBuilder")
            .field("endpoint", &E::SPEC.name)
            .field("base_url", &self.parts.base_url)
            .finish_non_exhaustive()
    }
}
