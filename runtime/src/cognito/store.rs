//! Where a session's tokens are kept between runs: [`TokenStore`], in memory by default, or a
//! file readable by its owner only ([`FileTokenStore`]) for command-line tools.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, ErrorKind};
use crate::interceptor::BoxFuture;
use crate::secret::SecretString;

/// The tokens of one user pool session, as a [`TokenStore`] keeps them.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredTokens {
    /// The user pool the tokens are from.
    pub pool_id: String,
    /// The app client the tokens are for.
    pub app_client_id: String,
    /// The username Cognito knows the user by (used for `SECRET_HASH` on refresh).
    pub username: String,
    /// The access token.
    pub access_token: SecretString,
    /// The ID token.
    pub id_token: SecretString,
    /// The refresh token.
    pub refresh_token: SecretString,
}

impl StoredTokens {
    /// Tokens from their parts.
    pub fn new(
        pool_id: impl Into<String>,
        app_client_id: impl Into<String>,
        username: impl Into<String>,
        access_token: impl Into<SecretString>,
        id_token: impl Into<SecretString>,
        refresh_token: impl Into<SecretString>,
    ) -> Self {
        StoredTokens {
            pool_id: pool_id.into(),
            app_client_id: app_client_id.into(),
            username: username.into(),
            access_token: access_token.into(),
            id_token: id_token.into(),
            refresh_token: refresh_token.into(),
        }
    }
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTokens")
            .field("pool_id", &self.pool_id)
            .field("app_client_id", &self.app_client_id)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Keeps a session's tokens between runs (or between [`crate::auth::Cognito`] values).
///
/// Called after every sign-in and refresh (`save`), at sign-out (`clear`), and once when a
/// `Cognito` first needs a session (`load`). Implementations must not log the tokens.
pub trait TokenStore: Send + Sync + fmt::Debug + 'static {
    /// The stored session, if any.
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredTokens>, Error>>;
    /// Replaces the stored session.
    fn save<'a>(&'a self, tokens: &'a StoredTokens) -> BoxFuture<'a, Result<(), Error>>;
    /// Forgets the stored session.
    fn clear(&self) -> BoxFuture<'_, Result<(), Error>>;
}

/// Keeps tokens in memory (the default): a session lasts as long as the process. Clones share
/// the same slot, so two `Cognito` values can share one session.
#[derive(Clone, Default)]
pub struct MemoryTokenStore {
    slot: Arc<Mutex<Option<StoredTokens>>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let full = self.slot.lock().unwrap_or_else(PoisonError::into_inner).is_some();
        f.debug_struct("MemoryTokenStore")
            .field("has_session", &full)
            .finish()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredTokens>, Error>> {
        let tokens = self.slot.lock().unwrap_or_else(PoisonError::into_inner).clone();
        Box::pin(std::future::ready(Ok(tokens)))
    }

    fn save<'a>(&'a self, tokens: &'a StoredTokens) -> BoxFuture<'a, Result<(), Error>> {
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(tokens.clone());
        Box::pin(std::future::ready(Ok(())))
    }

    fn clear(&self) -> BoxFuture<'_, Result<(), Error>> {
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = None;
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Keeps tokens in a JSON file only its owner may read (mode `0600` on Unix), for CLI tools.
///
/// Refuses to read a file that its group or others may read or write (a
/// [`ErrorKind::Config`] error naming the path): fix its permissions or delete it. Writes go to
/// a temporary file in the same folder, created `0600`, then renamed over the old one.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store at `path` (its folder must exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileTokenStore { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io_error(&self, what: &str, e: std::io::Error) -> Error {
        Error::new(
            ErrorKind::Config,
            format!("cannot {what} the token file {}", self.path.display()),
        )
        .with_source(e)
    }

    fn load_sync(&self) -> Result<Option<StoredTokens>, Error> {
        let metadata = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io_error("read", e)),
        };
        check_owner_only(&self.path, &metadata)?;
        let text = Zeroizing::new(std::fs::read(&self.path).map_err(|e| self.io_error("read", e))?);
        let file: TokenFile = serde_json::from_slice(&text).map_err(|_| {
            Error::new(
                ErrorKind::Decode,
                format!(
                    "the token file {} is not a token file of this library",
                    self.path.display()
                ),
            )
        })?;
        Ok(Some(file.into_tokens()))
    }

    fn save_sync(&self, tokens: &StoredTokens) -> Result<(), Error> {
        use std::io::Write as _;
        let text = Zeroizing::new(
            serde_json::to_vec_pretty(&TokenFile::from_tokens(tokens))
                .map_err(|e| Error::new(ErrorKind::Config, "cannot encode the tokens").with_source(e))?,
        );
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(format!(".tmp{}", std::process::id()));
        let tmp = PathBuf::from(tmp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let write = || -> std::io::Result<()> {
            let mut file = options.open(&tmp)?;
            // A file left behind by an earlier run keeps its mode on open: force it.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
            file.write_all(&text)?;
            file.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            self.io_error("write", e)
        })
    }

    fn clear_sync(&self) -> Result<(), Error> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.io_error("delete", e)),
            _ => Ok(()),
        }
    }
}

#[cfg(unix)]
fn check_owner_only(path: &Path, metadata: &std::fs::Metadata) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::new(
            ErrorKind::Config,
            format!(
                "the token file {} may be read or written by others (mode {mode:o}); \
                 refusing to use it: make it 0600 or delete it",
                path.display()
            ),
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner_only(_: &Path, _: &std::fs::Metadata) -> Result<(), Error> {
    Ok(())
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredTokens>, Error>> {
        Box::pin(std::future::ready(self.load_sync()))
    }

    fn save<'a>(&'a self, tokens: &'a StoredTokens) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(std::future::ready(self.save_sync(tokens)))
    }

    fn clear(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(std::future::ready(self.clear_sync()))
    }
}

/// The file's JSON form.
#[derive(Serialize, Deserialize)]
struct TokenFile {
    version: u32,
    pool_id: String,
    app_client_id: String,
    username: String,
    access_token: String,
    id_token: String,
    refresh_token: String,
}

impl Drop for TokenFile {
    fn drop(&mut self) {
        self.access_token.zeroize();
        self.id_token.zeroize();
        self.refresh_token.zeroize();
    }
}

impl TokenFile {
    fn from_tokens(t: &StoredTokens) -> Self {
        TokenFile {
            version: 1,
            pool_id: t.pool_id.clone(),
            app_client_id: t.app_client_id.clone(),
            username: t.username.clone(),
            access_token: t.access_token.expose().to_owned(),
            id_token: t.id_token.expose().to_owned(),
            refresh_token: t.refresh_token.expose().to_owned(),
        }
    }

    fn into_tokens(mut self) -> StoredTokens {
        StoredTokens::new(
            std::mem::take(&mut self.pool_id),
            std::mem::take(&mut self.app_client_id),
            std::mem::take(&mut self.username),
            std::mem::take(&mut self.access_token),
            std::mem::take(&mut self.id_token),
            std::mem::take(&mut self.refresh_token),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StoredTokens {
        StoredTokens::new(
            "us-east-1_p",
            "client",
            "alice",
            "acc.ess.tok",
            "id.tok.en",
            "refresh-secret",
        )
    }

    fn temp_path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("amplify-rest-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("tokens.json")
    }

    #[tokio::test]
    async fn memory_store_round_trips_and_hides_tokens() {
        let store = MemoryTokenStore::new();
        assert!(store.load().await.expect("load").is_none());
        store.save(&sample()).await.expect("save");
        let shared = store.clone();
        assert_eq!(shared.load().await.expect("load"), Some(sample()));
        let text = format!("{:?} {:?}", store, sample());
        assert!(
            !text.contains("refresh-secret") && !text.contains("acc.ess"),
            "{text}"
        );
        store.clear().await.expect("clear");
        assert!(shared.load().await.expect("load").is_none());
    }

    #[tokio::test]
    async fn file_store_is_owner_only() {
        let path = temp_path("owner-only");
        let store = FileTokenStore::new(&path);
        assert!(store.load().await.expect("missing file").is_none());
        store.save(&sample()).await.expect("save");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(store.load().await.expect("load"), Some(sample()));
        store.clear().await.expect("clear");
        assert!(!path.exists());
        store.clear().await.expect("clearing twice is fine");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn file_store_refuses_a_readable_file() {
        use std::os::unix::fs::PermissionsExt as _;
        let path = temp_path("readable");
        let store = FileTokenStore::new(&path);
        store.save(&sample()).await.expect("save");
        for mode in [0o644, 0o640, 0o604, 0o620] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
            let e = store.load().await.expect_err("readable file accepted");
            assert_eq!(e.kind(), ErrorKind::Config);
            assert!(e.to_string().contains("refusing"), "{e}");
        }
        // Saving over it makes it owner-only again.
        store.save(&sample()).await.expect("save");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(store.load().await.expect("load").is_some());
    }

    #[tokio::test]
    async fn file_store_rejects_garbage() {
        let path = temp_path("garbage");
        std::fs::write(&path, b"{not json").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        let e = FileTokenStore::new(&path).load().await.expect_err("garbage");
        assert_eq!(e.kind(), ErrorKind::Decode);
    }
}
