//! moto's Cognito for the identity-pool rows: the one the test script started
//! (`AMPLIFY_REST_TEST_MOTO`), else one started here from `.venv`, else none.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::handwritten::Failure;

/// A moto server to use; stops it on drop if it was started here.
#[derive(Debug)]
pub struct Moto {
    url: String,
    child: Option<Child>,
}

impl Moto {
    /// The moto of `AMPLIFY_REST_TEST_MOTO`, else `.venv/bin/moto_server` under `root` started on
    /// a free loopback port (its log in `log`); `Err` says why there is none.
    pub fn find_or_start(root: &Path, log: &Path) -> Result<Moto, String> {
        if let Ok(url) = std::env::var("AMPLIFY_REST_TEST_MOTO")
            && !url.is_empty()
        {
            return Ok(Moto {
                url: url.trim_end_matches('/').to_owned(),
                child: None,
            });
        }
        let server = root.join(".venv/bin/moto_server");
        if !server.exists() {
            return Err(format!(
                "no moto: AMPLIFY_REST_TEST_MOTO is not set and {} does not exist",
                server.display()
            ));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let log_file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err_file = log_file.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(err_file)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", server.display()))?;
        let mut moto = Moto {
            url: format!("http://127.0.0.1:{port}"),
            child: Some(child),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(child) = &mut moto.child
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(format!(
                    "moto exited at start-up ({status}); log: {}",
                    log.display()
                ));
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(moto);
            }
            if Instant::now() > deadline {
                return Err(format!("moto did not start within 30 s; log: {}", log.display()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// moto's base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Creates an identity pool that allows guests; returns its id.
    pub async fn create_identity_pool(&self, name: &str) -> Result<String, Failure> {
        let client = reqwest::Client::new();
        // moto may still be loading its routes right after it accepts connections.
        let mut last = String::new();
        for _ in 0..50 {
            let answer = client
                .post(format!("{}/", self.url))
                .header("content-type", "application/x-amz-json-1.1")
                .header("x-amz-target", "AWSCognitoIdentityService.CreateIdentityPool")
                .body(json!({"IdentityPoolName": name, "AllowUnauthenticatedIdentities": true}).to_string())
                .send()
                .await;
            match answer {
                Ok(a) if a.status().is_success() => {
                    let v: Value = serde_json::from_slice(&a.bytes().await?)?;
                    return v["IdentityPoolId"]
                        .as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| "CreateIdentityPool: no IdentityPoolId".into());
                }
                Ok(a) => last = format!("moto answered {}", a.status()),
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("CreateIdentityPool failed: {last}").into())
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
