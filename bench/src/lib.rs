//! Benchmarks of amplify-rest and the side-by-side comparison harness (`--bin compare`).
//!
//! What is measured, how, and the numbers of a recorded run: `BENCHMARKS.md` at the root.
//! This library holds what the benches and the harness share: the local HTTP server, the
//! configs made by code, the hand-written reqwest + aws-sigv4 client, moto, and statistics.

pub mod configs;
pub mod handwritten;
pub mod moto;
pub mod server;
pub mod stats;

/// The workspace root (where `.venv` and `bench/` are).
pub fn workspace_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Polls a future that never waits (signing with static credentials) to its end.
///
/// # Panics
/// When the future is not ready at the first poll.
pub fn now_or_never<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the future waited; expected one that is ready at once"),
    }
}
