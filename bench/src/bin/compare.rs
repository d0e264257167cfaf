//! The side-by-side comparison harness of amplify-rest; prints the tables of `BENCHMARKS.md`.
//!
//! ```sh
//! cargo run --release -p amplify-rest-bench --bin compare            # the full run (~6 min)
//! cargo run --release -p amplify-rest-bench --bin compare -- --quick # fewer, smaller rounds
//! ```
//!
//! Everything runs on loopback. Every variant of a measurement runs in every round, in a
//! rotating order, so a burst of load from elsewhere on the machine hits all of them; the
//! tables show medians over rounds, and ratios are taken within a round before the median.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use amplify_rest::auth::{Credentials, Iam, sign_for_benchmark};
use amplify_rest::cognito::IdentityPool;
use amplify_rest::config::IdentityPoolConfig;
use amplify_rest::{AuthorizationType, EndpointSpec, ManualClock, SecretString};
use amplify_rest_bench::configs::{Names, plugin_config, plugin_config_named};
use amplify_rest_bench::handwritten::{
    self, ACCESS_KEY_ID, Failure, HandWritten, SECRET_ACCESS_KEY, SESSION_TOKEN,
};
use amplify_rest_bench::moto::Moto;
use amplify_rest_bench::server::Server;
use amplify_rest_bench::stats::{Sample, Summary, median, process_cpu_time, range};
use amplify_rest_bench::{now_or_never, workspace_root};
use amplify_rest_codegen::Generator;
use amplify_rest_tests::proxy::Proxy;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use tokio::task::JoinSet;

#[amplify_rest::amplify_rest(config = "bench-config.json")]
mod api {
    pub struct IamApi;
    pub struct KeyApi;
}

/// The path every request-path variant asks for, under the stage `/dev`.
const PATH: &str = "/pets/7";

/// The system allocator, counting allocations (and bytes) while [`COUNTING`] is on: the
/// "allocations per request" table. Off, it costs one relaxed load per allocation.
struct CountingAllocator;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

fn count(size: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED_BYTES.fetch_add(size as u64, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed on to `System` unchanged; counting touches only atomics.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const USAGE: &str = "\
usage: compare [--quick] [--rounds N] [--requests N] [--no-python] [--no-moto] [--only LETTERS]

  --quick        3 rounds of smaller batches (a quick look; the recorded numbers use the default)
  --rounds N     rounds of every measurement (default 5)
  --requests N   requests per batch at concurrency 64 (default 12800; concurrency 1 uses N/8;
                 the Python peer N/20 and N/40)
  --no-python    skip row (f)
  --no-moto      skip row (e) and the contention measurement
  --only LETTERS request-path rows to run, e.g. `cd` (for profiling); skips the other sections";

#[derive(Debug, Clone)]
struct Options {
    rounds: usize,
    requests: usize,
    python: bool,
    moto: bool,
    only: Option<String>,
}

impl Options {
    fn from_args() -> Result<Options, String> {
        let mut o = Options {
            rounds: 5,
            requests: 12_800,
            python: true,
            moto: true,
            only: None,
        };
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            let mut number = |what: &str| {
                args.next()
                    .and_then(|v| v.parse::<usize>().ok())
                    .filter(|v| *v > 0)
                    .ok_or_else(|| format!("{what} needs a positive number\n{USAGE}"))
            };
            match a.as_str() {
                "--quick" => {
                    o.rounds = 3;
                    o.requests = 6_400;
                }
                "--rounds" => o.rounds = number("--rounds")?,
                "--requests" => o.requests = number("--requests")?.max(64),
                "--no-python" => o.python = false,
                "--no-moto" => o.moto = false,
                "--only" => {
                    o.only = Some(
                        args.next()
                            .ok_or_else(|| format!("--only needs letters\n{USAGE}"))?,
                    )
                }
                // `cargo bench` passes this to every target.
                "--bench" => {}
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            }
        }
        Ok(o)
    }
}

fn main() -> ExitCode {
    let options = match Options::from_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let root = workspace_root();
    println!("# amplify-rest comparison ({} rounds)\n", options.rounds);
    println!(
        "machine: {} cores; date: {}\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        date()
    );
    if options.only.is_none() {
        generator_scale(options.rounds);
        signing(options.rounds);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the client runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(network(&root, &options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compare: {e}");
            ExitCode::FAILURE
        }
    }
}

fn date() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "?".to_owned(), |s| s.trim().to_owned())
}

fn progress(what: &str) {
    eprintln!("compare: {what}");
}

// ------------------------------------------------------------------ generator scale

fn generator_scale(rounds: usize) {
    progress("generator scale");
    let generator = Generator::new();
    println!("## Generator scale (configs made by code; median of runs)\n");
    println!(
        "| endpoints | parse+generate+format (`Generator::source`) | per endpoint | same, names of 4–45 bytes | parse+tokens (the macro's work) | lines | lines per endpoint |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut per_endpoint = HashMap::new();
    for n in [10usize, 100, 1000, 5000] {
        let text = plugin_config(n);
        let varied_text = plugin_config_named(n, Names::Varied);
        let runs = (20_000 / n).clamp(rounds.max(3), 200);
        let mut full = Vec::with_capacity(runs);
        let mut varied = Vec::with_capacity(runs);
        let mut tokens = Vec::with_capacity(runs);
        let mut lines = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let config = generator
                .parse("amplifyconfiguration.json", &text)
                .expect("generated configs are valid");
            let source = generator.source(&config);
            full.push(t.elapsed().as_secs_f64());
            lines = source.lines().count();
            let t = Instant::now();
            let config = generator
                .parse("amplifyconfiguration.json", &varied_text)
                .expect("generated configs are valid");
            std::hint::black_box(generator.source(&config));
            varied.push(t.elapsed().as_secs_f64());
            let t = Instant::now();
            let config = generator
                .parse("amplifyconfiguration.json", &text)
                .expect("generated configs are valid");
            std::hint::black_box(generator.tokens(&config));
            tokens.push(t.elapsed().as_secs_f64());
        }
        let (full, varied, tokens) = (median(full), median(varied), median(tokens));
        per_endpoint.insert(n, full / n as f64);
        println!(
            "| {n} | {} | {:.1} µs | {} | {} | {lines} | {:.1} |",
            ms(full),
            full / n as f64 * 1e6,
            ms(varied),
            ms(tokens),
            lines as f64 / n as f64
        );
    }
    let growth = per_endpoint[&5000] / per_endpoint[&1000];
    println!(
        "\nGrowth: time per endpoint at 5,000 / at 1,000 = {growth:.2} (1.00 = linear). Target 1,000 endpoints < 100 ms: see the 1000 row.\n"
    );
}

fn ms(secs: f64) -> String {
    if secs >= 0.1 {
        format!("{:.0} ms", secs * 1e3)
    } else {
        format!("{:.2} ms", secs * 1e3)
    }
}

// ------------------------------------------------------------------ signing

fn signing(rounds: usize) {
    progress("signing");
    const SPEC: EndpointSpec = EndpointSpec::new(
        "iamApi",
        "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev",
        Some(handwritten::REGION),
        AuthorizationType::AwsIam,
    );
    let url = reqwest::Url::parse(
        "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev/pets/7?full=1&tag=a%20b",
    )
    .expect("url");
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("user-agent", HeaderValue::from_static("amplify-rest/0.1.0"));
    headers.insert("x-trace", HeaderValue::from_static("bench-0001"));
    let identity = handwritten::identity();
    let iam = Iam::new(static_credentials());
    let now = SystemTime::now();
    println!(
        "## Signing (one POST; ours = credentials from the provider + SigV4, as the pipeline runs it)\n"
    );
    println!("| body | aws-sigv4 direct | amplify-rest | overhead | target |");
    println!("|---|---:|---:|---:|---|");
    for (label, body, iterations) in [
        (
            "small (31 B)",
            Bytes::from_static(br#"{"name":"Rex","tags":["a","b"]}"#),
            4000,
        ),
        ("1 MiB", Bytes::from(vec![b'x'; 1 << 20]), 40),
    ] {
        let direct = || {
            let mut h = headers.clone();
            let u = url.clone();
            handwritten::sign_direct(&Method::POST, u.as_str(), &mut h, &body, &identity, now)
                .expect("signed");
            std::hint::black_box(h);
        };
        let ours = || {
            let signed = now_or_never(sign_for_benchmark(
                &iam,
                &SPEC,
                Method::POST,
                url.clone(),
                headers.clone(),
                body.clone(),
                now,
            ))
            .expect("signed");
            std::hint::black_box(signed);
        };
        let time = |f: &dyn Fn()| {
            let t = Instant::now();
            for _ in 0..iterations {
                f();
            }
            t.elapsed().as_secs_f64() / iterations as f64
        };
        time(&direct);
        time(&ours);
        let mut d = Vec::new();
        let mut o = Vec::new();
        let mut ratios = Vec::new();
        for round in 0..rounds.max(5) * 2 {
            let (a, b) = if round % 2 == 0 {
                let a = time(&direct);
                (a, time(&ours))
            } else {
                let b = time(&ours);
                (time(&direct), b)
            };
            d.push(a);
            o.push(b);
            ratios.push(b / a);
        }
        let overhead = median(ratios) - 1.0;
        println!(
            "| {label} | {} | {} | {:+.1}% | < 10%: {} |",
            duration(median(d)),
            duration(median(o)),
            overhead * 100.0,
            verdict(overhead < 0.10)
        );
    }
    println!();
}

fn duration(secs: f64) -> String {
    if secs >= 1e-3 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{:.2} µs", secs * 1e6)
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn static_credentials() -> Credentials {
    Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        Some(SecretString::new(SESSION_TOKEN)),
        None,
    )
}

// ------------------------------------------------------------------ request path

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Variant {
    Bare,
    HandSigned,
    OursIam,
    OursKey,
    OursCognito,
    Python,
}

const VARIANTS: [Variant; 6] = [
    Variant::Bare,
    Variant::HandSigned,
    Variant::OursIam,
    Variant::OursKey,
    Variant::OursCognito,
    Variant::Python,
];

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Bare => "(a) bare reqwest, unsigned",
            Variant::HandSigned => "(b) reqwest + aws-sigv4 by hand",
            Variant::OursIam => "(c) amplify-rest AWS_IAM, static credentials",
            Variant::OursKey => "(d) amplify-rest API_KEY",
            Variant::OursCognito => "(e) amplify-rest AWS_IAM, cached identity-pool credentials",
            Variant::Python => "(f) Python requests + botocore SigV4Auth",
        }
    }
}

struct Clients {
    url: String,
    bare: reqwest::Client,
    hand: HandWritten,
    iam: api::IamApi,
    key: api::KeyApi,
    cognito: Option<api::IamApi>,
}

impl Clients {
    async fn one(&self, v: Variant) -> Result<(), Failure> {
        match v {
            Variant::Bare => handwritten::bare_get(&self.bare, &self.url).await.map(drop),
            Variant::HandSigned => self.hand.get(&self.url).await.map(drop),
            Variant::OursIam => self.iam.get(PATH).send().await.map(drop).map_err(Into::into),
            Variant::OursKey => self.key.get(PATH).send().await.map(drop).map_err(Into::into),
            Variant::OursCognito => match &self.cognito {
                Some(c) => c.get(PATH).send().await.map(drop).map_err(Into::into),
                None => Err("no identity pool".into()),
            },
            Variant::Python => Err("the Python peer runs in its own process".into()),
        }
    }
}

/// `n` requests of `v` by `concurrency` workers, each sending its share one after another.
async fn drive(clients: &Arc<Clients>, v: Variant, n: usize, concurrency: usize) -> Result<Sample, Failure> {
    let per_worker = n / concurrency;
    let cpu = process_cpu_time();
    let start = Instant::now();
    let mut workers = JoinSet::new();
    for _ in 0..concurrency {
        let clients = Arc::clone(clients);
        workers.spawn(async move {
            let mut latencies = Vec::with_capacity(per_worker);
            for _ in 0..per_worker {
                let t = Instant::now();
                clients.one(v).await?;
                latencies.push(t.elapsed().as_nanos() as u64);
            }
            Ok::<_, Failure>(latencies)
        });
    }
    let mut all = Vec::with_capacity(n);
    while let Some(done) = workers.join_next().await {
        all.extend(done??);
    }
    Ok(Sample::new(start.elapsed(), process_cpu_time() - cpu, all))
}

/// Allocations (and bytes allocated) per request of each variant, client and server together,
/// one request at a time: unlike time, these do not depend on the machine's load.
async fn allocations(clients: &Arc<Clients>, active: &[Variant]) -> Result<(), Failure> {
    const N: usize = 1000;
    println!("## Allocations per request (client and server in this process; {N} requests one at a time)\n");
    println!("| variant | allocations | bytes allocated |");
    println!("|---|---:|---:|");
    for &v in active.iter().filter(|v| **v != Variant::Python) {
        let (allocations, bytes) = (
            ALLOCATIONS.load(Ordering::Relaxed),
            ALLOCATED_BYTES.load(Ordering::Relaxed),
        );
        COUNTING.store(true, Ordering::Relaxed);
        let sent = drive(clients, v, N, 1).await;
        COUNTING.store(false, Ordering::Relaxed);
        sent?;
        let per = |now: u64, before: u64| (now - before) as f64 / N as f64;
        println!(
            "| {} | {:.1} | {:.0} |",
            v.label(),
            per(ALLOCATIONS.load(Ordering::Relaxed), allocations),
            per(ALLOCATED_BYTES.load(Ordering::Relaxed), bytes)
        );
    }
    println!();
    Ok(())
}

/// Row (f): the Python script, in its own process.
async fn python(root: &Path, url: &str, n: usize, concurrency: usize) -> Result<Summary, Failure> {
    let mut command = Command::new(root.join(".venv/bin/python"));
    command
        .arg(root.join("bench/python/requests_sigv4.py"))
        .args([url, &n.to_string(), &concurrency.to_string()])
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("AWS_REGION", handwritten::REGION);
    // The server's share of the CPU: this process does nothing else meanwhile.
    let server_cpu = process_cpu_time();
    let output = tokio::task::spawn_blocking(move || command.output()).await??;
    let server_cpu = (process_cpu_time() - server_cpu).as_secs_f64() * 1e6;
    if !output.status.success() {
        return Err(format!(
            "the Python peer failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let v: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let field = |name: &str| {
        v[name]
            .as_f64()
            .ok_or_else(|| format!("the Python peer printed no `{name}`"))
    };
    Ok(Summary {
        throughput: field("throughput")?,
        p50_us: field("p50_us")?,
        p99_us: field("p99_us")?,
        cpu_us: field("cpu_us")? + server_cpu / field("n")?.max(1.0),
    })
}

/// Per concurrency, per round, each variant's summary.
type Rounds = HashMap<usize, Vec<HashMap<Variant, Summary>>>;

async fn network(root: &Path, options: &Options) -> Result<(), Failure> {
    let server = Server::start();
    let base = format!("{}/dev", server.url());
    let url = format!("{base}{PATH}");

    // Row (e) and the contention measurement need moto.
    let log = std::env::temp_dir().join(format!("amplify-rest-bench-moto-{}.log", std::process::id()));
    let wants_moto = options.only.as_ref().is_none_or(|o| o.contains('e'));
    let moto = if options.moto && wants_moto {
        progress("looking for moto");
        Moto::find_or_start(root, &log)
    } else {
        Err("skipped: --no-moto".to_owned())
    };
    let mut cognito = None;
    let mut cognito_proxy = None;
    let mut skipped = HashMap::new();
    match &moto {
        Ok(moto) => {
            let id = moto
                .create_identity_pool(&format!("bench-{}", std::process::id()))
                .await?;
            let pool_id: &'static str = Box::leak(id.into_boxed_str());
            let proxy = Proxy::start(moto.url()).await;
            let pool = IdentityPool::builder(IdentityPoolConfig::new(pool_id, handwritten::REGION))
                .endpoint_url(proxy.url())
                .build()?;
            cognito = Some(api::IamApi::builder(pool).base_url(&base).build()?);
            cognito_proxy = Some(proxy);
        }
        Err(why) => {
            skipped.insert(Variant::OursCognito, format!("skipped: {why}"));
        }
    }
    let python_ok = root.join(".venv/bin/python").exists();
    if !options.python {
        skipped.insert(Variant::Python, "skipped: --no-python".to_owned());
    } else if !python_ok {
        skipped.insert(
            Variant::Python,
            "skipped: no .venv (run ./scripts/test.sh once)".to_owned(),
        );
    }

    let clients = Arc::new(Clients {
        url: url.clone(),
        bare: handwritten::plain_client()?,
        hand: HandWritten::new()?,
        iam: api::IamApi::builder(static_credentials())
            .base_url(&base)
            .build()?,
        key: api::KeyApi::builder().base_url(&base).build()?,
        cognito,
    });
    if let Some(only) = &options.only {
        for (v, letter) in VARIANTS.into_iter().zip('a'..='f') {
            if !only.contains(letter) {
                skipped.insert(v, "skipped: --only".to_owned());
            }
        }
    }
    let active: Vec<Variant> = VARIANTS
        .into_iter()
        .filter(|v| !skipped.contains_key(v))
        .collect();

    // Warm-up: connections opened, credentials fetched, code paged in.
    progress("warming up");
    for &v in active.iter().filter(|v| **v != Variant::Python) {
        drive(&clients, v, 640, 64).await?;
    }
    if active.contains(&Variant::Python) {
        python(root, &url, 100, 4).await?;
    }
    allocations(&clients, &active).await?;

    let batches = |concurrency: usize, v: Variant| match (concurrency, v) {
        (1, Variant::Python) => (options.requests / 40).max(50),
        (_, Variant::Python) => (options.requests / 20).max(64),
        (1, _) => (options.requests / 8).max(100),
        _ => options.requests,
    };
    let mut results: Rounds = HashMap::new();
    for round in 0..options.rounds {
        for concurrency in [1usize, 64] {
            progress(&format!(
                "request path: round {} of {}, concurrency {concurrency}",
                round + 1,
                options.rounds
            ));
            let mut this = HashMap::new();
            // A rotating order: no variant always runs first or right after Python.
            for i in 0..active.len() {
                let v = active[(i + round) % active.len()];
                let n = batches(concurrency, v);
                let summary = if v == Variant::Python {
                    python(root, &url, n, concurrency).await?
                } else {
                    Summary::from(&drive(&clients, v, n, concurrency).await?)
                };
                this.insert(v, summary);
            }
            results.entry(concurrency).or_default().push(this);
        }
    }
    let identity_calls = cognito_proxy
        .as_ref()
        .map(|p| p.count("GetCredentialsForIdentity"));
    report_requests(&results, &skipped, options, identity_calls);

    match &moto {
        _ if options.only.is_some() => {}
        Ok(moto) => contention(moto, &base, options.rounds.min(5)).await?,
        Err(why) => println!("## Credentials under contention\n\nskipped: {why}\n"),
    }
    println!(
        "(the local server answered {} requests in all)",
        server.requests()
    );
    Ok(())
}

fn report_requests(
    results: &Rounds,
    skipped: &HashMap<Variant, String>,
    options: &Options,
    identity_calls: Option<usize>,
) {
    println!(
        "## Request path (GET {PATH} on a local hyper server, 200 + {}-byte JSON; medians of {} interleaved rounds)\n",
        amplify_rest_bench::server::BODY.len(),
        options.rounds
    );
    println!(
        "Batches: {} requests at concurrency 64, {} at concurrency 1 (Python: {} and {}).\n",
        options.requests,
        (options.requests / 8).max(100),
        (options.requests / 20).max(64),
        (options.requests / 40).max(50)
    );
    println!("| variant | concurrency | req/s | p50 µs | p99 µs | CPU µs/req |");
    println!("|---|---:|---:|---:|---:|---:|");
    for v in VARIANTS {
        for concurrency in [1usize, 64] {
            if let Some(why) = skipped.get(&v) {
                println!("| {} | {concurrency} | {why} | | | |", v.label());
                continue;
            }
            let rounds = &results[&concurrency];
            let get = |f: fn(&Summary) -> f64| median(rounds.iter().filter_map(|r| r.get(&v)).map(f));
            println!(
                "| {} | {concurrency} | {:.0} | {:.1} | {:.1} | {:.1} |",
                v.label(),
                get(|s| s.throughput),
                get(|s| s.p50_us),
                get(|s| s.p99_us),
                get(|s| s.cpu_us)
            );
        }
    }
    if let Some(calls) = identity_calls {
        println!(
            "\nRow (e) made {calls} GetCredentialsForIdentity call(s) over all its rounds (moto's credentials live 90 s; they are renewed a quarter of that early)."
        );
    }
    println!("\nRatios (within each round, then the median; the range over rounds in brackets):\n");
    println!("| ratio | concurrency 1 | concurrency 64 | target |");
    println!("|---|---:|---:|---|");
    let ratio = |concurrency: usize, x: Variant, y: Variant, f: fn(&Summary, &Summary) -> f64| {
        let values: Vec<f64> = results[&concurrency]
            .iter()
            .filter_map(|r| Some(f(r.get(&x)?, r.get(&y)?)))
            .collect();
        let (lo, hi) = range(values.iter().copied());
        (median(values), lo, hi)
    };
    let throughput = |a: &Summary, b: &Summary| a.throughput / b.throughput;
    let p50_minus = |a: &Summary, b: &Summary| a.p50_us - b.p50_us;
    let cell = |(m, lo, hi): (f64, f64, f64), digits: usize| {
        if m.is_nan() {
            "n/a".to_owned()
        } else {
            format!("{m:.digits$} ({lo:.digits$}–{hi:.digits$})")
        }
    };
    use Variant::*;
    for (name, x, y, target) in [
        (
            "c/b throughput (IAM: ours / hand-written)",
            OursIam,
            HandSigned,
            Some(0.97),
        ),
        (
            "d/a throughput (API key: ours / bare reqwest)",
            OursKey,
            Bare,
            Some(0.97),
        ),
        ("c/f throughput (ours / Python)", OursIam, Python, None),
        (
            "e/c throughput (identity pool / static)",
            OursCognito,
            OursIam,
            None,
        ),
    ] {
        let (one, many) = (ratio(1, x, y, throughput), ratio(64, x, y, throughput));
        let target = match target {
            Some(t) => format!(">= {t} at 64: {}", verdict(many.0 >= t)),
            None => String::new(),
        };
        println!("| {name} | {} | {} | {target} |", cell(one, 2), cell(many, 2));
    }
    // CPU per request is what bounds throughput on a busy machine, and is far less disturbed
    // by other load than wall time: its inverse ratio is the throughput ratio a saturated,
    // otherwise idle machine would show.
    let cpu_inverse = |a: &Summary, b: &Summary| b.cpu_us / a.cpu_us;
    for (name, x, y, target) in [
        (
            "c/b by CPU per request (b's CPU / c's)",
            OursIam,
            HandSigned,
            Some(0.97),
        ),
        (
            "d/a by CPU per request (a's CPU / d's)",
            OursKey,
            Bare,
            Some(0.97),
        ),
        ("c/f by CPU per request (f's CPU / c's)", OursIam, Python, None),
    ] {
        let (one, many) = (ratio(1, x, y, cpu_inverse), ratio(64, x, y, cpu_inverse));
        let target = match target {
            Some(t) => format!(">= {t} at 64: {}", verdict(many.0 >= t)),
            None => String::new(),
        };
        println!("| {name} | {} | {} | {target} |", cell(one, 2), cell(many, 2));
    }
    for (name, x, y, target) in [
        (
            "p50 c − b, µs (our pipeline beyond signing)",
            OursIam,
            HandSigned,
            true,
        ),
        ("p50 d − a, µs (our pipeline, API key)", OursKey, Bare, false),
    ] {
        let (one, many) = (ratio(1, x, y, p50_minus), ratio(64, x, y, p50_minus));
        let target = if target {
            format!("< 5 µs at 1: {}", verdict(one.0 < 5.0))
        } else {
            String::new()
        };
        println!("| {name} | {} | {} | {target} |", cell(one, 1), cell(many, 1));
    }
    println!();
}

// ------------------------------------------------------------------ contention

/// 1,000 requests at once, each its own task; the time until all have their answer.
async fn burst(client: &api::IamApi, n: usize) -> Result<Duration, Failure> {
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..n {
        let client = client.clone();
        tasks.spawn(async move { client.get(PATH).send().await.map(drop) });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(start.elapsed())
}

async fn contention(moto: &Moto, base: &str, rounds: usize) -> Result<(), Failure> {
    progress("credentials under contention");
    const N: usize = 1000;
    let id = moto
        .create_identity_pool(&format!("bench-contention-{}", std::process::id()))
        .await?;
    let pool_id: &'static str = Box::leak(id.into_boxed_str());
    let proxy = Proxy::start(moto.url()).await;
    let clock = ManualClock::starting_now();
    let pool = IdentityPool::builder(IdentityPoolConfig::new(pool_id, handwritten::REGION))
        .endpoint_url(proxy.url())
        .clock(clock.clone())
        .build()?;
    let client = api::IamApi::builder(pool).base_url(base).build()?;
    // Opens the connections and fetches the first credentials.
    burst(&client, N).await?;
    let mut warm = Vec::new();
    let mut expired = Vec::new();
    let mut calls = Vec::new();
    for _ in 0..rounds {
        warm.push(burst(&client, N).await?.as_secs_f64());
        let before = proxy.count("GetCredentialsForIdentity");
        // An hour on: every cached credential has expired (the pool's clock only; signing
        // uses the real one).
        clock.advance(Duration::from_secs(3600));
        expired.push(burst(&client, N).await?.as_secs_f64());
        calls.push(proxy.count("GetCredentialsForIdentity") - before);
    }
    println!("## Credentials under contention ({N} concurrent AWS_IAM requests; {rounds} rounds)\n");
    println!(
        "| case | GetCredentialsForIdentity calls per burst | time until all {N} complete (median) | target |"
    );
    println!("|---|---:|---:|---|");
    let max_calls = calls.iter().copied().max().unwrap_or(0);
    println!(
        "| credentials cached | 0 | {} | |",
        duration(median(warm.iter().copied()))
    );
    println!(
        "| credentials expired: one refresh for all | {} (rounds: {:?}) | {} | one call: {} |",
        max_calls,
        calls,
        duration(median(expired.iter().copied())),
        verdict(max_calls == 1)
    );
    println!();
    Ok(())
}
