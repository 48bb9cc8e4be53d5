//! The `green-channel` command line: `serve` (the default), `migrate`, and more subcommands as
//! areas need them.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "green-channel",
    version,
    about = "英仕健康重疾绿通小程序后端",
    long_about = "The green-channel backend. Settings come from the profile named by APP_PROFILE \
                  (local or production) and APP_<SECTION>__<KEY> environment variables."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Local profile only: load a demo policy of each programme, a console account per role
    /// and a few cases, and print what to log in with (refused in production).
    Demo,
    /// Run the background jobs on their own: send notifications, queue reminders, expire
    /// drafts. Serves only the probes and /metrics on the configured port.
    Worker,
    /// Ask this host's service (or worker) whether it is ready, on the configured port: exit 0
    /// when `/health/ready` answers 200 within 3 seconds (a container's healthcheck).
    Probe,
    /// Apply, roll back or list database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Import policies from a CSV file (upsert by policy number, all or nothing on a crash).
    ImportPolicies {
        /// CSV with a header: policy_no, product_code, insured_name, id_type, id_number, phone,
        /// effective_date, expiry_date, cooling_off_end, status, sum_insured_ok.
        file: std::path::PathBuf,
    },
    /// Issue, revoke or list the API keys insurers push policies with.
    PartnerKey {
        #[command(subcommand)]
        action: PartnerKeyAction,
    },
    /// Policies bound to more than one account as their insured (possible before one policy,
    /// one person): list them, and remove an account's binding once resolved with the insured.
    Bindings {
        #[command(subcommand)]
        action: BindingAction,
    },
    /// Manage console accounts.
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Make a report (the insurers' weekly service-progress report).
    Report {
        #[command(subcommand)]
        action: ReportAction,
    },
    /// Import a newly published State Council holiday calendar (holiday-cn JSON format).
    ImportHolidays {
        /// A `<year>.json` file as published by NateScarlet/holiday-cn.
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum BindingAction {
    /// Each policy bound to more than one account as its insured: the accounts, when each
    /// bound it, and whether each account's verified phone is the policy's.
    Doubles,
    /// Remove an account's binding to a policy as its insured (its cases stay on the policy).
    Remove {
        #[arg(long)]
        policy_no: String,
        /// The account's public id, as `doubles` lists it.
        #[arg(long)]
        user: uuid::Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum PartnerKeyAction {
    /// Create a key for an insurer; it is printed once and stored only as a hash.
    Create {
        #[arg(long)]
        insurer: String,
    },
    /// Revoke a key by its prefix (the part after `gcpk_`).
    Revoke { prefix: String },
    /// List keys (prefix, insurer, created, revoked).
    List {
        #[arg(long)]
        insurer: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffAction {
    /// Create an account; the password (at least 12 characters) is read from standard input.
    Add {
        #[arg(long)]
        login: String,
        /// specialist, supervisor, insurer_viewer or admin.
        #[arg(long)]
        role: String,
        /// Limit the account to one insurer's cases (its code in the plan files).
        #[arg(long)]
        insurer: Option<String>,
        /// The name the insured know the specialist by (王专员).
        #[arg(long)]
        name: Option<String>,
        /// The line the insured call the specialist on.
        #[arg(long)]
        work_phone: Option<String>,
    },
    /// List the accounts: login, role, insurer, active or disabled.
    List,
    /// Disable an account: its console sessions and API tokens stop working at once.
    Disable { login: String },
    /// Enable a disabled account again.
    Enable { login: String },
    /// Set a new password (at least 12 characters), read from standard input.
    ResetPassword { login: String },
}

#[derive(Debug, Subcommand)]
pub enum ReportAction {
    /// Write an insurer's weekly service-progress report to a file (the background jobs also
    /// make it every Monday 09:00 and store it for the console).
    Weekly {
        /// The insurer's code in the plan files (e.g. `starr`).
        #[arg(long)]
        insurer: String,
        /// ISO week, e.g. `2026-W48`; default: the last complete week.
        #[arg(long)]
        week: Option<String>,
        /// `xlsx` (default) or `csv`.
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// Where to write; default: `服务进度周报-<insurer>-<week>.<format>` here.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the last applied migrations.
    Down {
        /// How many migrations to roll back.
        #[arg(short = 'n', long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
}
