//! `amplify-rest`: check an Amplify config file, or generate its typed REST clients as Rust.
//!
//! Exit codes: 0 ok, 1 the config is invalid (or the output cannot be written), 2 usage error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use amplify_rest_codegen::model::{AuthorizationType, Config, EndpointKind};
use amplify_rest_codegen::{Format, Generator};

const HELP: &str = "\
amplify-rest: typed Rust clients for the REST APIs of an AWS Amplify config

Usage:
  amplify-rest check FILE [OPTIONS]
      Validate FILE and list its APIs with their auth modes as a table.
  amplify-rest generate FILE [-o OUT.rs] [OPTIONS]
      Write the generated Rust code (formatted) to OUT.rs, or to standard output.
  amplify-rest --help | --version

FILE is any Amplify config; its format is detected from the content (and the .js/.ts
extension):
  plugin       amplifyconfiguration.json: api.plugins.awsAPIPlugin.<name>
  flat         aws_cloud_logic_custom: [{name, endpoint, region}] (also in amplifyconfiguration.json)
  gen2         amplify_outputs.json: custom.API.<name> = {endpoint, region, apiName}
  aws-exports  aws-exports.js / .ts: const awsmobile = {...}; export default awsmobile;

Options:
  -o, --output OUT.rs         (generate) the file to write; default: standard output
  --format FORMAT             read FILE as FORMAT (plugin, flat, gen2, aws-exports)
  --auth NAME=MODE            authorize API NAME with MODE (AWS_IAM, API_KEY,
                              AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT, NONE); the flat form
                              and Gen 2 name no mode, so their APIs are AWS_IAM unless set here.
                              NAME is the API's name in FILE or its Rust type name. Repeatable.
  --api-key NAME=KEY          the API key of an API_KEY endpoint whose file has none. Repeatable.
  --runtime-user-pool         accept AMAZON_COGNITO_USER_POOLS endpoints in a file without a
                              user pool (the app supplies one at run time)
  -h, --help                  show this help
  -V, --version               show the version

Exit status: 0 ok, 1 the config is invalid or OUT cannot be written, 2 usage error.

Examples:
  amplify-rest check src/amplifyconfiguration.json
  amplify-rest check aws-exports.js --auth leads-api=AMAZON_COGNITO_USER_POOLS
  amplify-rest generate amplify_outputs.json -o src/api.rs
";

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    Help,
    Version,
    Check {
        file: PathBuf,
        generator: Generator,
    },
    Generate {
        file: PathBuf,
        output: Option<PathBuf>,
        generator: Generator,
    },
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_args(&args) {
        Ok(Command::Help) => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            println!("amplify-rest {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Ok(Command::Check { file, generator }) => match load(&generator, &file) {
            Some(config) => {
                print!("{}", table(&config));
                ExitCode::SUCCESS
            }
            None => ExitCode::from(1),
        },
        Ok(Command::Generate {
            file,
            output,
            generator,
        }) => {
            let Some(config) = load(&generator, &file) else {
                return ExitCode::from(1);
            };
            let source = generator.source(&config);
            let written = match &output {
                Some(out) => {
                    std::fs::write(out, &source).map_err(|e| format!("cannot write {}: {e}", out.display()))
                }
                None => std::io::stdout()
                    .write_all(source.as_bytes())
                    .map_err(|e| format!("cannot write to standard output: {e}")),
            };
            match written {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(message) => {
            eprintln!(
                "error: {message}\n\nUsage: amplify-rest check FILE | amplify-rest generate FILE [-o OUT.rs]\nFor more, run `amplify-rest --help`."
            );
            ExitCode::from(2)
        }
    }
}

fn load(generator: &Generator, file: &Path) -> Option<Config> {
    match generator.load(file, &file.display().to_string()) {
        Ok(config) => Some(config),
        Err(errors) => {
            for e in errors.iter() {
                eprintln!("error: {e}");
            }
            let n = errors.iter().count();
            eprintln!(
                "{} is not a usable Amplify config ({n} problem{})",
                file.display(),
                if n == 1 { "" } else { "s" }
            );
            None
        }
    }
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    let mut iter = args.iter();
    let Some(first) = iter.next() else {
        return Err("no command given".to_owned());
    };
    let generate = match first.as_str() {
        "-h" | "--help" | "help" => return Ok(Command::Help),
        "-V" | "--version" => return Ok(Command::Version),
        "check" => false,
        "generate" => true,
        other if other.starts_with('-') => {
            return Err(format!("unknown option `{other}` before the command"));
        }
        other => {
            let hint = if other.ends_with(".json") || other.ends_with(".js") || other.ends_with(".ts") {
                format!("; did you mean `amplify-rest check {other}`?")
            } else if let Some(close) = ["check", "generate"]
                .into_iter()
                .find(|c| strsim::levenshtein(c, other) <= 2)
            {
                format!("; did you mean `{close}`?")
            } else {
                String::new()
            };
            return Err(format!(
                "unknown command `{other}`; expected `check` or `generate`{hint}"
            ));
        }
    };
    let mut file = None;
    let mut output = None;
    let mut generator = Generator::new();
    while let Some(arg) = iter.next() {
        // `--opt=value` and `--opt value` both work.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => iter
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("`{flag}` needs {what}")),
            }
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "-o" | "--output" if generate => output = Some(PathBuf::from(value("a file name")?)),
            "-o" | "--output" => return Err("`-o` is an option of `generate`, not `check`".to_owned()),
            "--format" => {
                let f: Format = value("a format")?.parse().map_err(|e| format!("--format: {e}"))?;
                generator.with_format(f);
            }
            "--auth" => {
                let v = value("NAME=MODE")?;
                let (name, mode) = split_pair(&v, "--auth", "NAME=MODE")?;
                let mode: AuthorizationType = mode.parse().map_err(|e| format!("--auth {name}: {e}"))?;
                generator.with_authorization(name, mode);
            }
            "--api-key" => {
                let v = value("NAME=KEY")?;
                let (name, key) = split_pair(&v, "--api-key", "NAME=KEY")?;
                generator.with_api_key(name, key);
            }
            "--runtime-user-pool" => {
                generator.with_runtime_user_pool(true);
            }
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(format!("unknown option `{f}`"));
            }
            _ if file.is_none() => file = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`: give one FILE")),
        }
    }
    let file = file.ok_or_else(|| format!("`{first}` needs a FILE"))?;
    Ok(if generate {
        Command::Generate {
            file,
            output,
            generator,
        }
    } else {
        Command::Check { file, generator }
    })
}

fn split_pair<'a>(v: &'a str, flag: &str, shape: &str) -> Result<(&'a str, &'a str), String> {
    match v.split_once('=') {
        Some((name, rest)) if !name.is_empty() && !rest.is_empty() => Ok((name, rest)),
        _ => Err(format!("`{flag}` expects {shape}, got `{v}`")),
    }
}

/// The `check` listing: one row per API, columns padded to fit.
fn table(config: &Config) -> String {
    let mut rows = vec![[
        "API".to_owned(),
        "TYPE".to_owned(),
        "AUTH".to_owned(),
        "REGION".to_owned(),
        "ENDPOINT".to_owned(),
    ]];
    for e in &config.endpoints {
        let (ty, auth) = match e.kind {
            EndpointKind::Rest => (e.type_name.clone(), e.authorization.to_string()),
            _ => ("-".to_owned(), "GraphQL (not generated)".to_owned()),
        };
        rows.push([
            e.name.clone(),
            ty,
            auth,
            e.region.clone().unwrap_or_else(|| "-".to_owned()),
            e.url.clone(),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = format!("{}: {}\n", config.file, config.format.describe());
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let rest = config.rest_endpoints().count();
    let mut summary = format!("{rest} REST endpoint{}", if rest == 1 { "" } else { "s" });
    let auth = &config.auth;
    if let Some(pool) = &auth.user_pool {
        summary.push_str(&format!("; user pool {}", pool.pool_id));
    }
    if let Some(pool) = &auth.identity_pool {
        summary.push_str(&format!("; identity pool {}", pool.pool_id));
    }
    out.push_str(&summary);
    out.push('\n');
    out
}
