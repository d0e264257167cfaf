//! A minimal HTTP/1.1 server on loopback: every request gets `200` and a short JSON body.
//! It stands for API Gateway in the request-path comparison, so it must cost little and the
//! same for every client.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// The body of every answer.
pub const BODY: &[u8] = br#"{"id":7,"name":"Rex","ok":true}"#;

/// A running server. It runs on its own threads (a 2-worker tokio runtime) until the process
/// ends.
#[derive(Debug)]
pub struct Server {
    url: String,
    requests: Arc<AtomicU64>,
}

impl Server {
    /// Starts the server on a free loopback port.
    ///
    /// # Panics
    /// When no loopback port can be bound or the runtime cannot start.
    pub fn start() -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let requests = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&requests);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("bench-server")
            .enable_all()
            .build()
            .expect("server runtime");
        std::thread::Builder::new()
            .name("bench-server-accept".into())
            .spawn(move || runtime.block_on(serve(listener, counter)))
            .expect("server thread");
        Server { url, requests }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many requests were answered so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

async fn serve(listener: std::net::TcpListener, requests: Arc<AtomicU64>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let requests = Arc::clone(&requests);
        tokio::spawn(async move {
            let service = service_fn(move |_: hyper::Request<Incoming>| {
                requests.fetch_add(1, Ordering::Relaxed);
                let mut answer = hyper::Response::new(Full::new(Bytes::from_static(BODY)));
                answer.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/json"),
                );
                std::future::ready(Ok::<_, Infallible>(answer))
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
