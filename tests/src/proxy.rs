//! A small HTTP/1.1 proxy on loopback for tests: counts Cognito operations (`x-amz-target`) on
//! their way to moto, and can change a request in flight (tampering tests).

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

type Transform = dyn Fn(&mut RawRequest) + Send + Sync;

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
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let upstream = upstream.trim_end_matches('/').to_owned();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let transform: Arc<Transform> = Arc::new(transform);
        let task_counts = Arc::clone(&counts);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (client, upstream, counts, transform) = (
                    client.clone(),
                    upstream.clone(),
                    Arc::clone(&task_counts),
                    Arc::clone(&transform),
                );
                tokio::spawn(async move {
                    let _ = serve(stream, &client, &upstream, &counts, &*transform).await;
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

async fn serve(
    mut stream: TcpStream,
    client: &reqwest::Client,
    upstream: &str,
    counts: &Mutex<HashMap<String, Vec<Vec<u8>>>>,
    transform: &Transform,
) -> std::io::Result<()> {
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
            counts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(operation)
                .or_default()
                .push(request.body.clone());
        }
        transform(&mut request);
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut builder = client.request(method, format!("{upstream}{}", request.target));
        for (k, v) in &request.headers {
            if !matches!(k.to_ascii_lowercase().as_str(), "content-length" | "connection") {
                builder = builder.header(k.as_str(), v.as_str());
            }
        }
        let answer = match builder.body(request.body).send().await {
            Ok(r) => r,
            Err(_) => {
                stream
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                    .await?;
                continue;
            }
        };
        let status = answer.status();
        let headers = answer.headers().clone();
        let body = answer.bytes().await.unwrap_or_default();
        let mut head = format!(
            "HTTP/1.1 {} {}\r\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        );
        for (k, v) in &headers {
            if !matches!(k.as_str(), "content-length" | "transfer-encoding" | "connection") {
                head.push_str(&format!("{k}: {}\r\n", v.to_str().unwrap_or("")));
            }
        }
        head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&body).await?;
    }
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
