//! What typed routes call: path-segment encoding, query structs, decoding answers, and errors
//! that carry a decoded error body.
//!
//! Routes are declared in the `#[amplify_rest]` module (or given to the build-script
//! generator) as bodiless methods of an endpoint struct:
//!
//! ```ignore
//! #[amplify_rest::amplify_rest(config = "amplifyconfiguration.json")]
//! pub mod api {
//!     use super::{ApiError, ListQuery, NewPet, Page, Pet};
//!
//!     pub struct PetsApi;
//!
//!     #[routes]
//!     impl PetsApi {
//!         #[get("/pets/{id}")]
//!         fn get_pet(id: u64) -> Pet;
//!         #[get("/pets")]
//!         fn list_pets(query: &ListQuery) -> Page<Pet>;
//!         #[post("/pets", error = ApiError)]
//!         fn create_pet(body: &NewPet) -> Pet;
//!         #[delete("/pets/{id}")]
//!         fn delete_pet(id: u64);
//!     }
//! }
//! ```
//!
//! Each becomes an `async` method that builds a request with [`crate::Api::request`] and sends
//! it with [`RequestBuilder::send`]: the same pipeline as `api.get(path)` (auth, interceptors,
//! retries, signing). The functions here are what the generated methods call.

use std::fmt;

use http::StatusCode;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::Authorizer;
use crate::error::{Error, ErrorKind};
use crate::request::RequestBuilder;
use crate::response::Response;

/// Everything but RFC 3986 unreserved characters: a `/` in a value is `%2F`, so a value never
/// splits into two path segments.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter's value as one percent-encoded path segment.
///
/// ```
/// assert_eq!(amplify_rest::routes::encode_segment("a/b c"), "a%2Fb%20c");
/// assert_eq!(amplify_rest::routes::encode_segment(&7), "7");
/// ```
pub fn encode_segment<T: fmt::Display + ?Sized>(value: &T) -> String {
    utf8_percent_encode(&value.to_string(), SEGMENT).to_string()
}

/// Adds the fields of `query` (a struct, map or sequence of pairs, as `serde_urlencoded`
/// serializes them) to `request` as query pairs, in order. The pairs go through
/// [`RequestBuilder::query`], so they are encoded (and signed) like any other.
///
/// A value that cannot be a query (a nested struct, a sequence field) is an
/// [`ErrorKind::Config`] error.
pub fn query<A, Q>(request: RequestBuilder<A>, query: &Q) -> Result<RequestBuilder<A>, Error>
where
    A: Authorizer,
    Q: Serialize + ?Sized,
{
    let encoded = serde_urlencoded::to_string(query)
        .map_err(|e| Error::new(ErrorKind::Config, "cannot encode the query").with_source(e))?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&encoded)
        .map_err(|e| Error::new(ErrorKind::Config, "cannot encode the query").with_source(e))?;
    Ok(pairs
        .into_iter()
        .fold(request, |request, (k, v)| request.query(k, v)))
}

/// What a route returns on success: a JSON body decoded into a type, or the [`Response`] itself.
pub trait FromResponse: Sized {
    /// Makes `Self` from a successful answer.
    fn from_response(response: Response) -> Result<Self, Error>;
}

impl<T: DeserializeOwned> FromResponse for T {
    /// Decodes the body as JSON ([`Response::json`]).
    fn from_response(response: Response) -> Result<Self, Error> {
        response.json()
    }
}

impl FromResponse for Response {
    /// The answer as it came.
    fn from_response(response: Response) -> Result<Self, Error> {
        Ok(response)
    }
}

/// Sends `request` and makes `T` of the answer. `R` is the route's error type:
/// [`crate::Error`], or [`RouteError`] for a route with a declared error body.
pub async fn send<A, T, R>(request: RequestBuilder<A>) -> Result<T, R>
where
    A: Authorizer,
    T: FromResponse,
    R: From<Error>,
{
    let response = request.send().await?;
    Ok(T::from_response(response)?)
}

/// Sends `request` and ignores the body of a successful answer (routes without a return type).
pub async fn send_ignoring_body<A, R>(request: RequestBuilder<A>) -> Result<(), R>
where
    A: Authorizer,
    R: From<Error>,
{
    request.send().await?;
    Ok(())
}

/// The error of a route declared with an error body type `E`
/// (`#[get("/pets/{id}", error = ApiError)]`).
///
/// An answer with status 400 and above whose body decodes as JSON into `E` is [`RouteError::Api`];
/// everything else (no answer, a refused sign-in, a body that is not an `E`) is
/// [`RouteError::Other`]. Both keep the untyped [`Error`], with status, headers and raw body.
/// `?` turns a `RouteError` into an [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum RouteError<E> {
    /// The endpoint answered with an error status and a body of the declared type.
    Api {
        /// The decoded error body.
        body: E,
        /// The untyped error: status, headers, raw body, AWS error name.
        error: Error,
    },
    /// Any other failure.
    Other(Error),
}

impl<E> RouteError<E> {
    /// The untyped error: kind, status, headers and raw body.
    pub fn error(&self) -> &Error {
        match self {
            RouteError::Api { error, .. } | RouteError::Other(error) => error,
        }
    }

    /// Takes the untyped error out.
    pub fn into_error(self) -> Error {
        match self {
            RouteError::Api { error, .. } | RouteError::Other(error) => error,
        }
    }

    /// The decoded error body, when the answer carried one of the declared type.
    pub fn body(&self) -> Option<&E> {
        match self {
            RouteError::Api { body, .. } => Some(body),
            RouteError::Other(_) => None,
        }
    }

    /// The HTTP status of an error answer.
    pub fn status(&self) -> Option<StatusCode> {
        self.error().status()
    }
}

impl<E: DeserializeOwned> From<Error> for RouteError<E> {
    /// [`RouteError::Api`] when `error` is an error answer whose body decodes as `E`, else
    /// [`RouteError::Other`].
    fn from(error: Error) -> Self {
        let decoded = match (error.kind(), error.body()) {
            (ErrorKind::Http, Some(body)) => serde_json::from_slice::<E>(body).ok(),
            _ => None,
        };
        match decoded {
            Some(body) => RouteError::Api { body, error },
            None => RouteError::Other(error),
        }
    }
}

impl<E> From<RouteError<E>> for Error {
    fn from(e: RouteError<E>) -> Self {
        e.into_error()
    }
}

impl<E> fmt::Display for RouteError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.error(), f)
    }
}

impl<E: fmt::Debug> std::error::Error for RouteError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(self.error())
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::HeaderMap;
    use serde::Deserialize;

    use super::*;

    #[test]
    fn a_segment_never_splits() {
        assert_eq!(encode_segment("a/b"), "a%2Fb");
        assert_eq!(encode_segment("50% off?#x"), "50%25%20off%3F%23x");
        assert_eq!(encode_segment("ü-._~"), "%C3%BC-._~");
        assert_eq!(encode_segment(&-7i64), "-7");
    }

    #[derive(Debug, Deserialize)]
    struct ApiError {
        message: String,
    }

    #[test]
    fn error_bodies_decode_when_they_fit() {
        let http = |body: &'static [u8]| {
            Error::http(StatusCode::NOT_FOUND, HeaderMap::new(), Bytes::from_static(body))
        };
        let e: RouteError<ApiError> = http(br#"{"message":"no such pet"}"#).into();
        assert_eq!(e.body().map(|b| b.message.as_str()), Some("no such pet"));
        assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(e.to_string(), "HTTP 404 Not Found: no such pet");
        let e: RouteError<ApiError> = http(b"not json").into();
        assert!(matches!(e, RouteError::Other(_)));
        assert_eq!(e.error().body().map(|b| b.as_ref()), Some(&b"not json"[..]));
        let untyped: Error = e.into();
        assert_eq!(untyped.kind(), ErrorKind::Http);
        let e: RouteError<ApiError> = Error::new(ErrorKind::Transport, "down").into();
        assert!(e.body().is_none() && e.status().is_none());
    }
}
