use std::process::ExitCode;

use clap::Parser;
use tiengdan::config::{Cli, Command, Settings};
use tiengdan::db::{Db, PoolOptions};
use tiengdan::startup::{self, Application};
use tiengdan::{admin, api, telemetry};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = telemetry::init(&cli.settings.log) {
        eprintln!("tiengdan: {e}");
        return ExitCode::from(2);
    }
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.settings),
        Command::Migrate { json } => migrate(&cli.settings, json),
        Command::Partner { action } => admin::partner(&cli.settings, action),
        Command::User { action } => admin::user(&cli.settings, action),
        Command::Sweep { json } => admin::sweep(&cli.settings, json),
        Command::Audit { action } => admin::audit(&cli.settings, action),
        Command::Stats { action } => admin::stats(&cli.settings, action),
        Command::Demo(args) => tiengdan::demo::run(&cli.settings, &args),
        Command::Openapi { output } => openapi(output),
        // Its exit status says what it found, not only whether it failed.
        Command::Witness(args) => return witness(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("tiengdan: {message}");
            ExitCode::FAILURE
        }
    }
}

fn witness(args: &tiengdan::config::WitnessArgs) -> ExitCode {
    tiengdan::witness::run(&tiengdan::witness::Options {
        server: args.server.clone(),
        store: args.store.clone(),
        interval: std::time::Duration::from_secs(args.interval),
        once: args.once,
    })
}

fn serve(settings: &Settings) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async {
        let app = Application::build(settings, tiengdan::time::Clock::system())
            .await
            .map_err(|e| e.to_string())?;
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn migrate(settings: &Settings, json: bool) -> Result<(), String> {
    let db = Db::connect(
        &settings.database_url,
        PoolOptions {
            max_size: 1,
            ..PoolOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let prepared = startup::prepare_for(settings, &db, tiengdan::time::Clock::system().now())
        .map_err(|e| e.to_string())?;
    if json {
        let text = serde_json::to_string_pretty(&prepared).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        println!(
            "{}: {} migration(s) applied; admin units {:?}; {} provinces, {} communes, {} offices, {} categories",
            settings.database_url,
            prepared.migrations_applied.len(),
            prepared.admin_units,
            prepared.counts.provinces,
            prepared.counts.communes,
            prepared.counts.offices,
            prepared.counts.categories,
        );
    }
    Ok(())
}

fn openapi(output: Option<std::path::PathBuf>) -> Result<(), String> {
    let text = api::openapi_json();
    match output {
        Some(path) => std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
