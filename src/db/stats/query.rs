//! Reads of the rollups: a unit's figures for a period, with the groups small-cell
//! suppression needs, rankings and monthly series. Every read is by primary key or by the
//! parent index over at most the months up to the period's end: its cost follows the number
//! of units and months asked for, not the petitions stored.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::super::schema::{communes, offices, provinces, stats_days};
use super::super::statement::Statement;
use super::super::{DbConnection, DbError};
use super::rollup::{ALL, VIETNAM};
use crate::domain::petition::Kind;
use crate::domain::stats::{
    Figure, Group, Level, Metric, Period, Tally, Totals, YearMonth, figure, is_hidden,
    parts_can_hide,
};

/// A unit statistics are published for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub level: Level,
    /// An office's id, a commune's or a province's code, `VN` for the nation.
    pub code: String,
    pub name: String,
    /// The unit it is a part of, with its siblings, as its level and code; `None` for the
    /// nation.
    pub parent: Option<(Level, String)>,
}

/// The unit, or `None` when no such unit exists.
pub fn find_unit(
    conn: &mut DbConnection,
    level: Level,
    code: &str,
) -> Result<Option<Unit>, DbError> {
    Ok(match level {
        Level::National => Some(Unit {
            level,
            code: VIETNAM.to_owned(),
            name: "Việt Nam".to_owned(),
            parent: None,
        }),
        Level::Province => provinces::table
            .find(code)
            .select(provinces::name)
            .first::<String>(conn)
            .optional()?
            .map(|name| Unit {
                level,
                code: code.to_owned(),
                name,
                parent: Some((Level::National, VIETNAM.to_owned())),
            }),
        Level::Commune => communes::table
            .find(code)
            .select((communes::name, communes::province_code))
            .first::<(String, String)>(conn)
            .optional()?
            .map(|(name, province)| Unit {
                level,
                code: code.to_owned(),
                name,
                parent: Some((Level::Province, province)),
            }),
        Level::Office => {
            let Ok(id) = code.parse::<i64>() else {
                return Ok(None);
            };
            offices::table
                .find(id)
                .select((offices::name, offices::commune_code, offices::province_code))
                .first::<(String, Option<String>, String)>(conn)
                .optional()?
                .map(|(name, commune, province)| Unit {
                    level,
                    code: code.to_owned(),
                    name,
                    // An office outside any commune is a part of its province.
                    parent: Some(match commune {
                        Some(commune) => (Level::Commune, commune),
                        None => (Level::Province, province),
                    }),
                })
        }
    })
}

/// Which cells of a unit to read: a kind and a category (or [`ALL`]) over a span of months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice<'a> {
    pub kind: &'a str,
    pub category: &'a str,
    pub first: YearMonth,
    pub last: YearMonth,
}

/// A key and its counters summed by the database (see [`summed`]).
#[derive(diesel::QueryableByName)]
struct Summed {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    received: i64,
    #[diesel(sql_type = BigInt)]
    accepted: i64,
    #[diesel(sql_type = BigInt)]
    rejected: i64,
    #[diesel(sql_type = BigInt)]
    transferred_out: i64,
    #[diesel(sql_type = BigInt)]
    withdrawn: i64,
    #[diesel(sql_type = BigInt)]
    answered: i64,
    #[diesel(sql_type = BigInt)]
    answered_on_time: i64,
    #[diesel(sql_type = BigInt)]
    answered_online: i64,
    #[diesel(sql_type = BigInt)]
    rated: i64,
    #[diesel(sql_type = BigInt)]
    satisfied: i64,
    #[diesel(sql_type = BigInt)]
    due: i64,
    #[diesel(sql_type = BigInt)]
    due_answered: i64,
    #[diesel(sql_type = BigInt)]
    due_on_time: i64,
    #[diesel(sql_type = BigInt)]
    ack_due: i64,
    #[diesel(sql_type = BigInt)]
    ack_on_time: i64,
    #[diesel(sql_type = BigInt)]
    overdue_change: i64,
    #[diesel(sql_type = BigInt)]
    supervision_filed: i64,
    #[diesel(sql_type = BigInt)]
    supervision_answered: i64,
    #[diesel(sql_type = BigInt)]
    supervision_on_time: i64,
    #[diesel(sql_type = BigInt)]
    overdue_open: i64,
}

impl Summed {
    fn totals(s: &Self) -> Totals {
        Totals {
            tally: Tally::from_values(&[
                s.received,
                s.accepted,
                s.rejected,
                s.transferred_out,
                s.withdrawn,
                s.answered,
                s.answered_on_time,
                s.answered_online,
                s.rated,
                s.satisfied,
                s.due,
                s.due_answered,
                s.due_on_time,
                s.ack_due,
                s.ack_on_time,
                s.overdue_change,
                s.supervision_filed,
                s.supervision_answered,
                s.supervision_on_time,
            ]),
            overdue_open: s.overdue_open,
        }
    }
}

/// A condition on `stats_cells` for [`summed`].
enum Cond<'a> {
    Is(&'static str, &'a str),
    /// Any value but "all" (`*`): the breakdown's own cells.
    NotAll(&'static str),
    In(&'static str, &'a [String]),
}

/// Sums in the database the counters of the cells the conditions select, per `group` (columns,
/// joined by `|` into the key; none for one total): the counters over the slice's months, the
/// overdue petitions over every month up to the slice's end. One row per key comes back, not
/// one per month.
fn summed(
    conn: &mut DbConnection,
    group: &[&str],
    conds: &[Cond],
    slice: &Slice,
) -> Result<HashMap<String, Totals>, DbError> {
    let (first, last) = (slice.first.key(), slice.last.key());
    let mut sql = Statement::new();
    sql.sql("SELECT ");
    if group.is_empty() {
        sql.sql("''");
    } else {
        sql.sql(
            group
                .iter()
                .map(|column| format!("CAST({column} AS TEXT)"))
                .collect::<Vec<_>>()
                .join(" || '|' || "),
        );
    }
    sql.sql(" AS key");
    for column in Tally::COLUMNS {
        if *column == "overdue_change" {
            sql.sql(", CAST(0 AS BIGINT) AS overdue_change");
        } else {
            sql.sql(", CAST(COALESCE(SUM(CASE WHEN month >= ")
                .integer(first)
                .sql(format!(
                    " THEN {column} ELSE 0 END), 0) AS BIGINT) AS {column}"
                ));
        }
    }
    sql.sql(", CAST(COALESCE(SUM(overdue_change), 0) AS BIGINT) AS overdue_open FROM stats_cells WHERE month <= ")
        .integer(last);
    for cond in conds {
        match cond {
            Cond::Is(column, value) => {
                sql.sql(format!(" AND {column} = ")).text(value);
            }
            Cond::NotAll(column) => {
                sql.sql(format!(" AND {column} <> '{ALL}'"));
            }
            Cond::In(column, values) => {
                sql.uncached().sql(format!(" AND {column} IN ("));
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        sql.sql(", ");
                    }
                    sql.text(value);
                }
                sql.sql(")");
            }
        }
    }
    if !group.is_empty() {
        sql.sql(format!(" GROUP BY {}", group.join(", ")));
    }
    let rows: Vec<Summed> = crate::on_backend!(conn, |c| sql.load(c))?;
    Ok(rows
        .iter()
        .map(|row| (row.key.clone(), Summed::totals(row)))
        .collect())
}

/// The unit's totals over the slice.
pub fn totals(conn: &mut DbConnection, unit: &Unit, slice: &Slice) -> Result<Totals, DbError> {
    let conds = [
        Cond::Is("level", unit.level.code()),
        Cond::Is("unit", &unit.code),
        Cond::Is("kind", slice.kind),
        Cond::Is("category", slice.category),
    ];
    Ok(summed(conn, &[], &conds, slice)?
        .into_values()
        .next()
        .unwrap_or_default())
}

/// The units that make up `parent` (its communes and its own offices, its offices, or the
/// provinces), each with its totals over the slice, keyed by (level, code).
pub fn parts(
    conn: &mut DbConnection,
    parent: &str,
    slice: &Slice,
) -> Result<HashMap<(String, String), Totals>, DbError> {
    let conds = [
        Cond::Is("parent", parent),
        Cond::Is("kind", slice.kind),
        Cond::Is("category", slice.category),
    ];
    Ok(summed(conn, &["level", "unit"], &conds, slice)?
        .into_iter()
        .map(|(key, totals)| {
            let (level, unit) = key.split_once('|').unwrap_or_default();
            ((level.to_owned(), unit.to_owned()), totals)
        })
        .collect())
}

/// The unit's totals per kind (`by_kind`) or per category, over the slice's other
/// coordinate.
fn breakdown(
    conn: &mut DbConnection,
    unit: &Unit,
    slice: &Slice,
    by_kind: bool,
) -> Result<HashMap<String, Totals>, DbError> {
    let (level, code) = (unit.level.code(), unit.code.as_str());
    if by_kind {
        let conds = [
            Cond::Is("level", level),
            Cond::Is("unit", code),
            Cond::NotAll("kind"),
            Cond::Is("category", slice.category),
        ];
        summed(conn, &["kind"], &conds, slice)
    } else {
        let conds = [
            Cond::Is("level", level),
            Cond::Is("unit", code),
            Cond::Is("kind", slice.kind),
            Cond::NotAll("category"),
        ];
        summed(conn, &["category"], &conds, slice)
    }
}

/// Working days to answer over the slice, as (days, answers), by days.
pub fn histogram(
    conn: &mut DbConnection,
    unit: &Unit,
    slice: &Slice,
) -> Result<Vec<(u32, u64)>, DbError> {
    let rows: Vec<(i32, i64)> = stats_days::table
        .filter(stats_days::level.eq(unit.level.code()))
        .filter(stats_days::unit.eq(&unit.code))
        .filter(stats_days::kind.eq(slice.kind))
        .filter(stats_days::category.eq(slice.category))
        .filter(stats_days::month.ge(slice.first.key()))
        .filter(stats_days::month.le(slice.last.key()))
        .select((stats_days::days, stats_days::answers))
        .load(conn)?;
    let mut merged: HashMap<u32, u64> = HashMap::new();
    for (days, answers) in rows {
        *merged.entry(u32::try_from(days).unwrap_or(0)).or_default() +=
            u64::try_from(answers).unwrap_or(0);
    }
    let mut merged: Vec<(u32, u64)> = merged.into_iter().filter(|(_, n)| *n > 0).collect();
    merged.sort_unstable();
    Ok(merged)
}

/// A group of members in a stable order, with the unit's place among them (`own`), or with
/// the unit as its total (`own` = `None`).
fn group<K: Eq + std::hash::Hash + Clone + Ord>(
    mut members: HashMap<K, Totals>,
    own: Option<(K, Totals)>,
) -> Group {
    let own_key = own.map(|(key, totals)| {
        members.entry(key.clone()).or_insert(totals);
        key
    });
    let mut keys: Vec<K> = members.keys().cloned().collect();
    keys.sort();
    Group {
        own: own_key.and_then(|k| keys.iter().position(|x| *x == k)),
        members: keys.iter().map(|k| members[k]).collect(),
    }
}

/// Everything a unit's figures for a period are published with.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub totals: Totals,
    pub figures: Vec<(Metric, Figure)>,
}

impl Report {
    pub fn figure(&self, metric: Metric) -> Figure {
        self.figures
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, f)| *f)
            .unwrap_or(Figure::Count(crate::domain::stats::Count {
                value: None,
                suppressed: true,
            }))
    }
}

/// The unit's totals for each month from `first` to `last`; overdue petitions at each
/// month's end.
pub fn monthly(
    conn: &mut DbConnection,
    unit: &Unit,
    kind: &str,
    category: &str,
    first: YearMonth,
    last: YearMonth,
) -> Result<Vec<(YearMonth, Totals)>, DbError> {
    // Per month: the counters of the months from `first`, the overdue changes of all.
    let conds = [
        Cond::Is("level", unit.level.code()),
        Cond::Is("unit", &unit.code),
        Cond::Is("kind", kind),
        Cond::Is("category", category),
    ];
    let slice = Slice {
        kind,
        category,
        first,
        last,
    };
    let by_month: HashMap<i32, Totals> = summed(conn, &["month"], &conds, &slice)?
        .into_iter()
        .filter_map(|(key, totals)| Some((key.parse().ok()?, totals)))
        .collect();
    let mut overdue: i64 = by_month
        .iter()
        .filter(|(month, _)| **month < first.key())
        .map(|(_, t)| t.overdue_open)
        .sum();
    let mut out = Vec::new();
    let mut month = Some(first);
    while let Some(m) = month.filter(|m| *m <= last) {
        let totals = by_month.get(&m.key()).copied().unwrap_or_default();
        overdue += totals.overdue_open;
        out.push((
            m,
            Totals {
                tally: totals.tally,
                overdue_open: overdue,
            },
        ));
        month = m.next();
    }
    Ok(out)
}

/// The periods of the same length whose sum a reader can also ask for: the other months of
/// the month's quarter and of its year, the other quarters of the quarter's year. A figure
/// hidden in one of them must not be recoverable from the larger period's total.
fn time_groups(
    conn: &mut DbConnection,
    unit: &Unit,
    slice: &Slice,
    period: Period,
) -> Result<Vec<Group>, DbError> {
    let year = match period {
        Period::Year(_) => return Ok(Vec::new()),
        Period::Quarter { year, .. } => year,
        Period::Month(m) => m.year(),
    };
    let months = Period::Year(year).months();
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(Vec::new());
    };
    let totals = monthly(conn, unit, slice.kind, slice.category, *first, *last)?;
    let sum = |range: &[(YearMonth, Totals)]| {
        let mut t = Totals::default();
        for (_, m) in range {
            t.add(m);
        }
        t
    };
    Ok(match period {
        Period::Month(own) => {
            let index = usize::from(own.month()) - 1;
            let quarter = index / 3 * 3;
            vec![
                Group {
                    members: totals[quarter..quarter + 3]
                        .iter()
                        .map(|(_, t)| *t)
                        .collect(),
                    own: Some(index - quarter),
                },
                Group {
                    members: totals.iter().map(|(_, t)| *t).collect(),
                    own: Some(index),
                },
            ]
        }
        Period::Quarter { quarter, .. } => vec![Group {
            members: totals.chunks(3).map(sum).collect(),
            own: Some(usize::from(quarter) - 1),
        }],
        Period::Year(_) => Vec::new(),
    })
}

/// The unit a unit's figures are a part of, if any.
fn parent_unit(conn: &mut DbConnection, unit: &Unit) -> Result<Option<Unit>, DbError> {
    match &unit.parent {
        Some((level, code)) => find_unit(conn, *level, code),
        None => Ok(None),
    }
}

/// How many parts a unit's total and its all-categories total can be split into at most.
#[derive(diesel::QueryableByName)]
struct Bounds {
    /// The reference's provinces, a province's communes and its province-level offices, a
    /// commune's offices. Offices never move and the reference only grows, so every unit with
    /// cells under the unit is counted.
    #[diesel(sql_type = BigInt)]
    parts: i64,
    /// Every category there is (none is ever deleted).
    #[diesel(sql_type = BigInt)]
    categories: i64,
}

/// The [`Bounds`] of `unit`, in one statement.
fn bounds(conn: &mut DbConnection, unit: &Unit) -> Result<(usize, usize), DbError> {
    let mut sql = Statement::new();
    sql.sql("SELECT ");
    match unit.level {
        Level::National => sql.sql("(SELECT COUNT(*) FROM provinces)"),
        Level::Province => sql
            .sql("(SELECT COUNT(*) FROM communes WHERE province_code = ")
            .text(&unit.code)
            .sql(") + (SELECT COUNT(*) FROM offices WHERE level = 'province' AND province_code = ")
            .text(&unit.code)
            .sql(")"),
        Level::Commune => sql
            .sql("(SELECT COUNT(*) FROM offices WHERE commune_code = ")
            .text(&unit.code)
            .sql(")"),
        Level::Office => sql.sql("CAST(0 AS BIGINT)"),
    };
    sql.sql(" AS parts, (SELECT COUNT(*) FROM categories) AS categories");
    let found: Vec<Bounds> = crate::on_backend!(conn, |c| sql.load(c))?;
    let size = |n: i64| usize::try_from(n).unwrap_or(usize::MAX);
    let found = found
        .first()
        .ok_or_else(|| DbError::Corrupt("no bounds".into()))?;
    Ok((size(found.parts), size(found.categories)))
}

/// Which metrics of a unit its own groups hide: primary suppression, then complementary
/// against its siblings, its parts, its kinds, its categories and the periods around it.
fn hidden_by_groups(
    conn: &mut DbConnection,
    unit: &Unit,
    slice: &Slice,
    period: Period,
    own: &Totals,
    threshold: u64,
) -> Result<Vec<bool>, DbError> {
    let mut groups = time_groups(conn, unit, slice, period)?;
    if let Some((_, parent)) = &unit.parent {
        let siblings = parts(conn, parent, slice)?;
        groups.push(group(
            siblings,
            Some(((unit.level.code().to_owned(), unit.code.clone()), *own)),
        ));
    }
    // Where the unit is the total of a group, the group matters only if it could hide that
    // total; far above the threshold it cannot, whatever its members hold, and is not read.
    let (parts_at_most, categories_at_most) = bounds(conn, unit)?;
    if unit.level != Level::Office && parts_can_hide(own, parts_at_most, threshold) {
        groups.push(group(parts(conn, &unit.code, slice)?, None));
    }
    // Its kinds, then its categories: the unit is one of them when the slice names one, their
    // total otherwise.
    for (by_kind, chosen, at_most) in [
        (true, slice.kind, Kind::ALL.len()),
        (false, slice.category, categories_at_most),
    ] {
        if chosen != ALL {
            let members = breakdown(conn, unit, slice, by_kind)?;
            groups.push(group(members, Some((chosen.to_owned(), *own))));
        } else if parts_can_hide(own, at_most, threshold) {
            groups.push(group(breakdown(conn, unit, slice, by_kind)?, None));
        }
    }
    Ok(Metric::ALL
        .into_iter()
        .map(|metric| is_hidden(metric, own, &groups, threshold))
        .collect())
}

/// A unit's figures for the period, with primary and complementary suppression.
///
/// Besides its own groups, a figure equal to the same figure of the unit it is a part of
/// (an office alone in its commune, a commune that holds all of its province's complaints)
/// is hidden when that larger unit's figure is: publishing one would publish the other.
pub fn report(
    conn: &mut DbConnection,
    unit: &Unit,
    kind: &str,
    category: &str,
    period: Period,
    threshold: u64,
) -> Result<Report, DbError> {
    let months = period.months();
    let (Some(first), Some(last)) = (months.first().copied(), months.last().copied()) else {
        return Err(DbError::Corrupt("a period without months".into()));
    };
    let slice = Slice {
        kind,
        category,
        first,
        last,
    };
    let own = totals(conn, unit, &slice)?;
    let mut hidden = hidden_by_groups(conn, unit, &slice, period, &own, threshold)?;
    let mut same: Vec<bool> = vec![true; Metric::ALL.len()];
    let mut above = parent_unit(conn, unit)?;
    while let Some(ancestor) = above {
        let theirs = totals(conn, &ancestor, &slice)?;
        for (i, metric) in Metric::ALL.into_iter().enumerate() {
            // A zero reveals nothing, whatever its parent shows.
            same[i] &= own.base(metric) > 0 && theirs.base(metric) == own.base(metric);
        }
        if !same.iter().any(|s| *s) {
            break;
        }
        let hidden_above = hidden_by_groups(conn, &ancestor, &slice, period, &theirs, threshold)?;
        for i in 0..hidden.len() {
            hidden[i] |= same[i] && hidden_above[i];
        }
        above = parent_unit(conn, &ancestor)?;
    }
    let histogram = histogram(conn, unit, &slice)?;
    let figures = Metric::ALL
        .into_iter()
        .zip(hidden)
        .map(|(metric, hidden)| (metric, figure(metric, &own, &histogram, hidden, threshold)))
        .collect();
    Ok(Report {
        totals: own,
        figures,
    })
}

/// The units of `level` a ranking compares, within `parent` (`VN`, a province's or a
/// commune's code), with their names.
pub fn members(
    conn: &mut DbConnection,
    level: Level,
    parent: &str,
) -> Result<Vec<(String, String)>, DbError> {
    Ok(match level {
        Level::National => Vec::new(),
        Level::Province => provinces::table
            .order(provinces::code)
            .select((provinces::code, provinces::name))
            .load(conn)?,
        Level::Commune => communes::table
            .filter(communes::province_code.eq(parent))
            .order(communes::code)
            .select((communes::code, communes::name))
            .load(conn)?,
        Level::Office => {
            let rows: Vec<(i64, String)> = offices::table
                .filter(
                    offices::commune_code
                        .eq(parent)
                        .or(offices::province_code.eq(parent)),
                )
                .order(offices::id)
                .select((offices::id, offices::name))
                .load(conn)?;
            rows.into_iter()
                .map(|(id, name)| (id.to_string(), name))
                .collect()
        }
    })
}

/// The totals over the slice of each of `codes` at `level`, keyed by code.
pub fn totals_of(
    conn: &mut DbConnection,
    level: Level,
    codes: &[String],
    slice: &Slice,
) -> Result<HashMap<String, Totals>, DbError> {
    let mut all = HashMap::new();
    for chunk in codes.chunks(500) {
        let conds = [
            Cond::Is("level", level.code()),
            Cond::In("unit", chunk),
            Cond::Is("kind", slice.kind),
            Cond::Is("category", slice.category),
        ];
        all.extend(summed(conn, &["unit"], &conds, slice)?);
    }
    Ok(all)
}

/// What identifies a report: the unit, the slice and the period, at a threshold.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportKey {
    pub level: Level,
    pub code: String,
    pub kind: String,
    pub category: String,
    pub period: Period,
    pub threshold: u64,
}

/// Reports computed since the rollups last changed. The fold is the only writer of the
/// rollups and moves the watermark (`seq`, `folded_at`) whenever it writes, so a report
/// computed at the current watermark is exactly what computing it again would give: the
/// cache is emptied whenever the watermark moves, never served across it.
#[derive(Debug, Default)]
pub struct ReportCache {
    inner: std::sync::Mutex<CacheState>,
}

#[derive(Debug, Default)]
struct CacheState {
    at: Option<super::rollup::Progress>,
    reports: HashMap<ReportKey, std::sync::Arc<Report>>,
}

/// Reports kept at most; past it the cache starts again (a dashboard asks for a few units and
/// periods over and over; a crawler asking for everything gains nothing from a cache).
const CACHED_REPORTS: usize = 4_096;

impl ReportCache {
    /// The report for `key` at the rollups' `progress`, computed by `compute` when not cached.
    pub fn get_or_compute(
        &self,
        progress: super::rollup::Progress,
        key: ReportKey,
        compute: impl FnOnce() -> Result<Report, DbError>,
    ) -> Result<std::sync::Arc<Report>, DbError> {
        if let Ok(state) = self.inner.lock()
            && state.at == Some(progress)
            && let Some(report) = state.reports.get(&key)
        {
            return Ok(report.clone());
        }
        let report = std::sync::Arc::new(compute()?);
        if let Ok(mut state) = self.inner.lock() {
            if state.at != Some(progress) || state.reports.len() >= CACHED_REPORTS {
                state.at = Some(progress);
                state.reports.clear();
            }
            state.reports.insert(key, report.clone());
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::stats::rollup::Progress;

    fn key() -> ReportKey {
        ReportKey {
            level: Level::National,
            code: VIETNAM.into(),
            kind: ALL.into(),
            category: ALL.into(),
            period: Period::Year(2026),
            threshold: 5,
        }
    }

    fn report(received: i64) -> Report {
        let mut totals = Totals::default();
        totals.tally.received = received;
        Report {
            totals,
            figures: Vec::new(),
        }
    }

    #[test]
    fn a_cached_report_is_served_only_at_the_watermark_it_was_computed_at() {
        let cache = ReportCache::default();
        let at = |seq| Progress {
            seq,
            folded_at: None,
        };
        let first = cache
            .get_or_compute(at(7), key(), || Ok(report(1)))
            .unwrap();
        let again = cache
            .get_or_compute(at(7), key(), || panic!("computed twice"))
            .unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again));
        let moved = cache
            .get_or_compute(at(8), key(), || Ok(report(2)))
            .unwrap();
        assert_eq!(moved.totals.tally.received, 2);
        let mut other = key();
        other.threshold = 1;
        let recomputed = cache
            .get_or_compute(at(8), other, || Ok(report(3)))
            .unwrap();
        assert_eq!(recomputed.totals.tally.received, 3);
    }
}
