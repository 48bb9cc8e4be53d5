//! The WeChat access token, shared by every instance through the cache.
//!
//! Reads come from the cache. When it is absent, one fetch at a time: an in-process mutex lets
//! one task per instance go further, and a short cache lock lets one instance in the deployment
//! call `stable_token`; everyone else waits for the cached result. A token WeChat rejects
//! (40001/40014/42001) is deleted only if it is still the one that failed — another caller may
//! already have stored a fresh one — then fetched again, and the call is retried once, never more.

use std::time::Duration;

use super::client::WechatClient;
use super::error::WechatError;
use crate::platform::crypto::random_token;

/// Kept a little under WeChat's `expires_in`, so a cached token is never one WeChat has dropped.
const EXPIRY_MARGIN: Duration = Duration::from_secs(120);
const MIN_TTL: Duration = Duration::from_secs(60);
/// How long one instance may hold the fetch lock (a crashed holder frees it after this).
const LOCK_TTL: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

impl WechatClient {
    fn token_key(&self) -> String {
        format!("wx:{}:access_token", self.app_id)
    }

    /// The current access token, fetched when the cache has none.
    pub async fn access_token(&self) -> Result<String, WechatError> {
        let key = self.token_key();
        if let Some(token) = self.cached_token(&key).await? {
            return Ok(token);
        }
        let _one_per_process = self.token_lock.lock().await;
        if let Some(token) = self.cached_token(&key).await? {
            return Ok(token);
        }
        let lock_key = format!("{key}:lock");
        let owner = random_token();
        let deadline = tokio::time::Instant::now() + self.timeout + LOCK_TTL;
        loop {
            if self
                .cache
                .set_if_absent(&lock_key, owner.as_bytes(), LOCK_TTL)
                .await?
            {
                let fetched = self.fetch_and_store(&key).await;
                // Release only our own lock: if it expired and another instance took it, keep it.
                self.cache
                    .delete_if_equals(&lock_key, owner.as_bytes())
                    .await?;
                return fetched;
            }
            tokio::time::sleep(POLL).await;
            if let Some(token) = self.cached_token(&key).await? {
                return Ok(token);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(WechatError::TokenWait);
            }
        }
    }

    async fn cached_token(&self, key: &str) -> Result<Option<String>, WechatError> {
        Ok(self
            .cache
            .get(key)
            .await?
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .filter(|token| !token.is_empty()))
    }

    async fn fetch_and_store(&self, key: &str) -> Result<String, WechatError> {
        let fetched = self.fetch_stable_token().await?;
        let ttl = Duration::from_secs(fetched.expires_in)
            .saturating_sub(EXPIRY_MARGIN)
            .max(MIN_TTL);
        self.cache
            .set(key, fetched.access_token.as_bytes(), ttl)
            .await?;
        tracing::info!(ttl_secs = ttl.as_secs(), "wechat access token refreshed");
        Ok(fetched.access_token)
    }

    /// Runs `call` with the access token; when WeChat rejects the token, drops it (if it is
    /// still the cached one), fetches another and runs `call` once more.
    pub(super) async fn with_access_token<T, F, Fut>(&self, call: F) -> Result<T, WechatError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, WechatError>>,
    {
        let token = self.access_token().await?;
        match call(token.clone()).await {
            Err(error) if error.is_token_rejected() => {
                tracing::warn!(
                    errcode = error.errcode(),
                    "wechat rejected the access token; fetching another and retrying once"
                );
                self.cache
                    .delete_if_equals(&self.token_key(), token.as_bytes())
                    .await?;
                let fresh = self.access_token().await?;
                call(fresh).await
            }
            other => other,
        }
    }
}
