//! Arbitrary bytes -> every config reader -> generator. Properties: nothing panics, and every
//! config the generator accepts becomes code that parses as a Rust file.

#![no_main]

use amplify_rest_codegen::{Format, Generator};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let runs: [(&str, Option<Format>); 6] = [
        ("amplifyconfiguration.json", None),
        ("aws-exports.js", None),
        ("a.json", Some(Format::Plugin)),
        ("a.json", Some(Format::Flat)),
        ("a.json", Some(Format::Gen2)),
        ("a.json", Some(Format::AwsExports)),
    ];
    for (file, format) in runs {
        let mut generator = Generator::new();
        if let Some(format) = format {
            generator.with_format(format);
        }
        let Ok(config) = generator.parse(file, &text) else {
            continue;
        };
        let tokens = generator.tokens(&config);
        if let Err(e) = syn::parse2::<syn::File>(tokens.clone()) {
            panic!("generated code does not parse: {e}\n{tokens}");
        }
        let _ = generator.source(&config);
    }
});
