use std::fmt;
use std::future::Future;

use http::{HeaderName, HeaderValue};

use super::{AuthContext, Authorizer};
use crate::error::{Error, ErrorKind};
use crate::request::Request;

/// The header name, made once (a `&str` name is parsed and hashed again on every insert).
const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");

/// `API_KEY`: sends the key as `x-api-key`. Generated code builds it from the config's `apiKey`.
#[derive(Clone)]
pub struct ApiKey {
    header: Result<HeaderValue, ()>,
}

impl ApiKey {
    /// The key from the config.
    pub fn from_static(key: &'static str) -> Self {
        // Checked first (`from_static` panics on what a header may not carry); a static value
        // is not copied, and cloning it per request touches no shared reference count.
        let header = HeaderValue::from_str(key)
            .map(|_| {
                let mut v = HeaderValue::from_static(key);
                v.set_sensitive(true);
                v
            })
            .map_err(|_| ());
        ApiKey { header }
    }

    /// Any key (a staging key, one read from the environment).
    pub fn new(key: impl AsRef<str>) -> Self {
        let header = HeaderValue::from_str(key.as_ref())
            .map(|mut v| {
                v.set_sensitive(true);
                v
            })
            .map_err(|_| ());
        ApiKey { header }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(** redacted **)")
    }
}

impl Authorizer for ApiKey {
    /// `x-api-key`.
    const HEADERS_ADDED: usize = 1;

    fn authorize(
        &self,
        request: &mut Request,
        _: &AuthContext<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let result = match &self.header {
            Ok(value) => {
                request.headers.insert(X_API_KEY, value.clone());
                Ok(())
            }
            Err(()) => Err(Error::new(
                ErrorKind::Config,
                "the API key cannot be sent as a header (it has characters a header may not carry)",
            )),
        };
        std::future::ready(result)
    }
}
