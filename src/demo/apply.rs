//! Writes a [`Plan`] through the service's own database functions, as the year it describes
//! would have written it: intake with routing and clocks, the officials' workflow, the
//! citizens' ratings and withdrawals, each at its planned (backdated) instant; the deadline
//! sweeper every simulated night; the statistics' rollups at the end.
//!
//! Every action of every petition goes into one agenda sorted by instant, so that the events
//! are appended in the order of their times, as the audit chain expects. Actions are written in
//! transactions of a few hundred; the sweeper runs between them, at 00:01 each night.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use diesel::prelude::*;

use super::plan::{Act, Desk, Plan, PlannedAccount, PlannedPetition, local};
use super::texts;
use crate::auth::accounts::{self, AccountRequest, CreateError};
use crate::auth::{api_key, password, receipt};
use crate::db::admin_units_cache::AdminUnitsSnapshot;
use crate::db::events::Actor;
use crate::db::petitions::{self, ActError, NewIntake, SubmitError};
use crate::db::schema::{events, petitions as petitions_table};
use crate::db::workflow::{self, Answer, NotExtendable};
use crate::db::{DbConnection, DbError, partners, users, write_transaction};
use crate::domain::calendar::VietnamCalendar;
use crate::domain::clock::local_date;
use crate::domain::petition::{self as law, Channel, Submission};
use crate::domain::rules::{Law, RuleBook};
use crate::domain::staff::{Role, Scope};
use crate::domain::tracking::{RANDOM_SYMBOLS, TrackingCode};
use crate::jobs::sweeper::Sweep;
use crate::vault::Vault;

/// Actions per transaction.
pub const BATCH: usize = 400;

/// Events folded into the statistics per transaction at the end.
pub const FOLD_BATCH: i64 = 100_000;

/// What the plan is written with.
pub struct Context<'a> {
    pub calendar: &'a VietnamCalendar,
    pub rules: &'a RuleBook,
    pub units: &'a AdminUnitsSnapshot,
    pub vault: &'a Vault,
    /// As the server's sweeper is configured (`APPROACHING_WORKING_DAYS`).
    pub approaching_working_days: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Db(#[from] DbError),
    /// The plan and the service disagree: a bug in the demo, or a database whose reference
    /// data or rules were changed in a way the demo cannot follow.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Random(#[from] crate::auth::RandomError),
    #[error("hashing a password failed")]
    Hash,
}

impl From<diesel::result::Error> for ApplyError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e.into())
    }
}

/// A staff account as made (or found from an earlier run).
#[derive(Debug, Clone, serde::Serialize)]
pub struct MadeAccount {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub office_id: Option<i64>,
    pub office: Option<String>,
    pub scope: Option<String>,
    /// `None` for an account an earlier run made: its password is what that run printed.
    pub password: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MadePartner {
    pub id: i64,
    pub name: String,
    pub api_key: String,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub received: u64,
    pub transferred: u64,
    pub accepted: u64,
    /// Denouncers told of the acceptance.
    pub notified: u64,
    pub rejected: u64,
    pub extended: u64,
    /// Extensions the rules refused (the plan asks only for allowed ones: expected 0).
    pub extensions_refused: u64,
    pub answered: u64,
    pub rated: u64,
    pub satisfied: u64,
    pub closed: u64,
    pub withdrawn: u64,
    /// Actions the service refused, and the rest of their petitions' plans (expected 0).
    pub skipped: u64,
    pub sweeps: u64,
    pub deadlines_missed: u64,
    pub deadlines_approaching: u64,
    pub superiors_notified: u64,
    /// Supervision requests the province supervisors filed, and those the offices answered.
    pub supervision_filed: u64,
    pub supervision_answered: u64,
}

/// Where the petitions stand at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Standing {
    pub by_status: BTreeMap<String, u64>,
    /// Open (received or accepted) with a clock past its due time at the end of the period.
    pub open_overdue: u64,
    pub events: i64,
}

pub struct Outcome {
    pub accounts: Vec<MadeAccount>,
    pub partners: Vec<MadePartner>,
    pub counts: Counts,
    pub standing: Standing,
    pub events_folded: usize,
}

/// How far the writing has got: called after every simulated month.
pub struct Progress<'a> {
    pub month: String,
    pub counts: &'a Counts,
}

/// Writes the plan. The caller has checked the database may take it.
pub fn apply(
    conn: &mut DbConnection,
    ctx: &Context,
    plan: &Plan,
    progress: &mut dyn FnMut(Progress),
) -> Result<Outcome, ApplyError> {
    let offices = Offices::resolve(ctx.units, plan)?;
    let accounts = make_accounts(conn, plan, &offices)?;
    let staff = Staff::of(&accounts);
    let partners = make_partners(conn, plan)?;
    let partner_ids: Vec<i64> = partners.iter().map(|p| p.id).collect();

    let law = Law {
        calendar: ctx.calendar,
        rules: ctx.rules,
    };
    let mut writer = Writer {
        ctx,
        law,
        plan,
        offices: &offices,
        staff: &staff,
        partner_ids: &partner_ids,
        ids: vec![None; plan.petitions.len()],
        dead: vec![false; plan.petitions.len()],
        counts: Counts::default(),
        supervisors: accounts
            .iter()
            .filter(|a| a.role == Role::Supervisor)
            .filter_map(|a| a.scope.as_deref()?.parse::<Scope>().ok().map(|s| (a.id, s)))
            .filter(|(_, scope)| matches!(scope, Scope::Province(_)))
            .collect(),
        replies: Vec::new(),
    };
    let agenda = agenda(plan);
    let mut next_sweep = night_after(plan.first_day);
    let mut month = month_of(plan.first_day);
    let mut i = 0;
    loop {
        let next = agenda.get(i).map(|e| e.at);
        if next.is_none_or(|at| at >= next_sweep) {
            if next_sweep > plan.end {
                break;
            }
            writer.sweep(conn, next_sweep)?;
            let day = local_date(next_sweep);
            if month_of(day) != month {
                progress(Progress {
                    month: month.clone(),
                    counts: &writer.counts,
                });
                month = month_of(day);
            }
            next_sweep += Duration::days(1);
            continue;
        }
        let end = agenda[i..]
            .iter()
            .take(BATCH)
            .take_while(|e| e.at < next_sweep)
            .count();
        let batch = &agenda[i..i + end];
        write_transaction(conn, |conn| {
            batch.iter().try_for_each(|entry| writer.apply(conn, entry))
        })?;
        i += end;
    }
    // The last night's sweep has run; the period ends at the end of its last day.
    writer.sweep(conn, plan.end)?;
    progress(Progress {
        month,
        counts: &writer.counts,
    });
    // Folded once at the end, in big batches: a batch's changes to the same cell collapse into
    // one row written, and a year of events touches the same cells over and over.
    let events_folded = crate::db::stats::rollup::catch_up_by(
        conn,
        ctx.calendar,
        FOLD_BATCH,
        plan.end.naive_utc(),
    )?;
    let standing = standing(conn, &writer.ids, plan.end)?;
    Ok(Outcome {
        accounts,
        partners,
        counts: writer.counts,
        standing,
        events_folded,
    })
}

fn month_of(day: chrono::NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// 00:01 in Vietnam on the day after `day`: when the nightly sweep runs.
fn night_after(day: chrono::NaiveDate) -> DateTime<Utc> {
    local(day.succ_opt().unwrap_or(day), 60)
}

/// One action: the receipt of a petition (step 0) or its `step`th planned act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    at: DateTime<Utc>,
    petition: usize,
    step: usize,
}

/// Every action of the plan in the order of its instant (then petition, then step: a
/// petition's steps never overtake one another).
fn agenda(plan: &Plan) -> Vec<Entry> {
    let mut agenda: Vec<Entry> = plan
        .petitions
        .iter()
        .enumerate()
        .flat_map(|(petition, p)| {
            std::iter::once(Entry {
                at: p.received_at,
                petition,
                step: 0,
            })
            .chain(p.steps.iter().enumerate().map(move |(k, s)| Entry {
                at: s.at,
                petition,
                step: k + 1,
            }))
        })
        .collect();
    agenda.sort_unstable();
    agenda
}

/// The office of every desk of the plan.
struct Offices {
    communes: Vec<(i64, String)>,
    provinces: Vec<(i64, String)>,
}

impl Offices {
    fn resolve(units: &AdminUnitsSnapshot, plan: &Plan) -> Result<Self, ApplyError> {
        let communes = plan
            .communes
            .iter()
            .map(|c| {
                units
                    .commune(&c.code)
                    .map(|d| (d.office.id, d.office.name.clone()))
                    .ok_or_else(|| ApplyError::Refused(format!("commune {} is unknown", c.code)))
            })
            .collect::<Result<_, _>>()?;
        let provinces = plan
            .provinces
            .iter()
            .map(|p| {
                units
                    .province(&p.code)
                    .and_then(|s| s.office.as_ref())
                    .map(|o| (o.id, o.name.clone()))
                    .ok_or_else(|| {
                        ApplyError::Refused(format!("province {} has no office", p.code))
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            communes,
            provinces,
        })
    }

    fn of(&self, desk: Desk) -> Option<&(i64, String)> {
        match desk {
            Desk::Commune(c) => self.communes.get(c),
            Desk::Province(p) => self.provinces.get(p),
        }
    }
}

/// The official and the office head of each office, by office id.
struct Staff(BTreeMap<i64, (Option<i64>, Option<i64>)>);

impl Staff {
    fn of(accounts: &[MadeAccount]) -> Self {
        let mut map: BTreeMap<i64, (Option<i64>, Option<i64>)> = BTreeMap::new();
        for a in accounts {
            if let Some(office) = a.office_id {
                let entry = map.entry(office).or_default();
                match a.role {
                    Role::Official => entry.0 = Some(a.id),
                    Role::OfficeHead => entry.1 = Some(a.id),
                    Role::Supervisor | Role::Admin => {}
                }
            }
        }
        Self(map)
    }

    fn official(&self, office: i64) -> Option<i64> {
        self.0.get(&office).and_then(|s| s.0)
    }

    fn head(&self, office: i64) -> Option<i64> {
        self.0.get(&office).and_then(|s| s.1)
    }
}

/// Makes the plan's accounts as of its setup time; an account an earlier run made (same
/// username, role, office and scope) is used as it is.
fn make_accounts(
    conn: &mut DbConnection,
    plan: &Plan,
    offices: &Offices,
) -> Result<Vec<MadeAccount>, ApplyError> {
    let mut made = Vec::with_capacity(plan.accounts.len());
    let mut to_make = Vec::new();
    for planned in &plan.accounts {
        let office = planned.desk.and_then(|d| offices.of(d)).cloned();
        let request = AccountRequest {
            username: planned.username.clone(),
            password: planned.password.clone(),
            role: planned.role,
            office_id: office.as_ref().map(|o| o.0),
            scope: planned.scope.clone(),
            can_reveal_identity: planned.can_reveal_identity,
        };
        let checked = accounts::check(&request).map_err(|v| {
            ApplyError::Refused(format!(
                "account {}: {}",
                planned.username,
                fields(&v).join(", ")
            ))
        })?;
        let account = MadeAccount {
            id: 0,
            username: planned.username.clone(),
            role: planned.role,
            office_id: office.as_ref().map(|o| o.0),
            office: office.map(|o| o.1),
            scope: planned.scope.clone(),
            password: Some(planned.password.clone()),
        };
        match users::find_active_by_username(conn, &planned.username)? {
            Some(existing) => {
                let same = existing.role == planned.role
                    && existing.office_id == account.office_id
                    && existing.scope == account.scope;
                if !same {
                    return Err(ApplyError::Refused(format!(
                        "an account named {} already exists with another role, office or scope",
                        planned.username
                    )));
                }
                made.push(MadeAccount {
                    id: existing.id,
                    password: None,
                    ..account
                });
            }
            None => {
                to_make.push((made.len(), checked, planned));
                made.push(account);
            }
        }
    }
    let hashes = hash_all(to_make.iter().map(|(_, _, p)| *p).collect())?;
    write_transaction(conn, |conn| {
        for ((at, checked, _), hash) in to_make.iter().zip(&hashes) {
            let user = accounts::create(
                conn,
                checked,
                hash,
                &Actor::System,
                plan.setup_at.naive_utc(),
            )
            .map_err(|e| match e {
                CreateError::Db(e) => ApplyError::Db(e),
                CreateError::Invalid(v) => ApplyError::Refused(format!(
                    "account {}: {}",
                    checked.username,
                    fields(&v).join(", ")
                )),
                CreateError::Hash(_) => ApplyError::Hash,
            })?;
            made[*at].id = user.id;
        }
        Ok::<_, ApplyError>(())
    })?;
    Ok(made)
}

fn fields(violations: &[law::Violation]) -> Vec<String> {
    violations
        .iter()
        .map(|v| format!("{} ({:?})", v.field, v.fault))
        .collect()
}

/// argon2id takes its time on purpose: hash on every core.
fn hash_all(accounts: Vec<&PlannedAccount>) -> Result<Vec<String>, ApplyError> {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let chunk = accounts.len().div_ceil(cores).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = accounts
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|a| password::hash(&a.password).map_err(|_| ApplyError::Hash))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(accounts.len());
        for worker in workers {
            all.extend(worker.join().map_err(|_| ApplyError::Hash)??);
        }
        Ok(all)
    })
}

/// New partners, with new random keys (shown once, like `tiengdan partner create`).
fn make_partners(conn: &mut DbConnection, plan: &Plan) -> Result<Vec<MadePartner>, ApplyError> {
    let keys = plan
        .partners
        .iter()
        .map(|_| api_key::generate())
        .collect::<Result<Vec<_>, _>>()?;
    write_transaction(conn, |conn| {
        plan.partners
            .iter()
            .zip(keys)
            .map(|(name, key)| {
                let row = partners::create(conn, name, &key, plan.setup_at.naive_utc())?;
                Ok(MadePartner {
                    id: row.id,
                    name: row.name,
                    api_key: key.key,
                })
            })
            .collect()
    })
}

struct Writer<'a> {
    ctx: &'a Context<'a>,
    law: Law<'a>,
    plan: &'a Plan,
    offices: &'a Offices,
    staff: &'a Staff,
    partner_ids: &'a [i64],
    /// The stored id of each planned petition, once received.
    ids: Vec<Option<i64>>,
    /// Petitions whose plan the service refused to follow.
    dead: Vec<bool>,
    counts: Counts,
    /// The province supervisors, who file a supervision request each month.
    supervisors: Vec<(i64, Scope)>,
    /// Requests to answer: the night of the reply, the request, its office.
    replies: Vec<(DateTime<Utc>, i64, i64)>,
}

impl Writer<'_> {
    fn sweep(&mut self, conn: &mut DbConnection, at: DateTime<Utc>) -> Result<(), ApplyError> {
        let swept = Sweep::at(self.ctx.calendar, at, self.ctx.approaching_working_days)
            .run_blocking(conn)?;
        self.counts.sweeps += 1;
        self.counts.deadlines_missed += swept.missed as u64;
        self.counts.deadlines_approaching += swept.approaching as u64;
        self.counts.superiors_notified += swept.notices as u64;
        self.supervise(conn, at)
    }

    /// On the first night of each month every province's supervisor asks the office with the
    /// most overdue petitions in the province (at least three) to report on them; most offices
    /// answer within the 15 working days, some late, some never.
    fn supervise(&mut self, conn: &mut DbConnection, at: DateTime<Utc>) -> Result<(), ApplyError> {
        let due: Vec<(i64, i64)> = self
            .replies
            .iter()
            .filter(|(night, ..)| *night <= at)
            .map(|(_, request, office)| (*request, *office))
            .collect();
        self.replies.retain(|(night, ..)| *night > at);
        for (request, office) in due {
            let Some(official) = self.staff.official(office) else {
                continue;
            };
            let body =
                "Ủy ban đã rà soát các trường hợp chậm trả lời và báo cáo tiến độ xử lý từng đơn.";
            if crate::db::supervision::reply(conn, request, office, body, official, at)?.is_ok() {
                self.counts.supervision_answered += 1;
            }
        }
        if local_date(at).day() != 1 {
            return Ok(());
        }
        let period = crate::domain::supervision::ReplyPeriod::default();
        for (supervisor, scope) in self.supervisors.clone() {
            let offices = crate::db::oversight::offices_in(conn, &scope, None, 100_000)?;
            let ids: Vec<i64> = offices.iter().map(|o| o.office.id).collect();
            let overdue = crate::db::oversight::overdue_now(conn, &ids, at.naive_utc())?;
            let Some((office, count)) = overdue
                .into_iter()
                .filter(|(_, n)| *n >= 3)
                .max_by_key(|(office, n)| (*n, -office))
            else {
                continue;
            };
            let filing = crate::domain::supervision::Filing {
                office_id: office,
                petition_ids: Vec::new(),
                subject: "Đề nghị báo cáo việc chậm trả lời kiến nghị, phản ánh".into(),
                body: format!(
                    "Ban Thường trực Ủy ban Mặt trận Tổ quốc đề nghị cơ quan báo cáo về {count} đơn đã quá hạn trả lời và thời hạn giải quyết dự kiến."
                ),
            };
            let Ok(filed) = crate::db::supervision::file(
                conn,
                &filing,
                supervisor,
                &scope,
                period,
                self.ctx.calendar,
                at,
            )?
            else {
                continue;
            };
            self.counts.supervision_filed += 1;
            // Six offices in ten answer within a week, two after four weeks (late), two never.
            let days = match (office + i64::from(local_date(at).month())) % 10 {
                0..=5 => Some(7),
                6 | 7 => Some(28),
                _ => None,
            };
            if let Some(days) = days {
                self.replies
                    .push((at + Duration::days(days), filed.request.id, office));
            }
        }
        Ok(())
    }

    fn apply(&mut self, conn: &mut DbConnection, entry: &Entry) -> Result<(), ApplyError> {
        let p = &self.plan.petitions[entry.petition];
        if self.dead[entry.petition] {
            self.counts.skipped += 1;
            return Ok(());
        }
        if entry.step == 0 {
            return self.receive(conn, entry.petition, p);
        }
        let (Some(id), Some(step)) = (self.ids[entry.petition], p.steps.get(entry.step - 1)) else {
            return self.skip(entry.petition);
        };
        let row = workflow::load(conn, id)?;
        let (Some(official), Some(head)) = (
            self.staff.official(row.office_id),
            self.staff.head(row.office_id),
        ) else {
            // Routed or moved to an office the demo has no staff for.
            return self.skip(entry.petition);
        };
        let citizen = match p.channel {
            Channel::Partner => Actor::Partner(self.partner_ids[p.partner]),
            Channel::InPerson => Actor::ReceiptHolder,
        };
        let staff = Actor::Staff(official);
        let at = step.at;
        let done = match &step.act {
            Act::Transfer { to } => {
                let Some((to_office, _)) = self.offices.of(Desk::Commune(*to)) else {
                    return self.skip(entry.petition);
                };
                let done = workflow::transfer(
                    conn,
                    &row,
                    &staff,
                    *to_office,
                    texts::TRANSFER_REASON,
                    at,
                    &self.law,
                );
                self.counts.transferred += u64::from(done.is_ok());
                done
            }
            Act::Accept { complexity } => {
                let done = workflow::accept(conn, &row, &staff, *complexity, at, &self.law);
                self.counts.accepted += u64::from(done.is_ok());
                done
            }
            Act::Reject { reason } => {
                let done = workflow::reject(conn, &row, &staff, *reason, at);
                self.counts.rejected += u64::from(done.is_ok());
                done
            }
            Act::Extend { clock } => {
                match workflow::extend(
                    conn,
                    &row,
                    &Actor::Staff(head),
                    *clock,
                    texts::EXTEND_REASON,
                    at,
                    &self.law,
                ) {
                    Ok(Ok(())) => {
                        self.counts.extended += 1;
                        Ok(())
                    }
                    Ok(Err(NotExtendable)) => {
                        self.counts.extensions_refused += 1;
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            Act::Answer {
                body,
                decision_number,
            } => {
                let answer = Answer {
                    body,
                    decision_number: decision_number.as_deref(),
                    attachments: &[],
                    answered_by: official,
                };
                let done = workflow::answer(conn, &row, &staff, &answer, at);
                self.counts.answered += u64::from(done.is_ok());
                done
            }
            Act::Rate { satisfied, score } => {
                match workflow::rate(conn, &row, &citizen, *satisfied, *score, None, at) {
                    Ok(Ok(())) => {
                        self.counts.rated += 1;
                        self.counts.satisfied += u64::from(*satisfied);
                        Ok(())
                    }
                    Ok(Err(_)) => return self.skip(entry.petition),
                    Err(e) => Err(e),
                }
            }
            Act::Close => {
                let done = workflow::close(conn, &row, &staff, at);
                self.counts.closed += u64::from(done.is_ok());
                done
            }
            Act::Notify => match workflow::notify(conn, &row, &staff, at) {
                Ok(Ok(())) => {
                    self.counts.notified += 1;
                    Ok(())
                }
                // Notified already, or no longer a denunciation with a notice due.
                Ok(Err(workflow::NoNoticeDue)) => Ok(()),
                Err(e) => Err(e),
            },
            Act::Withdraw => {
                let done = petitions::withdraw(conn, id, &citizen, at);
                self.counts.withdrawn += u64::from(done.is_ok());
                done
            }
        };
        match done {
            Ok(()) => Ok(()),
            Err(ActError::WrongState(_)) => self.skip(entry.petition),
            Err(ActError::Db(e)) => Err(e.into()),
        }
    }

    fn skip(&mut self, petition: usize) -> Result<(), ApplyError> {
        self.dead[petition] = true;
        self.counts.skipped += 1;
        Ok(())
    }

    /// Takes a petition in as `POST /v1/petitions` does: checked against the law, routed,
    /// its identity sealed, its clocks started.
    fn receive(
        &mut self,
        conn: &mut DbConnection,
        n: usize,
        p: &PlannedPetition,
    ) -> Result<(), ApplyError> {
        let plan = self.plan;
        let commune_code = &plan.communes[p.commune].code;
        let submission = Submission {
            kind: p.filed,
            category: p.category.clone(),
            commune_code: commune_code.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            occurred_at: None,
            decision_date: p.decision_date,
            location: p.location.clone(),
            subject: p.about_leadership.then(|| "commune_leadership".to_owned()),
            second_time_of: None,
            public: p.public,
            attachments: Vec::new(),
            citizen: p.citizen.clone(),
            anonymous: p.citizen.is_none(),
        };
        let at = p.received_at;
        let intake = law::check(submission, self.ctx.units, local_date(at), at).map_err(|v| {
            ApplyError::Refused(format!(
                "petition {n}: intake refused it: {}",
                fields(&v).join(", ")
            ))
        })?;
        if intake.kind != p.handled {
            return Err(ApplyError::Refused(format!(
                "petition {n}: taken in as {:?}, planned as {:?}",
                intake.kind, p.handled
            )));
        }
        let commune = self
            .ctx
            .units
            .commune(commune_code)
            .ok_or_else(|| ApplyError::Refused(format!("commune {commune_code} is unknown")))?;
        let province_office = self
            .ctx
            .units
            .province(&commune.province.code)
            .and_then(|s| s.office.clone())
            .ok_or_else(|| {
                ApplyError::Refused(format!("province {} has no office", commune.province.code))
            })?;
        let (actor, partner_id) = match p.channel {
            Channel::Partner => {
                let id = self.partner_ids[p.partner];
                (Actor::Partner(id), Some(id))
            }
            Channel::InPerson => match self.staff.official(commune.office.id) {
                Some(official) => (Actor::Staff(official), None),
                None => return self.skip(n),
            },
        };
        let public_id = uuid::Uuid::new_v4().to_string();
        let identity = match &intake.submission.citizen {
            Some(citizen) => {
                let plain = serde_json::to_vec(citizen)
                    .map_err(|e| ApplyError::Refused(format!("petition {n}: {e}")))?;
                Some(
                    self.ctx
                        .vault
                        .seal(public_id.as_bytes(), &plain)
                        .map_err(|e| ApplyError::Refused(format!("sealing an identity: {e}")))?,
                )
            }
            None => None,
        };
        let tracking = TrackingCode::from_random(crate::auth::random_bytes::<RANDOM_SYMBOLS>()?);
        let new = NewIntake {
            public_id,
            tracking_code: tracking.as_str().to_owned(),
            receipt_secret_hash: receipt::generate()?.hash,
            partner_id,
            channel: p.channel,
            actor,
            intake,
            province_code: commune.province.code.clone(),
            commune_office: commune.office.clone(),
            province_office,
            identity,
            received_at: at,
        };
        let stored = petitions::submit(conn, new, &self.law).map_err(|e| match e {
            SubmitError::Db(e) => ApplyError::Db(e),
            SubmitError::Invalid(v) => ApplyError::Refused(format!(
                "petition {n}: refused at storage: {}",
                fields(&v).join(", ")
            )),
        })?;
        self.ids[n] = Some(stored.petition.id);
        self.counts.received += 1;
        Ok(())
    }
}

/// Where the demo's petitions stand at `end`.
fn standing(
    conn: &mut DbConnection,
    ids: &[Option<i64>],
    end: DateTime<Utc>,
) -> Result<Standing, ApplyError> {
    let ids: Vec<i64> = ids.iter().flatten().copied().collect();
    let mut standing = Standing::default();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, Option<chrono::NaiveDateTime>)> = petitions_table::table
            .filter(petitions_table::id.eq_any(chunk))
            .select((petitions_table::status, petitions_table::next_due_at))
            .load(conn)?;
        for (status, next_due) in rows {
            let open = status == "received" || status == "accepted";
            if open && next_due.is_some_and(|due| due < end.naive_utc()) {
                standing.open_overdue += 1;
            }
            *standing.by_status.entry(status).or_default() += 1;
        }
    }
    standing.events = events::table.count().get_result(conn)?;
    Ok(standing)
}
