//! Shared pieces of the examples: the generated clients (build-script way) and a tiny local
//! stand-in for API Gateway that answers every request with what went over the wire.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The clients `build.rs` generated from `amplifyconfiguration.json`.
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/amplifyconfiguration.rs"));
}

/// Starts the stand-in on a free loopback port; returns its base URL (`http://127.0.0.1:PORT`).
///
/// Each answer is `200` with a JSON body `{"wire": "<the request as received>"}`.
pub async fn start_stand_in() -> std::io::Result<String> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                // A broken connection only ends that connection.
                let _ = answer(stream).await;
            });
        }
    });
    Ok(format!("http://{addr}"))
}

async fn answer(mut stream: TcpStream) -> std::io::Result<()> {
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    // Read the head, then as much body as Content-Length says.
    let head_end = loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        received.extend_from_slice(&buf[..n]);
        if let Some(i) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if received.len() > 64 * 1024 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0)
        .min(1024 * 1024);
    while received.len() < head_end + length {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        received.extend_from_slice(&buf[..n]);
    }
    let wire = String::from_utf8_lossy(&received).into_owned();
    let body = serde_json::json!({ "wire": wire }).to_string();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
