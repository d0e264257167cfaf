//! The side-by-side comparison harness of amplify-rest; prints the tables of `BENCHMARKS.md`.
//!
//! ```sh
//! cargo run --release -p amplify-rest-bench --bin compare            # the full run (3–6 min)
//! cargo run --release -p amplify-rest-bench --bin compare -- --quick # fewer, smaller rounds
//! ```
//!
//! Everything runs on loopback. Every variant of a measurement runs in every round, in a
//! rotating order, so a burst of load from elsewhere on the machine hits all of them; the
//! tables show medians over rounds, and ratios are taken within a round before the median.
//!
//! The request path's targets are then measured once more as a *paired comparison*: many pairs
//! of small back-to-back batches, in this process and in fresh ones, each comparison's value the
//! median over pairs with a confidence interval (see `paired`). That is the precise measure;
//! the rounds give the levels (req/s, latencies) and the rows without a target.

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
use amplify_rest::{AuthorizationType, DEFAULT_USER_AGENT, EndpointSpec, ManualClock, SecretString};
use amplify_rest_bench::configs::{Names, plugin_config, plugin_config_named};
use amplify_rest_bench::handwritten::{
    self, ACCESS_KEY_ID, Failure, HandWritten, SECRET_ACCESS_KEY, SESSION_TOKEN,
};
use amplify_rest_bench::moto::Moto;
use amplify_rest_bench::server::Server;
use amplify_rest_bench::stats::{Sample, Summary, median, median_ci, process_cpu_time, range};
use amplify_rest_bench::{now_or_never, workspace_root};
use amplify_rest_codegen::Generator;
use amplify_rest_tests::proxy::Proxy;
use bytes::Bytes;
use http::header::USER_AGENT;
use http::{HeaderMap, HeaderValue, Method};
use tokio::task::JoinSet;

#[amplify_rest::amplify_rest(config = "bench-config.json")]
mod api {
    pub struct IamApi;
    pub struct KeyApi;
}

/// The API key of `keyApi` in `bench-config.json`, which row (a+) sends as (d) does.
const BENCH_API_KEY: &str = "bench-api-key-0123456789";

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
usage: compare [--quick] [--rounds N] [--requests N] [--pairs N] [--processes N] [--self-check] [--mark]
               [--no-python] [--no-moto] [--only LETTERS]

  --quick        3 rounds of smaller batches (a quick look; the recorded numbers use the default)
  --rounds N     rounds of every measurement (default 5)
  --requests N   requests per batch at concurrency 64 (default 12800; concurrency 1 uses N/8;
                 the Python peer N/20 and N/40)
  --no-python    skip row (f)
  --no-moto      skip row (e) and the contention measurement
  --pairs N      back-to-back pairs of small batches per process in the paired comparison (default 60)
  --processes N  processes whose pairs the paired comparison pools (default 3: this one and
                 N − 1 fresh ones, one after another)
  --self-check   the paired comparison also compares (b) with a second client of its own
  --mark         print each paired batch at concurrency 64 to stderr as
                 `batch COMPARISON VARIANT START_NS END_NS` (CLOCK_MONOTONIC), for perf
                 attribution (bench/scripts/profile-pairs.sh)
  --only LETTERS request-path rows to run, e.g. `cd` (for profiling); skips the other sections";

#[derive(Debug, Clone)]
struct Options {
    rounds: usize,
    requests: usize,
    pairs: usize,
    processes: usize,
    paired_child: bool,
    self_check: bool,
    mark: bool,
    python: bool,
    moto: bool,
    only: Option<String>,
}

impl Options {
    fn from_args() -> Result<Options, String> {
        let mut o = Options {
            rounds: 5,
            requests: 12_800,
            pairs: 60,
            processes: 3,
            paired_child: false,
            self_check: false,
            mark: false,
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
                    o.pairs = 30;
                    o.processes = 1;
                }
                "--rounds" => o.rounds = number("--rounds")?,
                "--requests" => o.requests = number("--requests")?.max(64),
                "--pairs" => o.pairs = number("--pairs")?,
                "--processes" => o.processes = number("--processes")?,
                // Internal: one of the paired comparison's fresh processes.
                "--paired-child" => o.paired_child = true,
                "--self-check" => o.self_check = true,
                "--mark" => o.mark = true,
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
    if options.paired_child {
        return match client_runtime().and_then(|r| r.block_on(paired_only(&options))) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("compare --paired-child: {e}");
                ExitCode::FAILURE
            }
        };
    }
    println!("# amplify-rest comparison ({} rounds)\n", options.rounds);
    println!(
        "machine: {} cores; date: {}\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        date()
    );
    if options.only.is_none() {
        // Signing first: the generator section leaves a large, fragmented heap behind, which
        // slows the allocations of a microbenchmark measured after it.
        signing(options.rounds);
        generator_scale(options.rounds);
    }
    let runtime = match client_runtime() {
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

/// The clients' runtime: two workers, as many as the machine has cores.
fn client_runtime() -> Result<tokio::runtime::Runtime, Failure> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
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
    println!(
        "Pairs of back-to-back timings (ABBA order); the overhead is the median over pairs of ours / direct − 1, with its 95% confidence interval.\n"
    );
    println!(
        "| body | aws-sigv4 direct (allocations per signing) | amplify-rest | overhead [95% CI] | target |"
    );
    println!("|---|---:|---:|---:|---|");
    for (label, body, iterations) in [
        (
            "small (31 B)",
            Bytes::from_static(br#"{"name":"Rex","tags":["a","b"]}"#),
            400,
        ),
        ("1 MiB", Bytes::from(vec![b'x'; 1 << 20]), 4),
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
        let allocations = |f: &dyn Fn()| {
            let before = ALLOCATIONS.load(Ordering::Relaxed);
            COUNTING.store(true, Ordering::Relaxed);
            f();
            COUNTING.store(false, Ordering::Relaxed);
            ALLOCATIONS.load(Ordering::Relaxed) - before
        };
        let (direct_allocations, our_allocations) = (allocations(&direct), allocations(&ours));
        let mut d = Vec::new();
        let mut o = Vec::new();
        let mut ratios = Vec::new();
        // Many short pairs rather than a few long ones: a burst of other load then spoils a
        // few pairs, not the median.
        for round in 0..rounds.max(5) * 20 {
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
        let (ratio, lo, hi) = median_ci(ratios);
        let overhead = ratio - 1.0;
        println!(
            "| {label} | {} ({direct_allocations} allocations) | {} ({our_allocations}) | {:+.1}% [{:+.1}%, {:+.1}%] | < 10%: {} |",
            duration(median(d)),
            duration(median(o)),
            overhead * 100.0,
            (lo - 1.0) * 100.0,
            (hi - 1.0) * 100.0,
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
    /// (b) once more, with a client of its own: only in the paired comparison's self-check.
    HandSignedAgain,
    /// (b) sending amplify-rest's `user-agent` too, so that its requests are byte for byte
    /// those of (c): only in the paired comparison.
    HandSignedWithAgent,
    /// (a) sending amplify-rest's `user-agent` and the API key, so that its requests are byte
    /// for byte those of (d): only in the paired comparison.
    BareWithHeaders,
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
    /// The row's letter, as `--only` names it (`a`–`f`); none for the rows only the paired
    /// comparison has.
    fn letter(self) -> Option<char> {
        let row = VARIANTS.iter().position(|&v| v == self)?;
        Some(char::from(b'a' + row as u8))
    }

    /// Whether `--only` (when given) names this row.
    fn selected(self, options: &Options) -> bool {
        let letter = self.letter();
        options
            .only
            .as_ref()
            .is_none_or(|only| letter.is_some_and(|l| only.contains(l)))
    }

    fn label(self) -> &'static str {
        match self {
            Variant::Bare => "(a) bare reqwest, unsigned",
            Variant::HandSigned => "(b) reqwest + aws-sigv4 by hand",
            Variant::HandSignedAgain => "(b') reqwest + aws-sigv4 by hand, a second client",
            Variant::HandSignedWithAgent => {
                "(b+) reqwest + aws-sigv4 by hand, with amplify-rest's user-agent"
            }
            Variant::BareWithHeaders => "(a+) bare reqwest with amplify-rest's user-agent and x-api-key",
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
    /// A second hand-written client, for the paired comparison's self-check (b against b).
    hand2: HandWritten,
    /// The hand-written client sending amplify-rest's `user-agent` (b+).
    hand_with_agent: HandWritten,
    iam: api::IamApi,
    key: api::KeyApi,
    cognito: Option<api::IamApi>,
}

impl Clients {
    /// The clients of every variant, for `url` (= `base` + [`PATH`]); `cognito` is row (e)'s.
    fn new(url: String, base: &str, cognito: Option<api::IamApi>) -> Result<Clients, Failure> {
        Ok(Clients {
            url,
            bare: handwritten::plain_client()?,
            hand: HandWritten::new()?,
            hand2: HandWritten::new()?,
            hand_with_agent: HandWritten::new()?.with_user_agent(DEFAULT_USER_AGENT),
            iam: api::IamApi::builder(static_credentials())
                .base_url(base)
                .build()?,
            key: api::KeyApi::builder().base_url(base).build()?,
            cognito,
        })
    }

    async fn one(&self, v: Variant) -> Result<(), Failure> {
        match v {
            Variant::Bare => handwritten::bare_get(&self.bare, &self.url).await.map(drop),
            Variant::HandSigned => self.hand.get(&self.url).await.map(drop),
            Variant::HandSignedAgain => self.hand2.get(&self.url).await.map(drop),
            Variant::HandSignedWithAgent => self.hand_with_agent.get(&self.url).await.map(drop),
            Variant::BareWithHeaders => {
                let request = self
                    .bare
                    .get(&self.url)
                    .header(USER_AGENT, HeaderValue::from_static(DEFAULT_USER_AGENT))
                    .header("x-api-key", HeaderValue::from_static(BENCH_API_KEY));
                handwritten::body_of(request).await.map(drop)
            }
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
        let task = async move {
            let mut latencies = Vec::with_capacity(per_worker);
            for _ in 0..per_worker {
                let t = Instant::now();
                clients.one(v).await?;
                latencies.push(t.elapsed().as_nanos() as u64);
            }
            Ok::<_, Failure>(latencies)
        };
        workers.spawn(task);
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

/// Runs `command` (`what` names it in errors) and parses what it prints as JSON.
async fn json_of(mut command: Command, what: &str) -> Result<serde_json::Value, Failure> {
    let output = tokio::task::spawn_blocking(move || command.output()).await??;
    if !output.status.success() {
        return Err(format!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(serde_json::from_slice(&output.stdout)?)
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
    let v = json_of(command, "the Python peer").await?;
    let server_cpu = (process_cpu_time() - server_cpu).as_secs_f64() * 1e6;
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
    if !include_str!("../../bench-config.json").contains(BENCH_API_KEY) {
        return Err("BENCH_API_KEY is not keyApi's key in bench-config.json".into());
    }
    let server = Server::start();
    let base = format!("{}/dev", server.url());
    let url = format!("{base}{PATH}");

    // Row (e) and the contention measurement need moto.
    let log = std::env::temp_dir().join(format!("amplify-rest-bench-moto-{}.log", std::process::id()));
    let wants_moto = Variant::OursCognito.selected(options);
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

    let clients = Arc::new(Clients::new(url.clone(), &base, cognito)?);
    for v in VARIANTS.into_iter().filter(|v| !v.selected(options)) {
        skipped.insert(v, "skipped: --only".to_owned());
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
    paired(&clients, &base, &active, options).await?;

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

/// The targets' comparisons again, as many back-to-back pairs of small batches, in this process
/// and in `--processes` − 1 fresh ones run one after another.
///
/// - **Pairs.** Whole rounds move by ±30% with the machine's load from second to second; the
///   two batches of a pair run within ~0.1 s of each other, so that drift mostly cancels within
///   the pair, and which variant goes first alternates (ABBA).
/// - **Processes.** The ratio also moves from one process to the next by a few percent (memory
///   layout, which arena and core each thread gets), more than within one process; so the pairs
///   of several processes are pooled.
/// - **Throughput and CPU per request:** batches at concurrency 64 on the shared client runtime.
/// - **p50 latency:** batches at concurrency 1 on a current-thread runtime of their own (clients
///   made there too). On the 2-worker runtime a batch's p50 sits in one of two modes ~100 µs
///   apart, depending on which worker each connection's task landed on; on one thread that
///   choice does not exist, and the p50 of a batch repeats within a few µs.
///
/// Each comparison's value is the median over all pairs, with a distribution-free 95%
/// confidence interval ([`median_ci`]; it treats pairs as independent, which pairs of one
/// process are not quite, so the per-process medians are shown too). With `--self-check`, (b)
/// is also compared with a second client of its own (b'): the method's own bias, which should
/// come out near 1 and 0.
async fn paired(
    clients: &Arc<Clients>,
    base: &str,
    active: &[Variant],
    options: &Options,
) -> Result<(), Failure> {
    let comparisons = comparisons(active, options.self_check);
    if comparisons.is_empty() {
        return Ok(());
    }
    let (batch_64, batch_1) = paired_batches(options);
    let mut per_process = vec![paired_values(clients, base, &comparisons, options).await?];
    for n in 1..options.processes {
        progress(&format!(
            "paired comparison in a fresh process ({} of {})",
            n + 1,
            options.processes
        ));
        per_process.push(paired_child(active, options).await?);
    }
    println!(
        "## Paired comparison ({} processes × {} pairs of back-to-back batches, ABBA order: {batch_64} requests at concurrency 64; {batch_1} at concurrency 1 on a current-thread runtime)\n",
        per_process.len(),
        options.pairs
    );
    println!("Median over all pairs [95% confidence interval]; then each process's median.\n");
    println!("| comparison | all pairs [95% CI] | per process | target |");
    println!("|---|---:|---|---|");
    for (x, y, xl, yl) in comparisons {
        let name = format!("{xl}/{yl}");
        let pooled = |field: fn(&PairValues) -> &Vec<f64>| -> Vec<Vec<f64>> {
            per_process
                .iter()
                .filter_map(|p| p.iter().find(|v| v.name == name))
                .map(|v| field(v).clone())
                .collect()
        };
        // The issue's targets are for c/b and d/a; the other rows explain them.
        let (ratio_target, p50_target) = match (x, y) {
            (Variant::OursIam, Variant::HandSigned) => (Target::AtLeast(0.97), Target::Below(5.0)),
            (Variant::OursKey, Variant::Bare) => (Target::AtLeast(0.97), Target::None),
            _ => (Target::None, Target::None),
        };
        let rows: [(String, Vec<Vec<f64>>, Target, usize); 3] = [
            (
                format!("{xl}/{yl} throughput, concurrency 64"),
                pooled(|v| &v.throughput),
                ratio_target,
                3,
            ),
            (
                format!("{xl}/{yl} by CPU per request ({yl}'s / {xl}'s), concurrency 64"),
                pooled(|v| &v.cpu),
                ratio_target,
                3,
            ),
            (
                format!("p50 {xl} − {yl}, concurrency 1, µs"),
                pooled(|v| &v.p50_minus),
                p50_target,
                1,
            ),
        ];
        for (label, values, target, digits) in rows {
            let (m, lo, hi) = median_ci(values.iter().flatten().copied());
            let each: Vec<String> = values
                .iter()
                .map(|v| format!("{:.digits$}", median(v.iter().copied())))
                .collect();
            let verdict = target.verdict(m, lo, hi);
            println!(
                "| {label} | {m:.digits$} [{lo:.digits$}, {hi:.digits$}] | {} | {verdict} |",
                each.join(", ")
            );
        }
    }
    println!();
    Ok(())
}

/// A paired comparison's target.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// The value must be at least this (a ratio).
    AtLeast(f64),
    /// The value must be below this (a difference).
    Below(f64),
    None,
}

impl Target {
    fn verdict(self, median: f64, lo: f64, hi: f64) -> String {
        let (whole, by_median, shown) = match self {
            Target::AtLeast(t) => (lo >= t, median >= t, format!(">= {t}")),
            Target::Below(t) => (hi < t, median < t, format!("< {t}")),
            Target::None => return String::new(),
        };
        let verdict = if whole {
            "met (whole interval)"
        } else if by_median {
            "met by the median, not by the whole interval"
        } else {
            "MISSED"
        };
        format!("{shown}: {verdict}")
    }
}

/// The comparisons the paired section makes among the `active` variants.
fn comparisons(active: &[Variant], self_check: bool) -> Vec<(Variant, Variant, &'static str, &'static str)> {
    use Variant::*;
    let mut all = vec![
        (OursIam, HandSigned, "c", "b"),
        (OursIam, HandSignedWithAgent, "c", "b+"),
        (OursKey, Bare, "d", "a"),
        (OursKey, BareWithHeaders, "d", "a+"),
    ];
    if self_check {
        all.push((HandSignedAgain, HandSigned, "b'", "b"));
    }
    let on = |v: &Variant| match v {
        HandSignedAgain => true,
        HandSignedWithAgent => active.contains(&HandSigned),
        BareWithHeaders => active.contains(&Bare),
        v => active.contains(v),
    };
    all.into_iter().filter(|(x, y, _, _)| on(x) && on(y)).collect()
}

/// One comparison's pairs in one process.
#[derive(Debug, Clone)]
struct PairValues {
    /// `x/y`, e.g. `c/b`.
    name: String,
    /// Per pair: x's throughput / y's, at concurrency 64.
    throughput: Vec<f64>,
    /// Per pair: y's CPU per request / x's, at concurrency 64.
    cpu: Vec<f64>,
    /// Per pair: x's p50 − y's, µs, at concurrency 1.
    p50_minus: Vec<f64>,
}

/// This process's pairs of every comparison.
async fn paired_values(
    clients: &Arc<Clients>,
    base: &str,
    comparisons: &[(Variant, Variant, &'static str, &'static str)],
    options: &Options,
) -> Result<Vec<PairValues>, Failure> {
    let (batch_64, batch_1) = paired_batches(options);
    let mut all = Vec::new();
    for &(x, y, xl, yl) in comparisons {
        progress(&format!("paired comparison {xl} vs {yl}"));
        // Warm-up: (b') and (b+) have not sent anything yet.
        for v in [x, y] {
            drive(clients, v, batch_64, 64).await?;
        }
        let (mut throughput, mut cpu) = (Vec::new(), Vec::new());
        for i in 0..options.pairs {
            let mut at_64 = HashMap::new();
            for v in abba(i, x, y) {
                let start = monotonic_ns();
                at_64.insert(v, Summary::from(&drive(clients, v, batch_64, 64).await?));
                if options.mark {
                    eprintln!("batch {xl}/{yl} {v:?} {start} {}", monotonic_ns());
                }
            }
            throughput.push(at_64[&x].throughput / at_64[&y].throughput);
            cpu.push(at_64[&y].cpu_us / at_64[&x].cpu_us);
        }
        let p50_minus = quiet_latency(&clients.url, base, x, y, options.pairs, batch_1)?;
        all.push(PairValues {
            name: format!("{xl}/{yl}"),
            throughput,
            cpu,
            p50_minus,
        });
    }
    Ok(all)
}

/// Runs the paired comparisons in a fresh process of this program (`--paired-child`) and
/// returns its pairs.
async fn paired_child(active: &[Variant], options: &Options) -> Result<Vec<PairValues>, Failure> {
    let only: String = active.iter().filter_map(|v| v.letter()).collect();
    let mut command = Command::new(std::env::current_exe()?);
    command.args([
        "--paired-child",
        "--only",
        &only,
        "--pairs",
        &options.pairs.to_string(),
        "--requests",
        &options.requests.to_string(),
    ]);
    if options.self_check {
        command.arg("--self-check");
    }
    let parsed = json_of(command, "the paired comparison's child process").await?;
    let numbers = |v: &serde_json::Value, field: &str| -> Result<Vec<f64>, Failure> {
        v[field]
            .as_array()
            .ok_or_else(|| format!("the child printed no `{field}`"))?
            .iter()
            .map(|n| {
                n.as_f64()
                    .ok_or_else(|| format!("`{field}` holds a non-number").into())
            })
            .collect()
    };
    parsed
        .as_array()
        .ok_or("the child printed no list")?
        .iter()
        .map(|v| {
            Ok(PairValues {
                name: v["name"]
                    .as_str()
                    .ok_or("the child printed no `name`")?
                    .to_owned(),
                throughput: numbers(v, "throughput")?,
                cpu: numbers(v, "cpu")?,
                p50_minus: numbers(v, "p50_minus")?,
            })
        })
        .collect()
}

/// `--paired-child`: a server, the clients, a warm-up, the paired comparisons; prints the
/// pairs as JSON.
async fn paired_only(options: &Options) -> Result<(), Failure> {
    let server = Server::start();
    let base = format!("{}/dev", server.url());
    let clients = Arc::new(Clients::new(format!("{base}{PATH}"), &base, None)?);
    let active: Vec<Variant> = VARIANTS
        .into_iter()
        .filter(|v| v.selected(options))
        .filter(|v| !matches!(v, Variant::OursCognito | Variant::Python))
        .collect();
    for &v in &active {
        drive(&clients, v, 640, 64).await?;
    }
    let values = paired_values(
        &clients,
        &base,
        &comparisons(&active, options.self_check),
        options,
    )
    .await?;
    let values: Vec<serde_json::Value> = values
        .iter()
        .map(|v| {
            serde_json::json!({
                "name": v.name,
                "throughput": v.throughput,
                "cpu": v.cpu,
                "p50_minus": v.p50_minus,
            })
        })
        .collect();
    println!("{}", serde_json::Value::Array(values));
    Ok(())
}

/// Requests per paired batch: at concurrency 64, and at concurrency 1.
fn paired_batches(options: &Options) -> (usize, usize) {
    ((options.requests / 10).max(640), (options.requests / 64).max(100))
}

/// Pair `i`'s order: `x` first in even pairs, `y` first in odd ones.
fn abba(i: usize, x: Variant, y: Variant) -> [Variant; 2] {
    if i.is_multiple_of(2) { [x, y] } else { [y, x] }
}

/// `CLOCK_MONOTONIC` in nanoseconds: the clock `perf record -k CLOCK_MONOTONIC` stamps samples
/// with, so `--mark`'s batch times can be matched to samples (`bench/scripts/profile-pairs.sh`).
fn monotonic_ns() -> u128 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the clock id is a constant libc knows.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut t) };
    t.tv_sec as u128 * 1_000_000_000 + t.tv_nsec as u128
}

/// `pairs` pairs of concurrency-1 batches of `x` and `y`, on a current-thread runtime in a
/// thread of its own with clients made there; each pair's p50 of `x` minus p50 of `y`, µs.
fn quiet_latency(
    url: &str,
    base: &str,
    x: Variant,
    y: Variant,
    pairs: usize,
    batch: usize,
) -> Result<Vec<f64>, Failure> {
    let (url, base) = (url.to_owned(), base.to_owned());
    let measure = move || -> Result<Vec<f64>, Failure> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let clients = Clients::new(url, &base, None)?;
            // Warm-up: a connection each, code paged in.
            for v in [x, y] {
                for _ in 0..200 {
                    clients.one(v).await?;
                }
            }
            let mut differences = Vec::with_capacity(pairs);
            for i in 0..pairs {
                let mut p50 = HashMap::new();
                for v in abba(i, x, y) {
                    let mut latencies = Vec::with_capacity(batch);
                    for _ in 0..batch {
                        let t = Instant::now();
                        clients.one(v).await?;
                        latencies.push(t.elapsed().as_nanos() as u64);
                    }
                    let sample = Sample::new(Duration::ZERO, Duration::ZERO, latencies);
                    p50.insert(v, sample.quantile_us(0.5));
                }
                differences.push(p50[&x] - p50[&y]);
            }
            Ok(differences)
        })
    };
    std::thread::Builder::new()
        .name("compare-latency".into())
        .spawn(measure)?
        .join()
        .map_err(|_| "the latency thread panicked")?
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
