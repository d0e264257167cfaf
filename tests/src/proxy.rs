//! A small HTTP/1.1 proxy on loopback for tests: counts Cognito operations (`x-amz-target`) on
//! their way to moto, can change a request in flight (tampering tests), answer in the
//! upstream's place with a [`Fault`] (500s, malformed or truncated bodies, resets, a hung
//! connection), and rewrite the upstream's answers ([`ProxyBuilder::rewrite`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use amplify_rest::reqwest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the proxy received it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query, as on the wire.
    pub target: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// An upstream answer as the proxy will send it on (see [`ProxyBuilder::rewrite`]).
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values (without `content-length`, which the proxy sets).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// What the proxy does instead of forwarding a request (see [`ProxyBuilder::fault`]).
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answers with this status, these headers and this body (`content-length` is added).
    Answer(RawResponse),
    /// Writes these bytes as the whole answer (status line, headers, body: anything), then
    /// closes the connection.
    Raw(Vec<u8>),
    /// Writes these bytes, then resets the connection (TCP RST) without a proper end.
    RawThenReset(Vec<u8>),
    /// Never answers: keeps the connection open until the client gives up.
    Hang,
}

impl Fault {
    /// An answer with `status`, a JSON `content-type` and `body`.
    pub fn json(status: u16, body: &str) -> Fault {
        Fault::Answer(RawResponse {
            status,
            headers: vec![("content-type".into(), "application/x-amz-json-1.1".into())],
            body: body.as_bytes().to_vec(),
        })
    }

    /// A Cognito-style error answer: `status`, `x-amzn-errortype` and `{"__type", "message"}`.
    pub fn aws_error(status: u16, name: &str, message: &str) -> Fault {
        Fault::Answer(RawResponse {
            status,
            headers: vec![
                ("content-type".into(), "application/x-amz-json-1.1".into()),
                ("x-amzn-errortype".into(), name.into()),
            ],
            body: serde_json::json!({"__type": name, "message": message})
                .to_string()
                .into_bytes(),
        })
    }
}

type Transform = dyn Fn(&mut RawRequest) + Send + Sync;
type FaultFn = dyn Fn(&RawRequest) -> Option<Fault> + Send + Sync;
type Rewrite = dyn Fn(&RawRequest, &mut RawResponse) + Send + Sync;

/// Builds a [`Proxy`] with request transforms, faults and answer rewrites.
#[must_use = "call .start()"]
pub struct ProxyBuilder {
    upstream: String,
    transform: Arc<Transform>,
    fault: Arc<FaultFn>,
    rewrite: Arc<Rewrite>,
}

impl std::fmt::Debug for ProxyBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyBuilder")
            .field("upstream", &self.upstream)
            .finish_non_exhaustive()
    }
}

impl ProxyBuilder {
    /// Changes each request before it is forwarded (after it was counted).
    pub fn transform(mut self, f: impl Fn(&mut RawRequest) + Send + Sync + 'static) -> Self {
        self.transform = Arc::new(f);
        self
    }

    /// Decides per request (after it was counted, before the transform) whether to answer with
    /// a [`Fault`] instead of forwarding it; `None` forwards.
    pub fn fault(mut self, f: impl Fn(&RawRequest) -> Option<Fault> + Send + Sync + 'static) -> Self {
        self.fault = Arc::new(f);
        self
    }

    /// Changes each upstream answer before it is sent on.
    pub fn rewrite(mut self, f: impl Fn(&RawRequest, &mut RawResponse) + Send + Sync + 'static) -> Self {
        self.rewrite = Arc::new(f);
        self
    }

    /// Starts the proxy on a free loopback port.
    pub async fn start(self) -> Proxy {
        Proxy::spawn(self).await
    }
}

/// What one connection's task needs.
struct Hooks {
    client: reqwest::Client,
    upstream: String,
    counts: Arc<Mutex<HashMap<String, Vec<Vec<u8>>>>>,
    transform: Arc<Transform>,
    fault: Arc<FaultFn>,
    rewrite: Arc<Rewrite>,
}

/// A running proxy; it stops when the test's runtime ends.
#[derive(Clone)]
pub struct Proxy {
    url: String,
    counts: Arc<Mutex<HashMap<String, Vec<Vec<u8>>>>>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy").field("url", &self.url).finish()
    }
}

impl Proxy {
    /// Forwards everything to `upstream` unchanged, counting operations.
    pub async fn start(upstream: &str) -> Proxy {
        Self::start_with(upstream, |_| {}).await
    }

    /// Forwards to `upstream` after `transform` has changed each request. The `host` header is
    /// forwarded as the client sent it, so signatures over it stay valid.
    pub async fn start_with(
        upstream: &str,
        transform: impl Fn(&mut RawRequest) + Send + Sync + 'static,
    ) -> Proxy {
        Self::builder(upstream).transform(transform).start().await
    }

    /// A builder for a proxy to `upstream` that can also fault and rewrite answers.
    pub fn builder(upstream: &str) -> ProxyBuilder {
        ProxyBuilder {
            upstream: upstream.trim_end_matches('/').to_owned(),
            transform: Arc::new(|_| {}),
            fault: Arc::new(|_| None),
            rewrite: Arc::new(|_, _| {}),
        }
    }

    async fn spawn(b: ProxyBuilder) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let hooks = Arc::new(Hooks {
            client,
            upstream: b.upstream,
            counts: Arc::clone(&counts),
            transform: b.transform,
            fault: b.fault,
            rewrite: b.rewrite,
        });
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let hooks = Arc::clone(&hooks);
                tokio::spawn(async move {
                    let _ = serve(stream, &hooks).await;
                });
            }
        });
        Proxy { url, counts }
    }

    /// The proxy's base URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many requests named `operation` (the part of `x-amz-target` after the dot) passed.
    pub fn count(&self, operation: &str) -> usize {
        self.bodies(operation).len()
    }

    /// The bodies of the requests named `operation`, oldest first.
    pub fn bodies(&self, operation: &str) -> Vec<Vec<u8>> {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(operation)
            .cloned()
            .unwrap_or_default()
    }
}

async fn serve(mut stream: TcpStream, hooks: &Hooks) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    loop {
        let Some(mut request) = read_request(&mut stream, &mut buffer).await? else {
            return Ok(());
        };
        if let Some((_, target)) = request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
        {
            let operation = target.rsplit('.').next().unwrap_or(target).to_owned();
            hooks
                .counts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(operation)
                .or_default()
                .push(request.body.clone());
        }
        match (hooks.fault)(&request) {
            None => {}
            Some(Fault::Answer(answer)) => {
                write_answer(&mut stream, &answer).await?;
                continue;
            }
            Some(Fault::Raw(bytes)) => {
                stream.write_all(&bytes).await?;
                stream.shutdown().await?;
                return Ok(());
            }
            Some(Fault::RawThenReset(bytes)) => {
                stream.write_all(&bytes).await?;
                stream.flush().await?;
                // A zero linger makes the close an RST; it never blocks.
                stream.set_zero_linger()?;
                return Ok(());
            }
            Some(Fault::Hang) => {
                // Wait until the client hangs up (reads return 0 or fail).
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                return Ok(());
            }
        }
        (hooks.transform)(&mut request);
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut builder = hooks
            .client
            .request(method, format!("{}{}", hooks.upstream, request.target));
        for (k, v) in &request.headers {
            if !matches!(k.to_ascii_lowercase().as_str(), "content-length" | "connection") {
                builder = builder.header(k.as_str(), v.as_str());
            }
        }
        let answer = match builder.body(request.body.clone()).send().await {
            Ok(r) => r,
            Err(_) => {
                stream
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                    .await?;
                continue;
            }
        };
        let status = answer.status().as_u16();
        let headers = answer
            .headers()
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "content-length" | "transfer-encoding" | "connection"))
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let body = answer.bytes().await.unwrap_or_default().to_vec();
        let mut answer = RawResponse {
            status,
            headers,
            body,
        };
        (hooks.rewrite)(&request, &mut answer);
        write_answer(&mut stream, &answer).await?;
    }
}

async fn write_answer(stream: &mut TcpStream, answer: &RawResponse) -> std::io::Result<()> {
    let reason = reqwest::StatusCode::from_u16(answer.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", answer.status);
    for (k, v) in &answer.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", answer.body.len()));
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&answer.body).await
}

/// Reads one request (head and `content-length` body); `None` at the end of the connection.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<Option<RawRequest>> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or("/").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[head_end..head_end + length].to_vec();
    buffer.drain(..head_end + length);
    Ok(Some(RawRequest {
        method,
        target,
        headers,
        body,
    }))
}
