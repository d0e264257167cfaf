//! Prints a generated `amplifyconfiguration.json` with N REST endpoints, or (`--source`) the
//! code the generator makes from it. Used by `bench/scripts/build-time.sh`.
//!
//! ```sh
//! cargo run --release -p amplify-rest-bench --bin gen-config -- 1000 [--source]
//! ```

use std::process::ExitCode;

use amplify_rest_bench::configs::plugin_config;
use amplify_rest_codegen::Generator;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(n) = args.first().and_then(|a| a.parse::<usize>().ok()) else {
        eprintln!("usage: gen-config N [--source]");
        return ExitCode::from(2);
    };
    let text = plugin_config(n);
    if args.iter().any(|a| a == "--source") {
        let generator = Generator::new();
        match generator.parse("amplifyconfiguration.json", &text) {
            Ok(config) => print!("{}", generator.source(&config)),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        print!("{text}");
    }
    ExitCode::SUCCESS
}
