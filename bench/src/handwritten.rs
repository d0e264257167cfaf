//! What a Rust user writes without amplify-rest: reqwest plus a direct aws-sigv4 call.

use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};

/// Any failure, as text (the harness only reports it).
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// The fixed credentials every signing variant uses (with a session token, as Cognito's have).
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLEBENCH0001";
/// The secret key of [`ACCESS_KEY_ID`].
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// The session token of [`ACCESS_KEY_ID`].
pub const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLEsessiontokenforbenchmarks0123456789abcdefghijklmnop";
/// The region signed for.
pub const REGION: &str = "us-east-1";

/// The aws-sigv4 identity of the fixed credentials (built once, as a careful user would).
pub fn identity() -> Identity {
    aws_credential_types::Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        Some(SESSION_TOKEN.to_owned()),
        None,
        "bench",
    )
    .into()
}

/// Signs a request with aws-sigv4 directly (service `execute-api`, default settings) and adds
/// the signature headers to `headers`.
pub fn sign_direct(
    method: &Method,
    url: &str,
    headers: &mut HeaderMap,
    body: &[u8],
    identity: &Identity,
    now: SystemTime,
) -> Result<(), Failure> {
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region(REGION)
        .name("execute-api")
        .time(now)
        .settings(SigningSettings::default())
        .build()?
        .into();
    let mut pairs = Vec::with_capacity(headers.len());
    for (name, value) in headers.iter() {
        pairs.push((name.as_str(), value.to_str()?));
    }
    let signable = SignableRequest::new(method.as_str(), url, pairs.into_iter(), SignableBody::Bytes(body))?;
    let (instructions, _) = sign(signable, &params)?.into_parts();
    for (name, value) in instructions.headers() {
        headers.insert(
            HeaderName::from_bytes(name.as_bytes())?,
            HeaderValue::from_str(value)?,
        );
    }
    Ok(())
}

/// The hand-written client: a reqwest client and the identity.
#[derive(Debug, Clone)]
pub struct HandWritten {
    client: reqwest::Client,
    identity: Identity,
    user_agent: Option<&'static str>,
}

impl HandWritten {
    /// A client with redirects off, like the endpoint clients.
    pub fn new() -> Result<Self, Failure> {
        Ok(HandWritten {
            client: plain_client()?,
            identity: identity(),
            user_agent: None,
        })
    }

    /// The same client, sending `user-agent: agent` with every request (as amplify-rest sends
    /// its own), so that its requests are byte for byte those of an amplify-rest endpoint.
    pub fn with_user_agent(mut self, agent: &'static str) -> Self {
        self.user_agent = Some(agent);
        self
    }

    /// A signed `GET` of `url`; returns the body.
    pub async fn get(&self, url: &str) -> Result<Bytes, Failure> {
        let mut headers = HeaderMap::new();
        if let Some(agent) = self.user_agent {
            headers.insert(http::header::USER_AGENT, HeaderValue::from_static(agent));
        }
        sign_direct(
            &Method::GET,
            url,
            &mut headers,
            b"",
            &self.identity,
            SystemTime::now(),
        )?;
        body_of(self.client.get(url).headers(headers)).await
    }
}

/// A reqwest client as the endpoint clients make theirs (redirects off).
pub fn plain_client() -> Result<reqwest::Client, Failure> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// An unsigned `GET` with bare reqwest; returns the body.
pub async fn bare_get(client: &reqwest::Client, url: &str) -> Result<Bytes, Failure> {
    body_of(client.get(url)).await
}

/// Sends `request`; returns the body of a successful answer, or the error of any other.
pub async fn body_of(request: reqwest::RequestBuilder) -> Result<Bytes, Failure> {
    let answer = request.send().await?.error_for_status()?;
    Ok(answer.bytes().await?)
}
