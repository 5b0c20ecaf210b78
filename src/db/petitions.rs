//! Petitions: intake in one transaction (petition, sealed identity, attachments, clocks,
//! event), and the reads each caller is allowed.

use crate::domain::clock::Complexity;
use crate::domain::clock::{ClockName, ClockStatus, DayType};
use crate::domain::event::{Event, Received};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::events::{self, Actor};
use super::reference::OfficeRef;
use super::schema::{
    offices, petition_attachments, petition_clocks, petition_identities, petitions, routing_rules,
};
use super::{DbConnection, DbError};
use crate::domain::clock;
use crate::domain::petition::{Channel, Fault, Intake, Kind, Violation};
use crate::domain::routing::{self, Case, Target};
use crate::domain::rules::{Case as RuleCase, Law, Starts};
use crate::domain::workflow::Status;
use crate::vault::Sealed;

type Backend = <DbConnection as Connection>::Backend;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = petitions)]
pub struct PetitionRow {
    pub id: i64,
    pub public_id: String,
    pub tracking_code: String,
    pub receipt_secret_hash: String,
    pub partner_id: Option<i64>,
    pub channel: Channel,
    pub kind: Kind,
    pub filed_kind: Kind,
    pub category_code: String,
    pub commune_code: String,
    pub province_code: String,
    pub office_id: i64,
    pub routing_rule_id: i64,
    pub routing_reason: String,
    pub status: Status,
    pub title: String,
    pub description: String,
    pub subject: Option<String>,
    pub occurred_at: Option<NaiveDateTime>,
    pub decision_date: Option<NaiveDate>,
    pub late_filing: bool,
    pub location_lat: Option<f64>,
    pub location_lon: Option<f64>,
    pub location_address: Option<String>,
    pub second_time_of: Option<i64>,
    pub is_public: bool,
    pub anonymous: bool,
    pub received_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub next_due_at: Option<NaiveDateTime>,
    pub complexity: Option<Complexity>,
}

/// What a list shows of a petition (an office's inbox, a partner's petitions): the columns
/// of a summary, not the description and the other long or confidential ones a page of a
/// hundred rows would otherwise carry.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = petitions)]
pub struct PetitionListing {
    pub id: i64,
    pub public_id: String,
    pub tracking_code: String,
    pub kind: Kind,
    pub category_code: String,
    pub commune_code: String,
    pub status: Status,
    pub title: String,
    pub received_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub next_due_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = petition_clocks)]
pub struct ClockRow {
    pub name: ClockName,
    pub started_at: NaiveDateTime,
    pub length_days: i32,
    pub day_type: DayType,
    pub due_at: NaiveDateTime,
    pub status: ClockStatus,
    pub legal_basis: String,
    pub rule_version: String,
    pub calendar_version: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = petition_attachments)]
pub struct AttachmentRow {
    pub url: String,
    pub media_type: Option<String>,
}

/// A petition with what its views show alongside it.
#[derive(Debug, Clone)]
pub struct PetitionDetail {
    pub petition: PetitionRow,
    pub office: OfficeRef,
    pub routing_rule: String,
    pub clocks: Vec<ClockRow>,
    pub attachments: Vec<AttachmentRow>,
    pub identity: Option<Sealed>,
    pub second_time_of: Option<String>,
    pub answer: Option<AnswerRow>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = super::schema::petition_answers)]
pub struct AnswerRow {
    pub body: String,
    pub decision_number: Option<String>,
    pub attachments: String,
    pub answered_at: NaiveDateTime,
}

/// Everything intake decided before the transaction.
pub struct NewIntake {
    pub public_id: String,
    pub tracking_code: String,
    pub receipt_secret_hash: String,
    pub partner_id: Option<i64>,
    pub channel: Channel,
    /// Who took it in: a partner, or an official at the desk.
    pub actor: Actor,
    pub intake: Intake,
    pub province_code: String,
    pub commune_office: OfficeRef,
    pub province_office: OfficeRef,
    pub identity: Option<Sealed>,
    pub received_at: DateTime<Utc>,
    /// The office of the official taking it in at the desk: routing must send it there.
    pub desk_office: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("invalid")]
    Invalid(Vec<Violation>),
}

/// Stores a petition that passed intake, routed, with its clocks and its `received` event,
/// in the caller's transaction. Returns its detail as stored.
pub fn submit(
    conn: &mut DbConnection,
    new: NewIntake,
    law: &Law,
) -> Result<PetitionDetail, SubmitError> {
    let s = &new.intake.submission;
    let second_time_of = match &s.second_time_of {
        Some(public_id) => Some(earlier_complaint(conn, new.partner_id, public_id)?),
        None => None,
    };
    // The rules in force on the day it was received govern it (routing and clocks alike).
    let received_on = clock::local_date(new.received_at);
    let case = Case {
        province: &new.province_code,
        commune: &s.commune_code,
        kind: new.intake.kind,
        category: &s.category,
        subject: s.subject.as_deref(),
        second_time: second_time_of.is_some(),
        received_on,
    };
    let rows = super::routing::candidates(conn, &case)?;
    let rules: Vec<_> = rows.iter().filter_map(|r| r.to_rule()).collect();
    let rule = routing::pick(&rules, &case)
        .ok_or_else(|| DbError::Corrupt("no routing rule matches, not even `default`".into()))?;
    let row = rows
        .iter()
        .find(|r| r.id == rule.id)
        .ok_or_else(|| DbError::Corrupt("routing rule vanished".into()))?;
    let office = match (second_time_of, row.code.as_str()) {
        (Some(first), routing::LAW_SECOND_TIME_COMPLAINT) => above_first_resolver(conn, first)?,
        _ => match rule.target {
            Target::CommuneOffice => new.commune_office.clone(),
            Target::ProvinceOffice => new.province_office.clone(),
            Target::Office(id) => offices::table
                .find(id)
                .select(OfficeRef::as_select())
                .first(conn)?,
        },
    };
    if let Some(desk) = new.desk_office
        && !routing::desk_may_take(desk, office.id)
    {
        return Err(SubmitError::Invalid(vec![Violation::new(
            "commune_code",
            Fault::RoutedElsewhere,
        )]));
    }

    let at = new.received_at.naive_utc();
    let status = if new.intake.incomplete {
        Status::Incomplete
    } else {
        Status::Received
    };
    let location = s.location.as_ref();
    let id: i64 = diesel::insert_into(petitions::table)
        .values((
            petitions::public_id.eq(&new.public_id),
            petitions::tracking_code.eq(&new.tracking_code),
            petitions::receipt_secret_hash.eq(&new.receipt_secret_hash),
            petitions::partner_id.eq(new.partner_id),
            petitions::channel.eq(new.channel),
            petitions::kind.eq(new.intake.kind),
            petitions::filed_kind.eq(s.kind),
            petitions::category_code.eq(&s.category),
            petitions::commune_code.eq(&s.commune_code),
            petitions::province_code.eq(&new.province_code),
            petitions::office_id.eq(office.id),
            petitions::routing_rule_id.eq(rule.id),
            petitions::routing_reason.eq(&row.reason),
            petitions::status.eq(status),
            petitions::title.eq(s.title.trim()),
            petitions::description.eq(&s.description),
            petitions::subject.eq(&s.subject),
            petitions::occurred_at.eq(s.occurred_at.map(|t| t.naive_utc())),
            petitions::decision_date.eq(s.decision_date),
            petitions::late_filing.eq(new.intake.late_filing),
            petitions::location_lat.eq(location.and_then(|l| l.lat)),
            petitions::location_lon.eq(location.and_then(|l| l.lon)),
            petitions::location_address.eq(location.and_then(|l| l.address.clone())),
            petitions::second_time_of.eq(second_time_of),
            petitions::is_public.eq(s.public),
            petitions::anonymous.eq(s.anonymous),
            petitions::received_at.eq(at),
            petitions::updated_at.eq(at),
        ))
        .returning(petitions::id)
        .get_result(conn)?;

    if let Some(identity) = &new.identity {
        diesel::insert_into(petition_identities::table)
            .values((
                petition_identities::petition_id.eq(id),
                petition_identities::key_id.eq(&identity.key_id),
                petition_identities::nonce.eq(&identity.nonce),
                petition_identities::ciphertext.eq(&identity.ciphertext),
            ))
            .execute(conn)?;
    }
    for (position, a) in s.attachments.iter().enumerate() {
        diesel::insert_into(petition_attachments::table)
            .values((
                petition_attachments::petition_id.eq(id),
                petition_attachments::position.eq(position as i32),
                petition_attachments::url.eq(&a.url),
                petition_attachments::media_type.eq(&a.media_type),
            ))
            .execute(conn)?;
    }
    // An incomplete denunciation waits for the denouncer's contact with no clock running
    // (`service::citizen::complete` starts them).
    let clocks = if new.intake.incomplete {
        Vec::new()
    } else {
        let remote = law.rules.asks_remote(new.intake.kind, Starts::Receipt)
            && super::rules::is_remote(conn, &s.commune_code)?;
        let clock_case = RuleCase {
            kind: new.intake.kind,
            second_time: second_time_of.is_some(),
            remote,
            complexity: None,
            province_code: &new.province_code,
            category_code: &s.category,
            received_on,
        };
        let clocks = clock::start_clocks(
            law.calendar,
            law.rules,
            &clock_case,
            Starts::Receipt,
            new.received_at,
        );
        super::clocks::start(conn, id, &clocks, false)?;
        refresh_next_due(conn, id)?;
        clocks
    };
    let stored = detail(conn, id)?.ok_or_else(|| DbError::Corrupt("petition vanished".into()))?;
    // Last, because every event takes the chain's head and every petition to an office bumps
    // the same counter row: on PostgreSQL those row locks are held to the commit, so the later
    // they are taken the less intake queues. The counter comes after the head, as in every
    // other transaction (`db::workflow::recount`), so two never wait on each other's lock.
    events::append(
        conn,
        Some(id),
        &new.actor,
        &Event::PetitionReceived(Received {
            kind: new.intake.kind,
            filed_kind: s.kind,
            channel: new.channel,
            category: s.category.clone(),
            commune_code: s.commune_code.clone(),
            office_id: office.id,
            routing_rule: row.code.clone(),
            late_filing: new.intake.late_filing,
            clocks: super::clocks::payload(&clocks),
            incomplete: new.intake.incomplete,
        }),
        at,
    )?;
    super::inbox::recount(conn, None, Some((office.id, status.code())))?;
    Ok(stored)
}

/// Keeps `next_due_at` equal to the earliest running clock, for the inbox's order.
pub fn refresh_next_due(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
    let next: Option<NaiveDateTime> = petition_clocks::table
        .filter(petition_clocks::petition_id.eq(id))
        .filter(petition_clocks::status.eq(crate::domain::clock::ClockStatus::Running))
        .select(diesel::dsl::min(petition_clocks::due_at))
        .first(conn)?;
    diesel::update(petitions::table.find(id))
        .set(petitions::next_due_at.eq(next))
        .execute(conn)?;
    Ok(())
}

/// The office directly above the one that holds the first-time complaint `first` (Law on
/// Complaints art. 7(1)); refused when that is a province People's Committee, whose decisions
/// go to a Minister (art. 7(3)).
fn above_first_resolver(conn: &mut DbConnection, first: i64) -> Result<OfficeRef, SubmitError> {
    let parent: Option<i64> = petitions::table
        .find(first)
        .inner_join(offices::table)
        .select(offices::parent_id)
        .first(conn)?;
    let Some(parent) = parent else {
        return Err(SubmitError::Invalid(vec![Violation::new(
            "second_time_of",
            Fault::DecidedByProvince,
        )]));
    };
    Ok(offices::table
        .find(parent)
        .select(OfficeRef::as_select())
        .first(conn)?)
}

/// The internal id of the partner's earlier complaint named by `public_id`.
fn earlier_complaint(
    conn: &mut DbConnection,
    partner_id: Option<i64>,
    public_id: &str,
) -> Result<i64, SubmitError> {
    let mut query = petitions::table
        .filter(petitions::public_id.eq(public_id))
        .select((petitions::id, petitions::kind))
        .into_boxed::<Backend>();
    // A partner names its own complaints; an official at the desk, any.
    if let Some(partner) = partner_id {
        query = query.filter(petitions::partner_id.eq(partner));
    }
    let found = query.first::<(i64, String)>(conn).optional()?;
    match found {
        Some((id, kind)) if kind == Kind::Complaint.code() => Ok(id),
        Some(_) => Err(SubmitError::Invalid(vec![Violation::new(
            "second_time_of",
            Fault::NotAComplaint,
        )])),
        None => Err(SubmitError::Invalid(vec![Violation::new(
            "second_time_of",
            Fault::Unknown,
        )])),
    }
}

/// One petition with its office, rule, clocks, attachments and sealed identity.
pub fn detail(conn: &mut DbConnection, id: i64) -> Result<Option<PetitionDetail>, DbError> {
    let Some((petition, office, routing_rule)) = petitions::table
        .find(id)
        .inner_join(offices::table)
        .inner_join(routing_rules::table)
        .select((
            PetitionRow::as_select(),
            OfficeRef::as_select(),
            routing_rules::code,
        ))
        .first::<(PetitionRow, OfficeRef, String)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let clocks = petition_clocks::table
        .filter(petition_clocks::petition_id.eq(id))
        .order(petition_clocks::id)
        .select(ClockRow::as_select())
        .load(conn)?;
    let attachments = petition_attachments::table
        .filter(petition_attachments::petition_id.eq(id))
        .order(petition_attachments::position)
        .select(AttachmentRow::as_select())
        .load(conn)?;
    let identity = petition_identities::table
        .find(id)
        .select((
            petition_identities::key_id,
            petition_identities::nonce,
            petition_identities::ciphertext,
        ))
        .first::<(String, Vec<u8>, Vec<u8>)>(conn)
        .optional()?
        .map(|(key_id, nonce, ciphertext)| Sealed {
            key_id,
            nonce,
            ciphertext,
        });
    let second_time_of = match petition.second_time_of {
        Some(earlier) => Some(
            petitions::table
                .find(earlier)
                .select(petitions::public_id)
                .first(conn)?,
        ),
        None => None,
    };
    let answer = super::schema::petition_answers::table
        .find(id)
        .select(AnswerRow::as_select())
        .first(conn)
        .optional()?;
    Ok(Some(PetitionDetail {
        petition,
        office,
        routing_rule,
        clocks,
        attachments,
        identity,
        second_time_of,
        answer,
    }))
}

/// The internal id of a petition by its public id, if `partner_id` submitted it.
pub fn id_for_partner(
    conn: &mut DbConnection,
    partner_id: i64,
    public_id: &str,
) -> Result<Option<i64>, DbError> {
    Ok(petitions::table
        .filter(petitions::public_id.eq(public_id))
        .filter(petitions::partner_id.eq(partner_id))
        .select(petitions::id)
        .first(conn)
        .optional()?)
}

/// Locks the petition's row until the caller's transaction ends, so that actions on one
/// petition take turns (PostgreSQL; on SQLite the write transaction already holds the only
/// write lock).
pub fn lock(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
    if let DbConnection::Postgres(c) = conn {
        petitions::table
            .find(id)
            .select(petitions::id)
            .for_update()
            .first::<i64>(c)?;
    }
    Ok(())
}

/// The office that handles petition `id` now.
pub fn office_of(conn: &mut DbConnection, id: i64) -> Result<i64, DbError> {
    Ok(petitions::table
        .find(id)
        .select(petitions::office_id)
        .first(conn)?)
}

/// The internal id of a petition by its public id, whoever submitted it.
pub fn id_of(conn: &mut DbConnection, public_id: &str) -> Result<Option<i64>, DbError> {
    Ok(petitions::table
        .filter(petitions::public_id.eq(public_id))
        .select(petitions::id)
        .first(conn)
        .optional()?)
}

/// The internal id and receipt-secret hash of a petition by its public id.
pub fn receipt_of(
    conn: &mut DbConnection,
    public_id: &str,
) -> Result<Option<(i64, String)>, DbError> {
    Ok(petitions::table
        .filter(petitions::public_id.eq(public_id))
        .select((petitions::id, petitions::receipt_secret_hash))
        .first(conn)
        .optional()?)
}

/// The internal id and receipt-secret hash of a petition by its tracking code.
pub fn by_tracking_code(
    conn: &mut DbConnection,
    code: &str,
) -> Result<Option<(i64, String)>, DbError> {
    Ok(petitions::table
        .filter(petitions::tracking_code.eq(code))
        .select((petitions::id, petitions::receipt_secret_hash))
        .first(conn)
        .optional()?)
}

/// Filters of a petition list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct PetitionFilter {
    pub partner_id: Option<i64>,
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    pub commune_code: Option<String>,
    pub received_from: Option<NaiveDateTime>,
    pub received_before: Option<NaiveDateTime>,
}

/// Newest first, after the cursor's id, at most `take`.
pub fn list(
    conn: &mut DbConnection,
    filter: &PetitionFilter,
    before_id: Option<i64>,
    take: i64,
) -> Result<Vec<(PetitionListing, OfficeRef)>, DbError> {
    let mut query = petitions::table
        .inner_join(offices::table)
        .order(petitions::id.desc())
        .limit(take)
        .select((PetitionListing::as_select(), OfficeRef::as_select()))
        .into_boxed::<Backend>();
    if let Some(partner) = filter.partner_id {
        query = query.filter(petitions::partner_id.eq(partner));
    }
    if let Some(status) = filter.status {
        query = query.filter(petitions::status.eq(status));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(petitions::kind.eq(kind));
    }
    if let Some(commune) = &filter.commune_code {
        query = query.filter(petitions::commune_code.eq(commune.clone()));
    }
    if let Some(from) = filter.received_from {
        query = query.filter(petitions::received_at.ge(from));
    }
    if let Some(before) = filter.received_before {
        query = query.filter(petitions::received_at.lt(before));
    }
    if let Some(before_id) = before_id {
        query = query.filter(petitions::id.lt(before_id));
    }
    Ok(query.load(conn)?)
}

impl From<diesel::result::Error> for SubmitError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e.into())
    }
}

/// Up to `take` petitions that ended (closed, rejected, withdrawn) before `ended_before` and
/// still hold their petitioner's identity.
pub fn ended_with_identity(
    conn: &mut DbConnection,
    ended_before: NaiveDateTime,
    take: i64,
) -> Result<Vec<i64>, DbError> {
    use super::schema::petition_identities;
    let ended: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| s.is_terminal())
        .collect();
    Ok(petitions::table
        .inner_join(petition_identities::table)
        .filter(petitions::status.eq_any(ended))
        .filter(petitions::updated_at.lt(ended_before))
        .order(petitions::id)
        .limit(take)
        .select(petitions::id)
        .load(conn)?)
}

/// Deletes petition `id`'s sealed identity; false when it had none (left already).
pub fn erase_identity(conn: &mut DbConnection, id: i64) -> Result<bool, DbError> {
    use super::schema::petition_identities;
    let deleted = diesel::delete(petition_identities::table.find(id)).execute(conn)?;
    Ok(deleted == 1)
}

/// Replaces petition `id`'s sealed identity (a contact added to an incomplete denunciation).
pub fn reseal_identity(conn: &mut DbConnection, id: i64, identity: &Sealed) -> Result<(), DbError> {
    let changed = diesel::update(petition_identities::table.find(id))
        .set((
            petition_identities::key_id.eq(&identity.key_id),
            petition_identities::nonce.eq(&identity.nonce),
            petition_identities::ciphertext.eq(&identity.ciphertext),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(DbError::Corrupt(format!(
            "petition {id} has no identity to reseal"
        )));
    }
    Ok(())
}
