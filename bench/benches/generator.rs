//! Generator scale: parse + generate + format (`Generator::source`, the build-script path: the
//! text prettyplease prints, see the codegen crate's `pretty` module) and parse + tokens (what
//! the macro does) for configs of 10, 100, 1,000 and 5,000 endpoints made by code.
//! Target: linear growth, 1,000 endpoints in under 100 ms.
//!
//! `cargo bench -p amplify-rest-bench --bench generator`; under `cargo test` (an unoptimised
//! build) only the 10-endpoint config runs, once.

use std::hint::black_box;
use std::time::Duration;

use amplify_rest_bench::configs::{Names, plugin_config, plugin_config_named};
use amplify_rest_codegen::Generator;
use criterion::{BenchmarkId, Criterion, Throughput};

fn bench_generator(c: &mut Criterion, sizes: &[usize]) {
    let generator = Generator::new();
    let mut group = c.benchmark_group("generator");
    group.sample_size(10).measurement_time(Duration::from_secs(3));
    for &n in sizes {
        let text = plugin_config(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::new("parse+generate+format", n), |b| {
            b.iter(|| {
                let config = generator
                    .parse("amplifyconfiguration.json", black_box(&text))
                    .expect("valid config");
                black_box(generator.source(&config))
            })
        });
        let varied = plugin_config_named(n, Names::Varied);
        group.bench_function(BenchmarkId::new("parse+generate+format, varied names", n), |b| {
            b.iter(|| {
                let config = generator
                    .parse("amplifyconfiguration.json", black_box(&varied))
                    .expect("valid config");
                black_box(generator.source(&config))
            })
        });
        group.bench_function(BenchmarkId::new("parse+tokens (macro)", n), |b| {
            b.iter(|| {
                let config = generator
                    .parse("amplifyconfiguration.json", black_box(&text))
                    .expect("valid config");
                black_box(generator.tokens(&config))
            })
        });
    }
    group.finish();
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` does not, and builds without optimisation.
    let benching = std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if benching { &[10, 100, 1000, 5000] } else { &[10] };
    let mut c = Criterion::default().configure_from_args();
    bench_generator(&mut c, sizes);
    c.final_summary();
}
