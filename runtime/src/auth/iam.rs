use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::HeaderValue;
use http::header::{AUTHORIZATION, HeaderName};

use super::{AuthContext, Authorizer};
use crate::error::{Error, ErrorKind};
use crate::interceptor::BoxFuture;
use crate::request::Request;
use crate::secret::SecretString;

/// AWS credentials for SigV4 signing. `Debug` shows the access key id only.
///
/// Cheap to clone: the parts, and the signer's view of them, are built once and shared, so a
/// provider can hand out the same credentials for every request without copying secrets.
#[derive(Clone)]
pub struct Credentials {
    inner: Arc<Parts>,
}

struct Parts {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
    expiration: Option<SystemTime>,
    /// What aws-sigv4 signs with (it keeps its own zeroized copy of the secrets).
    identity: Identity,
}

impl Credentials {
    /// Credentials from their parts.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<SecretString>,
        session_token: Option<SecretString>,
        expiration: Option<SystemTime>,
    ) -> Self {
        let access_key_id = access_key_id.into();
        let secret_access_key = secret_access_key.into();
        let identity = aws_credential_types::Credentials::new(
            access_key_id.clone(),
            secret_access_key.expose().to_owned(),
            session_token.as_ref().map(|t| t.expose().to_owned()),
            expiration,
            "amplify-rest",
        )
        .into();
        Credentials {
            inner: Arc::new(Parts {
                access_key_id,
                secret_access_key,
                session_token,
                expiration,
                identity,
            }),
        }
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.inner.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &SecretString {
        &self.inner.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&SecretString> {
        self.inner.session_token.as_ref()
    }

    /// When temporary credentials expire.
    pub fn expiration(&self) -> Option<SystemTime> {
        self.inner.expiration
    }

    fn identity(&self) -> &Identity {
        &self.inner.identity
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.inner.access_key_id)
            .field("secret_access_key", &self.inner.secret_access_key)
            .field("session_token", &self.inner.session_token)
            .field("expiration", &self.inner.expiration)
            .finish()
    }
}

/// Where `AWS_IAM` endpoints get credentials: Cognito identity pools, the environment, fixed
/// credentials, or your own source.
pub trait CredentialsProvider: Send + Sync + fmt::Debug + 'static {
    /// Current, unexpired credentials.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>>;
}

impl CredentialsProvider for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`,
/// read at each request (so rotated values are picked up).
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvironmentCredentials;

impl CredentialsProvider for EnvironmentCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let result = match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => Ok(Credentials::new(
                id,
                secret,
                var("AWS_SESSION_TOKEN").map(SecretString::new),
                None,
            )),
            _ => Err(Error::new(
                ErrorKind::Credentials,
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set",
            )),
        };
        Box::pin(std::future::ready(result))
    }
}

/// `AWS_IAM`: SigV4 with service `execute-api` and the endpoint's region, signed last.
///
/// A request whose caller set `authorization` is sent unsigned with that header: the caller
/// has taken authorization into their own hands (as Amplify JS does).
#[derive(Clone)]
pub struct Iam {
    provider: Arc<dyn CredentialsProvider>,
    /// The credentials themselves when the provider is a [`Credentials`] (which always hands
    /// out itself): then no provider call, boxed future or clone per request.
    fixed: Option<Credentials>,
}

impl Iam {
    /// Signs with credentials from `provider`.
    pub fn new(provider: impl CredentialsProvider) -> Self {
        let fixed = (&provider as &dyn std::any::Any)
            .downcast_ref::<Credentials>()
            .cloned();
        Iam {
            provider: Arc::new(provider),
            fixed,
        }
    }
}

impl<T: CredentialsProvider> From<T> for Iam {
    fn from(provider: T) -> Self {
        Iam::new(provider)
    }
}

impl fmt::Debug for Iam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iam").field("provider", &self.provider).finish()
    }
}

impl Authorizer for Iam {
    /// `x-amz-date`, `authorization` and, with a session token, `x-amz-security-token`.
    const HEADERS_ADDED: usize = 3;

    fn authorize(
        &self,
        _: &mut Request,
        _: &AuthContext<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        std::future::ready(Ok(()))
    }

    fn sign(
        &self,
        request: &mut Request,
        ctx: &AuthContext<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let region = ctx.spec.region;
        let now = ctx.now;
        async move {
            if request.headers.contains_key(AUTHORIZATION) {
                return Ok(());
            }
            let region = region.ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    "an AWS_IAM endpoint needs a region to sign for",
                )
            })?;
            match &self.fixed {
                Some(credentials) => sign_request(request, credentials, region, now),
                None => {
                    let credentials = self.provider.provide_credentials().await?;
                    sign_request(request, &credentials, region, now)
                }
            }
        }
    }
}

const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");

/// The headers aws-sigv4 leaves out of a signature by default (its `SigningSettings::default()`
/// list: changed by proxies or per hop); they are left out before the signer sees them.
const UNSIGNED_HEADERS: [&str; 4] = [
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
];

/// The signing settings, made once. aws-sigv4's defaults are right for execute-api: double URI
/// encoding, session token signed, no x-amz-content-sha256 header (the payload is still hashed
/// into the signature). Only its list of headers to leave out is dropped, as
/// [`UNSIGNED_HEADERS`] are never handed to it (and the default list is a new `Vec` each time).
fn signing_settings() -> &'static SigningSettings {
    static SETTINGS: std::sync::OnceLock<SigningSettings> = std::sync::OnceLock::new();
    SETTINGS.get_or_init(|| {
        let mut settings = SigningSettings::default();
        settings.excluded_headers = None;
        settings
    })
}

/// Whether aws-sigv4's own TRACE events are let through (`AMPLIFY_REST_TRACE_SIGV4=1`).
fn trace_sigv4() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("AMPLIFY_REST_TRACE_SIGV4").is_ok_and(|v| v == "1"))
}

/// Signs `request` in place with SigV4 for `execute-api` in `region` at `now`.
pub(crate) fn sign_request(
    request: &mut Request,
    credentials: &Credentials,
    region: &str,
    now: SystemTime,
) -> Result<(), Error> {
    let signing_error = |what: &str, e: Option<Box<dyn std::error::Error + Send + Sync>>| {
        let err = Error::new(ErrorKind::Signing, format!("cannot sign the request: {what}"));
        match e {
            Some(e) => err.with_source(e),
            None => err,
        }
    };
    let identity = credentials.identity();
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name("execute-api")
        .time(now)
        .settings(signing_settings().clone())
        .build()
        .map_err(|e| signing_error("bad signing parameters", Some(Box::new(e))))?
        .into();
    // Every value must be visible ASCII to be signed; checked first, so that the signer can
    // take the headers straight from the map (it copies them into its own list).
    if let Some((name, _)) = request.headers.iter().find(|(_, v)| v.to_str().is_err()) {
        return Err(signing_error(
            &format!("the header `{name}` is not visible ASCII"),
            None,
        ));
    }
    // Left out here rather than by the signer: it would copy and lowercase them first.
    let headers = request
        .headers
        .iter()
        .filter(|(name, _)| !UNSIGNED_HEADERS.contains(&name.as_str()))
        .map(|(name, value)| (name.as_str(), value.to_str().unwrap_or_default()));
    let signable = SignableRequest::new(
        request.method.as_str(),
        request.url.as_str(),
        headers,
        SignableBody::Bytes(&request.body),
    )
    .map_err(|e| signing_error("the request cannot be signed", Some(Box::new(e))))?;
    // aws-sigv4 logs at TRACE the request as given to it, header values included, so a cookie
    // or key a caller set would show in the logs: it is muted while signing unless
    // `AMPLIFY_REST_TRACE_SIGV4=1` asks for it (to debug a signature mismatch).
    // Muting costs a scoped dispatcher per request (which slows every span in the process while
    // it is set), so it is done only when a subscriber would record aws-sigv4's TRACE events.
    let recorded = tracing::enabled!(target: "aws_sigv4::http_request::sign", tracing::Level::TRACE);
    let signed = if trace_sigv4() || !recorded {
        sign(signable, &params)
    } else {
        tracing::dispatcher::with_default(&tracing::Dispatch::none(), || sign(signable, &params))
    };
    let (instructions, _signature) = signed
        .map_err(|e| signing_error("signing failed", Some(Box::new(e))))?
        .into_parts();
    for (name, value) in instructions.headers() {
        // The names the signer adds, without parsing (and copying) them again.
        let name = match name {
            "authorization" => AUTHORIZATION,
            "x-amz-date" => X_AMZ_DATE,
            "x-amz-security-token" => X_AMZ_SECURITY_TOKEN,
            other => HeaderName::from_bytes(other.as_bytes())
                .map_err(|_| signing_error("the signer produced an invalid header name", None))?,
        };
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| signing_error("the signer produced an invalid header value", None))?;
        if name == AUTHORIZATION || name == X_AMZ_SECURITY_TOKEN {
            value.set_sensitive(true);
        }
        request.headers.insert(name, value);
    }
    Ok(())
}

/// The `AWS_IAM` signing step exactly as the pipeline runs it (credentials from the provider,
/// then SigV4) on a request made of these parts; returns the signed headers.
///
/// For the benchmarks in `bench/` only: not part of the API, may change at any time.
#[doc(hidden)]
pub async fn sign_for_benchmark(
    iam: &Iam,
    spec: &crate::spec::EndpointSpec,
    method: http::Method,
    url: reqwest::Url,
    headers: http::HeaderMap,
    body: bytes::Bytes,
    now: SystemTime,
) -> Result<http::HeaderMap, Error> {
    let mut request = Request {
        method,
        url,
        headers,
        body,
        attempt: 1,
    };
    let ctx = AuthContext { spec, now };
    iam.sign(&mut request, &ctx).await?;
    Ok(request.headers)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    use http::{HeaderMap, HeaderValue, Method};

    use super::{Credentials, UNSIGNED_HEADERS, sign_request};
    use crate::request::Request;
    use crate::secret::SecretString;

    #[test]
    fn leaves_out_what_aws_sigv4_leaves_out_by_default() {
        let default: Vec<String> = SigningSettings::default()
            .excluded_headers
            .unwrap_or_default()
            .into_iter()
            .map(|h| h.into_owned())
            .collect();
        assert_eq!(default, UNSIGNED_HEADERS);
    }

    /// The signature is the one aws-sigv4 makes with its default settings from all headers.
    #[test]
    fn signs_as_aws_sigv4_with_default_settings() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some(SecretString::new("token-123")),
            None,
        );
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let url = reqwest::Url::parse("https://h.example.com:8443/dev/a%20b/c?x=1&y=%2F").expect("url");
        let mut headers = HeaderMap::new();
        for (k, v) in [
            ("user-agent", "amplify-rest/test"),
            ("x-amzn-trace-id", "Root=1-abc"),
            ("transfer-encoding", "chunked"),
            ("content-type", "application/json"),
            ("x-custom", "  spaced   value "),
        ] {
            headers.insert(k, HeaderValue::from_static(v));
        }
        headers.append("x-custom", HeaderValue::from_static("second"));
        let body = bytes::Bytes::from_static(b"{\"a\":1}");
        let mut request = Request {
            method: Method::POST,
            url: url.clone(),
            headers: headers.clone(),
            body: body.clone(),
            attempt: 1,
        };
        sign_request(&mut request, &credentials, "eu-west-1", now).expect("signed");

        let identity = credentials.identity();
        let params = v4::SigningParams::builder()
            .identity(identity)
            .region("eu-west-1")
            .name("execute-api")
            .time(now)
            .settings(SigningSettings::default())
            .build()
            .expect("params")
            .into();
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_str().expect("ascii")))
            .collect();
        let signable = SignableRequest::new(
            "POST",
            url.as_str(),
            pairs.into_iter(),
            SignableBody::Bytes(&body),
        )
        .expect("signable");
        let (instructions, _) = sign(signable, &params).expect("sign").into_parts();
        let expected: Vec<(&str, &str)> = instructions.headers().collect();
        assert_eq!(expected.len(), 3, "{expected:?}");
        for (name, value) in expected {
            assert_eq!(
                request.headers.get(name).map(|v| v.to_str().expect("ascii")),
                Some(value),
                "{name}"
            );
        }
        assert!(
            request
                .headers
                .get("authorization")
                .is_some_and(HeaderValue::is_sensitive)
        );
        assert!(
            request
                .headers
                .get("x-amz-security-token")
                .is_some_and(HeaderValue::is_sensitive)
        );
    }

    /// A header value that is not visible ASCII cannot be signed: a signing error naming the
    /// header (not its value), and the request is left unsigned.
    #[test]
    fn refuses_a_header_that_is_not_visible_ascii() {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None, None);
        let mut headers = HeaderMap::new();
        headers.insert("x-fine", HeaderValue::from_static("ok"));
        headers.insert(
            "x-odd",
            HeaderValue::from_bytes(b"caf\xe9-secret").expect("obs-text is a valid value"),
        );
        let mut request = Request {
            method: Method::GET,
            url: reqwest::Url::parse("https://h.example.com/dev/a").expect("url"),
            headers,
            body: bytes::Bytes::new(),
            attempt: 1,
        };
        let err = sign_request(&mut request, &credentials, "eu-west-1", UNIX_EPOCH).expect_err("unsignable");
        assert_eq!(err.kind(), crate::ErrorKind::Signing);
        let shown = err.to_string();
        assert!(shown.contains("`x-odd`"), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(!request.headers.contains_key("authorization"));
    }
}
