//! The rule table of legal clocks as stored (DESIGN §3.1): loaded from the shipped defaults
//! once, read into a [`RuleBook`], added to and superseded by admins.

use crate::domain::event::{Event, RemoteChanged, RuleAdded, RuleChanged};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::clocks::{OpenClock, Recomputed, Successor, recompute};
use super::events::Actor;
use super::schema::{clock_rules, communes, petition_clocks, seed_runs};
use super::{DbConnection, DbError};
use crate::domain::calendar::VietnamCalendar;
use crate::domain::clock::{ClockName, Complexity, DayType};
use crate::domain::petition::Kind;
use crate::domain::rules::{self, Rule, RuleBook, Starts};

/// The name under which the shipped defaults are recorded as loaded.
const DEFAULTS: &str = "clock-rules-2026-11-24";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = clock_rules)]
struct RuleRow {
    id: i64,
    kind: Kind,
    clock: ClockName,
    starts: Starts,
    second_time: Option<bool>,
    remote: Option<bool>,
    complexity: Option<Complexity>,
    province_code: Option<String>,
    category_code: Option<String>,
    days: i32,
    day_type: DayType,
    max_extensions: i32,
    extension_days: i32,
    legal_basis: String,
    effective_from: Option<NaiveDate>,
    effective_to: Option<NaiveDate>,
}

impl RuleRow {
    fn into_rule(self) -> Result<Rule, DbError> {
        let corrupt =
            |what: &str, value: &str| DbError::Corrupt(format!("clock rule {what} {value}"));
        Ok(Rule {
            id: self.id,
            kind: self.kind,
            clock: self.clock,
            starts: self.starts,
            second_time: self.second_time,
            remote: self.remote,
            complexity: self.complexity,
            province_code: self.province_code,
            category_code: self.category_code,
            days: u32::try_from(self.days).map_err(|_| corrupt("days", &self.days.to_string()))?,
            day_type: self.day_type,
            max_extensions: u32::try_from(self.max_extensions).unwrap_or(0),
            extension_days: u32::try_from(self.extension_days).unwrap_or(0),
            legal_basis: self.legal_basis,
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        })
    }
}

/// Loads the shipped defaults on a database that has none yet. Nodes starting together race
/// on the `seed_runs` row: the losers find the defaults loaded.
pub fn load_defaults(conn: &mut DbConnection, at: NaiveDateTime) -> Result<bool, DbError> {
    let defaults = rules::defaults().map_err(|e| DbError::ReferenceData(e.to_string()))?;
    let mut loaded = load_batch(conn, DEFAULTS, &defaults, at)?;
    let additions = rules::additions().map_err(|e| DbError::ReferenceData(e.to_string()))?;
    for (name, batch) in &additions {
        loaded |= load_batch(conn, name, batch, at)?;
    }
    Ok(loaded)
}

/// Loads one named batch of shipped rules unless this database already has it.
fn load_batch(
    conn: &mut DbConnection,
    name: &str,
    batch: &[Rule],
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let outcome: Result<bool, DbError> = super::write_transaction(conn, |conn| {
        let known = seed_runs::table
            .find(name)
            .select(seed_runs::name)
            .first::<String>(conn)
            .optional()?;
        if known.is_some() {
            return Ok(false);
        }
        diesel::insert_into(seed_runs::table)
            .values((
                seed_runs::name.eq(name),
                seed_runs::rows_loaded.eq(batch.len() as i64),
            ))
            .execute(conn)?;
        for rule in batch {
            insert(conn, rule, None, None, at)?;
        }
        Ok(true)
    });
    match outcome {
        // Another node starting at the same moment loaded it.
        Err(e) if e.is_unique_violation() => Ok(false),
        other => other,
    }
}

fn insert(
    conn: &mut DbConnection,
    rule: &Rule,
    supersedes: Option<i64>,
    by: Option<i64>,
    at: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(clock_rules::table)
        .values((
            clock_rules::kind.eq(rule.kind),
            clock_rules::clock.eq(rule.clock),
            clock_rules::starts.eq(rule.starts),
            clock_rules::second_time.eq(rule.second_time),
            clock_rules::remote.eq(rule.remote),
            clock_rules::complexity.eq(rule.complexity.map(Complexity::code)),
            clock_rules::province_code.eq(&rule.province_code),
            clock_rules::category_code.eq(&rule.category_code),
            clock_rules::days.eq(rule.days as i32),
            clock_rules::day_type.eq(rule.day_type),
            clock_rules::max_extensions.eq(rule.max_extensions as i32),
            clock_rules::extension_days.eq(rule.extension_days as i32),
            clock_rules::legal_basis.eq(&rule.legal_basis),
            clock_rules::effective_from.eq(rule.effective_from),
            clock_rules::effective_to.eq(rule.effective_to),
            clock_rules::supersedes.eq(supersedes),
            clock_rules::created_by.eq(by),
            clock_rules::created_at.eq(at),
        ))
        .returning(clock_rules::id)
        .get_result(conn)?)
}

/// The rules in force.
pub fn load(conn: &mut DbConnection) -> Result<RuleBook, DbError> {
    let rows: Vec<RuleRow> = clock_rules::table
        .filter(clock_rules::retired_at.is_null())
        .order(clock_rules::id)
        .select(RuleRow::as_select())
        .load(conn)?;
    let rules = rows
        .into_iter()
        .map(RuleRow::into_rule)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RuleBook::new(rules, revision(conn)?))
}

/// The newest rule's id: any addition or change inserts one.
pub fn revision(conn: &mut DbConnection) -> Result<i64, DbError> {
    let newest: Option<i64> = clock_rules::table
        .select(diesel::dsl::max(clock_rules::id))
        .first(conn)?;
    Ok(newest.unwrap_or(0))
}

/// Takes the same lock as calendar changes on PostgreSQL, so changes to the law queue and each
/// recomputes with every change committed before it.
fn serialise(conn: &mut DbConnection) -> Result<(), DbError> {
    super::calendar::serialise_changes(conn)
}

/// Adds a rule (a province's or a category's own lengths, say). It applies to clocks started
/// from now on.
pub fn add(
    conn: &mut DbConnection,
    rule: &Rule,
    by: i64,
    at: NaiveDateTime,
) -> Result<(Rule, RuleBook), DbError> {
    serialise(conn)?;
    let id = insert(conn, rule, None, Some(by), at)?;
    super::events::append(
        conn,
        None,
        &Actor::Staff(by),
        &Event::RuleAdded(RuleAdded {
            rule: Rule { id, ..rule.clone() },
        }),
        at,
    )?;
    let book = load(conn)?;
    let stored = book
        .get(id)
        .cloned()
        .ok_or_else(|| DbError::Corrupt("the new rule vanished".into()))?;
    Ok((stored, book))
}

/// Why a rule cannot be changed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no rule in force has this id")]
    NotFound,
    /// The rule already ends on a date, or starts on or after the one given.
    #[error("the rule already has a successor, or starts on or after that date")]
    Dated,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What a change did.
#[derive(Debug)]
pub struct Changed {
    pub rule: Rule,
    pub book: RuleBook,
    pub recomputed: Vec<Recomputed>,
}

/// Replaces rule `id` with `next` (same kind, clock and conditions; new length, day type,
/// extensions or legal basis) and recomputes the running clocks it governs: each keeps the
/// extensions it was granted, is counted again from its start, and records the change.
pub fn supersede(
    conn: &mut DbConnection,
    id: i64,
    next: impl FnOnce(&Rule) -> Rule,
    calendar: &VietnamCalendar,
    actor: &Actor,
    by: i64,
    at: NaiveDateTime,
) -> Result<Changed, ChangeError> {
    serialise(conn)?;
    let old = load(conn)?.get(id).cloned().ok_or(ChangeError::NotFound)?;
    let new = next(&old);
    diesel::update(clock_rules::table.find(id))
        .set(clock_rules::retired_at.eq(Some(at)))
        .execute(conn)
        .map_err(DbError::from)?;
    let (rule, book) = insert_successor(conn, id, &new, actor, by, at)?;
    let new_id = rule.id;
    let clocks: Vec<OpenClock> = petition_clocks::table
        .filter(petition_clocks::rule_id.eq(Some(id)))
        .filter(petition_clocks::status.eq(crate::domain::clock::ClockStatus::Running))
        .select(OpenClock::as_select())
        .load(conn)
        .map_err(DbError::from)?;
    let version = book.version();
    let mut recomputed = Vec::new();
    for clock in &clocks {
        let extended = clock.length_days - old.days as i32;
        let successor = Successor {
            rule_id: new_id,
            length_days: (rule.days as i32 + extended).max(0),
            day_type: rule.day_type,
            legal_basis: &rule.legal_basis,
            rules_version: &version,
        };
        recomputed.extend(recompute(
            conn,
            clock,
            calendar,
            Some(successor),
            actor,
            at,
        )?);
    }
    Ok(Changed {
        rule,
        book,
        recomputed,
    })
}

/// Replaces rule `id` with `next` from day `from` on: petitions received before `from` keep
/// the old rule, which now ends there (`effective_to`); those received from then on get the
/// successor. No running clock moves (DESIGN §3.1: a petition keeps the rules of its receipt).
pub fn supersede_from(
    conn: &mut DbConnection,
    id: i64,
    from: NaiveDate,
    next: impl FnOnce(&Rule) -> Rule,
    by: i64,
    at: NaiveDateTime,
) -> Result<(Rule, RuleBook), ChangeError> {
    serialise(conn)?;
    let old = load(conn)?.get(id).cloned().ok_or(ChangeError::NotFound)?;
    if old.effective_to.is_some() || old.effective_from.is_some_and(|f| f >= from) {
        return Err(ChangeError::Dated);
    }
    let new = Rule {
        effective_from: Some(from),
        effective_to: None,
        ..next(&old)
    };
    diesel::update(clock_rules::table.find(id))
        .set(clock_rules::effective_to.eq(Some(from)))
        .execute(conn)
        .map_err(DbError::from)?;
    Ok(insert_successor(conn, id, &new, &Actor::Staff(by), by, at)?)
}

/// Stores `new` as the successor of rule `id`, records the change, and returns it as stored
/// with the book it is now part of.
fn insert_successor(
    conn: &mut DbConnection,
    id: i64,
    new: &Rule,
    actor: &Actor,
    by: i64,
    at: NaiveDateTime,
) -> Result<(Rule, RuleBook), DbError> {
    let new_id = insert(conn, new, Some(id), Some(by), at)?;
    super::events::append(
        conn,
        None,
        actor,
        &Event::RuleChanged(RuleChanged {
            supersedes: id,
            rule: Rule {
                id: new_id,
                ..new.clone()
            },
        }),
        at,
    )?;
    let book = load(conn)?;
    let rule = book
        .get(new_id)
        .cloned()
        .ok_or_else(|| DbError::Corrupt("the new rule vanished".into()))?;
    Ok((rule, book))
}

/// Whether the commune is flagged remote (longer complaint periods).
pub fn is_remote(conn: &mut DbConnection, commune_code: &str) -> Result<bool, DbError> {
    Ok(communes::table
        .find(commune_code)
        .select(communes::remote)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// Flags a commune remote or not; false when no commune has the code.
pub fn set_remote(
    conn: &mut DbConnection,
    commune_code: &str,
    remote: bool,
    actor: &Actor,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(communes::table.find(commune_code))
        .set(communes::remote.eq(remote))
        .execute(conn)?
        == 1;
    if changed {
        super::events::append(
            conn,
            None,
            actor,
            &Event::CommuneRemoteChanged(RemoteChanged {
                commune_code: commune_code.to_owned(),
                remote,
            }),
            at,
        )?;
    }
    Ok(changed)
}

/// The rule book in use, shared by the HTTP workers and the jobs; swapped whole after a change.
pub type RuleCache = super::snapshot::Snapshot<RuleBook>;
