//! Writes a [`Plan`] through the service's own use cases, as the year it describes would have
//! written it: intake with routing and clocks, the officials' workflow, the
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
use crate::auth::accounts::{self, AccountRequest};
use crate::auth::{api_key, password};
use crate::db::admin_units_cache::AdminUnitsSnapshot;
use crate::db::schema::{events, petitions as petitions_table};
use crate::db::{DbConnection, DbError, users};
use crate::domain::clock::local_date;
use crate::domain::petition::{self as law, Channel, Fault, Submission};
use crate::domain::staff::{Role, Scope};
use crate::domain::workflow::Status;
use crate::service::accounts::AccountManager;
use crate::service::deadlines::Sweep;
use crate::service::intake::Submit;
use crate::service::{self, Citizen, OfficeStaff, ServiceError, Submitter, Supervisor, Tx};

/// Actions per transaction.
pub const BATCH: usize = 400;

/// Events folded into the statistics per transaction at the end.
pub const FOLD_BATCH: i64 = 100_000;

/// What the plan is written with.
pub struct Context {
    /// What the use cases read: the calendar, rules, units and data key in force.
    pub service: service::Context,
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
    /// A use case failed for a reason other than the plan's (the database, a bug).
    #[error("{0}")]
    Service(ServiceError),
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
    let offices = Offices::resolve(&ctx.service.units, plan)?;
    let accounts = make_accounts(conn, ctx, plan, &offices)?;
    let staff = Staff::of(&accounts);
    let partners = make_partners(conn, ctx, plan)?;
    let partner_ids: Vec<i64> = partners.iter().map(|p| p.id).collect();

    let mut writer = Writer {
        ctx,
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
        service::in_transaction(conn, &ctx.service, |tx| {
            batch.iter().try_for_each(|entry| writer.apply(tx, entry))
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
        ctx.service.calendar.as_ref(),
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
    ctx: &Context,
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
    service::in_transaction(conn, &ctx.service, |tx| {
        for ((at, checked, _), hash) in to_make.iter().zip(&hashes) {
            let user = service::accounts::create(
                tx,
                &AccountManager::operator(),
                checked,
                hash,
                plan.setup_at,
            )
            .map_err(|e| match e {
                ServiceError::Invalid(v) => ApplyError::Refused(format!(
                    "account {}: {}",
                    checked.username,
                    fields(&v).join(", ")
                )),
                e => ApplyError::Service(e),
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
fn make_partners(
    conn: &mut DbConnection,
    ctx: &Context,
    plan: &Plan,
) -> Result<Vec<MadePartner>, ApplyError> {
    let keys = plan
        .partners
        .iter()
        .map(|_| api_key::generate())
        .collect::<Result<Vec<_>, _>>()?;
    service::in_transaction(conn, &ctx.service, |tx| {
        plan.partners
            .iter()
            .zip(keys)
            .map(|(name, key)| {
                let row = service::partners::create(tx, name, &key, plan.setup_at)
                    .map_err(ApplyError::Service)?;
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
    ctx: &'a Context,
    plan: &'a Plan,
    offices: &'a Offices,
    staff: &'a Staff,
    partner_ids: &'a [i64],
    /// Each planned petition, once received: its stored id, public id and receipt secret.
    ids: Vec<Option<Received>>,
    /// Petitions whose plan the service refused to follow.
    dead: Vec<bool>,
    counts: Counts,
    /// The province supervisors, who file a supervision request each month.
    supervisors: Vec<(i64, Scope)>,
    /// Requests to answer: the night of the reply, the request, its office.
    replies: Vec<(DateTime<Utc>, i64, i64)>,
}

/// A planned petition as received.
#[derive(Debug, Clone)]
struct Received {
    id: i64,
    public_id: String,
    receipt_secret: String,
}

impl Writer<'_> {
    fn sweep(&mut self, conn: &mut DbConnection, at: DateTime<Utc>) -> Result<(), ApplyError> {
        let calendar = self.ctx.service.calendar.clone();
        let swept = Sweep::at(calendar.as_ref(), at, self.ctx.approaching_working_days)
            .run_blocking(conn)?;
        self.counts.sweeps += 1;
        self.counts.deadlines_missed += swept.missed as u64;
        self.counts.deadlines_approaching += swept.approaching as u64;
        self.counts.superiors_notified += swept.notices as u64;
        let ctx = &self.ctx.service;
        service::in_transaction(conn, ctx, |tx| self.supervise(tx, at))
    }

    /// On the first night of each month every province's supervisor asks the office with the
    /// most overdue petitions in the province (at least three) to report on them; most offices
    /// answer within the 15 working days, some late, some never.
    fn supervise(&mut self, tx: &mut Tx, at: DateTime<Utc>) -> Result<(), ApplyError> {
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
            let by = OfficeStaff {
                user_id: official,
                office_id: office,
                role: Role::Official,
                can_reveal_identity: false,
            };
            let body =
                "Ủy ban đã rà soát các trường hợp chậm trả lời và báo cáo tiến độ xử lý từng đơn.";
            match service::supervision::reply(tx, &by, request, body, at) {
                Ok(_) => self.counts.supervision_answered += 1,
                Err(ServiceError::AlreadyReplied | ServiceError::NotFound(_)) => {}
                Err(e) => return Err(ApplyError::Service(e)),
            }
        }
        if local_date(at).day() != 1 {
            return Ok(());
        }
        for (supervisor, scope) in self.supervisors.clone() {
            let offices = crate::db::oversight::offices_in(tx.conn(), &scope, None, 100_000)?;
            let ids: Vec<i64> = offices.iter().map(|o| o.office.id).collect();
            let overdue = crate::db::oversight::overdue_now(tx.conn(), &ids, at.naive_utc())?;
            let Some((office, count)) = overdue
                .into_iter()
                .filter(|(_, n)| *n >= 3)
                .max_by_key(|(office, n)| (*n, -office))
            else {
                continue;
            };
            let draft = crate::domain::supervision::Draft {
                office_id: office,
                petition_ids: Vec::new(),
                subject: "Đề nghị báo cáo việc chậm trả lời kiến nghị, phản ánh".into(),
                body: format!(
                    "Ban Thường trực Ủy ban Mặt trận Tổ quốc đề nghị cơ quan báo cáo về {count} đơn đã quá hạn trả lời và thời hạn giải quyết dự kiến."
                ),
            };
            let by = Supervisor {
                user_id: supervisor,
                scope,
            };
            let filed = match service::supervision::file(tx, &by, draft, at) {
                Ok(filed) => filed,
                Err(ServiceError::NotFound(_) | ServiceError::Invalid(_)) => continue,
                Err(e) => return Err(ApplyError::Service(e)),
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

    fn apply(&mut self, tx: &mut Tx, entry: &Entry) -> Result<(), ApplyError> {
        let p = &self.plan.petitions[entry.petition];
        if self.dead[entry.petition] {
            self.counts.skipped += 1;
            return Ok(());
        }
        if entry.step == 0 {
            return self.receive(tx, entry.petition, p);
        }
        let (Some(made), Some(step)) = (
            self.ids[entry.petition].clone(),
            p.steps.get(entry.step - 1),
        ) else {
            return self.skip(entry.petition);
        };
        let office = crate::db::petitions::office_of(tx.conn(), made.id)?;
        let (Some(official), Some(head)) = (self.staff.official(office), self.staff.head(office))
        else {
            // Routed or moved to an office the demo has no staff for.
            return self.skip(entry.petition);
        };
        let citizen = match p.channel {
            Channel::Partner => Citizen::Partner(self.partner_ids[p.partner]),
            Channel::InPerson => Citizen::ReceiptHolder {
                secret: made.receipt_secret.clone(),
            },
        };
        let staff = OfficeStaff {
            user_id: official,
            office_id: office,
            role: Role::Official,
            can_reveal_identity: false,
        };
        let id = made.public_id.as_str();
        let at = step.at;
        let done = match &step.act {
            Act::Transfer { to } => {
                let Some((to_office, _)) = self.offices.of(Desk::Commune(*to)) else {
                    return self.skip(entry.petition);
                };
                let done = service::workflow::transfer(
                    tx,
                    &staff,
                    id,
                    *to_office,
                    texts::TRANSFER_REASON,
                    at,
                );
                self.counts.transferred += u64::from(done.is_ok());
                done.map(drop)
            }
            Act::Accept { complexity } => {
                let done = service::workflow::accept(tx, &staff, id, *complexity, at);
                self.counts.accepted += u64::from(done.is_ok());
                done.map(drop)
            }
            Act::Reject { reason } => {
                let done = service::workflow::reject(tx, &staff, id, *reason, None, at);
                self.counts.rejected += u64::from(done.is_ok());
                done.map(drop)
            }
            Act::Extend { clock } => {
                let head = OfficeStaff {
                    user_id: head,
                    role: Role::OfficeHead,
                    ..staff.clone()
                };
                match service::workflow::extend(tx, &head, id, *clock, texts::EXTEND_REASON, at) {
                    Ok(_) => {
                        self.counts.extended += 1;
                        Ok(())
                    }
                    Err(ServiceError::Invalid(v))
                        if v.iter().any(|v| v.fault == Fault::LimitReached) =>
                    {
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
                let answer = service::workflow::Answer {
                    body: body.to_string(),
                    decision_number: decision_number.clone(),
                    attachments: Vec::new(),
                };
                let done = service::workflow::answer(tx, &staff, id, &answer, at);
                self.counts.answered += u64::from(done.is_ok());
                done.map(drop)
            }
            Act::Rate { satisfied, score } => {
                let rating = service::citizen::Rating {
                    satisfied: *satisfied,
                    score: *score,
                    comment: None,
                };
                match service::citizen::rate(tx, &citizen, id, &rating, at) {
                    Ok(_) => {
                        self.counts.rated += 1;
                        self.counts.satisfied += u64::from(*satisfied);
                        Ok(())
                    }
                    // Past the rating window.
                    Err(ServiceError::Invalid(_)) => return self.skip(entry.petition),
                    Err(e) => Err(e),
                }
            }
            Act::Close => {
                let done = service::workflow::close(tx, &staff, id, at);
                self.counts.closed += u64::from(done.is_ok());
                done.map(drop)
            }
            Act::Notify => match service::workflow::notify(tx, &staff, id, at) {
                Ok(_) => {
                    self.counts.notified += 1;
                    Ok(())
                }
                // Notified already, or no longer a denunciation with a notice due.
                Err(ServiceError::NoNoticeDue) => Ok(()),
                Err(e) => Err(e),
            },
            Act::Withdraw => {
                let done = service::citizen::withdraw(tx, &citizen, id, at);
                self.counts.withdrawn += u64::from(done.is_ok());
                done.map(drop)
            }
        };
        match done {
            Ok(()) => Ok(()),
            Err(ServiceError::WrongState(_)) => self.skip(entry.petition),
            Err(e) => Err(ApplyError::Service(e)),
        }
    }

    fn skip(&mut self, petition: usize) -> Result<(), ApplyError> {
        self.dead[petition] = true;
        self.counts.skipped += 1;
        Ok(())
    }

    /// Takes a petition in as `POST /v1/petitions` does: the same use case, as of its
    /// planned receipt.
    fn receive(&mut self, tx: &mut Tx, n: usize, p: &PlannedPetition) -> Result<(), ApplyError> {
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
        let by = match p.channel {
            Channel::Partner => Submitter::Partner(self.partner_ids[p.partner]),
            // Handed in at the desk of the office that handles it (the province's, for a
            // denunciation of the commune's leaders).
            Channel::InPerson => match self.offices.of(p.first_desk(plan)) {
                Some((office, _)) => match self.staff.official(*office) {
                    Some(official) => Submitter::Desk(OfficeStaff {
                        user_id: official,
                        office_id: *office,
                        role: Role::Official,
                        can_reveal_identity: false,
                    }),
                    None => return self.skip(n),
                },
                None => return self.skip(n),
            },
        };
        let cmd = Submit {
            submission,
            received_at: None,
        };
        let submitted =
            service::intake::submit(tx, &by, cmd, p.received_at).map_err(|e| match e {
                ServiceError::Invalid(v) => ApplyError::Refused(format!(
                    "petition {n}: intake refused it: {}",
                    fields(&v).join(", ")
                )),
                e => ApplyError::Service(e),
            })?;
        let stored = &submitted.petition.petition;
        if stored.kind != p.handled {
            return Err(ApplyError::Refused(format!(
                "petition {n}: taken in as {:?}, planned as {:?}",
                stored.kind, p.handled
            )));
        }
        self.ids[n] = Some(Received {
            id: stored.id,
            public_id: stored.public_id.clone(),
            receipt_secret: submitted.receipt_secret,
        });
        self.counts.received += 1;
        Ok(())
    }
}

/// Where the demo's petitions stand at `end`.
fn standing(
    conn: &mut DbConnection,
    ids: &[Option<Received>],
    end: DateTime<Utc>,
) -> Result<Standing, ApplyError> {
    let ids: Vec<i64> = ids.iter().flatten().map(|r| r.id).collect();
    let mut standing = Standing::default();
    for chunk in ids.chunks(500) {
        let rows: Vec<(Status, Option<chrono::NaiveDateTime>)> = petitions_table::table
            .filter(petitions_table::id.eq_any(chunk))
            .select((petitions_table::status, petitions_table::next_due_at))
            .load(conn)?;
        for (status, next_due) in rows {
            let open = matches!(status, Status::Received | Status::Accepted);
            if open && next_due.is_some_and(|due| due < end.naive_utc()) {
                standing.open_overdue += 1;
            }
            *standing
                .by_status
                .entry(status.code().to_owned())
                .or_default() += 1;
        }
    }
    standing.events = events::table.count().get_result(conn)?;
    Ok(standing)
}
