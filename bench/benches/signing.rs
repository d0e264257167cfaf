//! Signing: our `AWS_IAM` signing step (credentials from the provider, then SigV4, as the
//! pipeline runs it) against a direct aws-sigv4 call on the same request, small and 1 MiB
//! bodies. Target: our overhead under 10%.
//!
//! `cargo bench -p amplify-rest-bench --bench signing`; under `cargo test` each runs once.

use std::hint::black_box;
use std::time::SystemTime;

use amplify_rest::auth::{Credentials, Iam, sign_for_benchmark};
use amplify_rest::{AuthorizationType, EndpointSpec, SecretString};
use amplify_rest_bench::handwritten::{self, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN};
use amplify_rest_bench::now_or_never;
use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput};
use http::{HeaderMap, HeaderValue, Method};

const SPEC: EndpointSpec = EndpointSpec::new(
    "iamApi",
    "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev",
    Some(handwritten::REGION),
    AuthorizationType::AwsIam,
);

fn bench_signing(c: &mut Criterion) {
    let url = reqwest::Url::parse(
        "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev/pets/7?full=1&tag=a%20b",
    )
    .expect("url");
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("user-agent", HeaderValue::from_static("amplify-rest/0.1.0"));
    headers.insert("x-trace", HeaderValue::from_static("bench-0001"));
    let identity = handwritten::identity();
    let iam = Iam::new(Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        Some(SecretString::new(SESSION_TOKEN)),
        None,
    ));
    let now = SystemTime::now();
    let bodies = [
        ("small", Bytes::from_static(br#"{"name":"Rex","tags":["a","b"]}"#)),
        ("1MiB", Bytes::from(vec![b'x'; 1 << 20])),
    ];
    for (label, body) in bodies {
        let mut group = c.benchmark_group(format!("signing/{label}"));
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(BenchmarkId::new("aws-sigv4 direct", label), |b| {
            b.iter(|| {
                let mut h = headers.clone();
                let u = url.clone();
                handwritten::sign_direct(&Method::POST, u.as_str(), &mut h, &body, &identity, now)
                    .expect("signed");
                black_box(h)
            })
        });
        group.bench_function(BenchmarkId::new("amplify-rest", label), |b| {
            b.iter(|| {
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
                black_box(signed)
            })
        });
        group.finish();
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_signing(&mut c);
    c.final_summary();
}
