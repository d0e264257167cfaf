//! Model -> tokens. The only place code is generated; the macro and the build script both call it.
//!
//! Generated code names everything by absolute path (`::amplify_rest::…`, `::core::…`) and keeps
//! per-endpoint code small: the behaviour lives in the runtime's generic `Api<A>`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{AuthFlow, AuthSettings, AuthorizationType, Config, Endpoint};

/// How one endpoint struct is emitted: its name, visibility and extra attributes.
#[derive(Debug, Clone)]
pub struct EndpointItem<'a> {
    /// The endpoint from the config.
    pub endpoint: &'a Endpoint,
    /// The struct's identifier (carries the user's span in the macro).
    pub ident: Ident,
    /// Its visibility.
    pub vis: TokenStream,
    /// Attributes to put on the struct (the user's doc comments, derives, ...).
    pub attrs: TokenStream,
}

impl<'a> EndpointItem<'a> {
    /// A public struct named after the endpoint's type name, as the build-script path and an
    /// empty macro module emit it.
    pub fn public(endpoint: &'a Endpoint) -> Self {
        EndpointItem {
            endpoint,
            ident: Ident::new(&endpoint.type_name, Span::call_site()),
            vis: quote!(pub),
            attrs: TokenStream::new(),
        }
    }
}

/// The `AUTH` constant with the file's Cognito settings.
pub(crate) fn auth_const(config: &Config) -> TokenStream {
    let AuthSettings {
        user_pool,
        identity_pool,
        flow,
        ..
    } = &config.auth;
    let doc = format!(
        " Cognito settings from `{}`, for `amplify_rest::auth::Cognito::from_config`.",
        config.file
    );
    let mut value = quote!(::amplify_rest::config::AuthConfig::new());
    if let Some(pool) = user_pool {
        let (id, client, region) = (&pool.pool_id, &pool.app_client_id, &pool.region);
        let secret = match &pool.app_client_secret {
            Some(s) => quote!(::core::option::Option::Some(#s)),
            None => quote!(::core::option::Option::None),
        };
        value = quote!(#value.with_user_pool(::amplify_rest::config::UserPoolConfig::new(#id, #client, #secret, #region)));
    }
    if let Some(pool) = identity_pool {
        let (id, region) = (&pool.pool_id, &pool.region);
        value =
            quote!(#value.with_identity_pool(::amplify_rest::config::IdentityPoolConfig::new(#id, #region)));
    }
    if let Some(flow) = flow {
        let variant = match flow {
            AuthFlow::UserSrp => quote!(UserSrp),
            AuthFlow::UserPassword => quote!(UserPassword),
            AuthFlow::Custom => quote!(Custom),
        };
        value = quote!(#value.with_flow(::amplify_rest::config::AuthFlow::#variant));
    }
    quote! {
        #[doc = #doc]
        pub const AUTH: ::amplify_rest::config::AuthConfig = #value;
    }
}

/// One endpoint struct with its constants, constructors and `Endpoint` impl; `file` is the
/// config's name, for the doc comment.
pub(crate) fn endpoint_struct(file: &str, item: &EndpointItem<'_>) -> TokenStream {
    let EndpointItem {
        endpoint: e,
        ident,
        vis,
        attrs,
    } = item;
    let name = &e.name;
    let url = &e.url;
    let region = match &e.region {
        Some(r) => quote!(::core::option::Option::Some(#r)),
        None => quote!(::core::option::Option::None),
    };
    let mode_variant = format_ident!(
        "{}",
        match e.authorization {
            AuthorizationType::AwsIam => "AwsIam",
            AuthorizationType::ApiKey => "ApiKey",
            AuthorizationType::AmazonCognitoUserPools => "AmazonCognitoUserPools",
            AuthorizationType::OpenIdConnect => "OpenIdConnect",
            AuthorizationType::None => "None",
        }
    );
    let doc = format!(" The REST API `{name}` of `{file}` (`{}`).", e.authorization);
    let ctor_doc_tail = match e.authorization {
        AuthorizationType::AwsIam => "requests are signed with SigV4 using credentials from `credentials`",
        AuthorizationType::ApiKey => "requests carry the API key from the config as `x-api-key`",
        AuthorizationType::AmazonCognitoUserPools => {
            "requests carry the signed-in user's access token from `tokens` as `authorization`"
        }
        AuthorizationType::OpenIdConnect => "requests carry a token from `provider` as `authorization`",
        AuthorizationType::None => "requests carry no authorization",
    };
    let new_doc = format!(" A client for `{name}`: {ctor_doc_tail}.");
    let auth_ty = match e.authorization {
        AuthorizationType::AwsIam => quote!(::amplify_rest::auth::Iam),
        AuthorizationType::ApiKey => quote!(::amplify_rest::auth::ApiKey),
        AuthorizationType::AmazonCognitoUserPools => quote!(::amplify_rest::auth::UserPools),
        AuthorizationType::OpenIdConnect => quote!(::amplify_rest::auth::Oidc),
        AuthorizationType::None => quote!(::amplify_rest::auth::NoAuth),
    };
    // What the constructors take, and the auth value they build from it.
    let (params, auth_value) = match (e.authorization, &e.api_key) {
        (AuthorizationType::AwsIam, _) => (
            quote!(credentials: impl ::core::convert::Into<#auth_ty>),
            quote!(credentials.into()),
        ),
        (AuthorizationType::AmazonCognitoUserPools, _) => (
            quote!(tokens: impl ::core::convert::Into<#auth_ty>),
            quote!(tokens.into()),
        ),
        (AuthorizationType::OpenIdConnect, _) => (
            quote!(provider: impl ::core::convert::Into<#auth_ty>),
            quote!(provider.into()),
        ),
        (AuthorizationType::ApiKey, Some(key)) => (quote!(), quote!(#auth_ty::from_static(#key))),
        (AuthorizationType::ApiKey, None) | (AuthorizationType::None, _) => (quote!(), quote!(#auth_ty)),
    };
    let default_impl = params.is_empty().then(|| {
        quote! {
            impl ::core::default::Default for #ident {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #attrs
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #vis struct #ident {
            api: ::amplify_rest::Api<#auth_ty>,
        }

        impl #ident {
            /// The API's name in the config.
            pub const NAME: &'static str = #name;
            /// The base URL from the config, stage included.
            pub const ENDPOINT: &'static str = #url;
            /// The AWS region from the config.
            pub const REGION: ::core::option::Option<&'static str> = #region;
            /// How requests to this API are authorized.
            pub const AUTHORIZATION: ::amplify_rest::AuthorizationType = ::amplify_rest::AuthorizationType::#mode_variant;

            #[doc = #new_doc]
            pub fn new(#params) -> Self {
                ::amplify_rest::Endpoint::with_auth(#auth_value)
            }

            /// A builder for this client, to change its base URL, HTTP client or default headers.
            pub fn builder(#params) -> ::amplify_rest::ApiBuilder<Self> {
                ::amplify_rest::ApiBuilder::new(#auth_value)
            }
        }

        #default_impl

        impl ::amplify_rest::Endpoint for #ident {
            type Auth = #auth_ty;
            const SPEC: ::amplify_rest::EndpointSpec = ::amplify_rest::EndpointSpec::new(
                Self::NAME,
                Self::ENDPOINT,
                Self::REGION,
                Self::AUTHORIZATION,
            );
            fn from_api(api: ::amplify_rest::Api<#auth_ty>) -> Self {
                Self { api }
            }
            fn api(&self) -> &::amplify_rest::Api<#auth_ty> {
                &self.api
            }
        }

        impl ::core::ops::Deref for #ident {
            type Target = ::amplify_rest::Api<#auth_ty>;
            fn deref(&self) -> &Self::Target {
                &self.api
            }
        }
    }
}
