//! Reliability under load, bounded for CI: the `load` binary (tests/src/bin/load.rs) sends 2,000
//! requests at concurrency 128 through the stand-in gateway — `AWS_IAM` (every signature
//! recomputed by botocore), `API_KEY` and `AMAZON_COGNITO_USER_POOLS` in turn — and must see no
//! error, no refused signature, and a peak RSS that stays flat after the first 1,000 requests.
//! The full run (20,000 requests) is `cargo run --release -p amplify-rest-tests --bin load`;
//! its figures are in BENCHMARKS.md.

use std::process::Command;

use serde_json::Value;

#[test]
fn two_thousand_mixed_requests_at_concurrency_128() {
    // The servers must be there (the binary panics with the same message otherwise).
    let _ = amplify_rest_tests::servers::gateway();
    let out = Command::new(env!("CARGO_BIN_EXE_load"))
        .args([
            "--requests",
            "2000",
            "--concurrency",
            "128",
            "--checkpoint",
            "1000",
        ])
        .output()
        .expect("run the load binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(stdout.trim()).expect("one JSON report");
    assert!(out.status.success(), "{report}");
    assert_eq!(report["requests"], 2000, "{report}");
    assert_eq!(report["errors"], 0, "{report}");
    assert_eq!(report["signature_failures"], 0, "{report}");
    let rss = &report["peak_rss_kib"];
    let (at_1k, end) = (
        rss["after_checkpoint"].as_u64().expect("rss"),
        rss["end"].as_u64().expect("rss"),
    );
    assert!(at_1k > 0, "{report}");
    assert!(
        end - at_1k < 32 * 1024,
        "the peak RSS grew by {} KiB after 1,000 requests: {report}",
        end - at_1k
    );
}
