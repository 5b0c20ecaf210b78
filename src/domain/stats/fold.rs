//! The rollups as a fold over the record (DESIGN §3.7: "served from incrementally maintained
//! rollups, never by scanning petitions per request").
//!
//! Every figure of `docs/METRICS.md` is a sum of changes that events make to cells keyed by
//! office, month, kind and category. This module turns one petition's events, in the order of
//! the audit chain, into those changes, keeping per petition the little it must remember (a
//! [`Track`]: its office, its running clocks, whether they joined a cohort). It is the single
//! statement of the metrics' cohorts in code: the job that follows the events and
//! `tiengdan stats rebuild` both call it, so a rebuild gives the same numbers by construction
//! of the code, and a test checks it does on a real database.
//!
//! It reads nothing but the events, never the petition's current row, because the current row
//! may already be past the event being folded (the job runs behind) and a rebuild runs long
//! after: only what the event says about its own moment gives the same answer both times.

use std::collections::HashMap;

use chrono::{DateTime, Days as DayCount, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::metric::{answer_clock, first_step_clock};
use super::period::YearMonth;
use crate::domain::clock::{Calendar, ClockName, local_date};
use crate::domain::petition::Kind;

macro_rules! tally {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// The counters of one cell. The fold produces changes (which may be negative, as
        /// `overdue_change` is); a cell stored or read is their sum.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct Tally {
            $($(#[$doc])* pub $name: i64,)*
        }

        impl Tally {
            /// The counters' names, in order: the rollup table's columns.
            pub const COLUMNS: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The counters in [`Self::COLUMNS`] order.
            pub fn values(&self) -> Vec<i64> {
                vec![$(self.$name),*]
            }

            /// From values in [`Self::COLUMNS`] order (missing ones are zero).
            pub fn from_values(values: &[i64]) -> Self {
                let mut it = values.iter().copied();
                Self { $($name: it.next().unwrap_or(0),)* }
            }

            pub fn add(&mut self, other: &Self) {
                $(self.$name += other.$name;)*
            }

            pub fn is_zero(&self) -> bool {
                true $(&& self.$name == 0)*
            }
        }
    };
}

tally! {
    /// Receipts, including transfers in.
    received,
    accepted,
    rejected,
    transferred_out,
    withdrawn,
    answered,
    /// Answers at or before the answer clock's due time, by the answer's month.
    answered_on_time,
    /// Answers to petitions received through a partner app.
    answered_online,
    /// Ratings, by the month of the answer rated.
    rated,
    satisfied,
    /// Answer clocks falling due (the response and on-time cohort), by the due month.
    due,
    /// … of which answered, at any time.
    due_answered,
    /// … of which answered at or before the due time.
    due_on_time,
    /// First-step clocks falling due, by the due month.
    ack_due,
    /// … of which the step was taken at or before the due time.
    ack_on_time,
    /// +1 in the month a petition became overdue, −1 in the month it stopped being: the
    /// number overdue at the end of a month is the sum up to that month.
    overdue_change,
    /// Supervision requests filed to the office (DESIGN §3.8), by the filing month.
    supervision_filed,
    /// Supervision requests answered, by the month of the reply.
    supervision_answered,
    /// … of which answered at or before their due time.
    supervision_on_time,
}

/// Where a change is counted: an office, a month, and (for petitions) a kind and a category.
/// Supervision requests have neither: they count only in the all-kinds, all-categories cells.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cell {
    pub office_id: i64,
    pub month: YearMonth,
    pub kind: Option<Kind>,
    pub category: Option<String>,
}

/// A clock as the fold knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedClock {
    pub name: ClockName,
    pub due_at: DateTime<Utc>,
    /// The cell (office, month key) of the cohort it joined when its due time passed
    /// unanswered; `None` while it has not joined one.
    pub joined: Option<(i64, i32)>,
    /// Announced missed and still running.
    pub overdue: bool,
}

/// What the fold remembers of an open petition between its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Track {
    pub office_id: i64,
    pub kind: Kind,
    pub category: String,
    pub online: bool,
    /// The day (in Vietnam) the petition reached its current office.
    pub received_on: NaiveDate,
    pub clocks: Vec<TrackedClock>,
    /// The office at which the petition is counted as overdue now, if it is.
    pub overdue_at: Option<i64>,
    /// The office and month key of the answer, for the rating to be counted with it.
    pub answer: Option<(i64, i32)>,
}

/// What an event says happened to a petition, with what the fold needs of it.
#[derive(Debug, Clone, PartialEq)]
pub enum Happening {
    Received {
        office_id: i64,
        kind: Kind,
        category: String,
        online: bool,
        clocks: Vec<(ClockName, DateTime<Utc>)>,
    },
    Accepted {
        clocks: Vec<(ClockName, DateTime<Utc>)>,
    },
    Rejected,
    /// A denunciation found outside the office's competence (Law on Denunciations art.
    /// 24(2)): its initial processing is done, the `forward` clock starts.
    NotCompetent {
        clocks: Vec<(ClockName, DateTime<Utc>)>,
    },
    Transferred {
        to_office: i64,
        clocks: Vec<(ClockName, DateTime<Utc>)>,
    },
    /// An extension, or a recomputation after a calendar or rule change.
    Moved {
        clock: ClockName,
        due_at: DateTime<Utc>,
    },
    /// The sweeper announced a clock missed.
    Missed {
        clock: ClockName,
    },
    Answered,
    /// The denouncer was notified of the acceptance: the `notify` clock ends. It counts in
    /// no cohort, but while missed it kept the petition overdue.
    Notified,
    Rated {
        satisfied: bool,
    },
    Withdrawn,
    Closed,
}

/// How a running clock ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Its step was taken (accepted, refused, acknowledged, answered).
    Step,
    /// It stopped without its step (withdrawn, transferred away, refused unanswered).
    Stop,
}

/// Which cohort a clock belongs to, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cohort {
    Answer,
    FirstStep,
}

fn cohort(kind: Kind, clock: ClockName) -> Option<Cohort> {
    if clock == answer_clock(kind) {
        Some(Cohort::Answer)
    } else if clock == first_step_clock(kind) {
        Some(Cohort::FirstStep)
    } else {
        None
    }
}

/// The month key (`yyyymm`) of an instant's date in Vietnam; `None` outside the years
/// periods can name.
pub fn month_of(at: DateTime<Utc>) -> Option<YearMonth> {
    YearMonth::of(local_date(at))
}

/// Working days from `from` (not counted) to `to` (counted), as the clocks count them. At
/// most ten years are counted; a longer wait is reported as that.
pub fn working_days_between(calendar: &impl Calendar, from: NaiveDate, to: NaiveDate) -> u32 {
    let mut days = 0;
    let mut day = from;
    for _ in 0..3650 {
        if day >= to {
            break;
        }
        day = day + DayCount::new(1);
        if calendar.is_working_day(day) {
            days += 1;
        }
    }
    days
}

/// The changes folded so far: counters per cell and working days to answer per cell.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes {
    pub cells: HashMap<Cell, Tally>,
    /// (cell, working days) → number of answers.
    pub days: HashMap<(Cell, u32), i64>,
}

impl Changes {
    fn bump(&mut self, cell: Option<Cell>, change: impl FnOnce(&mut Tally)) {
        if let Some(cell) = cell {
            change(self.cells.entry(cell).or_default());
        }
    }

    /// Files a supervision request at `office_id` (DESIGN §3.8).
    pub fn supervision_filed(&mut self, office_id: i64, at: DateTime<Utc>) {
        let cell = bare_cell(office_id, month_of(at));
        self.bump(cell, |t| t.supervision_filed += 1);
    }

    /// The office replied to a supervision request due at `due_at`.
    pub fn supervision_answered(
        &mut self,
        office_id: i64,
        at: DateTime<Utc>,
        due_at: DateTime<Utc>,
    ) {
        let cell = bare_cell(office_id, month_of(at));
        self.bump(cell, |t| {
            t.supervision_answered += 1;
            t.supervision_on_time += i64::from(at <= due_at);
        });
    }

    /// Folds one event of a petition into the changes, updating (or ending) its track.
    pub fn apply(
        &mut self,
        calendar: &impl Calendar,
        track: &mut Option<Track>,
        at: DateTime<Utc>,
        happening: Happening,
    ) {
        if let Happening::Received {
            office_id,
            kind,
            category,
            online,
            clocks,
        } = happening
        {
            let new = Track {
                office_id,
                kind,
                category,
                online,
                received_on: local_date(at),
                clocks: clocks.into_iter().map(running).collect(),
                overdue_at: None,
                answer: None,
            };
            self.bump(cell(&new, office_id, month_of(at)), |t| t.received += 1);
            *track = Some(new);
            return;
        }
        // An event of a petition the fold never saw received (or already closed) changes
        // nothing: there is no cell to count it in.
        let Some(t) = track.as_mut() else {
            return;
        };
        let here = cell(t, t.office_id, month_of(at));
        let mut done = false;
        match happening {
            Happening::Received { .. } => {}
            Happening::Accepted { clocks } => {
                self.bump(here, |c| c.accepted += 1);
                self.end_clocks(t, at, |name| match name {
                    ClockName::Accept | ClockName::InitialProcessing | ClockName::Acknowledge => {
                        Some(End::Step)
                    }
                    _ => None,
                });
                start(t, clocks);
            }
            Happening::Rejected => {
                self.bump(here, |c| c.rejected += 1);
                let kind = t.kind;
                self.end_clocks(t, at, |name| match cohort(kind, name) {
                    Some(Cohort::FirstStep) => Some(End::Step),
                    _ => Some(End::Stop),
                });
                done = true;
            }
            Happening::Transferred { to_office, clocks } => {
                self.bump(here, |c| c.transferred_out += 1);
                self.end_clocks(t, at, |_| Some(End::Stop));
                self.settle_overdue(t, at);
                t.office_id = to_office;
                t.received_on = local_date(at);
                t.answer = None;
                self.bump(cell(t, to_office, month_of(at)), |c| c.received += 1);
                start(t, clocks);
            }
            Happening::Moved { clock, due_at } => self.move_clock(t, at, clock, due_at),
            Happening::Missed { clock } => self.miss(t, clock),
            Happening::Answered => {
                let on_time = t
                    .clocks
                    .iter()
                    .find(|c| c.name == answer_clock(t.kind))
                    .is_some_and(|c| at <= c.due_at);
                let online = t.online;
                self.bump(here.clone(), |c| {
                    c.answered += 1;
                    c.answered_on_time += i64::from(on_time);
                    c.answered_online += i64::from(online);
                });
                if let Some(here) = here {
                    let days = working_days_between(calendar, t.received_on, local_date(at));
                    *self.days.entry((here.clone(), days)).or_default() += 1;
                    t.answer = Some((t.office_id, here.month.key()));
                }
                let kind = t.kind;
                self.end_clocks(t, at, |name| match cohort(kind, name) {
                    Some(_) => Some(End::Step),
                    None => Some(End::Stop),
                });
            }
            Happening::Notified => {
                self.end_clocks(t, at, |name| {
                    (name == ClockName::Notify).then_some(End::Step)
                });
            }
            Happening::NotCompetent { clocks } => {
                self.end_clocks(t, at, |name| {
                    (name == ClockName::InitialProcessing).then_some(End::Step)
                });
                start(t, clocks);
            }
            Happening::Rated { satisfied } => {
                let answer = t
                    .answer
                    .and_then(|(office, key)| cell(t, office, YearMonth::from_key(key)));
                self.bump(answer, |c| {
                    c.rated += 1;
                    c.satisfied += i64::from(satisfied);
                });
                done = true;
            }
            Happening::Withdrawn => {
                self.bump(here, |c| c.withdrawn += 1);
                self.end_clocks(t, at, |_| Some(End::Stop));
                done = true;
            }
            Happening::Closed => done = true,
        }
        if done {
            // Whatever still ran has stopped with the petition.
            t.clocks.clear();
        }
        self.settle_overdue(t, at);
        if done {
            *track = None;
        }
    }

    /// Ends the running clocks `how` picks, counting each in its cohort.
    fn end_clocks(
        &mut self,
        t: &mut Track,
        at: DateTime<Utc>,
        how: impl Fn(ClockName) -> Option<End>,
    ) {
        let clocks = std::mem::take(&mut t.clocks);
        for clock in clocks {
            let Some(end) = how(clock.name) else {
                t.clocks.push(clock);
                continue;
            };
            let Some(cohort) = cohort(t.kind, clock.name) else {
                continue;
            };
            let late = at > clock.due_at;
            match (clock.joined, end) {
                // Joined when its due time passed: a late answer still counts as answered.
                (Some((office, key)), End::Step) => {
                    if cohort == Cohort::Answer {
                        self.bump(cell(t, office, YearMonth::from_key(key)), |c| {
                            c.due_answered += 1
                        });
                    }
                }
                (Some(_), End::Stop) => {}
                (None, End::Step) => {
                    let due = cell(t, t.office_id, month_of(clock.due_at));
                    self.bump(due, |c| match cohort {
                        Cohort::Answer => {
                            c.due += 1;
                            c.due_answered += 1;
                            c.due_on_time += i64::from(!late);
                        }
                        Cohort::FirstStep => {
                            c.ack_due += 1;
                            c.ack_on_time += i64::from(!late);
                        }
                    });
                }
                // Stopped after its due time without its step: in the cohort, unanswered.
                // Stopped before: left out, the office no longer had to act on it.
                (None, End::Stop) if late => {
                    let due = cell(t, t.office_id, month_of(clock.due_at));
                    self.bump(due, |c| match cohort {
                        Cohort::Answer => c.due += 1,
                        Cohort::FirstStep => c.ack_due += 1,
                    });
                }
                (None, End::Stop) => {}
            }
        }
    }

    /// The sweeper saw the clock's due time pass: it joins its cohort (unanswered, for now)
    /// and makes the petition overdue.
    fn miss(&mut self, t: &mut Track, name: ClockName) {
        let office = t.office_id;
        let kind = t.kind;
        let Some(clock) = t.clocks.iter_mut().find(|c| c.name == name) else {
            return;
        };
        clock.overdue = true;
        if clock.joined.is_some() {
            return;
        }
        let Some(cohort) = cohort(kind, name) else {
            return;
        };
        let Some(month) = month_of(clock.due_at) else {
            return;
        };
        clock.joined = Some((office, month.key()));
        let due = cell(t, office, Some(month));
        self.bump(due, |c| match cohort {
            Cohort::Answer => c.due += 1,
            Cohort::FirstStep => c.ack_due += 1,
        });
    }

    /// A clock's due time moved (an extension, a recomputation). A clock that had joined a
    /// cohort by passing its old due time leaves it, and joins again by its new one.
    fn move_clock(
        &mut self,
        t: &mut Track,
        at: DateTime<Utc>,
        name: ClockName,
        due_at: DateTime<Utc>,
    ) {
        let kind = t.kind;
        let Some(position) = t.clocks.iter().position(|c| c.name == name) else {
            return;
        };
        let clock = &mut t.clocks[position];
        clock.due_at = due_at;
        if at <= due_at {
            clock.overdue = false;
        }
        let Some((office, key)) = clock.joined else {
            return;
        };
        if at > due_at {
            return;
        }
        clock.joined = None;
        let left = cell(t, office, YearMonth::from_key(key));
        self.bump(left, |c| match cohort(kind, name) {
            Some(Cohort::Answer) => c.due -= 1,
            Some(Cohort::FirstStep) => c.ack_due -= 1,
            None => {}
        });
    }

    /// Counts the petition as overdue, or no longer, when that changed: overdue from the day
    /// after the due date of its first missed clock, until the event that ends it.
    fn settle_overdue(&mut self, t: &mut Track, at: DateTime<Utc>) {
        let first_missed = t
            .clocks
            .iter()
            .filter(|c| c.overdue)
            .map(|c| c.due_at)
            .min();
        match (t.overdue_at, first_missed) {
            (None, Some(due_at)) => {
                let since = local_date(due_at) + DayCount::new(1);
                self.bump(cell(t, t.office_id, YearMonth::of(since)), |c| {
                    c.overdue_change += 1
                });
                t.overdue_at = Some(t.office_id);
            }
            (Some(office), None) => {
                self.bump(cell(t, office, month_of(at)), |c| c.overdue_change -= 1);
                t.overdue_at = None;
            }
            _ => {}
        }
    }
}

fn running((name, due_at): (ClockName, DateTime<Utc>)) -> TrackedClock {
    TrackedClock {
        name,
        due_at,
        joined: None,
        overdue: false,
    }
}

/// Starts clocks, replacing any of the same name.
fn start(t: &mut Track, clocks: Vec<(ClockName, DateTime<Utc>)>) {
    for clock in clocks {
        t.clocks.retain(|c| c.name != clock.0);
        t.clocks.push(running(clock));
    }
}

fn cell(t: &Track, office_id: i64, month: Option<YearMonth>) -> Option<Cell> {
    Some(Cell {
        office_id,
        month: month?,
        kind: Some(t.kind),
        category: Some(t.category.clone()),
    })
}

fn bare_cell(office_id: i64, month: Option<YearMonth>) -> Option<Cell> {
    Some(Cell {
        office_id,
        month: month?,
        kind: None,
        category: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::{WeekdayCalendar, end_of_day};
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// 09:00 in Vietnam on that day.
    fn morning(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap()
    }

    fn total(changes: &Changes) -> Tally {
        let mut sum = Tally::default();
        for t in changes.cells.values() {
            sum.add(t);
        }
        sum
    }

    fn month(y: u16, m: u8) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    fn at_month(changes: &Changes, office: i64, m: YearMonth) -> Tally {
        let mut sum = Tally::default();
        for (cell, t) in &changes.cells {
            if cell.office_id == office && cell.month == m {
                sum.add(t);
            }
        }
        sum
    }

    fn received(office: i64, kind: Kind, clocks: Vec<(ClockName, DateTime<Utc>)>) -> Happening {
        Happening::Received {
            office_id: office,
            kind,
            category: "land".into(),
            online: true,
            clocks,
        }
    }

    #[test]
    fn an_answer_in_time_counts_in_the_due_month_and_the_answer_month() {
        let mut c = Changes::default();
        let mut t = None;
        let due = end_of_day(day(2026, 2, 3));
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 20),
            received(7, Kind::Recommendation, vec![(ClockName::Answer, due)]),
        );
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 30),
            Happening::Answered,
        );
        let jan = at_month(&c, 7, month(2026, 1));
        let feb = at_month(&c, 7, month(2026, 2));
        assert_eq!(
            (jan.received, jan.answered, jan.answered_on_time),
            (1, 1, 1)
        );
        assert_eq!((feb.due, feb.due_answered, feb.due_on_time), (1, 1, 1));
        assert_eq!(jan.due, 0);
        // Tue 20 Jan (not counted) to Fri 30 Jan: 8 working days.
        let days: Vec<_> = c.days.iter().map(|((_, d), n)| (*d, *n)).collect();
        assert_eq!(days, vec![(8, 1)]);
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 2, 10),
            Happening::Rated { satisfied: true },
        );
        let jan = at_month(&c, 7, month(2026, 1));
        assert_eq!((jan.rated, jan.satisfied), (1, 1));
        assert!(t.is_none(), "a rating ends the petition's track");
    }

    #[test]
    fn a_missed_clock_joins_its_cohort_and_a_late_answer_is_answered_not_on_time() {
        let mut c = Changes::default();
        let mut t = None;
        let due = end_of_day(day(2026, 1, 30));
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 2),
            received(7, Kind::Feedback, vec![(ClockName::Answer, due)]),
        );
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 31),
            Happening::Missed {
                clock: ClockName::Answer,
            },
        );
        let jan = at_month(&c, 7, month(2026, 1));
        let feb = at_month(&c, 7, month(2026, 2));
        assert_eq!((jan.due, jan.due_answered), (1, 0));
        // Overdue from 31 January, so at the end of January.
        assert_eq!(jan.overdue_change, 1);
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 2, 4),
            Happening::Answered,
        );
        let jan = at_month(&c, 7, month(2026, 1));
        let feb2 = at_month(&c, 7, month(2026, 2));
        assert_eq!((jan.due, jan.due_answered, jan.due_on_time), (1, 1, 0));
        assert_eq!((feb2.answered, feb2.answered_on_time), (1, 0));
        assert_eq!(feb2.overdue_change - feb.overdue_change, -1);
        assert_eq!(total(&c).overdue_change, 0);
    }

    #[test]
    fn notifying_a_denouncer_late_ends_the_overdue_it_caused_and_touches_no_cohort() {
        let mut c = Changes::default();
        let mut t = None;
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 2),
            received(7, Kind::Denunciation, Vec::new()),
        );
        let notify_due = end_of_day(day(2026, 1, 9));
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 2),
            Happening::Accepted {
                clocks: vec![
                    (ClockName::Resolve, end_of_day(day(2026, 2, 2))),
                    (ClockName::Notify, notify_due),
                ],
            },
        );
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 10),
            Happening::Missed {
                clock: ClockName::Notify,
            },
        );
        assert_eq!(
            total(&c).overdue_change,
            1,
            "overdue while the notice is late"
        );
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 12),
            Happening::Notified,
        );
        let sum = total(&c);
        assert_eq!(sum.overdue_change, 0, "notified: no longer overdue");
        assert_eq!((sum.due, sum.ack_due), (0, 0));
        let track = t.expect("still open");
        assert_eq!(
            track.clocks.iter().map(|c| c.name).collect::<Vec<_>>(),
            vec![ClockName::Resolve]
        );
    }

    #[test]
    fn a_withdrawal_before_the_due_time_leaves_the_clock_out_and_after_keeps_it_in() {
        for (withdrawn, expected_due) in [(morning(2026, 1, 10), 0), (morning(2026, 2, 10), 1)] {
            let mut c = Changes::default();
            let mut t = None;
            c.apply(
                &WeekdayCalendar,
                &mut t,
                morning(2026, 1, 2),
                received(
                    7,
                    Kind::Recommendation,
                    vec![(ClockName::Answer, end_of_day(day(2026, 1, 30)))],
                ),
            );
            c.apply(&WeekdayCalendar, &mut t, withdrawn, Happening::Withdrawn);
            let sum = total(&c);
            assert_eq!(
                (sum.withdrawn, sum.due, sum.due_answered),
                (1, expected_due, 0)
            );
            assert!(t.is_none());
        }
    }

    #[test]
    fn a_transfer_counts_out_at_one_office_and_in_at_the_other() {
        let mut c = Changes::default();
        let mut t = None;
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 3, 2),
            received(
                1,
                Kind::Complaint,
                vec![(ClockName::Accept, end_of_day(day(2026, 3, 12)))],
            ),
        );
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 3, 4),
            Happening::Transferred {
                to_office: 2,
                clocks: vec![(ClockName::Accept, end_of_day(day(2026, 3, 16)))],
            },
        );
        let one = at_month(&c, 1, month(2026, 3));
        let two = at_month(&c, 2, month(2026, 3));
        assert_eq!((one.received, one.transferred_out, one.ack_due), (1, 1, 0));
        assert_eq!(two.received, 1);
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 3, 5),
            Happening::Accepted {
                clocks: vec![(ClockName::Resolve, end_of_day(day(2026, 4, 20)))],
            },
        );
        let two = at_month(&c, 2, month(2026, 3));
        assert_eq!((two.accepted, two.ack_due, two.ack_on_time), (1, 1, 1));
        assert_eq!(t.as_ref().unwrap().received_on, day(2026, 3, 4));
    }

    #[test]
    fn an_extension_after_the_due_time_takes_the_clock_out_of_the_cohort_it_joined() {
        let mut c = Changes::default();
        let mut t = None;
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 2),
            received(
                7,
                Kind::Recommendation,
                vec![(ClockName::Answer, end_of_day(day(2026, 1, 20)))],
            ),
        );
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 21),
            Happening::Missed {
                clock: ClockName::Answer,
            },
        );
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 22),
            Happening::Moved {
                clock: ClockName::Answer,
                due_at: end_of_day(day(2026, 2, 20)),
            },
        );
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 2, 2),
            Happening::Answered,
        );
        let jan = at_month(&c, 7, month(2026, 1));
        let feb = at_month(&c, 7, month(2026, 2));
        assert_eq!(jan.due, 0);
        assert_eq!((feb.due, feb.due_answered, feb.due_on_time), (1, 1, 1));
        assert_eq!(
            jan.overdue_change, 0,
            "overdue one day, counted and uncounted in January"
        );
    }

    #[test]
    fn events_of_unknown_petitions_and_supervision_count_where_they_should() {
        let mut c = Changes::default();
        let mut t = None;
        c.apply(
            &WeekdayCalendar,
            &mut t,
            morning(2026, 1, 2),
            Happening::Answered,
        );
        assert!(c.cells.is_empty());
        c.supervision_filed(3, morning(2026, 1, 2));
        c.supervision_answered(3, morning(2026, 1, 20), end_of_day(day(2026, 1, 23)));
        c.supervision_answered(3, morning(2026, 1, 26), end_of_day(day(2026, 1, 23)));
        let sum = total(&c);
        assert_eq!(
            (
                sum.supervision_filed,
                sum.supervision_answered,
                sum.supervision_on_time
            ),
            (1, 2, 1)
        );
        assert!(c.cells.keys().all(|cell| cell.kind.is_none()));
    }

    #[test]
    fn tally_columns_and_values_agree() {
        let t = Tally {
            received: 1,
            supervision_on_time: 19,
            ..Tally::default()
        };
        assert_eq!(Tally::COLUMNS.len(), t.values().len());
        assert_eq!(Tally::from_values(&t.values()), t);
        assert_eq!(Tally::COLUMNS[0], "received");
    }

    /// A random life of one petition: a sequence of actions a day or more apart.
    fn life() -> impl Strategy<Value = Vec<(u8, u64)>> {
        prop::collection::vec((0u8..9, 1u64..25), 0..12)
    }

    proptest! {
        /// Whatever the order of events, the cohorts stay consistent: no more answered than
        /// due, no more on time than answered, never a negative overdue count, and a
        /// petition that ends is no longer counted as overdue.
        #[test]
        fn cohorts_stay_consistent(
            kind in prop::sample::select(Kind::ALL.to_vec()),
            steps in life(),
        ) {
            let mut c = Changes::default();
            let mut t = None;
            let mut now = morning(2026, 1, 5);
            let clocks = |now: DateTime<Utc>, k: Kind| vec![
                (first_step_clock(k), now + chrono::Duration::days(10)),
                (answer_clock(k), now + chrono::Duration::days(30)),
            ];
            c.apply(&WeekdayCalendar, &mut t, now, received(1, kind, clocks(now, kind)));
            let mut overdue_so_far = 0;
            for (action, gap) in steps {
                now += chrono::Duration::days(gap as i64);
                let names: Vec<ClockName> = t.as_ref().map(|t: &Track| t.clocks.iter().map(|c| c.name).collect()).unwrap_or_default();
                let happening = match action {
                    0 => Happening::Accepted { clocks: vec![(answer_clock(kind), now + chrono::Duration::days(30))] },
                    1 => Happening::Rejected,
                    2 => Happening::Transferred { to_office: 2, clocks: clocks(now, kind) },
                    3 => match names.first() {
                        Some(name) => Happening::Moved { clock: *name, due_at: now + chrono::Duration::days(gap as i64) },
                        None => Happening::Closed,
                    },
                    4 | 5 => match names.iter().find(|n| t.as_ref().unwrap().clocks.iter().any(|c| c.name == **n && c.due_at < now)) {
                        Some(name) => Happening::Missed { clock: *name },
                        None => Happening::Answered,
                    },
                    6 => Happening::Answered,
                    7 => Happening::Rated { satisfied: gap % 2 == 0 },
                    _ => Happening::Withdrawn,
                };
                c.apply(&WeekdayCalendar, &mut t, now, happening);
                let sum = total(&c);
                prop_assert!(sum.overdue_change >= 0 && sum.overdue_change <= 1);
                overdue_so_far = sum.overdue_change;
                prop_assert!(sum.due >= sum.due_answered && sum.due_answered >= sum.due_on_time && sum.due_on_time >= 0);
                prop_assert!(sum.ack_due >= sum.ack_on_time && sum.ack_on_time >= 0);
                prop_assert!(sum.answered >= sum.answered_on_time && sum.answered >= sum.rated && sum.rated >= sum.satisfied);
            }
            let still_overdue = t.as_ref().is_some_and(|t| t.overdue_at.is_some());
            prop_assert_eq!(overdue_so_far, i64::from(still_overdue));
        }
    }
}
