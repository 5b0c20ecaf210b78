use std::process::ExitCode;

use clap::Parser;
use tiengdan::auth::api_key;
use tiengdan::config::{Cli, Command, PartnerCommand, Settings};
use tiengdan::db::{Db, PoolOptions, partners, write_transaction};
use tiengdan::startup::{self, Application};
use tiengdan::{api, telemetry};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = telemetry::init(&cli.settings.log) {
        eprintln!("tiengdan: {e}");
        return ExitCode::from(2);
    }
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.settings),
        Command::Migrate { json } => migrate(&cli.settings, json),
        Command::Partner { action } => partner(&cli.settings, action),
        Command::Openapi { output } => openapi(output),
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

fn serve(settings: &Settings) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async {
        let app = Application::build(settings)
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
    let prepared = startup::prepare(&db).map_err(|e| e.to_string())?;
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

/// A database ready for an admin command: migrated, reference data loaded.
fn admin_db(settings: &Settings) -> Result<Db, String> {
    let db = Db::connect(
        &settings.database_url,
        PoolOptions {
            max_size: 1,
            ..PoolOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    startup::prepare(&db).map_err(|e| e.to_string())?;
    Ok(db)
}

fn print_json(value: &serde_json::Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

fn partner(settings: &Settings, action: PartnerCommand) -> Result<(), String> {
    let db = admin_db(settings)?;
    match action {
        PartnerCommand::Create { name, json } => {
            let name = name.trim().to_owned();
            if name.is_empty() || name.chars().count() > 200 {
                return Err("--name must be 1 to 200 characters".into());
            }
            let key = api_key::generate().map_err(|e| e.to_string())?;
            let created = db
                .blocking_write(|conn| {
                    write_transaction(conn, |conn| partners::create(conn, &name, &key))
                })
                .map_err(|e| e.to_string())?;
            if json {
                print_json(&serde_json::json!({
                    "id": created.id,
                    "name": created.name,
                    "api_key": key.key,
                    "created_at": created.created_at.and_utc(),
                }))?;
            } else {
                println!("partner {} created: {}", created.id, created.name);
                println!("API key (shown once, store it now): {}", key.key);
            }
        }
        PartnerCommand::Revoke { id, json } => {
            let revoked = db
                .blocking_write(|conn| write_transaction(conn, |conn| partners::revoke(conn, id)))
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no partner with id {id}"))?;
            if json {
                print_json(&serde_json::to_value(&revoked).map_err(|e| e.to_string())?)?;
            } else {
                println!("partner {} ({}) revoked", revoked.id, revoked.name);
            }
        }
        PartnerCommand::List { json } => {
            let all = db
                .blocking_write(partners::list)
                .map_err(|e| e.to_string())?;
            if json {
                print_json(&serde_json::to_value(&all).map_err(|e| e.to_string())?)?;
            } else {
                for p in all {
                    let state = if p.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    println!("{}\t{}\t{}\ttdk_{}…", p.id, state, p.name, p.key_prefix);
                }
            }
        }
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
