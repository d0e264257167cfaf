//! Compile-fail tests: each case pins the exact error text and where its span lands; `ui/pass/`
//! holds cases that must compile and run (the macro's settings at work).
//! To accept changed output: `TRYBUILD=overwrite cargo test -p amplify-rest-tests --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
    t.pass("ui/pass/*.rs");
}
