//! Golden files: the generated code for every fixture config, in every format.
//!
//! A change to the generator shows up as a diff of `golden/*.rs`. To accept a change, run
//! `AMPLIFY_REST_BLESS=1 cargo test -p amplify-rest-tests --test golden` and review the diff.
//! The golden files are compiled by this crate's library (`src/lib.rs`) under `deny(warnings)`.

use std::path::Path;

use amplify_rest_codegen::Generator;

fn check(fixture: &str, golden: &str) {
    check_with(&Generator::new(), fixture, golden);
}

fn check_with(generator: &Generator, fixture: &str, golden: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = format!("fixtures/configs/{fixture}");
    let config = generator
        .load(&root.join(&name), &name)
        .unwrap_or_else(|e| panic!("{fixture} must be accepted:\n{e}"));
    let source = generator.source(&config);
    let golden_path = root.join("golden").join(golden);
    if std::env::var_os("AMPLIFY_REST_BLESS").is_some() {
        std::fs::write(&golden_path, &source).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&golden_path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run with AMPLIFY_REST_BLESS=1",
            golden_path.display()
        )
    });
    assert!(
        expected == source,
        "generated code for {fixture} differs from {}; if the change is intended, rerun with \
         AMPLIFY_REST_BLESS=1 and review the diff.\n--- generated ---\n{source}",
        golden_path.display()
    );
}

#[test]
fn all_modes() {
    check("all-modes.json", "all_modes.rs");
}

#[test]
fn cli_iam() {
    check("cli-iam.json", "cli_iam.rs");
}

#[test]
fn hand_edited_with_comments_and_trailing_commas() {
    check("hand-edited.jsonc", "hand_edited.rs");
}

#[test]
fn flat_form() {
    check("flat-exports.json", "flat_exports.rs");
}

#[test]
fn gen2_outputs() {
    check("gen2-outputs.json", "gen2_outputs.rs");
}

#[test]
fn aws_exports_js() {
    check("aws-exports.js", "aws_exports.rs");
}

/// Typed routes given to the build-script generator, in the same syntax as the macro's.
#[test]
fn typed_routes() {
    let routes = "fixtures/routes/all_modes.rs";
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(routes)).expect("routes fixture");
    let mut generator = Generator::new();
    generator.with_routes(routes, text);
    check_with(&generator, "all-modes.json", "all_modes_routes.rs");
}

/// Route mistakes in a build script's source are errors naming the file, line and column.
#[test]
fn route_errors_name_the_file_and_place() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut generator = Generator::new();
    generator.with_routes(
        "src/routes.rs",
        "impl PetsApi {\n    #[get(\"/pets/{id}\")]\n    fn get_pet(pet: u64) -> Pet;\n}\nimpl Nope {}\n",
    );
    let out = std::env::temp_dir().join(format!("amplify-rest-routes-{}.rs", std::process::id()));
    let errors = generator
        .generate_file(
            &root.join("fixtures/configs/all-modes.json"),
            "all-modes.json",
            &out,
        )
        .expect_err("bad routes");
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "src/routes.rs: line 3, column 16: `pet` is not a parameter of the path \"/pets/{id}\"; \
             arguments are the path's `{parameters}`, `query` (the query string) and `body` (the JSON body)",
            "src/routes.rs: line 2, column 11: the path has `{id}` but route `get_pet` has no argument `id`",
        ]
    );
    assert!(!out.exists(), "nothing is written");
    // A routes block for a struct the config does not generate.
    let mut generator = Generator::new();
    generator.with_routes(
        "src/routes.rs",
        "impl PetApi {\n    #[get(\"/x\")]\n    fn x();\n}\n",
    );
    let errors = generator
        .generate_file(
            &root.join("fixtures/configs/all-modes.json"),
            "all-modes.json",
            &out,
        )
        .expect_err("unknown endpoint");
    let text = errors.to_string();
    assert!(text.starts_with("src/routes.rs: line 1, column 6: routes for `PetApi`, which is not an endpoint struct here. Did you mean `PetsApi`?"), "{text}");
}

#[test]
fn every_fixture_config_has_a_golden_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("tests/golden.rs")).expect("this file");
    for entry in std::fs::read_dir(root.join("fixtures/configs")).expect("fixtures") {
        let name = entry.expect("entry").file_name().into_string().expect("utf-8");
        assert!(
            source.contains(&format!("check(\"{name}\"")),
            "fixtures/configs/{name} has no golden test"
        );
    }
}
