//! The settings of the background jobs, the notifications and the holiday calendar.

use serde::Deserialize;

/// The background jobs: sending notifications, reminders, expiring drafts.
#[derive(Debug, Clone, Deserialize)]
pub struct WorkerSettings {
    /// Whether `serve` runs the jobs itself (the embedded profile does; production runs
    /// `green-channel worker` beside it).
    pub in_process: bool,
    /// Pause between rounds when there is nothing due.
    pub interval_ms: u64,
    /// Outbox rows claimed at once.
    pub batch_size: u64,
    /// Users sent to at once (one user's messages always go one at a time).
    pub concurrency: usize,
    /// How long a claimed row stays a worker's before another may claim it.
    pub lease_secs: u64,
    /// Sends tried before a row is dead.
    pub max_attempts: i32,
    /// The first retry's delay; each next one doubles, with jitter, up to `backoff_max_secs`.
    pub backoff_base_secs: u64,
    pub backoff_max_secs: u64,
    /// Whether the jobs make the insurers' weekly reports (from Monday 09:00, for the week
    /// before). Off only where something else makes them.
    pub weekly_reports: bool,
}

/// The State Council calendar as each instance holds it.
#[derive(Debug, Clone, Deserialize)]
pub struct CalendarSettings {
    /// How often an instance reloads it from the database (a year imported by
    /// `import-holidays` reaches every instance within this).
    pub reload_secs: u64,
}

/// Notifications: the subscribe templates and the specialists' alert window.
#[derive(Debug, Clone, Deserialize)]
pub struct NotificationSettings {
    /// The templates file (relative to the working directory).
    pub templates_file: std::path::PathBuf,
    /// A promise due within this many minutes (or past) is an alert.
    pub alert_window_minutes: u32,
}
