//! Endpoint names -> Rust type names.

use heck::ToUpperCamelCase;

/// The Rust type name for an endpoint name: `nurseReport` -> `NurseReport`,
/// `leads-api` -> `LeadsApi`, `apicbb410f6` -> `Apicbb410f6`.
///
/// Names that would not be identifiers get a prefix: `2024api` -> `Api2024api`;
/// `Self` (the only upper-camel-case keyword) becomes `SelfApi`.
/// Returns `None` if nothing of the name is usable (no letters or digits at all).
pub fn type_name(endpoint_name: &str) -> Option<String> {
    let camel = endpoint_name.to_upper_camel_case();
    let cleaned: String = camel
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let first = cleaned.chars().next()?;
    let name = if !(first.is_alphabetic() || first == '_') {
        format!("Api{cleaned}")
    } else if cleaned == "Self" {
        "SelfApi".to_owned()
    } else {
        cleaned
    };
    // Must survive as a Rust identifier (e.g. no `_` alone).
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
}
