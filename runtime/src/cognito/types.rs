//! What sign-in returns and what a session looks like from outside.

use std::collections::BTreeMap;
use std::fmt;
use std::time::SystemTime;

use crate::secret::SecretString;

/// The outcome of a sign-in step ([`crate::auth::Cognito::sign_in`],
/// [`crate::auth::Cognito::confirm_sign_in`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum SignIn {
    /// Signed in: requests now carry this user's tokens.
    Done(SessionInfo),
    /// Cognito wants another answer first (a new password, an MFA code, a custom challenge):
    /// answer it with [`crate::auth::Cognito::confirm_sign_in`].
    NextStep(Challenge),
}

impl SignIn {
    /// Whether the user is signed in.
    pub fn is_done(&self) -> bool {
        matches!(self, SignIn::Done(_))
    }

    /// The challenge to answer, if any.
    pub fn next_step(&self) -> Option<&Challenge> {
        match self {
            SignIn::NextStep(c) => Some(c),
            SignIn::Done(_) => None,
        }
    }
}

/// A challenge Cognito wants answered before it hands out tokens.
#[derive(Clone)]
pub struct Challenge {
    pub(crate) name: ChallengeName,
    pub(crate) session: Option<SecretString>,
    pub(crate) username: String,
    pub(crate) parameters: BTreeMap<String, String>,
}

impl Challenge {
    /// Which challenge it is.
    pub fn name(&self) -> &ChallengeName {
        &self.name
    }

    /// The username the challenge is for (as Cognito knows it).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// Cognito's `ChallengeParameters` (e.g. `CODE_DELIVERY_DESTINATION`, `requiredAttributes`).
    pub fn parameters(&self) -> &BTreeMap<String, String> {
        &self.parameters
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenge")
            .field("name", &self.name)
            .field("username", &self.username)
            .field("parameters", &self.parameters)
            .field("session", &self.session.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

/// The name of a sign-in challenge, and what answering it means.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChallengeName {
    /// `NEW_PASSWORD_REQUIRED`: the answer is the new password.
    NewPasswordRequired,
    /// `SMS_MFA`: the answer is the code sent by SMS.
    SmsMfa,
    /// `SOFTWARE_TOKEN_MFA`: the answer is the code of the authenticator app.
    SoftwareTokenMfa,
    /// `EMAIL_OTP`: the answer is the code sent by email.
    EmailOtp,
    /// `SELECT_MFA_TYPE`: the answer is `SMS_MFA` or `SOFTWARE_TOKEN_MFA`.
    SelectMfaType,
    /// `MFA_SETUP`: the user must set up MFA first (answer with
    /// [`crate::auth::Cognito::confirm_sign_in_with`]).
    MfaSetup,
    /// `CUSTOM_CHALLENGE`: the answer is whatever your Lambda triggers expect.
    CustomChallenge,
    /// Another challenge; answer with [`crate::auth::Cognito::confirm_sign_in_with`].
    Other(String),
}

impl ChallengeName {
    pub(crate) fn parse(name: &str) -> Self {
        match name {
            "NEW_PASSWORD_REQUIRED" => ChallengeName::NewPasswordRequired,
            "SMS_MFA" => ChallengeName::SmsMfa,
            "SOFTWARE_TOKEN_MFA" => ChallengeName::SoftwareTokenMfa,
            "EMAIL_OTP" => ChallengeName::EmailOtp,
            "SELECT_MFA_TYPE" => ChallengeName::SelectMfaType,
            "MFA_SETUP" => ChallengeName::MfaSetup,
            "CUSTOM_CHALLENGE" => ChallengeName::CustomChallenge,
            other => ChallengeName::Other(other.to_owned()),
        }
    }

    /// The name as Cognito writes it (`NEW_PASSWORD_REQUIRED`).
    pub fn as_str(&self) -> &str {
        match self {
            ChallengeName::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            ChallengeName::SmsMfa => "SMS_MFA",
            ChallengeName::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
            ChallengeName::EmailOtp => "EMAIL_OTP",
            ChallengeName::SelectMfaType => "SELECT_MFA_TYPE",
            ChallengeName::MfaSetup => "MFA_SETUP",
            ChallengeName::CustomChallenge => "CUSTOM_CHALLENGE",
            ChallengeName::Other(name) => name,
        }
    }

    /// The `ChallengeResponses` key a single answer goes under, where there is one.
    pub(crate) fn answer_key(&self) -> Option<&'static str> {
        Some(match self {
            ChallengeName::NewPasswordRequired => "NEW_PASSWORD",
            ChallengeName::SmsMfa => "SMS_MFA_CODE",
            ChallengeName::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
            ChallengeName::EmailOtp => "EMAIL_OTP_CODE",
            ChallengeName::SelectMfaType | ChallengeName::CustomChallenge => "ANSWER",
            ChallengeName::MfaSetup | ChallengeName::Other(_) => return None,
        })
    }
}

impl fmt::Display for ChallengeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is signed in and until when (nothing secret).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionInfo {
    /// The username Cognito knows the user by.
    pub username: String,
    /// The user's `sub` (stable user id).
    pub sub: String,
    /// When the access token expires, by the client's clock.
    pub access_token_expires_at: SystemTime,
    /// When the ID token expires, by the client's clock.
    pub id_token_expires_at: SystemTime,
}

/// A change of the session, as [`crate::auth::Cognito::session_events`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionEvent {
    /// Counts changes: every sign-in, refresh, restore and sign-out adds one.
    pub generation: u64,
    /// What happened last.
    pub change: SessionChange,
    /// The `sub` of the signed-in user, or `None` when nobody is signed in.
    pub user_sub: Option<String>,
}

/// What changed the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionChange {
    /// Nothing has happened yet.
    Initial,
    /// A user signed in.
    SignedIn,
    /// A session was read from the token store.
    Restored,
    /// The tokens were refreshed (same user).
    Refreshed,
    /// The user signed out, or the session expired.
    SignedOut,
}

/// How tokens are refreshed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RefreshMethod {
    /// `InitiateAuth` with `REFRESH_TOKEN_AUTH` (every Amplify library; the default).
    #[default]
    RefreshTokenAuth,
    /// `GetTokensFromRefreshToken` (newer Amplify releases; may rotate the refresh token).
    GetTokensFromRefreshToken,
}
