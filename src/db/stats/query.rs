//! Reads of the rollups: a unit's figures for a period, with the groups small-cell
//! suppression needs, rankings and monthly series. Every read is by primary key or by the
//! parent index over at most the months up to the period's end: its cost follows the number
//! of units and months asked for, not the petitions stored.

use std::collections::HashMap;

use diesel::prelude::*;

use super::super::schema::{communes, offices, provinces, stats_cells, stats_days};
use super::super::{DbConnection, DbError};
use super::rollup::{ALL, COUNTERS, CounterValues, VIETNAM, tally};
use crate::domain::stats::{
    Figure, Group, Level, Metric, Period, Tally, Totals, YearMonth, figure, is_hidden,
};

/// A unit statistics are published for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub level: Level,
    /// An office's id, a commune's or a province's code, `VN` for the nation.
    pub code: String,
    pub name: String,
    /// The unit it is a part of, with its siblings; `None` for the nation.
    pub parent: Option<String>,
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
                parent: Some(VIETNAM.to_owned()),
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
                parent: Some(province),
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
                    parent: Some(commune.unwrap_or(province)),
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

type Backend = <DbConnection as diesel::Connection>::Backend;

type Row = (String, String, String, String, i32, CounterValues);

/// Sums rows per key: the counters over the slice's months, the overdue petitions at its end.
fn sum_by<K: std::hash::Hash + Eq>(
    rows: Vec<Row>,
    slice: &Slice,
    key: impl Fn(&Row) -> K,
) -> HashMap<K, Totals> {
    let first = slice.first.key();
    let mut sums: HashMap<K, Totals> = HashMap::new();
    for row in rows {
        let entry = sums.entry(key(&row)).or_default();
        let t = tally(row.5);
        entry.overdue_open += t.overdue_change;
        if row.4 >= first {
            entry.tally.add(&t);
        }
    }
    sums
}

macro_rules! cells {
    () => {
        stats_cells::table
            .select((
                stats_cells::level,
                stats_cells::unit,
                stats_cells::kind,
                stats_cells::category,
                stats_cells::month,
                COUNTERS,
            ))
            .into_boxed::<Backend>()
    };
}

/// The unit's totals over the slice.
pub fn totals(conn: &mut DbConnection, unit: &Unit, slice: &Slice) -> Result<Totals, DbError> {
    let rows: Vec<Row> = cells!()
        .filter(stats_cells::level.eq(unit.level.code()))
        .filter(stats_cells::unit.eq(&unit.code))
        .filter(stats_cells::kind.eq(slice.kind))
        .filter(stats_cells::category.eq(slice.category))
        .filter(stats_cells::month.le(slice.last.key()))
        .load(conn)?;
    Ok(sum_by(rows, slice, |_| ()).remove(&()).unwrap_or_default())
}

/// The units that make up `parent` (its communes and its own offices, its offices, or the
/// provinces), each with its totals over the slice, keyed by (level, code).
pub fn parts(
    conn: &mut DbConnection,
    parent: &str,
    slice: &Slice,
) -> Result<HashMap<(String, String), Totals>, DbError> {
    let rows: Vec<Row> = cells!()
        .filter(stats_cells::parent.eq(parent))
        .filter(stats_cells::kind.eq(slice.kind))
        .filter(stats_cells::category.eq(slice.category))
        .filter(stats_cells::month.le(slice.last.key()))
        .load(conn)?;
    Ok(sum_by(rows, slice, |r| (r.0.clone(), r.1.clone())))
}

/// The unit's totals per kind (`by_kind`) or per category, over the slice's other
/// coordinate.
fn breakdown(
    conn: &mut DbConnection,
    unit: &Unit,
    slice: &Slice,
    by_kind: bool,
) -> Result<HashMap<String, Totals>, DbError> {
    let mut query = cells!()
        .filter(stats_cells::level.eq(unit.level.code()))
        .filter(stats_cells::unit.eq(&unit.code))
        .filter(stats_cells::month.le(slice.last.key()));
    query = if by_kind {
        query
            .filter(stats_cells::kind.ne(ALL))
            .filter(stats_cells::category.eq(slice.category))
    } else {
        query
            .filter(stats_cells::kind.eq(slice.kind))
            .filter(stats_cells::category.ne(ALL))
    };
    let rows: Vec<Row> = query.load(conn)?;
    Ok(sum_by(rows, slice, |r| {
        if by_kind { r.2.clone() } else { r.3.clone() }
    }))
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
    let rows: Vec<Row> = cells!()
        .filter(stats_cells::level.eq(unit.level.code()))
        .filter(stats_cells::unit.eq(&unit.code))
        .filter(stats_cells::kind.eq(kind))
        .filter(stats_cells::category.eq(category))
        .filter(stats_cells::month.le(last.key()))
        .order(stats_cells::month)
        .load(conn)?;
    let mut by_month: HashMap<i32, Tally> = HashMap::new();
    for row in rows {
        by_month.entry(row.4).or_default().add(&tally(row.5));
    }
    let mut overdue = 0;
    let mut keys: Vec<i32> = by_month.keys().copied().collect();
    keys.sort_unstable();
    for k in keys.iter().filter(|k| **k < first.key()) {
        overdue += by_month[k].overdue_change;
    }
    let mut out = Vec::new();
    let mut month = Some(first);
    while let Some(m) = month.filter(|m| *m <= last) {
        let tally = by_month.get(&m.key()).copied().unwrap_or_default();
        overdue += tally.overdue_change;
        out.push((
            m,
            Totals {
                tally,
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
    let Some(code) = &unit.parent else {
        return Ok(None);
    };
    let level = match code.len() {
        2 => Level::Province,
        5 => Level::Commune,
        _ => Level::National,
    };
    find_unit(conn, level, code)
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
    if let Some(parent) = &unit.parent {
        let siblings = parts(conn, parent, slice)?;
        groups.push(group(
            siblings,
            Some(((unit.level.code().to_owned(), unit.code.clone()), *own)),
        ));
    }
    if unit.level != Level::Office {
        groups.push(group(parts(conn, &unit.code, slice)?, None));
    }
    let kinds = breakdown(conn, unit, slice, true)?;
    groups.push(if slice.kind == ALL {
        group(kinds, None)
    } else {
        group(kinds, Some((slice.kind.to_owned(), *own)))
    });
    let categories = breakdown(conn, unit, slice, false)?;
    groups.push(if slice.category == ALL {
        group(categories, None)
    } else {
        group(categories, Some((slice.category.to_owned(), *own)))
    });
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
        let rows: Vec<Row> = cells!()
            .filter(stats_cells::level.eq(level.code()))
            .filter(stats_cells::unit.eq_any(chunk))
            .filter(stats_cells::kind.eq(slice.kind))
            .filter(stats_cells::category.eq(slice.category))
            .filter(stats_cells::month.le(slice.last.key()))
            .load(conn)?;
        all.extend(sum_by(rows, slice, |r| r.1.clone()));
    }
    Ok(all)
}
