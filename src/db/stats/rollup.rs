//! Keeping the rollups: folds the events after the watermark into `stats_cells` and
//! `stats_days`, in the order of the audit chain (DESIGN §3.7; the cohorts are in
//! [`crate::domain::stats::fold`]).
//!
//! Why a follower of the events rather than a write in each petition's transaction: the
//! nation's cell for this month would be one row every intake on every node must lock, which
//! is exactly the hot row the intake work removed (docs/PERFORMANCE.md, "Intake"). The events
//! are already in one order, without gaps (each appending transaction holds the chain's head
//! until it commits), so a watermark on `seq` is exact: nothing is folded twice or skipped.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::super::schema::{
    events, offices, stats_cells, stats_days, stats_progress, stats_tracks,
};
use super::super::{DbConnection, DbError, write_transaction};
use crate::domain::clock::{Calendar, ClockName};
use crate::domain::event::{Event, StartedClock};
use crate::domain::petition::Channel;
use crate::domain::stats::{Cell, Changes, Happening, Level, Tally, Track};

/// Events folded per transaction: big enough that a batch's changes to the nation's and the
/// provinces' cells collapse into a few rows, small enough not to hold the writer long.
pub const BATCH: i64 = 2_000;

/// Events folded per round of a rebuild, which holds the writer anyway: larger rounds share
/// more cells between events.
const REBUILD_BATCH: i64 = 20_000;

/// Where the fold stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Every event up to this position of the chain is in the rollups.
    pub seq: i64,
    pub folded_at: Option<NaiveDateTime>,
}

pub fn progress(conn: &mut DbConnection) -> Result<Progress, DbError> {
    let (seq, folded_at) = stats_progress::table
        .find(1)
        .select((stats_progress::seq, stats_progress::folded_at))
        .first(conn)?;
    Ok(Progress { seq, folded_at })
}

/// Takes the watermark for this transaction: on PostgreSQL the row stays locked to the
/// commit, so two nodes folding at once take turns instead of folding an event twice.
fn lock_progress(conn: &mut DbConnection) -> Result<i64, DbError> {
    let query = stats_progress::table.find(1).select(stats_progress::seq);
    Ok(match conn {
        DbConnection::Postgres(c) => query.for_update().first(c)?,
        DbConnection::Sqlite(c) => query.first(c)?,
    })
}

type EventRow = (i64, Option<i64>, String, String, NaiveDateTime);

/// Up to `limit` events after position `after` of the chain, in order.
fn events_after(conn: &mut DbConnection, after: i64, limit: i64) -> Result<Vec<EventRow>, DbError> {
    Ok(events::table
        .filter(events::seq.gt(after))
        .order(events::seq.asc())
        .limit(limit)
        .select((
            events::seq.assume_not_null(),
            events::petition_id,
            events::action,
            events::payload,
            events::created_at,
        ))
        .load(conn)?)
}

/// Folds events into `changes`, with the tracks of their petitions at hand in `tracks`.
fn fold_events(
    calendar: &impl Calendar,
    batch: &[EventRow],
    tracks: &mut HashMap<i64, Option<Track>>,
    changes: &mut Changes,
) -> Result<(), DbError> {
    for (seq, petition_id, action, payload, created_at) in batch {
        let at = created_at.and_utc();
        let event = Event::decode(action, payload)
            .map_err(|e| DbError::Corrupt(format!("event {seq}: {e}")))?;
        match (event, petition_id) {
            (Event::SupervisionRequested(filed), _) => {
                changes.supervision_filed(filed.office_id, at);
            }
            (Event::SupervisionReplied(replied), _) => {
                changes.supervision_answered(replied.office_id, at, replied.due_at);
            }
            (event, Some(id)) => {
                if let Some(happening) = happening(event) {
                    let track = tracks.entry(*id).or_default();
                    changes.apply(calendar, track, at, happening);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn advance(conn: &mut DbConnection, seq: i64, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(stats_progress::table.find(1))
        .set((
            stats_progress::seq.eq(seq),
            stats_progress::folded_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Folds up to `limit` events after the watermark, in the caller's transaction. Returns how
/// many it folded.
pub fn fold_batch(
    conn: &mut DbConnection,
    calendar: &impl Calendar,
    limit: i64,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let watermark = lock_progress(conn)?;
    let batch = events_after(conn, watermark, limit)?;
    let Some(last) = batch.last().map(|e| e.0) else {
        return Ok(0);
    };
    let mut tracks = load_tracks(conn, batch.iter().filter_map(|e| e.1))?;
    let mut changes = Changes::default();
    fold_events(calendar, &batch, &mut tracks, &mut changes)?;
    write_changes(conn, &changes)?;
    save_tracks(conn, &tracks)?;
    advance(conn, last, now)?;
    Ok(batch.len())
}

/// Folds everything not yet folded, a batch per transaction, noting `now` as the time of the
/// fold. Returns the events folded.
pub fn catch_up(
    conn: &mut DbConnection,
    calendar: &impl Calendar,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    catch_up_by(conn, calendar, BATCH, now)
}

/// [`catch_up`] in batches of `batch` events.
pub fn catch_up_by(
    conn: &mut DbConnection,
    calendar: &impl Calendar,
    batch: i64,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let mut total = 0;
    loop {
        let folded = write_transaction(conn, |c| fold_batch(c, calendar, batch, now))?;
        total += folded;
        if (folded as i64) < batch.max(1) {
            return Ok(total);
        }
    }
}

/// Throws the rollups away and folds the whole chain again, in one transaction: readers see
/// the old figures until the new ones are complete, never a half-built set. Returns the events
/// folded.
///
/// The same fold as the job's, with the tracks kept in memory from the first event to the
/// last and the cells' changes added up over many batches before they are written: a rebuild
/// writes each cell a few times instead of once per batch that touches it.
pub fn rebuild(
    conn: &mut DbConnection,
    calendar: &impl Calendar,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    write_transaction(conn, |c| {
        lock_progress(c)?;
        diesel::delete(stats_cells::table).execute(c)?;
        diesel::delete(stats_days::table).execute(c)?;
        diesel::delete(stats_tracks::table).execute(c)?;
        let mut tracks: HashMap<i64, Option<Track>> = HashMap::new();
        let mut changes = Changes::default();
        let (mut total, mut pending, mut last) = (0, 0, 0);
        loop {
            let batch = events_after(c, last, REBUILD_BATCH)?;
            let Some(seq) = batch.last().map(|e| e.0) else {
                break;
            };
            fold_events(calendar, &batch, &mut tracks, &mut changes)?;
            // A petition that can change no figure any more is forgotten at once.
            tracks.retain(|_, track| track.is_some());
            (last, total, pending) = (seq, total + batch.len(), pending + batch.len());
            if pending >= REBUILD_FLUSH {
                write_changes(c, &std::mem::take(&mut changes))?;
                pending = 0;
            }
        }
        write_changes(c, &changes)?;
        save_tracks(c, &tracks)?;
        // An empty record leaves the rollups as never folded.
        diesel::update(stats_progress::table.find(1))
            .set((
                stats_progress::seq.eq(last),
                stats_progress::folded_at.eq((last > 0).then_some(now)),
            ))
            .execute(c)?;
        Ok(total)
    })
}

/// Events whose changes a rebuild adds up in memory before writing them.
const REBUILD_FLUSH: usize = 500_000;

/// The clocks an event started.
fn started(clocks: Vec<StartedClock>) -> Vec<(ClockName, DateTime<Utc>)> {
    clocks.into_iter().map(|c| (c.name, c.due_at)).collect()
}

/// What an event means to the statistics; `None` for the events that change no figure.
fn happening(event: Event) -> Option<Happening> {
    Some(match event {
        // An incomplete denunciation is counted when it is completed: until then no clock
        // runs and the office has nothing it can act on.
        Event::PetitionReceived(r) if r.incomplete => return None,
        Event::PetitionReceived(r) => Happening::Received {
            office_id: r.office_id,
            kind: r.kind,
            category: r.category,
            online: r.channel == Channel::Partner,
            clocks: started(r.clocks),
        },
        Event::PetitionCompleted(c) => Happening::Received {
            office_id: c.office_id,
            kind: c.kind,
            category: c.category,
            online: c.channel == Channel::Partner,
            clocks: started(c.clocks),
        },
        Event::PetitionAccepted(a) => Happening::Accepted {
            clocks: started(a.clocks),
        },
        Event::PetitionRejected(_) => Happening::Rejected,
        Event::PetitionNotCompetent(n) => Happening::NotCompetent {
            clocks: started(n.clocks),
        },
        Event::PetitionTransferred(t) => Happening::Transferred {
            to_office: t.to_office,
            clocks: started(t.clocks),
        },
        Event::PetitionExtended(e) => Happening::Moved {
            clock: e.clock,
            due_at: e.to,
        },
        Event::DeadlineRecomputed(r) => Happening::Moved {
            clock: r.clock,
            due_at: r.to,
        },
        Event::DeadlineMissed(m) => Happening::Missed { clock: m.clock },
        Event::PetitionAnswered(_) => Happening::Answered,
        Event::PetitionNotified => Happening::Notified,
        Event::PetitionRated(r) => Happening::Rated {
            satisfied: r.satisfied,
        },
        Event::PetitionWithdrawn(_) => Happening::Withdrawn,
        Event::PetitionClosed => Happening::Closed,
        _ => return None,
    })
}

/// The tracks of the petitions in a batch; those without one are absent.
fn load_tracks(
    conn: &mut DbConnection,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, Option<Track>>, DbError> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    let mut tracks = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = stats_tracks::table
            .filter(stats_tracks::petition_id.eq_any(chunk))
            .select((stats_tracks::petition_id, stats_tracks::track))
            .load(conn)?;
        for (id, json) in rows {
            let track: Track = serde_json::from_str(&json)
                .map_err(|e| DbError::Corrupt(format!("statistics track {id}: {e}")))?;
            tracks.insert(id, Some(track));
        }
    }
    Ok(tracks)
}

fn save_tracks(
    conn: &mut DbConnection,
    tracks: &HashMap<i64, Option<Track>>,
) -> Result<(), DbError> {
    let mut ended = Vec::new();
    let mut kept = Vec::new();
    for (id, track) in tracks {
        match track {
            Some(track) => kept.push((
                *id,
                serde_json::to_string(track)
                    .map_err(|e| DbError::Corrupt(format!("statistics track {id}: {e}")))?,
            )),
            None => ended.push(*id),
        }
    }
    for chunk in kept.chunks(UPSERT_ROWS) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(id, json)| {
                (
                    stats_tracks::petition_id.eq(*id),
                    stats_tracks::track.eq(json),
                )
            })
            .collect();
        crate::on_backend!(conn, |c| diesel::insert_into(stats_tracks::table)
            .values(&values)
            .on_conflict(stats_tracks::petition_id)
            .do_update()
            .set(stats_tracks::track.eq(excluded(stats_tracks::track)))
            .execute(c))?;
    }
    for chunk in ended.chunks(UPSERT_ROWS) {
        diesel::delete(stats_tracks::table.filter(stats_tracks::petition_id.eq_any(chunk)))
            .execute(conn)?;
    }
    Ok(())
}

// `stats_cells.level` holds `Level::code()`.
const OFFICE: Level = Level::Office;
const COMMUNE: Level = Level::Commune;
const PROVINCE: Level = Level::Province;
const NATION: Level = Level::National;
/// The nation's unit code, and the parent of every province.
pub const VIETNAM: &str = "VN";
/// "All kinds", "all categories".
pub const ALL: &str = "*";

/// One row of `stats_cells`: where a change lands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Place {
    level: Level,
    unit: String,
    parent: String,
    month: i32,
    kind: String,
    category: String,
}

/// The units an office's figures count in: itself, its commune (if it has one), its
/// province and the nation, each with the parent whose total it is a part of.
fn units(office_id: i64, commune: Option<&str>, province: &str) -> Vec<(Level, String, String)> {
    let mut units = vec![(
        OFFICE,
        office_id.to_string(),
        commune.unwrap_or(province).to_owned(),
    )];
    if let Some(commune) = commune {
        units.push((COMMUNE, commune.to_owned(), province.to_owned()));
    }
    units.push((PROVINCE, province.to_owned(), VIETNAM.to_owned()));
    units.push((NATION, VIETNAM.to_owned(), String::new()));
    units
}

/// The (kind, category) cells a change counts in: its own, and the all-kinds and
/// all-categories cells above it.
fn breakdowns(cell: &Cell) -> Vec<(String, String)> {
    match (cell.kind, &cell.category) {
        (Some(kind), Some(category)) => vec![
            (kind.code().to_owned(), category.clone()),
            (kind.code().to_owned(), ALL.to_owned()),
            (ALL.to_owned(), category.clone()),
            (ALL.to_owned(), ALL.to_owned()),
        ],
        _ => vec![(ALL.to_owned(), ALL.to_owned())],
    }
}

fn places(
    cell: &Cell,
    office_places: &HashMap<i64, (Option<String>, String)>,
) -> Result<Vec<Place>, DbError> {
    let (commune, province) = office_places
        .get(&cell.office_id)
        .ok_or_else(|| DbError::Corrupt(format!("office {} in an event", cell.office_id)))?;
    let mut places = Vec::new();
    for (level, unit, parent) in units(cell.office_id, commune.as_deref(), province) {
        for (kind, category) in breakdowns(cell) {
            places.push(Place {
                level,
                unit: unit.clone(),
                parent: parent.clone(),
                month: cell.month.key(),
                kind,
                category,
            });
        }
    }
    Ok(places)
}

fn write_changes(conn: &mut DbConnection, changes: &Changes) -> Result<(), DbError> {
    let mut ids: Vec<i64> = changes
        .cells
        .keys()
        .chain(changes.days.keys().map(|(cell, _)| cell))
        .map(|c| c.office_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut office_places = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, Option<String>, String)> = offices::table
            .filter(offices::id.eq_any(chunk))
            .select((offices::id, offices::commune_code, offices::province_code))
            .load(conn)?;
        for (id, commune, province) in rows {
            office_places.insert(id, (commune, province));
        }
    }
    let mut rows: HashMap<Place, Tally> = HashMap::new();
    for (cell, tally) in &changes.cells {
        for place in places(cell, &office_places)? {
            rows.entry(place).or_default().add(tally);
        }
    }
    let rows: Vec<(Place, Tally)> = rows.into_iter().filter(|(_, t)| !t.is_zero()).collect();
    for chunk in rows.chunks(UPSERT_ROWS) {
        upsert_cells(conn, chunk)?;
    }
    let mut days: HashMap<(Place, u32), i64> = HashMap::new();
    for ((cell, d), answers) in &changes.days {
        for place in places(cell, &office_places)? {
            *days.entry((place, *d)).or_default() += answers;
        }
    }
    let days: Vec<((Place, u32), i64)> = days.into_iter().collect();
    for chunk in days.chunks(UPSERT_ROWS) {
        let values: Vec<_> = chunk
            .iter()
            .map(|((place, d), answers)| {
                (
                    stats_days::level.eq(place.level.code()),
                    stats_days::unit.eq(&place.unit),
                    stats_days::month.eq(place.month),
                    stats_days::kind.eq(&place.kind),
                    stats_days::category.eq(&place.category),
                    stats_days::days.eq(i32::try_from(*d).unwrap_or(i32::MAX)),
                    stats_days::answers.eq(*answers),
                )
            })
            .collect();
        crate::on_backend!(conn, |c| diesel::insert_into(stats_days::table)
            .values(&values)
            .on_conflict((
                stats_days::level,
                stats_days::unit,
                stats_days::month,
                stats_days::kind,
                stats_days::category,
                stats_days::days
            ))
            .do_update()
            .set(stats_days::answers.eq(stats_days::answers + excluded(stats_days::answers)))
            .execute(c))?;
    }
    Ok(())
}

/// Rows per multi-row upsert: 25 values a row stays well under both backends' limits on
/// bound parameters (SQLite 32,766; PostgreSQL 65,535).
const UPSERT_ROWS: usize = 500;

/// Adds each row's counters to its cell, creating the cell when new.
fn upsert_cells(conn: &mut DbConnection, rows: &[(Place, Tally)]) -> Result<(), DbError> {
    use stats_cells as s;
    let values: Vec<_> = rows
        .iter()
        .map(|(place, t)| {
            (
                (
                    s::level.eq(place.level.code()),
                    s::unit.eq(&place.unit),
                    s::parent.eq(&place.parent),
                    s::month.eq(place.month),
                    s::kind.eq(&place.kind),
                    s::category.eq(&place.category),
                ),
                (
                    s::received.eq(t.received),
                    s::accepted.eq(t.accepted),
                    s::rejected.eq(t.rejected),
                    s::transferred_out.eq(t.transferred_out),
                    s::withdrawn.eq(t.withdrawn),
                    s::answered.eq(t.answered),
                    s::answered_on_time.eq(t.answered_on_time),
                    s::answered_online.eq(t.answered_online),
                    s::rated.eq(t.rated),
                    s::satisfied.eq(t.satisfied),
                ),
                (
                    s::due.eq(t.due),
                    s::due_answered.eq(t.due_answered),
                    s::due_on_time.eq(t.due_on_time),
                    s::ack_due.eq(t.ack_due),
                    s::ack_on_time.eq(t.ack_on_time),
                    s::overdue_change.eq(t.overdue_change),
                    s::supervision_filed.eq(t.supervision_filed),
                    s::supervision_answered.eq(t.supervision_answered),
                    s::supervision_on_time.eq(t.supervision_on_time),
                ),
            )
        })
        .collect();
    crate::on_backend!(conn, |c| diesel::insert_into(s::table)
        .values(&values)
        .on_conflict((s::level, s::unit, s::month, s::kind, s::category))
        .do_update()
        .set((
            (
                s::received.eq(s::received + excluded(s::received)),
                s::accepted.eq(s::accepted + excluded(s::accepted)),
                s::rejected.eq(s::rejected + excluded(s::rejected)),
                s::transferred_out.eq(s::transferred_out + excluded(s::transferred_out)),
                s::withdrawn.eq(s::withdrawn + excluded(s::withdrawn)),
                s::answered.eq(s::answered + excluded(s::answered)),
                s::answered_on_time.eq(s::answered_on_time + excluded(s::answered_on_time)),
                s::answered_online.eq(s::answered_online + excluded(s::answered_online)),
                s::rated.eq(s::rated + excluded(s::rated)),
                s::satisfied.eq(s::satisfied + excluded(s::satisfied)),
            ),
            (
                s::due.eq(s::due + excluded(s::due)),
                s::due_answered.eq(s::due_answered + excluded(s::due_answered)),
                s::due_on_time.eq(s::due_on_time + excluded(s::due_on_time)),
                s::ack_due.eq(s::ack_due + excluded(s::ack_due)),
                s::ack_on_time.eq(s::ack_on_time + excluded(s::ack_on_time)),
                s::overdue_change.eq(s::overdue_change + excluded(s::overdue_change)),
                s::supervision_filed.eq(s::supervision_filed + excluded(s::supervision_filed)),
                s::supervision_answered
                    .eq(s::supervision_answered + excluded(s::supervision_answered)),
                s::supervision_on_time
                    .eq(s::supervision_on_time + excluded(s::supervision_on_time)),
            ),
        ))
        .execute(c))?;
    Ok(())
}

/// The counters of a `stats_cells` row, in [`Tally::COLUMNS`] order, for reading.
pub type CounterColumns = (
    stats_cells::received,
    stats_cells::accepted,
    stats_cells::rejected,
    stats_cells::transferred_out,
    stats_cells::withdrawn,
    stats_cells::answered,
    stats_cells::answered_on_time,
    stats_cells::answered_online,
    stats_cells::rated,
    stats_cells::satisfied,
    stats_cells::due,
    stats_cells::due_answered,
    stats_cells::due_on_time,
    stats_cells::ack_due,
    stats_cells::ack_on_time,
    stats_cells::overdue_change,
    stats_cells::supervision_filed,
    stats_cells::supervision_answered,
    stats_cells::supervision_on_time,
);

pub const COUNTERS: CounterColumns = (
    stats_cells::received,
    stats_cells::accepted,
    stats_cells::rejected,
    stats_cells::transferred_out,
    stats_cells::withdrawn,
    stats_cells::answered,
    stats_cells::answered_on_time,
    stats_cells::answered_online,
    stats_cells::rated,
    stats_cells::satisfied,
    stats_cells::due,
    stats_cells::due_answered,
    stats_cells::due_on_time,
    stats_cells::ack_due,
    stats_cells::ack_on_time,
    stats_cells::overdue_change,
    stats_cells::supervision_filed,
    stats_cells::supervision_answered,
    stats_cells::supervision_on_time,
);

/// The same counters as values.
pub type CounterValues = (
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

pub fn tally(v: CounterValues) -> Tally {
    Tally::from_values(&[
        v.0, v.1, v.2, v.3, v.4, v.5, v.6, v.7, v.8, v.9, v.10, v.11, v.12, v.13, v.14, v.15, v.16,
        v.17, v.18,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_read_columns_follow_the_tally() {
        // COUNTERS is listed by hand; its names must be Tally::COLUMNS in order.
        let names =
            diesel::debug_query::<diesel::sqlite::Sqlite, _>(&stats_cells::table.select(COUNTERS))
                .to_string();
        let mut at = 0;
        for column in Tally::COLUMNS {
            let found = names[at..]
                .find(column)
                .unwrap_or_else(|| panic!("{column}"));
            at += found + column.len();
        }
        let t = Tally {
            received: 1,
            supervision_on_time: 19,
            satisfied: 10,
            ..Tally::default()
        };
        let v = t.values();
        assert_eq!(
            tally((
                v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                v[13], v[14], v[15], v[16], v[17], v[18]
            )),
            t
        );
    }

    #[test]
    fn an_office_counts_in_its_commune_province_and_the_nation() {
        let u = units(9, Some("00004"), "01");
        assert_eq!(
            u,
            vec![
                (OFFICE, "9".into(), "00004".into()),
                (COMMUNE, "00004".into(), "01".into()),
                (PROVINCE, "01".into(), VIETNAM.into()),
                (NATION, VIETNAM.into(), String::new()),
            ]
        );
        // A province-level office is a part of its province directly.
        assert_eq!(units(3, None, "01")[0], (OFFICE, "3".into(), "01".into()));
    }
}
