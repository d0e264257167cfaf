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
///
/// The URL stays parsed: a request URL is this one with its path (and query) replaced, so the
/// scheme and host are never parsed again per request (host parsing is most of a URL parse).
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    /// The base as parsed (`https://host[:port]/stage`), no query or fragment, with a filler
    /// path of [`PATH_ROOM`] bytes after the stage: every request URL is a clone of it with its
    /// path replaced, and the filler leaves the clone's buffer room for a usual path (a clone
    /// has exactly the capacity of the original), so that replacing it does not reallocate.
    template: reqwest::Url,
    /// The stage path without a trailing slash (`/dev`, or empty).
    path: String,
    /// The `host` header of a request to this origin, as hyper writes it: the host, and the
    /// port when it is not the scheme's default ([`BaseUrl::host_header`]).
    host: Option<http::HeaderValue>,
}

/// Bytes of path (and query) a request URL has room for beyond the stage without growing.
const PATH_ROOM: usize = 96;

thread_local! {
    /// Where the encoded path and query are put together before they go into the URL (reused:
    /// no allocation per request).
    static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
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
        let path = url.path().trim_end_matches('/').to_owned();
        let host = url.host_str().and_then(|host| {
            let value = match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            };
            http::HeaderValue::from_str(&value).ok()
        });
        let mut template = url;
        template.set_path(&format!("{path}/{}", "_".repeat(PATH_ROOM)));
        Ok(BaseUrl { template, path, host })
    }

    /// The `host` header of a request to `url` when `url` is on this base's origin (scheme,
    /// host and port), made once: the value hyper would add (and the signer signs).
    pub(crate) fn host_header(&self, url: &reqwest::Url) -> Option<&http::HeaderValue> {
        let same_origin = url.scheme() == self.template.scheme()
            && url.host_str() == self.template.host_str()
            && url.port() == self.template.port();
        self.host.as_ref().filter(|_| same_origin)
    }

    /// The base URL as given, normalised (no trailing slash unless it is the root).
    pub(crate) fn as_string(&self) -> String {
        format!(
            "{}{}",
            self.template.origin().ascii_serialization(),
            if self.path.is_empty() { "/" } else { &self.path }
        )
    }

    /// The full URL for `path` (which may carry its own `?query`) and extra query pairs.
    ///
    /// Joining is exact: one `/` between the stage and the path whether or not either has one;
    /// characters that may not appear in a path are percent-encoded, existing `%XX` escapes are
    /// kept (so `a%2Fb` stays one segment).
    ///
    /// The result is the URL `Url::parse` gives for `origin + stage + path + ?query`: the path
    /// and query are put through the same parser steps (`set_path`, `set_query`), only the
    /// scheme and host are taken as already parsed.
    pub(crate) fn join(&self, path: &str, query: &[(String, String)]) -> reqwest::Url {
        let (path, raw_query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        let raw_query = raw_query.filter(|q| !q.is_empty());
        let mut url = self.template.clone();
        let done = SCRATCH.try_with(|scratch| {
            let Ok(mut full) = scratch.try_borrow_mut() else {
                return false;
            };
            self.fill(&mut url, path, raw_query, query, &mut full);
            // An unusually long path's buffer is not kept for the thread's lifetime.
            if full.capacity() > 4096 {
                *full = String::new();
            }
            true
        });
        if done != Ok(true) {
            // The thread's buffer is gone (thread teardown): a buffer of its own.
            self.fill(&mut url, path, raw_query, query, &mut String::new());
        }
        url
    }

    /// Sets the path (stage, `/`, encoded `path`) and the query of `url`, put together in `full`.
    fn fill(
        &self,
        url: &mut reqwest::Url,
        path: &str,
        raw_query: Option<&str>,
        query: &[(String, String)],
        full: &mut String,
    ) {
        full.clear();
        full.push_str(&self.path);
        if !path.starts_with('/') {
            full.push('/');
        }
        encode_path_into(path, full);
        url.set_path(full);
        if raw_query.is_some() || !query.is_empty() {
            full.clear();
            if let Some(q) = raw_query {
                encode_path_into(q, full);
            }
            let mut first = raw_query.is_none();
            for (k, v) in query {
                if !first {
                    full.push('&');
                }
                first = false;
                full.extend(utf8_percent_encode(k, QUERY));
                full.push('=');
                full.extend(utf8_percent_encode(v, QUERY));
            }
            url.set_query(Some(full));
        }
    }
}

/// The bytes a path keeps as they are: RFC 3986 unreserved characters, sub-delims, `:`, `@`
/// and `/` (`%` is kept when an escape follows it).
const PATH_KEEPS: [bool; 256] = {
    let mut keep = [false; 256];
    let mut b = 0;
    while b < 256 {
        keep[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let others = b"-._~/!$&'()*+,;=:@";
    let mut i = 0;
    while i < others.len() {
        keep[others[i] as usize] = true;
        i += 1;
    }
    keep
};

/// Percent-encodes what may not stand in a URL path, keeping `/` and existing `%XX` escapes.
fn encode_path_into(path: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = path.as_bytes();
    // Runs of bytes kept as they are are copied in one go (most paths are one run).
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let keep = PATH_KEEPS[usize::from(b)]
            || (b == b'%'
                && bytes
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)));
        if !keep {
            // Bytes kept are ASCII: a non-empty run starts and ends on character boundaries.
            if run < i {
                out.push_str(&path[run..i]);
            }
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
            run = i + 1;
        }
    }
    out.push_str(&path[run..]);
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

    /// The `host` header is the one hyper-util adds to an HTTP/1 request without one: the
    /// URI's host, with the port unless it is the scheme's default (its `get_non_default_port`).
    #[test]
    fn host_header_is_what_hyper_would_add() {
        for base in [
            "https://h.example.com/dev",
            "https://h.example.com:443/dev",
            "https://H.Example.COM/dev",
            "https://h.example.com:8443/dev",
            "http://127.0.0.1:8080/dev",
            "http://h:80/",
            "http://[::1]:9000/x",
            "https://[2001:db8::1]/",
        ] {
            let parsed = BaseUrl::parse(base).expect("base");
            let url = parsed.join("/pets/7", &[]);
            let uri: http::Uri = url.as_str().parse().expect("uri");
            let host = uri.host().expect("host");
            let secure = uri.scheme_str() == Some("https");
            let expected = match (uri.port_u16(), secure) {
                (Some(443), true) | (Some(80), false) | (None, _) => host.to_owned(),
                (Some(port), _) => format!("{host}:{port}"),
            };
            assert_eq!(
                parsed.host_header(&url).map(|v| v.to_str().expect("ascii")),
                Some(expected.as_str()),
                "{base}"
            );
        }
        let parsed = BaseUrl::parse("https://h.example.com/dev").expect("base");
        for other in [
            "http://h.example.com/dev/a",
            "https://h.example.com:8443/dev/a",
            "https://g.example.com/dev/a",
        ] {
            let url = reqwest::Url::parse(other).expect("url");
            assert_eq!(parsed.host_header(&url), None, "{other}");
        }
    }

    fn join(base: &str, path: &str, query: &[(&str, &str)]) -> String {
        let q: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        BaseUrl::parse(base).expect("base").join(path, &q).to_string()
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

    /// How URLs were joined before: the whole URL as a string, then parsed.
    fn join_by_parsing(base: &str, path: &str, query: &[(String, String)]) -> String {
        let parsed = reqwest::Url::parse(base).expect("base");
        let (path, raw_query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        let mut out = parsed.origin().ascii_serialization();
        out.push_str(parsed.path().trim_end_matches('/'));
        if !path.starts_with('/') {
            out.push('/');
        }
        super::encode_path_into(path, &mut out);
        let mut first = true;
        if let Some(q) = raw_query.filter(|q| !q.is_empty()) {
            out.push('?');
            first = false;
            super::encode_path_into(q, &mut out);
        }
        for (k, v) in query {
            out.push(if first { '?' } else { '&' });
            first = false;
            out.extend(super::utf8_percent_encode(k, super::QUERY));
            out.push('=');
            out.extend(super::utf8_percent_encode(v, super::QUERY));
        }
        reqwest::Url::parse(&out).expect("joined").to_string()
    }

    #[test]
    fn joins_as_parsing_the_whole_url_would() {
        let bases = [
            "https://h.example.com/dev",
            "https://H.Example.COM:443/dev/",
            "http://127.0.0.1:9000",
            "http://[::1]:8080/a/b/",
            "https://h.example.com/st%20age/x",
        ];
        let mut paths: Vec<String> = [
            "",
            "/",
            "?",
            "/?",
            "/p?",
            "/p?x=1&y",
            "p?a b",
            "/a/../b",
            "/a/./b/..",
            "../../x",
            "/%2e%2e/x",
            "/.%2E/x",
            "//double//slash/",
            "/a\\b",
            "/a b/é/a%2Fb",
            "/100%",
            "/%zz/%4",
            "/#frag?x#y",
            "/q?x=%41%zz&'\"<>",
            "/:@!$&'()*+,;=~",
            "/\t\n\r x",
            "/ü?ü=ü",
            "/a?b?c",
            "/\u{1F600}",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        // Longer than the room a request URL has, so its buffer grows.
        paths.push(format!("/{}?{}", "seg/".repeat(60), "k=v&".repeat(40)));
        // And pseudo-random ones over an alphabet of the interesting characters.
        let alphabet: Vec<char> = "a/./%2eZ?#&= \\é'\"<>|{}^`[]:@+%4".chars().collect();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            let mut p = String::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                p.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            paths.push(p);
        }
        let queries: [Vec<(String, String)>; 3] = [
            Vec::new(),
            vec![("q".into(), "a b+c;d".into())],
            vec![
                ("".into(), "".into()),
                ("k ü".into(), "v&=?#".into()),
                ("e".into(), "".into()),
            ],
        ];
        // The byte-at-a-time encoder the run-copying one replaced.
        let encode_bytewise = |path: &str| {
            let bytes = path.as_bytes();
            let mut out = String::new();
            for (i, &b) in bytes.iter().enumerate() {
                let keep = b.is_ascii_alphanumeric()
                    || b"-._~/!$&'()*+,;=:@".contains(&b)
                    || (b == b'%'
                        && bytes
                            .get(i + 1..i + 3)
                            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)));
                if keep {
                    out.push(char::from(b));
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            out
        };
        for path in &paths {
            let mut out = String::new();
            super::encode_path_into(path, &mut out);
            assert_eq!(out, encode_bytewise(path), "{path:?}");
        }
        for base in bases {
            let joined = BaseUrl::parse(base).expect("base");
            for path in &paths {
                for query in &queries {
                    assert_eq!(
                        joined.join(path, query).to_string(),
                        join_by_parsing(base, path, query),
                        "base {base:?}, path {path:?}, query {query:?}"
                    );
                }
            }
        }
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
