//! The statistics at scale: a unit's figures from the rollups against the same figures
//! computed by a plain `GROUP BY` over the petitions, in the same run (docs/PERFORMANCE.md,
//! "Accountability statistics").
//!
//! ```sh
//! cargo bench --bench stats                                   # SQLite, a temp file
//! cargo bench --bench stats -- postgres://USER:PASS@127.0.0.1/EMPTY_DB
//! cargo bench --bench stats -- [URL] --petitions 1000000 [--keep]
//! ```
//!
//! **The loader.** Into a freshly migrated database it writes `--petitions` feedback and
//! recommendations (default 1,000,000) spread over every commune's office and over the last
//! 365 days, straight into the tables in multi-row `INSERT`s, with what the service would
//! have stored for each: the petition, its answer clock, its answer and rating, and its
//! events in the order of their times (received; accepted; the sweeper's `deadline.missed`
//! when the answer came late or has not come; answered; rated; or refused, or withdrawn).
//! Fates (a fixed pseudo-random sequence, so runs are alike): 20 % still open, 65 % answered
//! after 1 to 25 days (due after 14), of which 60 % rated (satisfied three times in four when
//! answered in time, one in three when late), 8 % refused, 7 % withdrawn. No transfers, so that
//! each petition is received once and the two computations must agree exactly.
//!
//! **The measures.** It folds the whole record into the rollups (`tiengdan stats rebuild`'s
//! code) and times it; then, for one month six months back, computes the nation's and one
//! province's (Hà Nội, 01) figures 30 times each through `db::stats::query::report` (what
//! `GET /v1/stats` runs when the rollups changed since it last computed them: the figures with
//! their suppression groups, skipping those that cannot hide a total this large; "cold"), 30
//! times with a threshold so high that no group is skipped ("all groups", the reads a unit of
//! small counts needs), 30 times through the report cache as the handler uses it
//! between two folds ("cached": the watermark read and a lookup), and 5 times each with one
//! `GROUP BY kind` over `petitions` joined to answers, ratings and answer clocks, and prints
//! the medians and their ratios. It checks that received, answered, answered on time, rated and
//! satisfied agree between the two. With `--keep` it leaves the database behind; `--reuse`
//! measures a database loaded and folded before, without loading again.

use std::error::Error;
use std::fmt::Write as _;
use std::time::Instant;

use chrono::{Duration, NaiveDateTime, SubsecRound, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use tiengdan::db::stats::query;
use tiengdan::db::{Db, DbConnection, PoolOptions};
use tiengdan::domain::calendar::VietnamCalendar;
use tiengdan::domain::clock::{end_of_day, local_date};
use tiengdan::domain::stats::{Level, Period, YearMonth};

#[path = "common/spread.rs"]
mod spread;
use spread::Spread;
use tiengdan::domain::category::DEFAULT_CATEGORIES;

const ROWS_PER_INSERT: usize = 500;

/// A suppression threshold no count reaches: every group of a report is read.
const EVERY_GROUP: u64 = 1 << 40;

#[derive(QueryableByName)]
struct OfficeRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    commune_code: Option<String>,
    #[diesel(sql_type = Text)]
    province_code: String,
}

#[derive(QueryableByName, Debug, PartialEq, Eq, Default, Clone, Copy)]
struct Sums {
    #[diesel(sql_type = BigInt)]
    received: i64,
    #[diesel(sql_type = BigInt)]
    answered: i64,
    #[diesel(sql_type = BigInt)]
    answered_on_time: i64,
    #[diesel(sql_type = BigInt)]
    rated: i64,
    #[diesel(sql_type = BigInt)]
    satisfied: i64,
}

/// One event to write, before it gets its place in the chain.
struct Event {
    at: NaiveDateTime,
    petition: i64,
    action: &'static str,
    payload: String,
}

fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn ts(at: NaiveDateTime) -> String {
    format!("'{}'", at.format("%Y-%m-%d %H:%M:%S"))
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut url = None;
    let mut petitions: u64 = 1_000_000;
    let mut keep = false;
    let mut reuse = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--petitions" => petitions = args.next().ok_or("--petitions N")?.parse()?,
            "--keep" => keep = true,
            "--reuse" => reuse = true,
            other => url = Some(other.to_owned()),
        }
    }
    let dir = std::env::temp_dir().join(format!("tiengdan-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = url.unwrap_or_else(|| format!("sqlite://{}", dir.join("stats.db").display()));
    let db = Db::connect(&url.parse()?, PoolOptions::default())?;
    tiengdan::startup::prepare(&db, chrono::Utc::now())?;
    let now = Utc::now().trunc_subsecs(0).naive_utc();

    if !reuse {
        let started = Instant::now();
        let events = db.blocking_write(|conn| load(conn, petitions, now))?;
        println!(
            "loaded {petitions} petitions and {events} events in {:.1} s",
            started.elapsed().as_secs_f64()
        );

        let calendar = VietnamCalendar::default();
        let started = Instant::now();
        let folded = db.blocking_write(|conn| {
            tiengdan::db::stats::rollup::rebuild(conn, &calendar, chrono::Utc::now().naive_utc())
        })?;
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "folded {folded} events into the rollups in {elapsed:.1} s ({:.0} events/s)",
            folded as f64 / elapsed
        );
    }

    let month =
        YearMonth::of(local_date((now - Duration::days(180)).and_utc())).ok_or("no month")?;
    println!("figures for {month}, medians:");
    println!(
        "{:<10} {:>10} {:>12} {:>12} {:>14} {:>9} {:>13} {:>11}",
        "unit",
        "cold (ms)",
        "all groups",
        "cached (ms)",
        "GROUP BY (ms)",
        "vs cold",
        "vs all groups",
        "vs cached"
    );
    for (level, code) in [(Level::National, "VN"), (Level::Province, "01")] {
        let unit = db
            .blocking_write(|conn| query::find_unit(conn, level, code))?
            .ok_or("no unit")?;
        let (ours, report) = timed(30, || {
            db.blocking_write(|conn| query::report(conn, &unit, "*", "*", Period::Month(month), 5))
        })?;
        // The same, when every group must be read: a threshold no figure reaches makes each
        // total one its parts could hide, so no group is skipped (the figures are all hidden;
        // the reads are those of small counts at the real threshold).
        let (every_group, _) = timed(30, || {
            db.blocking_write(|conn| {
                query::report(conn, &unit, "*", "*", Period::Month(month), EVERY_GROUP)
            })
        })?;
        // What GET /v1/stats does between two folds: read the watermark, find the report.
        let cache = query::ReportCache::default();
        let key = query::ReportKey {
            level,
            code: code.to_owned(),
            kind: "*".into(),
            category: "*".into(),
            period: Period::Month(month),
            threshold: 5,
        };
        let (cached, _) = timed(30, || {
            db.blocking_write(|conn| {
                let progress = tiengdan::db::stats::rollup::progress(conn)?;
                cache.get_or_compute(progress, key.clone(), || {
                    query::report(conn, &unit, "*", "*", Period::Month(month), 5)
                })
            })
        })?;
        let (theirs, sums) = timed(5, || {
            db.blocking_write(|conn| group_by(conn, month, level, code))
        })?;
        println!(
            "{:<10} {:>10.2} {:>12.2} {:>12.3} {:>14.1} {:>8.0}x {:>12.0}x {:>10.0}x",
            level.code(),
            ours,
            every_group,
            cached,
            theirs,
            theirs / ours,
            theirs / every_group,
            theirs / cached
        );
        let totals = report.totals;
        let rollup = Sums {
            received: totals.tally.received,
            answered: totals.tally.answered,
            answered_on_time: totals.tally.answered_on_time,
            rated: totals.tally.rated,
            satisfied: totals.tally.satisfied,
        };
        println!("  the same figures from both: {}", rollup == sums);
        if rollup != sums {
            return Err(format!("rollups {rollup:?} differ from GROUP BY {sums:?}").into());
        }
    }
    if keep {
        println!("kept the database: {url}");
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs `work` `times` times (at least once); the median in milliseconds and the last result.
fn timed<T, E>(times: usize, mut work: impl FnMut() -> Result<T, E>) -> Result<(f64, T), E> {
    let mut millis = Vec::with_capacity(times);
    let mut run = |millis: &mut Vec<f64>| {
        let started = Instant::now();
        let result = work()?;
        millis.push(started.elapsed().as_secs_f64() * 1e3);
        Ok(result)
    };
    let mut last = run(&mut millis)?;
    for _ in 1..times {
        last = run(&mut millis)?;
    }
    Ok((median(&mut millis), last))
}

/// The month's figures of the nation or a province, computed from the petitions.
fn group_by(
    conn: &mut DbConnection,
    month: YearMonth,
    level: Level,
    code: &str,
) -> Result<Sums, tiengdan::db::DbError> {
    // Months are Vietnam's: their bounds in UTC are 7 hours earlier.
    let start = ts(month.first_day().and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(7));
    let end = ts(month.end().and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(7));
    let province = if level == Level::Province {
        format!("AND p.province_code = '{code}'")
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT
            CAST(COALESCE(SUM(CASE WHEN p.received_at >= {start} AND p.received_at < {end} THEN 1 ELSE 0 END), 0) AS BIGINT) AS received,
            CAST(COALESCE(SUM(CASE WHEN a.answered_at >= {start} AND a.answered_at < {end} THEN 1 ELSE 0 END), 0) AS BIGINT) AS answered,
            CAST(COALESCE(SUM(CASE WHEN a.answered_at >= {start} AND a.answered_at < {end} AND a.answered_at <= c.due_at THEN 1 ELSE 0 END), 0) AS BIGINT) AS answered_on_time,
            CAST(COALESCE(SUM(CASE WHEN a.answered_at >= {start} AND a.answered_at < {end} AND r.petition_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS rated,
            CAST(COALESCE(SUM(CASE WHEN a.answered_at >= {start} AND a.answered_at < {end} AND r.satisfied THEN 1 ELSE 0 END), 0) AS BIGINT) AS satisfied
        FROM petitions p
        LEFT JOIN petition_answers a ON a.petition_id = p.id
        LEFT JOIN petition_ratings r ON r.petition_id = p.id
        LEFT JOIN petition_clocks c ON c.petition_id = p.id AND c.name = 'answer'
        WHERE ((p.received_at >= {start} AND p.received_at < {end})
            OR (a.answered_at >= {start} AND a.answered_at < {end})) {province}
        GROUP BY p.kind"
    );
    let rows: Vec<Sums> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(sql).load(c)?,
        DbConnection::Postgres(c) => diesel::sql_query(sql).load(c)?,
    };
    let mut total = Sums::default();
    for r in rows {
        total.received += r.received;
        total.answered += r.answered;
        total.answered_on_time += r.answered_on_time;
        total.rated += r.rated;
        total.satisfied += r.satisfied;
    }
    Ok(total)
}

/// Writes the petitions and their events; returns the events written.
fn load(
    conn: &mut DbConnection,
    count: u64,
    now: NaiveDateTime,
) -> Result<usize, tiengdan::db::DbError> {
    let offices: Vec<OfficeRow> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT id, commune_code, province_code FROM offices WHERE commune_code IS NOT NULL ORDER BY id",
        )
        .load(c)?,
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT id, commune_code, province_code FROM offices WHERE commune_code IS NOT NULL ORDER BY id",
        )
        .load(c)?,
    };
    let rule: i64 = tiengdan::db::schema::routing_rules::table
        .filter(tiengdan::db::schema::routing_rules::code.eq("default"))
        .select(tiengdan::db::schema::routing_rules::id)
        .first(conn)?;
    execute(
        conn,
        "INSERT INTO users (username, password_hash, role, scope, created_at)
         VALUES ('bench.admin', 'x', 'admin', NULL, '2026-01-01 00:00:00')",
    )?;
    let user: i64 = tiengdan::db::schema::users::table
        .filter(tiengdan::db::schema::users::username.eq("bench.admin"))
        .select(tiengdan::db::schema::users::id)
        .first(conn)?;
    let mut spread = Spread(2026);
    let mut events: Vec<Event> = Vec::with_capacity(count as usize * 4);
    let mut petitions = String::new();
    let mut clocks = String::new();
    let mut answers = String::new();
    let mut ratings = String::new();
    let (mut np, mut nc, mut na, mut nr) = (0, 0, 0, 0);
    let year = 365 * 86_400;
    execute(conn, begin(conn))?;
    for i in 0..count {
        let id = i as i64 + 1;
        let office = &offices[spread.below(offices.len() as u64) as usize];
        let kind = if spread.below(10) < 6 {
            "feedback"
        } else {
            "recommendation"
        };
        let category = DEFAULT_CATEGORIES[spread.below(DEFAULT_CATEGORIES.len() as u64) as usize].0;
        let online = spread.below(10) < 9;
        let received = now - Duration::seconds(spread.below(year) as i64 + 3600);
        let day = |n: i64| {
            end_of_day(local_date(received.and_utc()) + chrono::Days::new(n as u64)).naive_utc()
        };
        let (ack_due, answer_due) = (day(2), day(14));
        let fate = spread.below(100);
        let delay = Duration::days(1 + spread.below(25) as i64) + Duration::hours(2);
        let answered_at = received + delay;
        let (status, clock_status) = match fate {
            0..20 => ("received", "running"),
            20..85 if answered_at < now => (
                "answered",
                if answered_at <= answer_due {
                    "met"
                } else {
                    "missed"
                },
            ),
            20..85 => ("accepted", "running"),
            85..93 => ("rejected", "stopped"),
            _ => ("withdrawn", "stopped"),
        };
        let code = office.commune_code.as_deref().unwrap_or_default();
        let _ = write!(
            petitions,
            "{}({id}, 'bench-{id}', 'B{id}', 'x', NULL, '{}', '{kind}', '{kind}', '{category}', '{code}', '{}', {}, {rule}, 'default', '{status}', 'Rác thải', 'Rác không được thu gom.', false, false, true, {}, {})",
            if np == 0 { "" } else { "," },
            if online { "partner" } else { "in_person" },
            office.province_code,
            office.id,
            ts(received),
            ts(received),
        );
        np += 1;
        let _ = write!(
            clocks,
            "{}({id}, 'answer', {}, 10, 'working', {}, '{clock_status}', 'bench', 'bench', 'bench')",
            if nc == 0 { "" } else { "," },
            ts(received),
            ts(answer_due)
        );
        nc += 1;
        let office_id = office.id;
        events.push(Event {
            at: received,
            petition: id,
            action: "petition.received",
            payload: format!(
                r#"{{"kind":"{kind}","channel":"{}","category":"{category}","office_id":{office_id},"clocks":[{{"name":"acknowledge","due_at":"{}"}},{{"name":"answer","due_at":"{}"}}]}}"#,
                if online { "partner" } else { "in_person" },
                rfc3339(ack_due),
                rfc3339(answer_due)
            ),
        });
        let missed = |events: &mut Vec<Event>, name: &str, due: NaiveDateTime| {
            events.push(Event {
                at: due + Duration::hours(1),
                petition: id,
                action: "deadline.missed",
                payload: format!(
                    r#"{{"clock":"{name}","due_at":"{}","office_id":{office_id}}}"#,
                    rfc3339(due)
                ),
            })
        };
        match status {
            "received" => {
                if ack_due + Duration::hours(1) < now {
                    missed(&mut events, "acknowledge", ack_due);
                }
                if answer_due + Duration::hours(1) < now {
                    missed(&mut events, "answer", answer_due);
                }
            }
            "accepted" | "answered" => {
                let accepted = received + Duration::hours(20);
                events.push(Event {
                    at: accepted,
                    petition: id,
                    action: "petition.accepted",
                    payload: r#"{"complexity":null,"clocks":[]}"#.into(),
                });
                let end = if status == "answered" {
                    answered_at
                } else {
                    now
                };
                if answer_due + Duration::hours(1) < end {
                    missed(&mut events, "answer", answer_due);
                }
                if status == "answered" {
                    events.push(Event {
                        at: answered_at,
                        petition: id,
                        action: "petition.answered",
                        payload: r#"{"decision_number":null}"#.into(),
                    });
                    let _ = write!(
                        answers,
                        "{}({id}, 'Đã xử lý.', NULL, '[]', {user}, {})",
                        if na == 0 { "" } else { "," },
                        ts(answered_at)
                    );
                    na += 1;
                    let rated_at = answered_at + Duration::days(2);
                    if spread.below(10) < 6 && rated_at < now {
                        let on_time = answered_at <= answer_due;
                        let satisfied = if on_time {
                            spread.below(4) < 3
                        } else {
                            spread.below(3) < 1
                        };
                        events.push(Event {
                            at: rated_at,
                            petition: id,
                            action: "petition.rated",
                            payload: format!(r#"{{"satisfied":{satisfied},"score":3}}"#),
                        });
                        let _ = write!(
                            ratings,
                            "{}({id}, {satisfied}, 3, NULL, {})",
                            if nr == 0 { "" } else { "," },
                            ts(rated_at)
                        );
                        nr += 1;
                    }
                }
            }
            "rejected" => events.push(Event {
                at: received + Duration::days(1),
                petition: id,
                action: "petition.rejected",
                payload: r#"{"reason":"duplicate"}"#.into(),
            }),
            _ => events.push(Event {
                at: received + Duration::days(1),
                petition: id,
                action: "petition.withdrawn",
                payload: r#"{"from":"received","to":"withdrawn"}"#.into(),
            }),
        }
        if np == ROWS_PER_INSERT {
            flush(
                conn,
                &mut petitions,
                &mut clocks,
                &mut answers,
                &mut ratings,
            )?;
            (np, nc, na, nr) = (0, 0, 0, 0);
        }
    }
    flush(
        conn,
        &mut petitions,
        &mut clocks,
        &mut answers,
        &mut ratings,
    )?;
    // The chain's order is the order of the events' times.
    events.sort_by_key(|e| (e.at, e.petition));
    let mut sql = String::new();
    for (i, e) in events.iter().enumerate() {
        let seq = i + 1;
        let _ = write!(
            sql,
            "{}({seq}, {}, 'system', NULL, '{}', '{}', {}, {seq}, 'bench', 'bench')",
            if sql.is_empty() { "" } else { "," },
            e.petition,
            e.action,
            e.payload,
            ts(e.at)
        );
        if seq % ROWS_PER_INSERT == 0 {
            execute(
                conn,
                &format!(
                    "INSERT INTO events (id, petition_id, actor_kind, actor_id, action, payload, created_at, seq, prev_hash, hash) VALUES {sql}"
                ),
            )?;
            sql.clear();
        }
    }
    if !sql.is_empty() {
        execute(
            conn,
            &format!(
                "INSERT INTO events (id, petition_id, actor_kind, actor_id, action, payload, created_at, seq, prev_hash, hash) VALUES {sql}"
            ),
        )?;
    }
    execute(
        conn,
        &format!("UPDATE audit_head SET seq = {}", events.len()),
    )?;
    execute(conn, "COMMIT")?;
    if let DbConnection::Postgres(c) = conn {
        for table in [
            "petitions",
            "petition_answers",
            "petition_ratings",
            "petition_clocks",
            "events",
        ] {
            c.batch_execute(&format!("VACUUM ANALYZE {table}"))?;
        }
    }
    Ok(events.len())
}

fn begin(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Sqlite(_) => "BEGIN IMMEDIATE",
        DbConnection::Postgres(_) => "BEGIN",
    }
}

fn execute(conn: &mut DbConnection, sql: &str) -> Result<(), tiengdan::db::DbError> {
    match conn {
        DbConnection::Sqlite(c) => c.batch_execute(sql)?,
        DbConnection::Postgres(c) => c.batch_execute(sql)?,
    }
    Ok(())
}

fn flush(
    conn: &mut DbConnection,
    petitions: &mut String,
    clocks: &mut String,
    answers: &mut String,
    ratings: &mut String,
) -> Result<(), tiengdan::db::DbError> {
    if !petitions.is_empty() {
        execute(
            conn,
            &format!(
                "INSERT INTO petitions (id, public_id, tracking_code, receipt_secret_hash, partner_id, channel, kind, filed_kind, category_code, commune_code, province_code, office_id, routing_rule_id, routing_reason, status, title, description, late_filing, is_public, anonymous, received_at, updated_at) VALUES {petitions}"
            ),
        )?;
    }
    if !clocks.is_empty() {
        execute(
            conn,
            &format!(
                "INSERT INTO petition_clocks (petition_id, name, started_at, length_days, day_type, due_at, status, legal_basis, rule_version, calendar_version) VALUES {clocks}"
            ),
        )?;
    }
    if !answers.is_empty() {
        execute(
            conn,
            &format!(
                "INSERT INTO petition_answers (petition_id, body, decision_number, attachments, answered_by, answered_at) VALUES {answers}"
            ),
        )?;
    }
    if !ratings.is_empty() {
        execute(
            conn,
            &format!(
                "INSERT INTO petition_ratings (petition_id, satisfied, score, comment, rated_at) VALUES {ratings}"
            ),
        )?;
    }
    petitions.clear();
    clocks.clear();
    answers.clear();
    ratings.clear();
    Ok(())
}
