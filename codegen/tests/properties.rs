//! Properties of the whole reader + generator, on inputs nobody wrote by hand:
//! arbitrary bytes and arbitrary JSON values never panic, and every config the generator accepts
//! becomes code that parses as a Rust file. (The fuzzer in `fuzz/` checks the same, for longer.)

use amplify_rest_codegen::{Format, Generator};
use proptest::prelude::*;

/// Parses `text` with format detection and with every format forced, as the given file names;
/// every accepted config must generate a Rust file syn can parse. Returns how many were accepted.
fn check_all(text: &str) -> usize {
    let mut accepted = 0;
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
        match generator.parse(file, text) {
            Ok(config) => {
                accepted += 1;
                let tokens = generator.tokens(&config);
                if let Err(e) = syn::parse2::<syn::File>(tokens.clone()) {
                    panic!("generated code does not parse: {e}\n{tokens}\nfrom:\n{text}");
                }
            }
            Err(errors) => {
                // Every error names the file.
                for e in errors.iter() {
                    assert!(e.to_string().starts_with(file), "{e}");
                }
            }
        }
    }
    accepted
}

/// A JSON (or JS) value as text.
#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    Number(i64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn write(&self, out: &mut String, js: bool) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(&n.to_string()),
            Json::Str(s) => quote(s, out, js),
            Json::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out, js);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(",\n");
                    }
                    quote(k, out, js);
                    out.push(':');
                    v.write(out, js);
                }
                out.push('}');
            }
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, false);
        out
    }

    fn js(&self) -> String {
        let mut out = String::from("const awsmobile = ");
        self.write(&mut out, true);
        out.push_str(";\nexport default awsmobile;\n");
        out
    }
}

fn quote(s: &str, out: &mut String, js: bool) {
    let q = if js { '\'' } else { '"' };
    out.push(q);
    for c in s.chars() {
        match c {
            '"' if !js => out.push_str("\\\""),
            '\'' if js => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(q);
}

/// Keys and strings the readers look for, so random trees reach deep into them.
const WORDS: &[&str] = &[
    "api",
    "plugins",
    "awsAPIPlugin",
    "endpointType",
    "REST",
    "GraphQL",
    "endpoint",
    "region",
    "authorizationType",
    "AWS_IAM",
    "API_KEY",
    "AMAZON_COGNITO_USER_POOLS",
    "OPENID_CONNECT",
    "NONE",
    "apiKey",
    "auth",
    "awsCognitoAuthPlugin",
    "CognitoUserPool",
    "Default",
    "PoolId",
    "AppClientId",
    "CredentialsProvider",
    "CognitoIdentity",
    "Auth",
    "authenticationFlowType",
    "USER_SRP_AUTH",
    "aws_cloud_logic_custom",
    "name",
    "aws_project_region",
    "aws_user_pools_id",
    "aws_user_pools_web_client_id",
    "aws_cognito_identity_pool_id",
    "custom",
    "API",
    "apiName",
    "user_pool_id",
    "user_pool_client_id",
    "identity_pool_id",
    "aws_region",
    "version",
    "unauthenticated_identities_enabled",
    "us-east-1",
    "us-east-1_Ab",
    "us-east-1:ab-cd",
    "https://a.example.org/dev",
    "http://[::1]:80/x",
    "self",
    "2024 api",
    "leads-api",
    "leads_api",
    "",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(WORDS).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::Number),
        word().prop_map(Json::Str),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            proptest::collection::vec((word(), inner), 0..6).prop_map(|members| {
                // Distinct keys: duplicates are (rightly) refused, and would hide everything else.
                let mut seen = std::collections::HashSet::new();
                Json::Object(
                    members
                        .into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .collect(),
                )
            }),
        ]
    })
}

/// An API's name and the members of its entry.
type Entry = (String, Vec<(String, Json)>);

/// An endpoint entry that may or may not be valid: names, URLs, regions and modes drawn from
/// good and bad values.
fn entry() -> impl Strategy<Value = Entry> {
    let name = word();
    let url = prop_oneof![
        Just("https://abc.execute-api.us-east-1.amazonaws.com/dev".to_owned()),
        Just("http://127.0.0.1:8080/x/".to_owned()),
        word(),
    ];
    let region = prop_oneof![Just("us-east-1".to_owned()), word()];
    let mode = proptest::sample::select(
        &[
            "AWS_IAM",
            "API_KEY",
            "NONE",
            "OPENID_CONNECT",
            "AMAZON_COGNITO_USER_POOLS",
            "API_IAM",
        ][..],
    );
    (name, url, region, mode, any::<bool>(), word()).prop_map(|(name, url, region, mode, with_mode, key)| {
        let mut members = vec![
            ("endpoint".to_owned(), Json::Str(url)),
            ("region".to_owned(), Json::Str(region)),
        ];
        if with_mode {
            members.push(("authorizationType".to_owned(), Json::Str(mode.to_owned())));
            members.push(("apiKey".to_owned(), Json::Str(key)));
        }
        (name, members)
    })
}

/// Configs in each format's shape, mostly valid.
fn config() -> impl Strategy<Value = (u8, Vec<Entry>)> {
    (0u8..3, proptest::collection::vec(entry(), 0..4))
}

fn dedup(entries: Vec<Entry>) -> Vec<Entry> {
    let mut seen = std::collections::HashSet::new();
    entries
        .into_iter()
        .filter(|(n, _)| seen.insert(n.clone()))
        .collect()
}

fn obj(members: Vec<(&str, Json)>) -> Json {
    Json::Object(members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn shaped((shape, entries): (u8, Vec<Entry>)) -> Json {
    let entries = dedup(entries);
    match shape {
        0 => {
            let apis = entries
                .into_iter()
                .map(|(n, mut m)| {
                    m.push(("endpointType".to_owned(), Json::Str("REST".to_owned())));
                    (n, Json::Object(m))
                })
                .collect();
            obj(vec![(
                "api",
                obj(vec![("plugins", obj(vec![("awsAPIPlugin", Json::Object(apis))]))]),
            )])
        }
        1 => {
            let apis = entries
                .into_iter()
                .map(|(n, mut m)| {
                    m.push(("name".to_owned(), Json::Str(n)));
                    Json::Object(m)
                })
                .collect();
            obj(vec![
                ("aws_project_region", Json::Str("us-east-1".to_owned())),
                ("aws_cloud_logic_custom", Json::Array(apis)),
            ])
        }
        _ => {
            let apis = entries.into_iter().map(|(n, m)| (n, Json::Object(m))).collect();
            obj(vec![
                ("version", Json::Str("1.3".to_owned())),
                ("custom", obj(vec![("API", Json::Object(apis))])),
            ])
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check_all(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_text_near_the_syntax_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            word(),
            proptest::sample::select(&["{", "}", "[", "]", ":", ",", "\"", "'", "`", "//", "/*", "*/", "\n", "const a = ", "export default a;", "${", "\\u", "-", "1e5", "process.env.X"][..]).prop_map(str::to_owned),
        ],
        0..40,
    )) {
        check_all(&parts.concat());
    }

    #[test]
    fn arbitrary_json_values_never_panic(value in json()) {
        check_all(&value.text());
        check_all(&value.js());
    }

    #[test]
    fn accepted_configs_generate_code_that_parses(value in config().prop_map(shaped)) {
        check_all(&value.text());
        check_all(&value.js());
    }
}

#[test]
fn the_shaped_strategy_reaches_accepted_configs() {
    // Guards the property above against testing only rejections.
    let text = shaped((
        1,
        vec![(
            "leads-api".to_owned(),
            vec![(
                "endpoint".to_owned(),
                Json::Str("https://a.example.org/dev".to_owned()),
            )],
        )],
    ))
    .text();
    assert!(check_all(&text) >= 2, "{text}");
}

/// Inputs worth keeping: edge cases of the readers, and every input the fuzzer (`fuzz/`) ever
/// found. (Its runs so far found none; see fuzz/README.md.)
#[test]
fn regressions() {
    for text in [
        "\u{feff}{\"aws_cloud_logic_custom\": []}",
        "const a = {aws_cloud_logic_custom: [{name: '\\u{1F600}x', endpoint: 'https://a.b/c'}]};",
        "const a = {aws_cloud_logic_custom: [{name: 'x', endpoint: 'https://a.b/c', region: 'us-east-1'}]}; export default a; export default a;",
        "{\"version\": \"1\", \"custom\": {\"API\": {\"名前\": {\"endpoint\": \"https://a.b/\"}}}}",
        "{\"version\": \"1\", \"custom\": {\"API\": {\"self\": {\"endpoint\": \"https://a.b/\", \"region\": \"us-east-1\"}}}}",
        "{\"api\": {\"plugins\": {\"awsAPIPlugin\": {\"a\\u0000b\": {\"endpointType\": \"REST\", \"endpoint\": \"https://a.b/\", \"authorizationType\": \"NONE\"}}}}}",
        "const a = -",
        "const a = '\\",
        "module.exports = [",
        &"[".repeat(100_000),
        &format!("const a = {};", "{a:".repeat(50_000)),
    ] {
        check_all(text);
    }
}
