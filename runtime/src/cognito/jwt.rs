//! Reading the claims of a Cognito token. No signature check: the client only needs to know
//! when a token expires and whose it is; the API checks signatures.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use crate::error::{Error, ErrorKind};

/// What the client reads from a user pool token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claims {
    pub(crate) sub: String,
    /// `username` (access token) or `cognito:username` (ID token).
    pub(crate) username: Option<String>,
    pub(crate) exp: SystemTime,
    pub(crate) iat: Option<SystemTime>,
}

#[derive(Deserialize)]
struct Raw {
    sub: Option<String>,
    username: Option<String>,
    #[serde(rename = "cognito:username")]
    cognito_username: Option<String>,
    exp: Option<serde_json::Number>,
    iat: Option<serde_json::Number>,
}

fn epoch(n: &serde_json::Number) -> Option<SystemTime> {
    let secs = n.as_f64()?;
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    SystemTime::UNIX_EPOCH.checked_add(Duration::try_from_secs_f64(secs).ok()?)
}

/// The claims of `token` (`which` names it in errors: "access token"). Never shows the token.
pub(crate) fn claims(token: &str, which: &str) -> Result<Claims, Error> {
    let bad = |why: &str| {
        Error::new(
            ErrorKind::Decode,
            format!("the {which} is not a usable JWT: {why}"),
        )
    };
    let mut parts = token.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("it does not have three parts"));
    };
    // Some encoders pad; the JWT form does not. Accept both.
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| bad("its payload is not base64url"))?;
    let raw: Raw = serde_json::from_slice(&bytes).map_err(|_| bad("its payload is not a JSON object"))?;
    let exp = raw
        .exp
        .as_ref()
        .and_then(epoch)
        .ok_or_else(|| bad("it has no usable `exp` claim"))?;
    let sub = raw.sub.ok_or_else(|| bad("it has no `sub` claim"))?;
    let iat = raw.iat.as_ref().and_then(epoch);
    // Such a token has no lifetime: it would look stale at once and be refreshed on every call.
    if iat.is_some_and(|iat| iat >= exp) {
        return Err(bad("it expires before it was issued (`exp` <= `iat`)"));
    }
    Ok(Claims {
        sub,
        username: raw.username.or(raw.cognito_username),
        exp,
        iat,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        format!("eyJhbGciOiJub25lIn0.{}.c2ln", URL_SAFE_NO_PAD.encode(payload))
    }

    #[test]
    fn reads_claims() {
        let c = claims(
            &token(r#"{"sub":"s-1","username":"alice","exp":1700000000,"iat":1699996400}"#),
            "access token",
        )
        .expect("claims");
        assert_eq!(c.sub, "s-1");
        assert_eq!(c.username.as_deref(), Some("alice"));
        assert_eq!(c.exp, SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        assert_eq!(
            c.iat,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_699_996_400))
        );
        let c = claims(
            &token(r#"{"sub":"s","cognito:username":"bob","exp":1.5}"#),
            "ID token",
        )
        .expect("claims");
        assert_eq!(c.username.as_deref(), Some("bob"));
    }

    #[test]
    fn bad_tokens_are_typed_errors() {
        for (t, why) in [
            ("not-a-jwt".to_owned(), "three parts"),
            ("a.b.c.d".to_owned(), "three parts"),
            ("a.!!!.c".to_owned(), "base64url"),
            (token("[1]"), "JSON object"),
            (token(r#"{"sub":"s"}"#), "`exp`"),
            (token(r#"{"sub":"s","exp":-1}"#), "`exp`"),
            (token(r#"{"sub":"s","exp":"soon"}"#), "JSON object"),
            (token(r#"{"exp":1}"#), "`sub`"),
            (
                token(r#"{"sub":"s","exp":100,"iat":100}"#),
                "before it was issued",
            ),
        ] {
            let e = claims(&t, "access token").expect_err(&t);
            assert_eq!(e.kind(), ErrorKind::Decode);
            assert!(e.to_string().contains(why), "{e} / {why}");
            assert!(!e.to_string().contains(&t), "the token leaked: {e}");
        }
    }
}
