//! The deadline sweeper at scale: its cost should follow the clocks coming due, not the
//! petitions stored (docs/PERFORMANCE.md, "The legal clock").
//!
//! ```sh
//! cargo bench --bench sweep                                   # SQLite, a temp file
//! cargo bench --bench sweep -- postgres://USER:PASS@127.0.0.1/EMPTY_DB
//! cargo bench --bench sweep -- [URL] --petitions 1000000
//! ```
//!
//! Loads `--petitions` open petitions (default 1,000,000), each with one running clock due a
//! month ahead, straight into a migrated database with one `INSERT … SELECT` per table. Then,
//! for each scenario, it makes a share of the clocks overdue (`UPDATE … WHERE id % 1000 < k`),
//! forgets earlier announcements, and times one sweep exactly as the server's job runs it
//! (`service::deadlines::Sweep::run_blocking`: batches of 500, each batch one transaction that marks
//! the clocks and appends one event per clock). Scenarios: nothing due (the cost of looking),
//! 0.1 %, 1 % and 10 % due. It prints the time per sweep and per announced clock, then how fast
//! the audit chain of the events those sweeps appended verifies.

use std::error::Error;
use std::time::Instant;

use diesel::connection::SimpleConnection;
use tiengdan::db::{Db, DbConnection, PoolOptions};
use tiengdan::domain::calendar::VietnamCalendar;
use tiengdan::service::deadlines::Sweep;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut url = None;
    let mut petitions: u64 = 1_000_000;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--petitions" => petitions = args.next().ok_or("--petitions N")?.parse()?,
            other => url = Some(other.to_owned()),
        }
    }
    let dir = std::env::temp_dir().join(format!("tiengdan-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = url.unwrap_or_else(|| format!("sqlite://{}", dir.join("sweep.db").display()));
    let db = Db::connect(&url.parse()?, PoolOptions::default())?;
    tiengdan::startup::prepare(&db, chrono::Utc::now())?;

    let started = Instant::now();
    db.blocking_write(|conn| load(conn, petitions))?;
    println!(
        "loaded {petitions} open petitions with one running clock each in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let calendar = VietnamCalendar::default();
    println!(
        "{:>8} {:>10} {:>12} {:>16}",
        "due", "clocks", "sweep (ms)", "µs per clock"
    );
    for per_mille in [0u64, 1, 10, 100] {
        db.blocking_write(|conn| make_due(conn, per_mille))?;
        let now = tiengdan::time::Clock::system().now();
        let started = Instant::now();
        let swept = db.blocking_write(|conn| Sweep::at(&calendar, now, 2).run_blocking(conn))?;
        let elapsed = started.elapsed();
        let announced = swept.missed + swept.approaching;
        println!(
            "{:>7.1}% {:>10} {:>12.1} {:>16}",
            per_mille as f64 / 10.0,
            announced,
            elapsed.as_secs_f64() * 1e3,
            if announced == 0 {
                "-".to_owned()
            } else {
                format!("{:.1}", elapsed.as_secs_f64() * 1e6 / announced as f64)
            }
        );
    }

    // The sweeps appended one chained event per announced clock (and the load a few more):
    // how fast the whole chain verifies (`tiengdan audit verify` runs the same code).
    let public = tiengdan::signing::AuditKey::from_seed(&[1; 32]).public();
    let started = Instant::now();
    let report = db.blocking_write(|conn| tiengdan::db::audit::verify(conn, &public))?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "verified the audit chain: {} events in {:.0} ms, {:.0} events/s, valid: {}",
        report.events_checked,
        elapsed * 1e3,
        report.events_checked as f64 / elapsed,
        report.valid
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// `count` open petitions at Phường Ba Đình's office (35), each with a running answer clock
/// due in 30 days.
fn load(conn: &mut DbConnection, count: u64) -> Result<(), tiengdan::db::DbError> {
    let now = match conn {
        DbConnection::Sqlite(_) => "datetime('now')",
        DbConnection::Postgres(_) => "(now() AT TIME ZONE 'UTC')",
    };
    let (numbers, later, plus) = match conn {
        DbConnection::Sqlite(_) => (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})"
            ),
            "datetime('now', '+30 days')",
            "||",
        ),
        DbConnection::Postgres(_) => (
            format!("WITH n(i) AS (SELECT generate_series(1, {count}))"),
            "(now() AT TIME ZONE 'UTC') + interval '30 days'",
            "||",
        ),
    };
    let sql = format!(
        "BEGIN;
        {numbers}
        INSERT INTO petitions (public_id, tracking_code, receipt_secret_hash, channel, kind,
            filed_kind, category_code, commune_code, province_code, office_id, routing_rule_id,
            routing_reason, status, title, description, late_filing, is_public, anonymous,
            received_at, updated_at)
        SELECT 'sweep-' {plus} i, 'S' {plus} i, 'x', 'in_person', 'feedback', 'feedback',
            'environment', '00004', '01', 35,
            (SELECT id FROM routing_rules WHERE code = 'default'), 'default', 'received',
            'Rác thải', 'Rác không được thu gom.', false, false, true,
            {now}, {now}
        FROM n;
        INSERT INTO petition_clocks (petition_id, name, started_at, length_days, day_type,
            due_at, status, legal_basis, rule_version, calendar_version)
        SELECT id, 'answer', received_at, 10, 'working', {later}, 'running', 'bench',
            'bench', 'bench'
        FROM petitions WHERE public_id LIKE 'sweep-%';
        COMMIT;"
    );
    match conn {
        DbConnection::Sqlite(c) => c.batch_execute(&sql)?,
        DbConnection::Postgres(c) => {
            c.batch_execute(&sql)?;
            // One statement per call: several in one string run as one transaction, where
            // VACUUM may not.
            c.batch_execute("VACUUM ANALYZE petitions")?;
            c.batch_execute("VACUUM ANALYZE petition_clocks")?;
        }
    }
    Ok(())
}

/// Makes `per_mille` ‰ of the clocks overdue (a day ago) and the rest due in a month, none
/// announced yet.
fn make_due(conn: &mut DbConnection, per_mille: u64) -> Result<(), tiengdan::db::DbError> {
    let (past, later) = match conn {
        DbConnection::Sqlite(_) => ("datetime('now', '-1 day')", "datetime('now', '+30 days')"),
        DbConnection::Postgres(_) => (
            "(now() AT TIME ZONE 'UTC') - interval '1 day'",
            "(now() AT TIME ZONE 'UTC') + interval '30 days'",
        ),
    };
    let sql = format!(
        "UPDATE petition_clocks SET approaching_noted_at = NULL, missed_noted_at = NULL,
            due_at = CASE WHEN id % 1000 < {per_mille} THEN {past} ELSE {later} END;"
    );
    match conn {
        DbConnection::Sqlite(c) => c.batch_execute(&sql)?,
        DbConnection::Postgres(c) => {
            c.batch_execute(&sql)?;
            c.batch_execute("VACUUM ANALYZE petition_clocks")?;
        }
    }
    Ok(())
}
