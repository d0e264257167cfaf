//! Cognito user pools and identity pools, spoken as plain JSON over HTTP (no AWS SDK).

pub mod srp;
