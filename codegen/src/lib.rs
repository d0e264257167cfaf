//! Reads AWS Amplify configuration files into one validated model and generates a typed
//! client struct per REST endpoint, for the `amplify-rest` runtime.
//!
//! The `#[amplify_rest]` macro and build scripts are thin shells over [`Generator`], so both
//! produce the same items.
//!
//! # In `build.rs`
//! ```ignore
//! // build.rs
//! fn main() {
//!     amplify_rest_codegen::Generator::new().build_script("amplifyconfiguration.json");
//! }
//! ```
//! ```ignore
//! // src/lib.rs
//! pub mod api {
//!     include!(concat!(env!("OUT_DIR"), "/amplifyconfiguration.rs"));
//! }
//! ```
//! `build_script` reads the file relative to `CARGO_MANIFEST_DIR`, writes prettyplease-formatted
//! code to `OUT_DIR/<file stem>.rs`, tells cargo to rerun when the file changes and reports every
//! problem of the file as a build-script error naming the file, the JSON path and line:column.

mod error;
mod flat;
mod format;
mod gen2;
mod generate;
mod js;
pub mod json;
pub mod model;
mod names;
mod plugin;
mod pretty;
mod read;
pub mod routes;
mod validate;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;

pub use error::{ConfigError, ConfigErrors};
pub use format::{Format, UnknownFormat};
pub use generate::EndpointItem;
use model::{AuthorizationType, Config, Endpoint, EndpointKind};
pub use names::type_name;
pub use routes::Routes;

/// Reads configs and generates code. Settings follow the `with_x(&mut self, v) -> &mut Self` form.
///
/// Every format ([`Format`]) is read into the same model: the plugin form of
/// `amplifyconfiguration.json`, the flat form (`aws_cloud_logic_custom`), Gen 2
/// `amplify_outputs.json` (`custom.API`) and `aws-exports.js`/`.ts`. The format is detected from
/// the content (and the `.js`/`.ts` extension) unless [`Generator::with_format`] forces one.
///
/// ```
/// use amplify_rest_codegen::{Generator, model::AuthorizationType};
///
/// let text = r#"{
///     "aws_project_region": "us-east-2",
///     "aws_cloud_logic_custom": [
///         { "name": "leads-api", "endpoint": "https://x.example.org/dev", "region": "us-east-2" }
///     ]
/// }"#;
/// let config = Generator::new().parse("amplifyconfiguration.json", text)?;
/// assert_eq!(config.endpoints[0].authorization, AuthorizationType::AwsIam); // the flat form's default
///
/// let config = Generator::new()
///     .with_authorization("leads-api", AuthorizationType::ApiKey)
///     .with_api_key("leads-api", "my-key")
///     .parse("amplifyconfiguration.json", text)?;
/// assert_eq!(config.endpoints[0].type_name, "LeadsApi");
/// assert_eq!(config.endpoints[0].api_key.as_deref(), Some("my-key"));
/// # Ok::<(), amplify_rest_codegen::ConfigErrors>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Generator {
    runtime_user_pool: bool,
    format: Option<Format>,
    authorizations: Vec<(String, AuthorizationType)>,
    api_keys: Vec<(String, String)>,
    routes: Vec<(String, String)>,
}

impl Generator {
    /// A generator with default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accept `AMAZON_COGNITO_USER_POOLS` endpoints in a file that has no user pool (the app
    /// supplies the pool at run time). Off by default: such a file is usually a mistake.
    pub fn with_runtime_user_pool(&mut self, allow: bool) -> &mut Self {
        self.runtime_user_pool = allow;
        self
    }

    /// Reads the file as `format` instead of detecting its format from the content.
    pub fn with_format(&mut self, format: Format) -> &mut Self {
        self.format = Some(format);
        self
    }

    /// Authorizes the REST API `endpoint` with `mode`, whatever the file says. The flat form and
    /// Gen 2 files name no authorization type (Amplify's default there is `AWS_IAM`), so this is
    /// how their APIs get another mode. `endpoint` is the name in the file, or any name that
    /// becomes the same Rust type (`leads_api` and `LeadsApi` name `leads-api`). A name the file
    /// lacks is an error. Setting the same endpoint again replaces the earlier setting.
    pub fn with_authorization(&mut self, endpoint: impl Into<String>, mode: AuthorizationType) -> &mut Self {
        let endpoint = endpoint.into();
        self.authorizations.retain(|(k, _)| *k != endpoint);
        self.authorizations.push((endpoint, mode));
        self
    }

    /// The API key an `API_KEY` endpoint sends as `x-api-key`, where the file has none (the flat
    /// form and Gen 2 never do). Named as in [`Generator::with_authorization`]; a key for an
    /// endpoint that is not `API_KEY` is an error.
    pub fn with_api_key(&mut self, endpoint: impl Into<String>, key: impl Into<String>) -> &mut Self {
        let endpoint = endpoint.into();
        self.api_keys.retain(|(k, _)| *k != endpoint);
        self.api_keys.push((endpoint, key.into()));
        self
    }

    /// Typed routes for the generated endpoint structs: `source` is Rust, the same `impl` blocks
    /// the macro takes in its module (see [`routes`]), `file_name` how messages name it.
    /// Routes on a struct that is not generated, or malformed ones, are errors of
    /// [`Generator::generate_file`] (and `compile_error!`s in [`Generator::tokens`]).
    ///
    /// ```
    /// let mut generator = amplify_rest_codegen::Generator::new();
    /// generator.with_routes(
    ///     "src/routes.rs",
    ///     r#"impl PetsApi { #[get("/pets/{id}")] fn get_pet(id: u64) -> Pet; }"#,
    /// );
    /// ```
    pub fn with_routes(&mut self, file_name: impl Into<String>, source: impl Into<String>) -> &mut Self {
        self.routes.push((file_name.into(), source.into()));
        self
    }

    /// Parses and validates `text`, the contents of the file the user calls `file_name`.
    ///
    /// Never panics: every problem, in any format, is a [`ConfigError`] naming the file, the
    /// place (JSON path and line:column) and what was expected.
    pub fn parse(&self, file_name: &str, text: &str) -> Result<Config, ConfigErrors> {
        let javascript = match self.format {
            Some(f) => f == Format::AwsExports,
            None => format::is_javascript(file_name, text),
        };
        let root = if javascript {
            js::parse(text).map_err(|e| {
                ConfigError::new(
                    file_name,
                    None,
                    Some(e.pos),
                    format!("cannot read it as aws-exports JavaScript: {}", e.message),
                )
            })?
        } else {
            json::parse(text).map_err(|e| {
                let message = if e.message.starts_with("the file is empty") {
                    e.message
                } else {
                    format!("not valid JSON: {}", e.message)
                };
                ConfigError::new(file_name, None, Some(e.pos), message)
            })?
        };
        let mut r = read::Reader::new(file_name);
        if root.as_object().is_none() {
            let kind = root.kind_name();
            r.error(
                "",
                root.pos,
                format!("expected an object at the top of the file, found {kind}"),
            );
            return Err(ConfigErrors(r.errors));
        }
        let format = match (self.format, javascript) {
            (Some(f), _) => f,
            (None, true) => Format::AwsExports,
            (None, false) => match format::detect(&root) {
                Some(f) => f,
                None => {
                    r.error(
                        "",
                        root.pos,
                        "cannot tell which Amplify config this is: expected `api.plugins.awsAPIPlugin` \
                         (amplifyconfiguration.json), `aws_cloud_logic_custom` (the flat form) or \
                         `custom.API` (Gen 2 amplify_outputs.json)",
                    )
                    .help = Some(
                        "force a format with `format = \"...\"` in the macro, `Generator::with_format` \
                         or the CLI's `--format`"
                            .to_owned(),
                    );
                    return Err(ConfigErrors(r.errors));
                }
            },
        };
        let (mut raw, auth) = match format {
            Format::Plugin => {
                if root.get("api").is_none() {
                    r.error(
                        "api",
                        root.pos,
                        "no `api` section; expected the plugin form of amplifyconfiguration.json \
                         (`api.plugins.awsAPIPlugin.<name>`)",
                    );
                    return Err(ConfigErrors(r.errors));
                }
                plugin::read(&mut r, &root)
            }
            Format::Flat | Format::AwsExports => flat::read(&mut r, &root),
            Format::Gen2 => gen2::read(&mut r, &root),
        };
        validate::apply_overrides(
            &mut r,
            &mut raw,
            &validate::Overrides {
                authorizations: &self.authorizations,
                api_keys: &self.api_keys,
            },
        );
        let rules = validate::Rules {
            runtime_user_pool: self.runtime_user_pool,
            user_pool_place: match format {
                Format::Plugin => "auth.plugins.awsCognitoAuthPlugin.CognitoUserPool.Default",
                Format::Flat | Format::AwsExports => "aws_user_pools_id",
                Format::Gen2 => "auth.user_pool_id",
            },
        };
        let endpoints = validate::endpoints(&mut r, raw, &auth, rules);
        if r.errors.is_empty() {
            Ok(Config {
                file: file_name.to_owned(),
                format,
                endpoints,
                auth,
            })
        } else {
            Err(ConfigErrors(r.errors))
        }
    }

    /// Reads `path` and parses it; `display_name` is how messages name the file.
    pub fn load(&self, path: &Path, display_name: &str) -> Result<Config, ConfigErrors> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => format!("file not found (looked for {})", path.display()),
                std::io::ErrorKind::InvalidData => "the file is not UTF-8 text".to_owned(),
                _ => format!("cannot read {}: {e}", path.display()),
            };
            ConfigError::new(display_name, None, None, why)
        })?;
        self.parse(display_name, &text)
    }

    /// The items for every REST endpoint of `config`, plus its `AUTH` constant.
    pub fn tokens(&self, config: &Config) -> TokenStream {
        let items: Vec<_> = config.rest_endpoints().map(EndpointItem::public).collect();
        self.items(config, &items)
    }

    /// The items for the given endpoint structs, plus `config`'s `AUTH` constant.
    pub fn items(&self, config: &Config, endpoints: &[EndpointItem<'_>]) -> TokenStream {
        let mut out = generate::auth_const(config);
        for item in endpoints {
            out.extend(generate::endpoint_struct(&config.file, item));
        }
        out.extend(routes::items(&self.routes, endpoints));
        out
    }

    /// The items of [`Generator::tokens`] as formatted Rust source: what prettyplease prints
    /// for them, after a header line. Endpoint structs are printed from one template per
    /// shape of struct (see the `pretty` module), which is what keeps 1,000 endpoints well under
    /// 100 ms.
    pub fn source(&self, config: &Config) -> String {
        // About 2 KB per endpoint struct: one allocation instead of a dozen doublings.
        let mut out = String::with_capacity(4096 + 2048 * config.endpoints.len());
        out.push_str(&format!(
            "// Generated by amplify-rest-codegen {} from {}. Do not edit.\n",
            env!("CARGO_PKG_VERSION"),
            config.file
        ));
        out.push_str(&pretty::unparse(generate::auth_const(config)));
        let mut endpoints = pretty::Endpoints::default();
        for endpoint in config.rest_endpoints() {
            endpoints.write(&config.file, endpoint, &mut out);
        }
        if !self.routes.is_empty() {
            let items: Vec<_> = config.rest_endpoints().map(EndpointItem::public).collect();
            out.push_str(&pretty::unparse(routes::items(&self.routes, &items)));
        }
        out
    }

    /// Reads `config_path` (relative to `CARGO_MANIFEST_DIR`) and writes the formatted items to
    /// `OUT_DIR/<file stem>.rs`; prints `cargo:rerun-if-changed` for the file. Returns the path
    /// written.
    pub fn write_to_out_dir(&self, config_path: impl AsRef<Path>) -> Result<PathBuf, ConfigErrors> {
        let config_path = config_path.as_ref();
        let display = config_path.display().to_string();
        let env = |name: &str| {
            std::env::var_os(name).map(PathBuf::from).ok_or_else(|| {
                ConfigErrors::from(ConfigError::new(
                    &display,
                    None,
                    None,
                    format!("`{name}` is not set; call this from a build script"),
                ))
            })
        };
        let manifest_dir = env("CARGO_MANIFEST_DIR")?;
        let out_dir = env("OUT_DIR")?;
        let full = manifest_dir.join(config_path);
        println!("cargo:rerun-if-changed={}", full.display());
        let stem = config_path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("amplifyconfiguration");
        let out = out_dir.join(format!("{stem}.rs"));
        self.generate_file(&full, &display, &out)?;
        Ok(out)
    }

    /// Reads the config at `config_path` (named `display_name` in messages) and writes the
    /// formatted items to `out`. The building block of [`Generator::write_to_out_dir`], for
    /// tools that manage their own paths.
    pub fn generate_file(
        &self,
        config_path: &Path,
        display_name: &str,
        out: &Path,
    ) -> Result<(), ConfigErrors> {
        let config = self.load(config_path, display_name)?;
        let endpoints: Vec<_> = config.rest_endpoints().map(EndpointItem::public).collect();
        routes::generate(&self.routes, &endpoints)?;
        std::fs::write(out, self.source(&config)).map_err(|e| {
            ConfigError::new(
                display_name,
                None,
                None,
                format!("cannot write {}: {e}", out.display()),
            )
            .into()
        })
    }

    /// [`Generator::write_to_out_dir`] for `build.rs`: every problem becomes a `cargo::error`
    /// line, which fails the build with the message shown to the user.
    pub fn build_script(&self, config_path: impl AsRef<Path>) {
        if let Err(errors) = self.write_to_out_dir(config_path) {
            for e in errors.iter() {
                println!("cargo::error={e}");
            }
        }
    }
}

/// Finds the REST endpoint a user named, by config name (`explicit`, from `#[endpoint("...")]`)
/// or by its Rust type name. The error says what is missing and lists the REST endpoints the
/// file has, with a "did you mean" where one is close.
pub fn resolve<'c>(config: &'c Config, requested: &str, explicit: bool) -> Result<&'c Endpoint, String> {
    let found = config.endpoints.iter().find(|e| {
        if explicit {
            e.name == requested
        } else {
            e.type_name == requested
        }
    });
    let rest: Vec<&Endpoint> = config.rest_endpoints().collect();
    let listing = if rest.is_empty() {
        format!("{} has no REST endpoints", config.file)
    } else {
        let names: Vec<String> = rest
            .iter()
            .map(|e| {
                if explicit {
                    format!("\"{}\"", e.name)
                } else {
                    format!("`{}` (\"{}\")", e.type_name, e.name)
                }
            })
            .collect();
        format!("REST endpoints in {}: {}", config.file, names.join(", "))
    };
    match found {
        Some(e) if e.kind == EndpointKind::Rest => Ok(e),
        Some(e) => Err(format!(
            "\"{}\" in {} is a GraphQL API; amplify-rest generates clients for REST APIs only. {listing}",
            e.name, config.file
        )),
        None => {
            let candidates = rest.iter().map(|e| {
                if explicit {
                    e.name.as_str()
                } else {
                    e.type_name.as_str()
                }
            });
            let hint = match error::did_you_mean(requested, candidates) {
                Some(s) if explicit => format!(" Did you mean \"{s}\"?"),
                Some(s) => format!(" Did you mean `{s}`?"),
                None => String::new(),
            };
            let what = if explicit {
                format!("no API named \"{requested}\" in {}.", config.file)
            } else {
                format!(
                    "no REST endpoint in {} becomes the type `{requested}`.",
                    config.file
                )
            };
            Err(format!("{what}{hint} {listing}"))
        }
    }
}
