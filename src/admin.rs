//! Admin sub-commands: what an operator does from the shell. Each prints JSON with `--json`.

use crate::auth::accounts::{self, AccountRequest};
use crate::auth::{api_key, password};
use crate::config::{AuditCommand, PartnerCommand, Settings, StatsCommand, UserCommand};
use crate::db::{Db, PoolOptions};
use crate::domain::staff::Role;
use crate::service::{self, NotFound, ServiceError};
use crate::startup;
use crate::time::Clock;

/// The command line runs at the machine's time.
fn now() -> chrono::DateTime<chrono::Utc> {
    Clock::system().now()
}

/// What the use cases read, for a command that runs one: the units, calendar and rules in
/// force.
fn service_context(db: &Db, settings: &Settings) -> Result<crate::service::Context, String> {
    let (units, calendar, rules) = db
        .blocking_write(|conn| {
            Ok::<_, crate::db::DbError>((
                crate::db::admin_units_cache::AdminUnitsSnapshot::load(conn)?,
                crate::db::calendar::load(conn)?,
                crate::db::rules::load(conn)?,
            ))
        })
        .map_err(|e| e.to_string())?;
    Ok(crate::service::Context {
        calendar: std::sync::Arc::new(calendar),
        rules: std::sync::Arc::new(rules),
        units: std::sync::Arc::new(units),
        // Accounts and partners seal no identity: the command needs no data key.
        vault: None,
        supervision: crate::domain::supervision::ReplyPeriod::new(settings.supervision_reply_days)
            .unwrap_or_default(),
    })
}

/// Runs a use case in one transaction on the command line's connection.
fn run<T>(
    db: &Db,
    ctx: &service::Context,
    use_case: impl FnOnce(&mut service::Tx) -> Result<T, ServiceError>,
) -> Result<T, String> {
    let mut outcome = None;
    db.blocking_write(|conn| {
        outcome = Some(service::in_transaction(conn, ctx, use_case));
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    outcome
        .unwrap_or_else(|| Err(ServiceError::bug("the use case did not run")))
        .map_err(explained)
}

/// A use case's refusal or failure, as the command line says it.
fn explained(e: ServiceError) -> String {
    match e {
        ServiceError::Invalid(violations) => violations
            .iter()
            .map(|v| {
                let p = crate::error::describe_violation(v, crate::domain::lang::Lang::En);
                format!("--{}: {}", p.field.replace('_', "-"), p.message)
            })
            .collect::<Vec<_>>()
            .join("\n"),
        ServiceError::NotFound(NotFound::Partner(id)) => format!("no partner with id {id}"),
        other => other.to_string(),
    }
}

/// A database ready for an admin command: migrated, reference data loaded.
pub fn admin_db(settings: &Settings) -> Result<Db, String> {
    let db = Db::connect(
        &settings.database_url,
        PoolOptions {
            max_size: 1,
            ..PoolOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    startup::prepare_for(settings, &db, now()).map_err(|e| e.to_string())?;
    Ok(db)
}

fn print_json(value: &serde_json::Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

pub fn partner(settings: &Settings, action: PartnerCommand) -> Result<(), String> {
    let db = admin_db(settings)?;
    match action {
        PartnerCommand::Create { name, json } => {
            let name = name.trim().to_owned();
            if name.is_empty() || name.chars().count() > 200 {
                return Err("--name must be 1 to 200 characters".into());
            }
            let key = api_key::generate().map_err(|e| e.to_string())?;
            let ctx = service_context(&db, settings)?;
            let created = run(&db, &ctx, |tx| {
                service::partners::create(tx, &name, &key, now())
            })?;
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
            let ctx = service_context(&db, settings)?;
            let revoked = run(&db, &ctx, |tx| service::partners::revoke(tx, id, now()))?;
            if json {
                print_json(&serde_json::to_value(&revoked).map_err(|e| e.to_string())?)?;
            } else {
                println!("partner {} ({}) revoked", revoked.id, revoked.name);
            }
        }
        PartnerCommand::List { json } => {
            let all = db
                .blocking_write(crate::db::partners::list)
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

pub fn user(settings: &Settings, action: UserCommand) -> Result<(), String> {
    use service::accounts::{AccountChange, AccountManager};
    let (username, change) = match action {
        UserCommand::Create {
            username,
            password,
            role,
            office,
            scope,
            can_reveal_identity,
            json,
        } => {
            return create_user(
                settings,
                AccountRequest {
                    username,
                    password: password.expose().to_owned(),
                    role: Role::from_code(&role).ok_or_else(|| format!("unknown role {role}"))?,
                    office_id: office,
                    scope,
                    can_reveal_identity,
                },
                json,
            );
        }
        UserCommand::Disable { username } => (username, AccountChange::Disable),
        UserCommand::Enable { username } => (username, AccountChange::Enable),
        UserCommand::Set {
            username,
            role,
            office,
            scope,
            can_reveal_identity,
        } => {
            let access = accounts::check_access(&accounts::AccessRequest {
                role: Role::from_code(&role).ok_or_else(|| format!("unknown role {role}"))?,
                office_id: office,
                scope,
                can_reveal_identity,
            })
            .map_err(explain)?;
            (username, AccountChange::Access(access))
        }
        UserCommand::ResetPassword { username, password } => {
            let password = password.expose();
            if crate::auth::password::check_strength(password, &[&username]).is_err() {
                return Err(explain(vec![crate::domain::petition::Violation::new(
                    "password",
                    crate::domain::petition::Fault::WeakPassword,
                )]));
            }
            let password_hash = password::hash(password).map_err(|e| e.to_string())?;
            (username, AccountChange::ResetPassword { password_hash })
        }
    };
    let db = admin_db(settings)?;
    let ctx = service_context(&db, settings)?;
    let name = username.clone();
    let user = db
        .blocking_write(move |conn| crate::db::users::find_by_username(conn, &name))
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no account is called {username}"))?;
    let changed = run(&db, &ctx, |tx| {
        service::accounts::change(tx, &AccountManager::operator(), user.id, change, now())
    })?;
    let state = if changed.disabled_at.is_some() {
        "disabled"
    } else {
        "enabled"
    };
    println!(
        "user {} ({}): {}, {}; its sessions ended",
        changed.id,
        changed.username,
        changed.role.code(),
        state
    );
    Ok(())
}

/// The command line's account of violations, one `--flag: message` per line.
fn explain(violations: Vec<crate::domain::petition::Violation>) -> String {
    violations
        .iter()
        .map(|v| {
            let p = crate::error::describe_violation(v, crate::domain::lang::Lang::En);
            format!("--{}: {}", p.field.replace('_', "-"), p.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn create_user(settings: &Settings, request: AccountRequest, json: bool) -> Result<(), String> {
    let checked = accounts::check(&request).map_err(explain)?;
    let hash = password::hash(&request.password).map_err(|e| e.to_string())?;
    let db = admin_db(settings)?;
    let ctx = service_context(&db, settings)?;
    let created = run(&db, &ctx, |tx| {
        service::accounts::create(
            tx,
            &service::accounts::AccountManager::operator(),
            &checked,
            &hash,
            now(),
        )
    })?;
    if json {
        print_json(&serde_json::json!({
            "id": created.id,
            "username": created.username,
            "role": created.role,
            "office_id": created.office_id,
            "scope": created.scope,
            "can_reveal_identity": created.can_reveal_identity,
        }))?;
    } else {
        println!(
            "user {} created: {} ({})",
            created.id,
            created.username,
            created.role.code()
        );
    }
    Ok(())
}

/// One sweep of the deadlines, as the server's job runs it.
pub fn sweep(settings: &Settings, json: bool) -> Result<(), String> {
    use crate::service::deadlines::Sweep;
    let db = admin_db(settings)?;
    let swept = db
        .blocking_write(|conn| {
            let calendar = crate::db::calendar::load(conn)?;
            Sweep::at(&calendar, now(), settings.approaching_working_days).run_blocking(conn)
        })
        .map_err(|e| e.to_string())?;
    if json {
        print_json(&serde_json::json!({
            "approaching": swept.approaching,
            "missed": swept.missed,
            "notices": swept.notices,
        }))
    } else {
        println!(
            "{} approaching, {} missed, {} superior offices notified",
            swept.approaching, swept.missed, swept.notices
        );
        Ok(())
    }
}

/// The statistics' rollups from the shell.
pub fn stats(settings: &Settings, action: StatsCommand) -> Result<(), String> {
    use crate::db::stats::rollup;
    let db = admin_db(settings)?;
    let (what, json, outcome) = match action {
        StatsCommand::Update { json } => (
            "folded",
            json,
            db.blocking_write(|conn| {
                let calendar = crate::db::calendar::load(conn)?;
                rollup::catch_up(conn, &calendar, now().naive_utc())
            }),
        ),
        StatsCommand::Rebuild { json } => (
            "rebuilt the statistics from",
            json,
            db.blocking_write(|conn| {
                let calendar = crate::db::calendar::load(conn)?;
                rollup::rebuild(conn, &calendar, now().naive_utc())
            }),
        ),
    };
    let events = outcome.map_err(|e| e.to_string())?;
    let progress = db
        .blocking_write(rollup::progress)
        .map_err(|e| e.to_string())?;
    if json {
        print_json(&serde_json::json!({ "events": events, "seq": progress.seq }))
    } else {
        println!(
            "{what} {events} events; the statistics now include the record up to event {}",
            progress.seq
        );
        Ok(())
    }
}

/// The tamper-evident record from the shell.
pub fn audit(settings: &Settings, action: AuditCommand) -> Result<(), String> {
    use crate::signing::AuditKey;
    let db = admin_db(settings)?;
    let (key, _) = AuditKey::load(
        settings.audit_signing_key.as_ref().map(|k| k.expose()),
        &settings.database_url,
    )
    .map_err(|e| e.to_string())?;
    match action {
        AuditCommand::Verify { json } => {
            let report = db
                .blocking_write(|conn| crate::db::audit::verify(conn, &key.public()))
                .map_err(|e| e.to_string())?;
            if json {
                print_json(&serde_json::to_value(&report).map_err(|e| e.to_string())?)?;
            } else if report.valid {
                println!(
                    "valid: {} events, head {} {}, {} checkpoint(s) checked",
                    report.events_checked,
                    report.head_seq,
                    report.head_hash,
                    report.checkpoints_checked
                );
            }
            match report.broken {
                None => Ok(()),
                Some(b) => Err(format!(
                    "the chain is broken at position {}{}: {}",
                    b.seq,
                    b.event_id
                        .map(|id| format!(" (event id {id})"))
                        .unwrap_or_default(),
                    serde_json::to_string(&b.problem).unwrap_or_default()
                )),
            }
        }
        AuditCommand::Checkpoint { json } => {
            use crate::db::audit::{Signing, checkpoint, checkpoint_checked};
            let at = now().naive_utc();
            let signing = db
                .blocking_write(|conn| match checkpoint_checked(conn, &key, None, at)? {
                    // Asked for, so signed even when the chain has not grown.
                    Signing::NothingNew => checkpoint(conn, &key, at).map(Signing::Signed),
                    other => Ok(other),
                })
                .map_err(|e| e.to_string())?;
            let row = match signing {
                Signing::Signed(row) => row,
                Signing::NothingNew => return Err("nothing was signed".into()),
                Signing::Refused(problem) => {
                    return Err(format!(
                        "refused to sign: the chain since the last checkpoint does not end at the stored head: {}",
                        serde_json::to_string(&problem).unwrap_or_default()
                    ));
                }
            };
            if json {
                print_json(&serde_json::json!({
                    "seq": row.seq,
                    "hash": row.hash,
                    "signed_at": crate::domain::audit::timestamp(row.signed_at.and_utc()),
                    "key_id": row.key_id,
                    "signature": row.signature,
                }))
            } else {
                println!("signed checkpoint at {} {}", row.seq, row.hash);
                Ok(())
            }
        }
        AuditCommand::Export => db
            .blocking_write(|conn| crate::db::audit::export(conn, &mut std::io::stdout().lock()))
            .map_err(|e| e.to_string()),
    }
}
