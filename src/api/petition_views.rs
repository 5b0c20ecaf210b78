//! What the petition endpoints accept and return: the public contract, apart from storage rows.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::views::OfficeSummary;
use crate::db::petitions::{ClockRow, PetitionDetail, PetitionListing};
use crate::db::reference::OfficeRef;
use crate::domain::calendar::VietnamCalendar;
use crate::domain::clock::{ClockName, ClockStatus, DayType, overdue_working_days, vietnam};
use crate::domain::confidentiality;
use crate::domain::lang::Lang;
use crate::domain::petition::{self, Kind, Notice};
use crate::domain::tracking::TrackingCode;
use crate::domain::workflow::Status;
use crate::error::ApiError;

/// A petition as a partner app submits it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitPetition {
    pub kind: Kind,
    /// Category code from `GET /v1/categories`.
    #[schema(example = "land")]
    pub category: String,
    /// Five-digit GSO code of the commune where the matter arises.
    #[schema(example = "00004")]
    pub commune_code: String,
    /// Up to 200 characters.
    #[schema(example = "Lấn chiếm vỉa hè trước số 12 Phố Huế")]
    pub title: String,
    /// Up to 10,000 characters.
    #[schema(example = "Cửa hàng ở số 12 để xe và hàng hóa chiếm hết vỉa hè từ tháng 9.")]
    pub description: String,
    /// When the matter happened (RFC 3339); not in the future.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Complaints only: the date the complainant learned of the decision complained of
    /// (Law on Complaints art. 9: 90 days).
    pub decision_date: Option<NaiveDate>,
    pub location: Option<LocationInput>,
    /// Who or what the petition is about, as a code; `commune_leadership` sends a denunciation
    /// to the province.
    #[schema(example = "commune_leadership")]
    pub subject: Option<String>,
    /// Complaints only: the `id` of this partner's earlier complaint that this second-time
    /// complaint follows; it goes to the province.
    pub second_time_of: Option<String>,
    /// The citizen consents to publishing the petition without personal data.
    #[serde(default)]
    pub public: bool,
    /// Links to files the partner hosts (http or https), at most 10.
    #[serde(default)]
    pub attachments: Vec<AttachmentInput>,
    /// Who the petitioner is. Required for complaints (name and address, Law on Complaints art.
    /// 8(2)) and denunciations (name, address and a phone or email, Law on Denunciations art.
    /// 23(1)); sealed at rest and never shown to anyone but the handling office.
    pub citizen: Option<CitizenInput>,
    /// Recommendations and feedback may be anonymous. A denunciation without its denouncer's
    /// name and address is taken in as feedback (Law on Denunciations art. 25).
    #[serde(default)]
    pub anonymous: bool,
    /// Officials recording a petition handed in at the desk: when it was received, up to 30
    /// days back (RFC 3339). Partners do not send it.
    pub received_at: Option<DateTime<Utc>>,
}

/// A body that must be empty, or `{}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyBody {}

/// A second-time complaint's request.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalateBody {
    /// Why the complainant disagrees with the first-time decision, up to 2,000 characters.
    /// Required when the complaint was decided and the answer was not rated unsatisfying
    /// (Law on Complaints art. 7(1)); optional when its period ran out undecided.
    #[schema(example = "Quyết định giải quyết lần đầu chưa xem xét biên bản đo đạc năm 2019.")]
    pub reason: Option<String>,
}

/// A way to reach the denouncer, added to an incomplete denunciation (Law on Denunciations
/// art. 23(1)): a phone, an email, or both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    #[schema(example = "0912345678")]
    pub phone: Option<String>,
    #[schema(example = "to.cao@example.vn")]
    pub email: Option<String>,
}

/// The citizen's rating of the answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingBody {
    pub satisfied: bool,
    /// 1 (worst) to 5 (best).
    #[schema(minimum = 1, maximum = 5)]
    pub score: i32,
    /// Up to 2,000 characters.
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    /// Latitude, WGS 84, within Vietnam.
    #[schema(example = 21.0285)]
    pub lat: Option<f64>,
    #[schema(example = 105.8542)]
    pub lon: Option<f64>,
    #[schema(example = "12 Phố Huế, Hai Bà Trưng, Hà Nội")]
    pub address: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentInput {
    #[schema(example = "https://cdn.partner.example/p/123.jpg")]
    pub url: String,
    #[schema(example = "image/jpeg")]
    pub media_type: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenInput {
    /// The partner's own reference for the citizen, returned in its views.
    #[schema(example = "user-8841")]
    pub partner_ref: Option<String>,
    #[schema(example = "Nguyễn Văn An")]
    pub full_name: Option<String>,
    #[schema(example = "0912345678")]
    pub phone: Option<String>,
    pub email: Option<String>,
    #[schema(example = "12 Phố Huế, Hà Nội")]
    pub address: Option<String>,
    /// Citizen identity card number (12 digits) or old identity card (9).
    pub id_number: Option<String>,
}

impl SubmitPetition {
    pub fn into_submission(self) -> petition::Submission {
        petition::Submission {
            kind: self.kind,
            category: self.category,
            commune_code: self.commune_code,
            title: self.title,
            description: self.description,
            occurred_at: self.occurred_at,
            decision_date: self.decision_date,
            location: self.location.map(|l| petition::Location {
                lat: l.lat,
                lon: l.lon,
                address: l.address,
            }),
            subject: self.subject,
            second_time_of: self.second_time_of,
            public: self.public,
            attachments: self
                .attachments
                .into_iter()
                .map(|a| petition::Attachment {
                    url: a.url,
                    media_type: a.media_type,
                })
                .collect(),
            citizen: self.citizen.map(|c| petition::Citizen {
                partner_ref: c.partner_ref,
                full_name: c.full_name,
                phone: c.phone,
                email: c.email,
                address: c.address,
                id_number: c.id_number,
            }),
            anonymous: self.anonymous,
        }
    }
}

/// A time as the API shows it: RFC 3339 in Vietnam's time.
pub fn local_time(at: NaiveDateTime) -> DateTime<FixedOffset> {
    at.and_utc().with_timezone(&vietnam())
}

/// Something the partner should tell the citizen about how the petition was taken in.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    pub code: Notice,
    #[schema(example = "Law on Denunciations 25/2018/QH14, art. 25")]
    pub legal_basis: String,
    /// For the citizen, in the language asked for.
    pub message: String,
}

impl NoticeView {
    pub fn new(notice: Notice, lang: Lang) -> Self {
        Self {
            code: notice,
            legal_basis: notice.legal_basis().to_owned(),
            message: crate::i18n::text(lang, &format!("notice-{}", notice.code())),
        }
    }

    /// What the petitioner must still do for a petition in `status`: an incomplete
    /// denunciation waits for their contact.
    pub fn for_status(status: Status, lang: Lang) -> Vec<Self> {
        match status {
            Status::Incomplete => vec![Self::new(Notice::DenunciationIncomplete, lang)],
            _ => Vec::new(),
        }
    }
}

/// Why the petition went where it went.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingView {
    /// The code of the routing rule that decided.
    #[schema(example = "default")]
    pub rule: String,
    #[schema(example = "The People's Committee of the commune where the matter arises (default)")]
    pub reason: String,
}

/// One legal clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockView {
    pub clock: ClockName,
    pub started_at: DateTime<FixedOffset>,
    /// Length in days of `day_type`; the start day is not counted.
    #[schema(example = 10)]
    pub length_days: i32,
    pub day_type: DayType,
    /// The end of the last day, 23:59:59 in Vietnam.
    pub due_at: DateTime<FixedOffset>,
    /// `missed` as soon as a running clock's due time has passed.
    pub status: ClockStatus,
    /// Working days past the due date while the clock still runs; 0 when not overdue.
    #[schema(example = 0)]
    pub overdue_working_days: u32,
    #[schema(example = "Law on Complaints 02/2011/QH13, art. 27")]
    pub legal_basis: String,
    pub rule_version: String,
    /// The working-day calendar used.
    pub calendar_version: String,
}

/// The instant and calendar a view is built at: deadlines read as they stand then.
#[derive(Debug, Clone)]
pub struct AsOf {
    pub calendar: std::sync::Arc<VietnamCalendar>,
    pub now: DateTime<Utc>,
}

impl AsOf {
    pub fn new(calendar: std::sync::Arc<VietnamCalendar>, now: DateTime<Utc>) -> Self {
        Self { calendar, now }
    }

    /// The calendar and rule book of the request's app.
    pub fn from_request(
        req: &actix_web::HttpRequest,
    ) -> Result<(Self, std::sync::Arc<crate::domain::rules::RuleBook>), ApiError> {
        let state = req
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .ok_or_else(|| ApiError::bug("no app state"))?;
        Ok((
            Self::new(state.calendars().current(), state.now()),
            state.rules().current(),
        ))
    }

    /// Working days a running deadline due at `due_at` is overdue by.
    pub fn overdue(&self, due_at: Option<NaiveDateTime>) -> u32 {
        due_at.map_or(0, |due| {
            overdue_working_days(self.calendar.as_ref(), due.and_utc(), self.now)
        })
    }
}

impl ClockView {
    pub fn new(c: &ClockRow, as_of: &AsOf) -> Result<Self, ApiError> {
        let stored = c.status;
        let status = stored.as_of(c.due_at.and_utc(), as_of.now);
        let running = stored == ClockStatus::Running;
        Ok(Self {
            clock: c.name,
            started_at: local_time(c.started_at),
            length_days: c.length_days,
            day_type: c.day_type,
            due_at: local_time(c.due_at),
            status,
            overdue_working_days: if running {
                as_of.overdue(Some(c.due_at))
            } else {
                0
            },
            legal_basis: c.legal_basis.clone(),
            rule_version: c.rule_version.clone(),
            calendar_version: c.calendar_version.clone(),
        })
    }
}

pub fn clocks(rows: &[ClockRow], as_of: &AsOf) -> Result<Vec<ClockView>, ApiError> {
    rows.iter().map(|c| ClockView::new(c, as_of)).collect()
}

pub fn tracking_code(stored: &str) -> String {
    TrackingCode::parse(stored).map_or_else(|_| stored.to_owned(), |c| c.to_string())
}

/// The answer to a submission. `receipt_secret` is shown here only: hand it to the citizen.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedView {
    /// Opaque id of the petition in this API.
    #[schema(example = "5f0c8a0e-2b7c-4d84-9a38-3f1f0f6c2b11")]
    pub id: String,
    /// For the citizen: with the receipt secret it opens `GET /v1/track/{tracking_code}`.
    #[schema(example = "7KQ2M-X9F3C")]
    pub tracking_code: String,
    /// Shown once, never stored in the clear: give it to the citizen.
    #[schema(example = "q7K0b3y9mW1uVfX2cA8dZ4eR6tY")]
    pub receipt_secret: String,
    pub status: Status,
    /// The kind it is handled as.
    pub kind: Kind,
    /// The kind the partner filed; differs from `kind` when the law changed it.
    pub filed_kind: Kind,
    /// Filed after the complaint limitation period (Law on Complaints art. 9).
    pub late_filing: bool,
    pub notices: Vec<NoticeView>,
    /// The office responsible for answering.
    pub office: OfficeSummary,
    pub routing: RoutingView,
    /// The clocks running from receipt.
    pub deadlines: Vec<ClockView>,
    pub received_at: DateTime<FixedOffset>,
}

impl SubmittedView {
    pub fn new(
        d: &PetitionDetail,
        receipt_secret: String,
        notices: &[Notice],
        lang: Lang,
        as_of: &AsOf,
    ) -> Result<Self, ApiError> {
        let p = &d.petition;
        Ok(Self {
            id: p.public_id.clone(),
            tracking_code: tracking_code(&p.tracking_code),
            receipt_secret,
            status: p.status,
            kind: p.kind,
            filed_kind: p.filed_kind,
            late_filing: p.late_filing,
            notices: notices.iter().map(|n| NoticeView::new(*n, lang)).collect(),
            office: d.office.clone().into(),
            routing: RoutingView {
                rule: d.routing_rule.clone(),
                reason: p.routing_reason.clone(),
            },
            deadlines: clocks(&d.clocks, as_of)?,
            received_at: local_time(p.received_at),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocationView {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub url: String,
    pub media_type: Option<String>,
}

/// The petitioner. A partner sees only its own `partner_ref`; officials of the handling
/// office see the rest, except a denouncer's (see `identity_confidential`).
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct CitizenView {
    pub partner_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
}

/// The office's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub body: String,
    pub decision_number: Option<String>,
    pub attachments: Vec<String>,
    pub answered_at: DateTime<FixedOffset>,
}

/// A petition as the partner that submitted it sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionView {
    pub id: String,
    #[schema(example = "7KQ2M-X9F3C")]
    pub tracking_code: String,
    pub status: Status,
    pub kind: Kind,
    pub filed_kind: Kind,
    #[schema(example = "land")]
    pub category: String,
    #[schema(example = "00004")]
    pub commune_code: String,
    #[schema(example = "01")]
    pub province_code: String,
    pub title: String,
    pub description: String,
    pub subject: Option<String>,
    pub occurred_at: Option<DateTime<FixedOffset>>,
    pub decision_date: Option<NaiveDate>,
    pub late_filing: bool,
    pub location: Option<LocationView>,
    /// The earlier complaint this second-time complaint follows.
    pub second_time_of: Option<String>,
    pub public: bool,
    pub anonymous: bool,
    pub attachments: Vec<AttachmentView>,
    /// Present when the petition carries an identity and the caller may see it.
    pub citizen: Option<CitizenView>,
    /// The petitioner's identity is confidential (a denunciation: Law on Denunciations art.
    /// 47); officials with the permission reveal it with `POST /v1/petitions/{id}/reveal-identity`.
    pub identity_confidential: bool,
    /// Set when the petition is accepted.
    pub complexity: Option<String>,
    /// The nearest running deadline.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// Working days the nearest running deadline is overdue by; 0 when it has not passed.
    #[schema(example = 0)]
    pub overdue_working_days: u32,
    pub answer: Option<AnswerView>,
    pub office: OfficeSummary,
    pub routing: RoutingView,
    pub deadlines: Vec<ClockView>,
    pub received_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// What the petitioner must still do (`denunciation_incomplete`: add a phone or an email
    /// with `POST /v1/petitions/{id}/complete`), in the language asked for.
    pub notices: Vec<NoticeView>,
}

impl PetitionView {
    pub fn new(
        d: &PetitionDetail,
        citizen: Option<CitizenView>,
        as_of: &AsOf,
        lang: Lang,
    ) -> Result<Self, ApiError> {
        let p = &d.petition;
        let location =
            (p.location_lat.is_some() || p.location_address.is_some()).then(|| LocationView {
                lat: p.location_lat,
                lon: p.location_lon,
                address: p.location_address.clone(),
            });
        Ok(Self {
            id: p.public_id.clone(),
            tracking_code: tracking_code(&p.tracking_code),
            status: p.status,
            kind: p.kind,
            filed_kind: p.filed_kind,
            category: p.category_code.clone(),
            commune_code: p.commune_code.clone(),
            province_code: p.province_code.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            subject: p.subject.clone(),
            occurred_at: p.occurred_at.map(local_time),
            decision_date: p.decision_date,
            late_filing: p.late_filing,
            location,
            second_time_of: d.second_time_of.clone(),
            public: p.is_public,
            anonymous: p.anonymous,
            attachments: d
                .attachments
                .iter()
                .map(|a| AttachmentView {
                    url: a.url.clone(),
                    media_type: a.media_type.clone(),
                })
                .collect(),
            citizen,
            identity_confidential: confidentiality::confidential(p.kind, p.filed_kind)
                && d.identity.is_some(),
            complexity: p.complexity.map(|c| c.code().to_owned()),
            due_at: p.next_due_at.map(local_time),
            overdue_working_days: as_of.overdue(p.next_due_at),
            answer: d.answer.as_ref().map(|a| AnswerView {
                body: a.body.clone(),
                decision_number: a.decision_number.clone(),
                attachments: serde_json::from_str(&a.attachments).unwrap_or_default(),
                answered_at: local_time(a.answered_at),
            }),
            office: d.office.clone().into(),
            routing: RoutingView {
                rule: d.routing_rule.clone(),
                reason: p.routing_reason.clone(),
            },
            deadlines: clocks(&d.clocks, as_of)?,
            received_at: local_time(p.received_at),
            updated_at: local_time(p.updated_at),
            notices: NoticeView::for_status(p.status, lang),
        })
    }

    /// Hides what a supervisor may not see: identities, and a denunciation's content.
    /// The view without the petition's content (`domain::confidentiality::content_shown`).
    pub fn without_content(mut self) -> Self {
        self.title = String::new();
        self.description = String::new();
        self.attachments.clear();
        self.location = None;
        // The answer to a denunciation tells what was found, and may name the denouncer.
        if let Some(answer) = &mut self.answer {
            answer.body = String::new();
            answer.attachments.clear();
        }
        self
    }
}

/// A petition in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionSummary {
    pub id: String,
    #[schema(example = "7KQ2M-X9F3C")]
    pub tracking_code: String,
    pub status: Status,
    pub kind: Kind,
    pub category: String,
    pub commune_code: String,
    pub title: String,
    pub office: OfficeSummary,
    /// The nearest running deadline; null when no clock runs.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// Working days the nearest running deadline is overdue by; 0 when it has not passed.
    #[schema(example = 3)]
    pub overdue_working_days: u32,
    pub received_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A page of petitions; for an office's inbox, with its counts per status.
#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionPage {
    pub items: Vec<PetitionSummary>,
    pub next_cursor: Option<String>,
    /// Officials: how many of the office's petitions are in each state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<std::collections::BTreeMap<String, i64>>,
}

impl PetitionSummary {
    pub fn new(p: PetitionListing, office: OfficeRef, as_of: &AsOf) -> Result<Self, ApiError> {
        Ok(Self {
            overdue_working_days: as_of.overdue(p.next_due_at),
            status: p.status,
            kind: p.kind,
            id: p.public_id,
            tracking_code: tracking_code(&p.tracking_code),
            category: p.category_code,
            commune_code: p.commune_code,
            title: p.title,
            office: office.into(),
            due_at: p.next_due_at.map(local_time),
            received_at: local_time(p.received_at),
            updated_at: local_time(p.updated_at),
        })
    }
}

/// What a citizen sees with the tracking code and receipt secret: where the petition is, and
/// nothing else.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackView {
    #[schema(example = "7KQ2M-X9F3C")]
    pub tracking_code: String,
    pub status: Status,
    pub kind: Kind,
    /// The office handling it.
    #[schema(example = "Ủy ban nhân dân Phường Ba Đình")]
    pub office_name: String,
    pub deadlines: Vec<ClockView>,
    pub received_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// What the citizen must still do, as for the partner's view.
    pub notices: Vec<NoticeView>,
}

impl TrackView {
    pub fn new(d: &PetitionDetail, lang: Lang, as_of: &AsOf) -> Result<Self, ApiError> {
        let p = &d.petition;
        Ok(Self {
            tracking_code: tracking_code(&p.tracking_code),
            status: p.status,
            kind: p.kind,
            office_name: lang.pick(&d.office.name, &d.office.name_en).to_owned(),
            deadlines: clocks(&d.clocks, as_of)?,
            received_at: local_time(p.received_at),
            updated_at: local_time(p.updated_at),
            notices: NoticeView::for_status(p.status, lang),
        })
    }
}

/// Where a petition stands after a citizen's action (withdrawal, rating).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusView {
    pub id: String,
    #[schema(example = "7KQ2M-X9F3C")]
    pub tracking_code: String,
    pub status: Status,
    pub updated_at: DateTime<FixedOffset>,
}
