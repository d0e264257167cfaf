//! The build-script way: generate the clients of `amplifyconfiguration.json` into `OUT_DIR`.
fn main() {
    amplify_rest_codegen::Generator::new().build_script("amplifyconfiguration.json");
}
