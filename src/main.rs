use std::process::ExitCode;

use clap::Parser;
use green_channel::cli::{Cli, Command, MigrateAction};
use green_channel::config::Settings;
use green_channel::startup::{Application, DOCS_PATH, OPENAPI_PATH};
use green_channel::{db, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => {
            for problem in &error.problems {
                eprintln!("green-channel: configuration error: {problem}");
            }
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log);
    match run(cli.command.unwrap_or(Command::Serve), settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "green-channel stopped on an error"
            );
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
            // One plain line for the person who just typed `cargo run`.
            #[allow(clippy::print_stdout)]
            {
                println!(
                    "green-channel listening on {base} (API docs: {base}{DOCS_PATH}, OpenAPI: {base}{OPENAPI_PATH})"
                );
            }
            app.run_until_stopped().await?;
            tracing::info!("green-channel stopped");
            Ok(())
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
            let db = db::connect(&settings.database).await?;
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
