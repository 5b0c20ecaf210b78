//! Taking petitions in (DESIGN §3.1, §3.4): from partner apps, from staff at the desk, and as
//! a second-time complaint. All three go through the same checks against the law, the same
//! routing and the same first clocks.

use chrono::{DateTime, Utc};

use super::actor::{Citizen, Submitter};
use super::{NotFound, ServiceError, Tx};
use crate::auth::{random_bytes, receipt};
use crate::db::events::{self, Actor};
use crate::db::petitions::{self, NewIntake, PetitionDetail, SubmitError};
use crate::domain::clock::local_date;
use crate::domain::escalation::{self, NotEscalatable};
use crate::domain::event::{Escalated, Event};
use crate::domain::petition::{
    self as law, Attachment, Channel, Citizen as Petitioner, Fault, Kind, Location, Notice,
    Submission,
};
use crate::domain::tracking::{RANDOM_SYMBOLS, TrackingCode};
use crate::error::Fault as Internal;

/// A petition to take in.
#[derive(Debug, Clone)]
pub struct Submit {
    pub submission: Submission,
    /// When it was handed in, for a petition entered at the desk after the fact.
    pub received_at: Option<DateTime<Utc>>,
}

/// A petition taken in.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub petition: PetitionDetail,
    /// The citizen's receipt secret: shown once, in the reply to the submission.
    pub receipt_secret: String,
    /// What the citizen should be told of how it was taken in.
    pub notices: Vec<Notice>,
}

/// Takes a petition in: checked against the law, routed, its identity sealed, its clocks
/// started, its `petition.received` event appended.
pub fn submit(
    tx: &mut Tx,
    by: &Submitter,
    cmd: Submit,
    now: DateTime<Utc>,
) -> Result<Submitted, ServiceError> {
    let (origin, received) = match by {
        Submitter::Partner(id) => {
            // Partners submit as it happens; only the desk records what arrived earlier.
            if cmd.received_at.is_some() {
                return Err(ServiceError::invalid("received_at", Fault::NotPermitted));
            }
            (
                Origin {
                    actor: Actor::Partner(*id),
                    partner_id: Some(*id),
                    channel: Channel::Partner,
                    desk_office: None,
                },
                now,
            )
        }
        Submitter::Desk(staff) => (
            Origin {
                actor: staff.actor(),
                partner_id: None,
                channel: Channel::InPerson,
                desk_office: Some(staff.office_id),
            },
            law::desk_receipt(cmd.received_at, now).map_err(|v| ServiceError::Invalid(vec![v]))?,
        ),
    };
    receive(tx, origin, cmd.submission, received, None)
}

/// Takes the complainant's first-time complaint to the next level as a second-time complaint
/// (Law on Complaints art. 7, 33): the same content and petitioner, linked to the first, with
/// its own tracking code and receipt secret, through the same intake as any submission.
pub fn escalate(
    tx: &mut Tx,
    by: &Citizen,
    first: &str,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<Submitted, ServiceError> {
    if let Some(reason) = &reason {
        super::workflow::text("reason", reason, 2_000)?;
    }
    let reason = reason.map(|r| r.trim().to_owned());
    let id = super::citizen::petition_of(tx, by, first)?;
    // Two escalations of one complaint at once: the second waits, then finds it escalated.
    crate::db::petitions::lock(tx.conn, id)?;
    let first =
        petitions::detail(tx.conn, id)?.ok_or(ServiceError::NotFound(NotFound::Petition))?;
    let p = &first.petition;
    let facts = crate::db::escalation::facts(tx.conn, p, now.naive_utc())?;
    let calendar = tx.ctx.law().calendar;
    let filing = escalation::check(facts, reason.is_some(), local_date(now), |day| {
        crate::domain::clock::Calendar::is_working_day(calendar, day)
    })
    .map_err(|why: NotEscalatable| {
        tracing::debug!(%why, "not escalated");
        match why {
            NotEscalatable::ReasonRequired => ServiceError::invalid("reason", Fault::Required),
            _ => ServiceError::invalid("escalation", Fault::NotPermitted),
        }
    })?;
    let petitioner = super::identity::unseal(tx.ctx, &first)?;
    let submission = Submission {
        kind: Kind::Complaint,
        category: p.category_code.clone(),
        commune_code: p.commune_code.clone(),
        title: p.title.clone(),
        description: p.description.clone(),
        occurred_at: p.occurred_at.map(|t| t.and_utc()),
        decision_date: None,
        location: (p.location_lat.is_some() || p.location_address.is_some()).then(|| Location {
            lat: p.location_lat,
            lon: p.location_lon,
            address: p.location_address.clone(),
        }),
        subject: p.subject.clone(),
        second_time_of: Some(p.public_id.clone()),
        public: p.is_public,
        attachments: first
            .attachments
            .iter()
            .map(|a| Attachment {
                url: a.url.clone(),
                media_type: a.media_type.clone(),
            })
            .collect(),
        anonymous: petitioner.is_none(),
        citizen: petitioner,
    };
    let origin = Origin {
        actor: by.actor(),
        partner_id: p.partner_id,
        channel: p.channel,
        desk_office: None,
    };
    let second = receive(tx, origin, submission, now, Some(filing))?;
    events::append(
        tx.conn,
        Some(id),
        &by.actor(),
        &Event::PetitionEscalated(Escalated {
            second_time: second.petition.petition.public_id.clone(),
            ground: Some(filing.ground),
            reason,
        }),
        now.naive_utc(),
    )?;
    Ok(second)
}

/// Where a petition comes from, as the record keeps it.
struct Origin {
    actor: Actor,
    partner_id: Option<i64>,
    channel: Channel,
    /// Taken in at this office's desk: routing must send it here.
    desk_office: Option<i64>,
}

/// What intake checks a submission against: the admin units and categories, and the
/// calendar.
struct Known<'a> {
    units: &'a crate::db::admin_units_cache::AdminUnitsSnapshot,
    calendar: &'a crate::domain::calendar::VietnamCalendar,
}

impl law::Registry for Known<'_> {
    fn commune_exists(&self, code: &str) -> bool {
        self.units.commune_exists(code)
    }
    fn category_exists(&self, code: &str) -> bool {
        self.units.category_exists(code)
    }
    fn is_working_day(&self, date: chrono::NaiveDate) -> bool {
        crate::domain::clock::Calendar::is_working_day(self.calendar, date)
    }
}

/// The intake every petition goes through; `second_time`, the filing of an escalation.
fn receive(
    tx: &mut Tx,
    origin: Origin,
    submission: Submission,
    received: DateTime<Utc>,
    second_time: Option<escalation::Filing>,
) -> Result<Submitted, ServiceError> {
    let ctx = tx.ctx;
    let units = ctx.units.as_ref();
    let known = Known {
        units,
        calendar: ctx.law().calendar,
    };
    let mut intake = law::check(submission, &known, local_date(received), received)
        .map_err(ServiceError::Invalid)?;
    // Art. 33(1): filed after its window, taken in and flagged, as art. 9 cases are.
    if second_time.is_some_and(|filing| filing.late) {
        intake.late_filing = true;
        intake.notices.push(Notice::LateSecondTimeFiling);
    }
    let commune = units
        .commune(&intake.submission.commune_code)
        .ok_or_else(|| ServiceError::bug("a commune intake accepted is unknown"))?;
    let province_office = units
        .province(&commune.province.code)
        .and_then(|p| p.office.clone())
        .ok_or_else(|| ServiceError::bug("a province without its office"))?;
    let public_id = uuid::Uuid::new_v4().to_string();
    let tracking = TrackingCode::from_random(random_bytes::<RANDOM_SYMBOLS>().map_err(random)?);
    let secret = receipt::generate().map_err(random)?;
    let identity = match &intake.submission.citizen {
        Some(citizen) => Some(seal(ctx, &public_id, citizen)?),
        None => None,
    };
    let notices = intake.notices.clone();
    let new = NewIntake {
        public_id,
        tracking_code: tracking.as_str().to_owned(),
        receipt_secret_hash: secret.hash,
        partner_id: origin.partner_id,
        channel: origin.channel,
        actor: origin.actor,
        intake,
        province_code: commune.province.code.clone(),
        commune_office: commune.office.clone(),
        province_office,
        identity,
        received_at: received,
        desk_office: origin.desk_office,
    };
    let petition = petitions::submit(tx.conn, new, &ctx.law()).map_err(|e| match e {
        SubmitError::Invalid(v) => ServiceError::Invalid(v),
        SubmitError::Db(e) => e.into(),
    })?;
    Ok(Submitted {
        petition,
        receipt_secret: secret.secret,
        notices,
    })
}

fn random(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(Internal::text("drawing random bytes", e))
}

/// Seals the petitioner's identity under the data key, bound to the petition's public id.
pub(super) fn seal(
    ctx: &super::Context,
    public_id: &str,
    citizen: &Petitioner,
) -> Result<crate::vault::Sealed, ServiceError> {
    let plain = serde_json::to_vec(citizen)
        .map_err(|e| ServiceError::Internal(Internal::new("encoding an identity", e)))?;
    ctx.vault()?
        .seal(public_id.as_bytes(), &plain)
        .map_err(|e| ServiceError::Internal(Internal::new("sealing an identity", e)))
}
