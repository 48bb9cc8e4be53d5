use std::process::ExitCode;

use clap::Parser;
use green_channel::cli::{Cli, Command, MigrateAction};
use green_channel::platform::config::Settings;
use green_channel::platform::{db, telemetry};
use green_channel::startup::{Application, DOCS_PATH, OPENAPI_PATH};

/// mimalloc (its 2.x line) rather than glibc's malloc: per-thread free lists without the
/// consolidation glibc runs on frees (a sixth of a cached `/me`'s samples were in malloc and
/// free). The production image sets `MIMALLOC_PURGE_DELAY=0` (see the Dockerfile).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` hands requests to actix's own worker threads (one runtime each); what remains on
    // the main runtime (the accept loop, the Redis connection's driver, pool upkeep, probes) is
    // light, and one thread for it, as the floor has, saves the hand-offs between a pool of
    // threads on every cache round trip. The commands and `worker` keep a pool.
    let runtime = match cli.command {
        None | Some(Command::Serve) => tokio::runtime::Builder::new_current_thread(),
        Some(_) => tokio::runtime::Builder::new_multi_thread(),
    }
    .enable_all()
    .build();
    match runtime {
        Ok(runtime) => runtime.block_on(start(cli)),
        Err(error) => {
            eprintln!("green-channel: cannot start the runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn start(cli: Cli) -> ExitCode {
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => {
            for problem in &error.problems {
                eprintln!("green-channel: configuration error: {problem}");
            }
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    // `demo` prints a summary for a person: warnings only, unless APP_LOG__FILTER asks for more.
    let mut settings = settings;
    if matches!(command, Command::Demo) && std::env::var_os("APP_LOG__FILTER").is_none() {
        "warn".clone_into(&mut settings.log.filter);
    }
    telemetry::init(&settings.log);
    // The service's failure goes to its log (JSON in production); a command's to the person who
    // ran it, once.
    let serving = matches!(command, Command::Serve | Command::Worker);
    match Box::pin(run(command, settings)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if serving => {
            tracing::error!(
                error = format!("{error:#}"),
                "green-channel stopped on an error"
            );
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("green-channel: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let profile = settings.profile.as_str();
            let app = Application::build(settings).await?;
            let base = app.base_url();
            tracing::info!(profile, "green-channel listening on {base}");
            // Plain lines for the person who just typed `cargo run`. A closed standard output
            // (a supervisor that does not read it) must not stop the service: write errors are
            // ignored, never a panic as `println!` would make them.
            {
                use std::io::Write as _;
                let mut out = std::io::stdout();
                let _ = writeln!(
                    out,
                    "green-channel listening on {base} (API docs: {base}{DOCS_PATH}, OpenAPI: {base}{OPENAPI_PATH})"
                );
                if !app.wechat_configured() {
                    let _ = writeln!(
                        out,
                        "WeChat is not configured: only dev: logins work (code \"dev:<name>\"; set APP_WECHAT__APP_ID and APP_WECHAT__APP_SECRET for real ones)"
                    );
                }
                let _ = out.flush();
            }
            app.run_until_stopped().await?;
            tracing::info!("green-channel stopped");
            Ok(())
        }
        Command::Demo => {
            let mut out = std::io::stdout();
            green_channel::demo::run(settings, &mut out).await
        }
        Command::Worker => {
            tracing::info!(
                profile = settings.profile.as_str(),
                "green-channel worker starting"
            );
            Application::run_worker(settings).await?;
            tracing::info!("green-channel worker stopped");
            Ok(())
        }
        Command::Probe => green_channel::commands::probe(&settings).await,
        Command::ImportPolicies { file } => {
            let db = connect_migrated(&settings).await?;
            let report = green_channel::commands::import_policies(&db, &settings, &file).await?;
            for row in &report.rejected {
                for error in &row.errors {
                    eprintln!("line {}: {}: {}", row.line, error.field, error.reason);
                }
            }
            #[allow(clippy::print_stdout)]
            {
                println!(
                    "{} rows read, {} policies written, {} rows rejected",
                    report.rows,
                    report.written,
                    report.rejected.len()
                );
            }
            if !report.rejected.is_empty() {
                // The good rows are in; a non-zero exit tells scripts that some were not.
                return Err(anyhow::anyhow!(
                    "{} rows were rejected (listed above)",
                    report.rejected.len()
                ));
            }
            Ok(())
        }
        Command::PartnerKey { action } => {
            let db = connect_migrated(&settings).await?;
            green_channel::commands::partner_key(&db, &settings, action, &mut std::io::stdout())
                .await
        }
        Command::Bindings { action } => {
            Box::pin(async {
                let db = connect_migrated(&settings).await?;
                green_channel::commands::bindings(&db, action, &mut std::io::stdout()).await
            })
            .await
        }
        Command::Staff { action } => {
            let db = connect_migrated(&settings).await?;
            green_channel::commands::staff(
                &db,
                &settings,
                action,
                &mut std::io::stdin().lock(),
                &mut std::io::stdout(),
            )
            .await
        }
        Command::Report { action } => {
            let state = green_channel::startup::build_state(settings).await?;
            let mut out = std::io::stdout();
            green_channel::reports::weekly::cli::run(&state, action, &mut out).await
        }
        Command::ImportHolidays { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let calendar = green_channel::calendar::store::HolidayFile::parse(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e:#}", file.display()))?;
            anyhow::ensure!(
                !calendar.days.is_empty(),
                "{}: the {} calendar lists no days; it is not published yet",
                file.display(),
                calendar.year
            );
            let db = connect_migrated(&settings).await?;
            green_channel::calendar::store::import(&db, &calendar, chrono::Utc::now()).await?;
            #[allow(clippy::print_stdout)]
            {
                println!(
                    "imported the {} calendar: {} days (running instances pick it up within 5 minutes)",
                    calendar.year,
                    calendar.days.len()
                );
            }
            Ok(())
        }
        Command::Migrate { action } => {
            let db = db::connect(&settings.database).await?;
            match action {
                MigrateAction::Up => db::migrate_up(&db).await?,
                MigrateAction::Down { steps } => db::migrate_down(&db, steps).await?,
                MigrateAction::Status =>
                {
                    #[allow(clippy::print_stdout)]
                    for migration in db::migration_status(&db).await? {
                        let state = if migration.applied {
                            "applied"
                        } else {
                            "pending"
                        };
                        println!("{state:8} {}", migration.name);
                    }
                }
            }
            Ok(())
        }
    }
}

/// The embedded profile migrates on start; so do its administrative commands, so that they work
/// on a fresh checkout before the service ever ran.
async fn connect_migrated(settings: &Settings) -> anyhow::Result<green_channel::platform::db::Db> {
    let db = db::connect(&settings.database).await?;
    if settings.database.migrate_on_start {
        db::migrate_up(&db).await?;
    }
    Ok(db)
}
