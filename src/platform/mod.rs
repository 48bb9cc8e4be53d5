//! The platform: what every area stands on and none of them owns — settings, secrets and
//! sealing, the database connection, the cache port, object storage, the clocks, what is known
//! of the dependencies' health, logs and metrics, rate limits, tokens, idempotency keys and the
//! one wire format for errors. Nothing here imports an area or `AppState` (a test of the floors
//! holds it so: `cargo test --test layers`).

pub mod cache;
pub mod clock;
pub mod coalesce;
pub mod config;
pub mod cores;
pub mod crypto;
pub mod db;
pub mod error;
pub mod idempotency;
pub mod jwt;
pub mod jwt_hmac;
pub mod memo;
pub mod net;
pub mod outages;
pub mod ratelimit;
pub mod storage;
pub mod telemetry;
pub mod watch;
pub mod wire_time;
