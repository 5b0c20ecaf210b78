//! `tiengdan demo`: a realistic year for demonstrations (issue 7, point 6).
//!
//! Several provinces and some of their communes, an official and an office head for every
//! office petitions reach, Fatherland Front supervisors for the nation, each province and
//! every fifth commune, an admin, three partner apps, and tens of thousands of petitions
//! across the period, each living the life [`plan`] drew for it: accepted or refused late or
//! in time, transferred, extended where the law allows, answered, rated, withdrawn, or left
//! open and overdue. [`apply`] writes it all through the service's own functions with the
//! planned (backdated) times, so every statistic shows what the rules make of that year.
//!
//! The plan is a pure function of the seed, the sizes and the dates: two runs with the same
//! arguments on fresh databases give the same figures. What is not drawn from the seed:
//! petitions' public ids, tracking codes and receipt secrets, and the partners' API keys,
//! which are random as the service always makes them. Passwords are drawn from the seed, so
//! anyone who knows the seed knows them: never seed a database the public can reach.

pub mod apply;
pub mod plan;
mod texts;

use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate};

use crate::config::{DemoArgs, Settings};
use crate::db::admin_units_cache::AdminUnitsSnapshot;
use crate::db::schema::petitions;
use crate::domain::clock::local_date;
use apply::{Context, MadeAccount, MadePartner, Outcome, Progress};
use plan::{Plan, ProvinceInput, Size, World};

/// Most petitions one run seeds.
pub const MAX_PETITIONS: usize = 1_000_000;
/// Most months one run simulates.
pub const MAX_MONTHS: u32 = 36;
/// Most communes per province.
pub const MAX_COMMUNES: usize = 500;

/// The command's arguments, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub size: Size,
    pub provinces: Vec<String>,
    pub force: bool,
    pub json: bool,
}

/// Checks the arguments against each other and against `today` (Vietnam's date). Says what is
/// wrong in words an operator can act on.
pub fn options(args: &DemoArgs, today: NaiveDate) -> Result<Options, String> {
    if !(1..=MAX_PETITIONS).contains(&args.petitions) {
        return Err(format!(
            "--petitions must be between 1 and {MAX_PETITIONS}, not {}",
            args.petitions
        ));
    }
    if !(1..=MAX_MONTHS).contains(&args.months) {
        return Err(format!(
            "--months must be between 1 and {MAX_MONTHS}, not {}",
            args.months
        ));
    }
    if !(1..=MAX_COMMUNES).contains(&args.communes) {
        return Err(format!(
            "--communes must be between 1 and {MAX_COMMUNES}, not {}",
            args.communes
        ));
    }
    let mut provinces: Vec<String> = Vec::new();
    for code in &args.provinces {
        let code = code.trim();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "--provinces takes two-digit GSO codes such as 01,79; {code:?} is not one"
            ));
        }
        if provinces.iter().any(|p| p == code) {
            return Err(format!("--provinces names {code} twice"));
        }
        provinces.push(code.to_owned());
    }
    if provinces.is_empty() {
        return Err("--provinces names no province".into());
    }
    let yesterday = today.pred_opt().unwrap_or(today);
    let last_day = args.until.unwrap_or(yesterday);
    if last_day >= today {
        return Err(format!(
            "--until must be a day before today ({today}): the demo writes a year that has passed"
        ));
    }
    // The months that end with `last_day`: to 31 October, from 1 November.
    let first_day = last_day
        .succ_opt()
        .and_then(|d| d.checked_sub_months(Months::new(args.months)))
        .filter(|d| d.year() >= 2000)
        .ok_or_else(|| {
            format!(
                "--until {last_day} with --months {} starts before 2000",
                args.months
            )
        })?;
    Ok(Options {
        size: Size {
            seed: args.seed,
            petitions: args.petitions,
            communes: args.communes,
            first_day,
            last_day,
        },
        provinces,
        force: args.force,
        json: args.json,
    })
}

/// Draws the plan for the options in the world the database holds.
pub fn draw(
    options: &Options,
    units: &AdminUnitsSnapshot,
    calendar: &crate::domain::calendar::VietnamCalendar,
    rules: &crate::domain::rules::RuleBook,
    categories: Vec<String>,
) -> Result<Plan, String> {
    let provinces = options
        .provinces
        .iter()
        .map(|code| {
            let province = units
                .province(code)
                .ok_or_else(|| format!("--provinces: there is no province {code}"))?;
            let communes = units
                .communes_of(code, None, usize::MAX)
                .unwrap_or_default()
                .into_iter()
                .map(|c| (c.commune.code.clone(), c.commune.name.clone()))
                .collect();
            Ok(ProvinceInput {
                code: code.clone(),
                name: province.province.name.clone(),
                communes,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let world = World {
        calendar,
        rules,
        provinces,
        categories,
    };
    plan::draw(&world, &options.size).map_err(|e| e.to_string())
}

/// `tiengdan demo`.
pub fn run(settings: &Settings, args: &DemoArgs) -> Result<(), String> {
    let started = Instant::now();
    let options = options(args, local_date(crate::time::Clock::system().now()))?;
    let (vault, _) = crate::vault::Vault::load(
        settings.data_key.as_ref().map(|k| k.expose()),
        &settings.database_url,
    )
    .map_err(|e| e.to_string())?;
    let db = crate::admin::admin_db(settings)?;
    let outcome = db
        .blocking_write(|conn| Ok(seed(conn, settings, &options, &vault, started)))
        .map_err(|e| e.to_string())??;
    let (plan, outcome) = outcome;
    let seconds = started.elapsed().as_secs_f64();
    if options.json {
        let text = serde_json::to_string_pretty(&report_json(&plan, &outcome, seconds))
            .map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", report_text(&plan, &outcome, seconds));
    }
    Ok(())
}

fn seed(
    conn: &mut crate::db::DbConnection,
    settings: &Settings,
    options: &Options,
    vault: &crate::vault::Vault,
    started: Instant,
) -> Result<(Plan, Outcome), String> {
    use diesel::prelude::*;
    let held: i64 = petitions::table
        .count()
        .get_result(conn)
        .map_err(|e| e.to_string())?;
    if held > 0 && !options.force {
        return Err(format!(
            "the database already holds {held} petitions: `tiengdan demo` seeds an empty \
             database. Point DATABASE_URL at a new one, or pass --force to add the demo's year \
             to what is there (its figures will then mix with theirs)"
        ));
    }
    let units = AdminUnitsSnapshot::load(conn).map_err(|e| e.to_string())?;
    let calendar = crate::db::calendar::load(conn).map_err(|e| e.to_string())?;
    let rules = crate::db::rules::load(conn).map_err(|e| e.to_string())?;
    let categories = crate::db::reference::list_categories(conn)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let plan = draw(options, &units, &calendar, &rules, categories)?;
    eprintln!(
        "tiengdan demo: seeding {} petitions in {} communes of {} provinces, {} to {} (seed {}); plan drawn in {:.1} s",
        plan.petitions.len(),
        plan.communes.len(),
        plan.provinces.len(),
        plan.first_day,
        plan.last_day,
        plan.seed,
        started.elapsed().as_secs_f64()
    );
    let ctx = Context {
        service: crate::service::Context {
            calendar: std::sync::Arc::new(calendar),
            rules: std::sync::Arc::new(rules),
            units: std::sync::Arc::new(units),
            vault: Some(vault.clone()),
            supervision: crate::domain::supervision::ReplyPeriod::new(
                settings.supervision_reply_days,
            )
            .unwrap_or_default(),
        },
        approaching_working_days: settings.approaching_working_days,
    };
    let mut progress = |p: Progress| {
        eprintln!(
            "tiengdan demo: {} done ({:.0} s): {} received, {} answered, {} deadlines missed so far",
            p.month,
            started.elapsed().as_secs_f64(),
            p.counts.received,
            p.counts.answered,
            p.counts.deadlines_missed
        );
    };
    let outcome = apply::apply(conn, &ctx, &plan, &mut progress).map_err(|e| e.to_string())?;
    Ok((plan, outcome))
}

fn report_json(plan: &Plan, outcome: &Outcome, seconds: f64) -> serde_json::Value {
    serde_json::json!({
        "seed": plan.seed,
        "from": plan.first_day,
        "to": plan.last_day,
        "seconds": (seconds * 10.0).round() / 10.0,
        "provinces": plan.provinces.iter().enumerate().map(|(i, p)| serde_json::json!({
            "code": p.code,
            "name": p.name,
            "communes": plan.communes.iter().filter(|c| c.province == i).map(|c| &c.code).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "written": outcome.counts,
        "standing": outcome.standing,
        "events_folded": outcome.events_folded,
        "accounts": outcome.accounts,
        "partners": outcome.partners,
    })
}

fn report_text(plan: &Plan, outcome: &Outcome, seconds: f64) -> String {
    use std::fmt::Write;
    let c = &outcome.counts;
    let s = &outcome.standing;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Seeded {} to {} (seed {}) in {:.1} s.",
        plan.first_day, plan.last_day, plan.seed, seconds
    );
    for (i, p) in plan.provinces.iter().enumerate() {
        let n = plan.communes.iter().filter(|c| c.province == i).count();
        let _ = writeln!(out, "  {} {}: {n} communes", p.code, p.name);
    }
    let _ = writeln!(
        out,
        "Petitions: {} received, {} transferred, {} accepted ({} denouncers notified), {} rejected, \
         {} extended, {} answered, {} rated ({} satisfied), {} closed, {} withdrawn; {} open and \
         overdue at the end.",
        c.received,
        c.transferred,
        c.accepted,
        c.notified,
        c.rejected,
        c.extended,
        c.answered,
        c.rated,
        c.satisfied,
        c.closed,
        c.withdrawn,
        s.open_overdue
    );
    let _ = writeln!(
        out,
        "Sweeper: {} nightly sweeps, {} deadlines missed, {} approaching, {} superior offices notified. \
         {} events in the record; statistics folded.",
        c.sweeps, c.deadlines_missed, c.deadlines_approaching, c.superiors_notified, s.events
    );
    let _ = writeln!(
        out,
        "Fatherland Front: {} supervision requests filed, {} answered.",
        c.supervision_filed, c.supervision_answered
    );
    if c.skipped > 0 || c.extensions_refused > 0 {
        let _ = writeln!(
            out,
            "Note: the service refused {} planned actions and {} extensions.",
            c.skipped, c.extensions_refused
        );
    }
    let _ = writeln!(
        out,
        "\nStaff accounts (the passwords follow from the seed: never seed a database the public can reach).\nSign in at POST /v1/auth/login."
    );
    out.push_str(&accounts_table(&outcome.accounts));
    let _ = writeln!(
        out,
        "\nPartner API keys (shown once; send as `Authorization: Bearer …`):"
    );
    out.push_str(&partners_table(&outcome.partners));
    out
}

fn accounts_table(accounts: &[MadeAccount]) -> String {
    let rows: Vec<[String; 4]> = accounts
        .iter()
        .map(|a| {
            let place = match (&a.office, a.office_id, &a.scope) {
                (Some(name), Some(id), _) => format!("{name} (office {id})"),
                (_, _, Some(scope)) => scope.clone(),
                _ => "everything".into(),
            };
            [
                a.username.clone(),
                a.role.code().to_owned(),
                place,
                a.password
                    .clone()
                    .unwrap_or_else(|| "(made by an earlier run)".into()),
            ]
        })
        .collect();
    table(&["username", "role", "office / scope", "password"], &rows)
}

fn partners_table(partners: &[MadePartner]) -> String {
    let rows: Vec<[String; 3]> = partners
        .iter()
        .map(|p| [p.id.to_string(), p.name.clone(), p.api_key.clone()])
        .collect();
    table(&["id", "partner", "API key"], &rows)
}

/// Columns padded to their widest cell (counted in characters: the names are Vietnamese).
fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut text = cells
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
            .collect::<Vec<_>>()
            .join("  ");
        text.truncate(text.trim_end().len());
        text.push('\n');
        text
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(extra: &[&str]) -> DemoArgs {
        let cli = crate::config::Cli::try_parse_from(
            ["tiengdan", "demo"].iter().chain(extra.iter()).copied(),
        )
        .unwrap();
        match cli.command {
            Some(crate::config::Command::Demo(args)) => args,
            other => panic!("{other:?}"),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_defaults_are_the_year_to_yesterday_in_four_provinces() {
        let o = options(&args(&[]), day(2026, 11, 25)).unwrap();
        assert_eq!(o.size.last_day, day(2026, 11, 24));
        assert_eq!(o.size.first_day, day(2025, 11, 25));
        assert_eq!(o.size.petitions, 30_000);
        assert_eq!(o.size.seed, 2026);
        assert_eq!(o.provinces, ["01", "79", "48", "11"]);
        assert!(!o.force && !o.json);
        let o = options(
            &args(&[
                "--until",
                "2026-02-28",
                "--months",
                "2",
                "--provinces",
                "96",
            ]),
            day(2026, 11, 25),
        )
        .unwrap();
        assert_eq!(o.size.first_day, day(2026, 1, 1));
        assert_eq!(o.provinces, ["96"]);
    }

    #[test]
    fn bad_arguments_are_refused_with_what_to_do() {
        let today = day(2026, 11, 25);
        for (extra, says) in [
            (&["--petitions", "0"][..], "--petitions"),
            (&["--months", "0"], "--months"),
            (&["--months", "37"], "--months"),
            (&["--communes", "0"], "--communes"),
            (&["--provinces", "1"], "two-digit"),
            (&["--provinces", "01,ab"], "two-digit"),
            (&["--provinces", "01,01"], "twice"),
            (&["--until", "2026-11-25"], "before today"),
            (&["--until", "2030-01-01"], "before today"),
            (&["--until", "2000-06-30"], "before 2000"),
        ] {
            let refused = options(&args(extra), today).unwrap_err();
            assert!(refused.contains(says), "{extra:?}: {refused}");
        }
        assert!(
            crate::config::Cli::try_parse_from(["tiengdan", "demo", "--until", "2026-13-01"])
                .is_err()
        );
        assert!(crate::config::Cli::try_parse_from(["tiengdan", "demo", "--seed", "-1"]).is_err());
    }

    #[test]
    fn tables_line_up_vietnamese_names() {
        let t = table(
            &["a", "b"],
            &[
                ["Đà Nẵng".to_owned(), "x".to_owned()],
                ["Huế".to_owned(), "yy".to_owned()],
            ],
        );
        assert_eq!(t, "a        b\nĐà Nẵng  x\nHuế      yy\n");
    }
}
