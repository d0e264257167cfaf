//! Exact path joining and percent-encoding for request URLs.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::{Error, ErrorKind};

/// Query keys and values: everything but RFC 3986 unreserved characters is encoded, so a space is
/// `%20` and a `+` is `%2B` — unambiguous for API Gateway and for SigV4's canonical query.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The parsed base URL of an endpoint: origin and stage path.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    /// `https://host[:port]`
    origin: String,
    /// The stage path without a trailing slash (`/dev`, or empty).
    path: String,
}

/// `url` as an error may show it: user info (`user:password@`) replaced by `***@`.
fn shown_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

impl BaseUrl {
    pub(crate) fn parse(base: &str) -> Result<Self, Error> {
        let shown = shown_url(base);
        let url = reqwest::Url::parse(base)
            .map_err(|e| Error::new(ErrorKind::Config, format!("invalid base URL \"{shown}\": {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::new(
                ErrorKind::Config,
                format!("invalid base URL \"{shown}\": expected an absolute http(s) URL"),
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::new(
                ErrorKind::Config,
                "invalid base URL: it carries credentials (`user:password@`)",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::new(
                ErrorKind::Config,
                format!("invalid base URL \"{base}\": it has a query or fragment"),
            ));
        }
        Ok(BaseUrl {
            origin: url.origin().ascii_serialization(),
            path: url.path().trim_end_matches('/').to_owned(),
        })
    }

    /// The base URL as given, normalised (no trailing slash unless it is the root).
    pub(crate) fn as_string(&self) -> String {
        format!(
            "{}{}",
            self.origin,
            if self.path.is_empty() { "/" } else { &self.path }
        )
    }

    /// The full URL for `path` (which may carry its own `?query`) and extra query pairs.
    ///
    /// Joining is exact: one `/` between the stage and the path whether or not either has one;
    /// characters that may not appear in a path are percent-encoded, existing `%XX` escapes are
    /// kept (so `a%2Fb` stays one segment).
    pub(crate) fn join(&self, path: &str, query: &[(String, String)]) -> Result<reqwest::Url, Error> {
        let (path, raw_query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        let mut out = String::with_capacity(self.origin.len() + self.path.len() + path.len() + 16);
        out.push_str(&self.origin);
        out.push_str(&self.path);
        if !path.starts_with('/') {
            out.push('/');
        }
        encode_path_into(path, &mut out);
        let mut first = true;
        let mut sep = |out: &mut String| {
            out.push(if first { '?' } else { '&' });
            first = false;
        };
        if let Some(q) = raw_query.filter(|q| !q.is_empty()) {
            sep(&mut out);
            encode_path_into(q, &mut out);
        }
        for (k, v) in query {
            sep(&mut out);
            out.extend(utf8_percent_encode(k, QUERY));
            out.push('=');
            out.extend(utf8_percent_encode(v, QUERY));
        }
        reqwest::Url::parse(&out).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("cannot build a URL for the path \"{path}\": {e}"),
            )
        })
    }
}

/// Percent-encodes what may not stand in a URL path, keeping `/` and existing `%XX` escapes.
fn encode_path_into(path: &str, out: &mut String) {
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let keep = match b {
            b'%' => bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => true,
            b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
            | b',' | b';' | b'=' | b':' | b'@' => true,
            _ => false,
        };
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::BaseUrl;

    #[test]
    fn errors_never_show_a_password() {
        for bad in [
            "https://u:pw-secret@ho st/dev",
            "ftp://u:pw-secret@host/",
            "https://u:pw-secret@x/",
        ] {
            let Err(e) = BaseUrl::parse(bad) else {
                panic!("{bad} was accepted")
            };
            let e = e.to_string();
            assert!(!e.contains("pw-secret"), "{e}");
        }
        assert_eq!(super::shown_url("https://a:b@h/p@q"), "https://***@h/p@q");
        assert_eq!(super::shown_url("https://h/p@q"), "https://h/p@q");
    }

    fn join(base: &str, path: &str, query: &[(&str, &str)]) -> String {
        let q: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        BaseUrl::parse(base)
            .expect("base")
            .join(path, &q)
            .expect("join")
            .to_string()
    }

    #[test]
    fn joins_exactly() {
        for base in ["https://h.example.com/dev", "https://h.example.com/dev/"] {
            assert_eq!(join(base, "/pets/7", &[]), "https://h.example.com/dev/pets/7");
            assert_eq!(join(base, "pets/7", &[]), "https://h.example.com/dev/pets/7");
            assert_eq!(join(base, "/", &[]), "https://h.example.com/dev/");
            assert_eq!(join(base, "", &[]), "https://h.example.com/dev/");
        }
        assert_eq!(
            join("https://h.example.com", "/pets", &[]),
            "https://h.example.com/pets"
        );
        assert_eq!(
            join("https://h.example.com/", "pets", &[]),
            "https://h.example.com/pets"
        );
        assert_eq!(
            join("http://127.0.0.1:9000/a/b", "/c", &[]),
            "http://127.0.0.1:9000/a/b/c"
        );
    }

    #[test]
    fn encodes_paths_and_queries() {
        assert_eq!(
            join("https://h.example.com/dev", "/a b/é/a%2Fb", &[]),
            "https://h.example.com/dev/a%20b/%C3%A9/a%2Fb"
        );
        assert_eq!(
            join(
                "https://h.example.com/dev",
                "/p",
                &[("q", "a b+c;d"), ("q", "ü"), ("e", "")]
            ),
            "https://h.example.com/dev/p?q=a%20b%2Bc%3Bd&q=%C3%BC&e="
        );
        assert_eq!(
            join("https://h.example.com/dev", "/p?x=1&y", &[("z", "2")]),
            "https://h.example.com/dev/p?x=1&y&z=2"
        );
        assert_eq!(
            join("https://h.example.com/dev", "/100%", &[]),
            "https://h.example.com/dev/100%25"
        );
    }

    #[test]
    fn rejects_bad_bases() {
        for bad in [
            "not a url",
            "ftp://h.example.com",
            "https://u:p@h.example.com/",
            "https://h.example.com/?a=1",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
