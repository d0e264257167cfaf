use std::future::Future;

use super::{AuthContext, Authorizer};
use crate::error::Error;
use crate::request::Request;

/// `NONE`: the request carries no authorization (interceptors and headers only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoAuth;

impl Authorizer for NoAuth {
    const HEADERS_ADDED: usize = 0;

    fn authorize(
        &self,
        _: &mut Request,
        _: &AuthContext<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        std::future::ready(Ok(()))
    }
}
