//! Load run against the stand-in API Gateway: mixed auth modes (`AWS_IAM` — every signature
//! recomputed by botocore in the gateway —, `API_KEY`, `AMAZON_COGNITO_USER_POOLS` with a moto
//! user's token, verified by PyJWT), a fixed number of requests at a fixed concurrency. Prints
//! one JSON object: requests, errors, signature failures, duration, latency percentiles and the
//! process's peak RSS (`VmHWM`) after the first 1,000 requests and at the end.
//!
//! ```sh
//! ./scripts/test.sh --servers-only > /tmp/servers.txt 2>&1 &
//! eval "$(grep '^export' /tmp/servers.txt)"
//! cargo run --release -p amplify-rest-tests --bin load -- --requests 20000 --concurrency 128
//! ```
//!
//! Exit status 0 only when every request succeeded.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use amplify_rest::ErrorKind;
use amplify_rest::auth::{Cognito, Credentials};
use amplify_rest_tests::moto::{self, PASSWORD};
use amplify_rest_tests::servers;
use serde_json::{Value, json};

#[amplify_rest::amplify_rest(config = "fixtures/configs/all-modes.json")]
mod api {
    pub struct PetsApi;
    #[endpoint("publicCatalog")]
    pub struct Catalog;
}

#[amplify_rest::amplify_rest(config = "fixtures/e2e/cognito.json")]
mod cup {
    pub struct OrdersApi;
}

/// The peak resident set size of this process so far (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct Args {
    requests: u64,
    concurrency: usize,
    checkpoint: u64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        requests: 20_000,
        concurrency: 128,
        checkpoint: 1_000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or(format!("{name} needs a number"))
        };
        match flag.as_str() {
            "--requests" => a.requests = value("--requests")?,
            "--concurrency" => a.concurrency = value("--concurrency")? as usize,
            "--checkpoint" => a.checkpoint = value("--checkpoint")?,
            "-h" | "--help" => {
                return Err("usage: load [--requests N] [--concurrency C] [--checkpoint K]".into());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if a.concurrency == 0 {
        return Err("--concurrency must be at least 1".into());
    }
    Ok(a)
}

#[derive(Default)]
struct Tally {
    done: AtomicU64,
    errors: AtomicU64,
    signature_failures: AtomicU64,
    rss_at_checkpoint: AtomicU64,
    latencies_us: Mutex<Vec<u32>>,
    first_errors: Mutex<Vec<String>>,
}

#[tokio::main]
async fn main() {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let gateway = servers::gateway();

    let pool = moto::UserPool::create(&format!("load{}", std::process::id()), false).await;
    let auth = Cognito::builder()
        .user_pool(&pool.id, &pool.client_id)
        .user_pool_url(servers::moto())
        .build()
        .expect("cognito");
    auth.sign_in(&pool.user, PASSWORD).await.expect("sign in");

    let iam = api::PetsApi::builder(Credentials::new(
        "AKIDEXAMPLESTATIC",
        "static-secret-key-for-tests",
        Some("load-session-token".into()),
        None,
    ))
    .base_url(format!("{gateway}/iam/us-west-2/dev"))
    .build()
    .expect("IAM client");
    let api_key = api::Catalog::builder()
        .base_url(format!("{gateway}/apikey/prod"))
        .build()
        .expect("API key client");
    let user_pool = cup::OrdersApi::builder(&auth)
        .base_url(format!("{gateway}/cup/{}/{}/dev", pool.id, pool.client_id))
        .build()
        .expect("user pool client");

    let rss_start = peak_rss_kib();
    let next = Arc::new(AtomicU64::new(0));
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency {
        let (next, tally) = (Arc::clone(&next), Arc::clone(&tally));
        let (iam, api_key, user_pool) = (iam.clone(), api_key.clone(), user_pool.clone());
        let (total, checkpoint) = (args.requests, args.checkpoint);
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let sent = Instant::now();
                let (mode, result) = match i % 3 {
                    0 => (
                        "iam",
                        iam.post(format!("/pets/{i}")).json(&json!({"n": i})).send().await,
                    ),
                    1 => (
                        "api_key",
                        api_key.get("/items").query("i", i.to_string()).send().await,
                    ),
                    _ => ("user_pool", user_pool.get(format!("/orders/{i}")).send().await),
                };
                let micros = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
                tally
                    .latencies_us
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(micros);
                let failure = match result {
                    Ok(r) if r.status().as_u16() == 200 => match r.json::<Value>() {
                        Ok(echo) if echo["auth"].is_object() => None,
                        Ok(echo) => Some(format!("{mode}: no auth in the echo: {echo}")),
                        Err(e) => Some(format!("{mode}: {e}")),
                    },
                    Ok(r) => Some(format!("{mode}: status {}", r.status())),
                    Err(e) => {
                        if mode == "iam"
                            && e.kind() == ErrorKind::Http
                            && e.status().map(|s| s.as_u16()) == Some(403)
                        {
                            tally.signature_failures.fetch_add(1, Ordering::Relaxed);
                        }
                        Some(format!("{mode}: {e}"))
                    }
                };
                if let Some(f) = failure {
                    tally.errors.fetch_add(1, Ordering::Relaxed);
                    let mut first = tally.first_errors.lock().unwrap_or_else(PoisonError::into_inner);
                    if first.len() < 10 {
                        first.push(f);
                    }
                }
                if tally.done.fetch_add(1, Ordering::Relaxed) + 1 == checkpoint {
                    tally.rss_at_checkpoint.store(peak_rss_kib(), Ordering::Relaxed);
                }
            }
        });
    }
    while let Some(r) = workers.join_next().await {
        r.expect("a worker panicked");
    }
    let duration = started.elapsed();
    let rss_end = peak_rss_kib();
    let mut lat = std::mem::take(&mut *tally.latencies_us.lock().unwrap_or_else(PoisonError::into_inner));
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() as f64 - 1.0) * p).round() as usize;
        f64::from(lat[i]) / 1000.0
    };
    let errors = tally.errors.load(Ordering::Relaxed);
    let report = json!({
        "requests": tally.done.load(Ordering::Relaxed),
        "concurrency": args.concurrency,
        "modes": ["AWS_IAM (POST, botocore-verified)", "API_KEY (GET)", "AMAZON_COGNITO_USER_POOLS (GET, PyJWT-verified)"],
        "errors": errors,
        "signature_failures": tally.signature_failures.load(Ordering::Relaxed),
        "first_errors": *tally.first_errors.lock().unwrap_or_else(PoisonError::into_inner),
        "duration_s": (duration.as_secs_f64() * 100.0).round() / 100.0,
        "requests_per_s": (tally.done.load(Ordering::Relaxed) as f64 / duration.max(Duration::from_millis(1)).as_secs_f64()).round(),
        "latency_ms": {"p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0)},
        "peak_rss_kib": {
            "before": rss_start,
            "after_checkpoint": tally.rss_at_checkpoint.load(Ordering::Relaxed),
            "checkpoint": args.checkpoint,
            "end": rss_end,
        },
    });
    println!("{report}");
    if errors > 0 {
        std::process::exit(1);
    }
}
