//! Runs the built `amplify-rest` binary: output, files written and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(path)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amplify-rest"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn check_lists_endpoints_with_their_auth_modes() {
    let file = fixture("configs/all-modes.json");
    let out = run(&["check", arg(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("plugin form"), "{stdout}");
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name}: {stdout}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(row("API")[..4], ["API", "TYPE", "AUTH", "REGION"]);
    assert_eq!(row("petsApi")[..3], ["petsApi", "PetsApi", "AWS_IAM"]);
    assert_eq!(row("publicCatalog")[2], "API_KEY");
    assert_eq!(row("ordersApi")[2], "AMAZON_COGNITO_USER_POOLS");
    assert_eq!(row("partnerApi")[2], "OPENID_CONNECT");
    assert_eq!(row("statusApi")[2], "NONE");
    assert_eq!(row("storeGraph")[2], "GraphQL");
    assert!(
        stdout.contains("5 REST endpoints; user pool us-west-2_Fixture01"),
        "{stdout}"
    );
    // Columns line up: every row's AUTH starts where the header's does.
    let col = stdout
        .lines()
        .nth(1)
        .and_then(|l| l.find("AUTH"))
        .expect("header");
    assert_eq!(stdout.lines().nth(2).map(|l| &l[col..col + 7]), Some("AWS_IAM"));
}

#[test]
fn check_reads_every_format_and_applies_settings() {
    let out = run(&["check", arg(&fixture("configs/flat-exports.json"))]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("flat form"));
    let out = run(&["check", arg(&fixture("configs/gen2-outputs.json"))]);
    assert!(
        text(&out.stdout).contains("myRestApi  MyRestApi  AWS_IAM"),
        "{}",
        text(&out.stdout)
    );
    let out = run(&["check", arg(&fixture("configs/aws-exports.js"))]);
    assert!(text(&out.stdout).contains("2024 stats"), "{}", text(&out.stdout));

    let out = run(&[
        "check",
        arg(&fixture("configs/flat-exports.json")),
        "--auth",
        "leads-api=API_KEY",
        "--api-key=LeadsApi=k-1",
        "--auth=authtest_1=NONE",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("leads-api   LeadsApi   API_KEY"), "{stdout}");
    assert!(stdout.contains("authtest_1  Authtest1  NONE"), "{stdout}");

    let out = run(&[
        "check",
        arg(&fixture("configs/gen2-outputs.json")),
        "--format",
        "plugin",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no `api` section"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_invalid_config_exits_1_naming_file_place_and_expectation() {
    let file = fixture("bad/unknown-auth-type.json");
    let out = run(&["check", arg(&file)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("unknown-auth-type.json: at `api.plugins.awsAPIPlugin.todoApi.authorizationType` (line 4, column 192)"), "{stderr}");
    assert!(stderr.contains("did you mean `AWS_IAM`?"), "{stderr}");
    assert!(
        stderr.contains("is not a usable Amplify config (1 problem)"),
        "{stderr}"
    );

    let out = run(&["generate", arg(&fixture("bad/process-env.js"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("line 6, column 25"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&[
        "check",
        arg(&fixture("configs/flat-exports.json")),
        "--auth",
        "lead-api=NONE",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("did you mean \"leads-api\"?"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&["check", arg(&fixture("configs/does-not-exist.json"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("file not found"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn generate_writes_the_formatted_code() {
    let file = fixture("configs/all-modes.json");
    let out = run(&["generate", arg(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("// Generated by amplify-rest-codegen"),
        "{stdout}"
    );
    assert!(
        stdout.contains("pub struct PetsApi {\n    api: ::amplify_rest::Api<::amplify_rest::auth::Iam>,\n}")
    );

    let dir = std::env::temp_dir().join(format!("amplify-rest-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let target = dir.join("api.rs");
    let out = run(&["generate", arg(&file), "-o", arg(&target)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&target).expect("written"), stdout);

    let out = run(&["generate", arg(&file), "-o", arg(&dir.join("missing/api.rs"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot write"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn usage_errors_exit_2_and_help_is_helpful() {
    for (args, words) in [
        (&[][..], "no command given"),
        (&["chek", "x.json"][..], "did you mean `check`?"),
        (&["x.json"][..], "did you mean `amplify-rest check x.json`?"),
        (&["check"][..], "`check` needs a FILE"),
        (&["check", "a.json", "b.json"][..], "unexpected argument `b.json`"),
        (&["check", "a.json", "--bogus"][..], "unknown option `--bogus`"),
        (
            &["check", "a.json", "-o", "x.rs"][..],
            "`-o` is an option of `generate`",
        ),
        (&["generate", "a.json", "-o"][..], "`-o` needs a file name"),
        (
            &["check", "a.json", "--format", "gen-2"][..],
            "did you mean `gen2`?",
        ),
        (
            &["check", "a.json", "--auth", "x=API_IAM"][..],
            "did you mean `AWS_IAM`?",
        ),
        (&["check", "a.json", "--auth", "x"][..], "expects NAME=MODE"),
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert!(stderr.contains("amplify-rest --help"), "{args:?}: {stderr}");
    }
    for flag in ["--help", "-h", "help"] {
        let out = run(&[flag]);
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        for words in [
            "check FILE",
            "generate FILE [-o OUT.rs]",
            "--auth NAME=MODE",
            "aws-exports",
            "Exit status",
        ] {
            assert!(help.contains(words), "{words}: {help}");
        }
    }
    let out = run(&["--version"]);
    assert!(text(&out.stdout).starts_with("amplify-rest 0."));
}
