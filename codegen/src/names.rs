//! Endpoint names -> Rust type names.

use heck::ToUpperCamelCase;

/// The Rust type name for an endpoint name: `nurseReport` -> `NurseReport`,
/// `leads-api` -> `LeadsApi`, `apicbb410f6` -> `Apicbb410f6`, `members_v2` -> `MembersV2`,
/// `my api` -> `MyApi`.
///
/// - Every other ASCII character separates words; letters and digits outside ASCII are left out,
///   so generated names are plain ASCII and no identifier lint (`non_ascii_idents`,
///   `uncommon_codepoints`, confusables) can fire on them.
/// - A name that would start with a digit gets the prefix `Api`: `2024api` -> `Api2024api`.
/// - Rust keywords are lower case, so after upper camel case only `Self` is left; it becomes
///   `SelfApi` (`self`, `SELF`, `Self` alike).
///
/// Returns `None` if nothing of the name is usable (no ASCII letters or digits at all).
pub fn type_name(endpoint_name: &str) -> Option<String> {
    let words: String = endpoint_name
        .chars()
        .filter(|c| c.is_ascii() || !c.is_alphanumeric())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let camel = words.to_upper_camel_case();
    let first = camel.chars().next()?;
    let name = if first.is_ascii_digit() {
        format!("Api{camel}")
    } else if camel == "Self" {
        "SelfApi".to_owned()
    } else {
        camel
    };
    // Belt and braces: what we return is always an identifier syn and proc-macro2 accept.
    syn::parse_str::<syn::Ident>(&name).ok().map(|_| name)
}

#[cfg(test)]
mod tests {
    use super::type_name;

    #[test]
    fn names_from_the_design() {
        assert_eq!(type_name("nurseReport").as_deref(), Some("NurseReport"));
        assert_eq!(type_name("leads-api").as_deref(), Some("LeadsApi"));
        assert_eq!(type_name("apicbb410f6").as_deref(), Some("Apicbb410f6"));
        assert_eq!(type_name("AdminQueries").as_deref(), Some("AdminQueries"));
        assert_eq!(type_name("members_v2").as_deref(), Some("MembersV2"));
        assert_eq!(type_name("my api").as_deref(), Some("MyApi"));
        assert_eq!(type_name("2024api").as_deref(), Some("Api2024api"));
        assert_eq!(type_name("self").as_deref(), Some("SelfApi"));
        assert_eq!(type_name("---"), None);
        assert_eq!(type_name(""), None);
    }

    #[test]
    fn separators_digits_and_case() {
        for (name, expected) in [
            ("leads_api", "LeadsApi"),
            ("LEADS-API", "LeadsApi"),
            ("leads api", "LeadsApi"),
            ("  leads--api__", "LeadsApi"),
            ("leads.api/v1", "LeadsApiV1"),
            ("authtest_1", "Authtest1"),
            ("myAPI", "MyApi"),
            ("APIGateway", "ApiGateway"),
            ("2024", "Api2024"),
            ("1-2-3", "Api123"),
            ("_private", "Private"),
            ("x", "X"),
        ] {
            assert_eq!(type_name(name).as_deref(), Some(expected), "{name}");
        }
    }

    #[test]
    fn keywords_become_types() {
        // Every Rust keyword, strict and reserved, becomes a usable type name.
        for kw in [
            "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
            "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
            "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
            "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro", "override",
            "priv", "try", "typeof", "unsized", "virtual", "yield", "union", "raw",
        ] {
            let name = type_name(kw).unwrap_or_else(|| panic!("{kw}"));
            assert!(syn::parse_str::<syn::Ident>(&name).is_ok(), "{kw} -> {name}");
            assert!(
                name.starts_with(|c: char| c.is_ascii_uppercase()),
                "{kw} -> {name}"
            );
        }
        assert_eq!(type_name("SELF").as_deref(), Some("SelfApi"));
    }

    #[test]
    fn non_ascii_separates_words() {
        assert_eq!(type_name("café-api").as_deref(), Some("CafApi"));
        assert_eq!(type_name("données").as_deref(), Some("Donnes"));
        assert_eq!(type_name("名前"), None);
    }
}
