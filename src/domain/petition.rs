//! Petitions (đơn): the four kinds citizens send, and the legal facts intake must respect
//! (DESIGN §3.1).
//!
//! - Law on Complaints 02/2011/QH13 (Luật Khiếu nại): art. 8 (a complaint names the
//!   complainant and their address), art. 9 (90-day limitation period).
//! - Law on Denunciations 25/2018/QH14 (Luật Tố cáo): art. 23 (the denouncer's name, address
//!   and contact), art. 25 (a denunciation without a clear identity is not handled as a
//!   denunciation; its content may be taken in as feedback).
//! - Recommendations (kiến nghị) and feedback (phản ánh): no national rule; anonymity allowed.

use chrono::{DateTime, NaiveDate, Utc};

/// The four kinds of petition.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Khiếu nại: a citizen contests an administrative decision or act that affects them.
    Complaint,
    /// Tố cáo: a citizen reports a violation of law by an official or body.
    Denunciation,
    /// Kiến nghị: a proposal to the authorities.
    Recommendation,
    /// Phản ánh: a report of a problem or situation.
    Feedback,
}

impl Kind {
    pub const ALL: [Self; 4] = [
        Self::Complaint,
        Self::Denunciation,
        Self::Recommendation,
        Self::Feedback,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Complaint => "complaint",
            Self::Denunciation => "denunciation",
            Self::Recommendation => "recommendation",
            Self::Feedback => "feedback",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether the law lets the petitioner stay anonymous.
    pub fn allows_anonymity(self) -> bool {
        matches!(self, Self::Recommendation | Self::Feedback)
    }
}

/// How a petition reached the office.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Submitted by a partner app through the API.
    Partner,
    /// Received at the office's desk and recorded by an official.
    InPerson,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Self::Partner => "partner",
            Self::InPerson => "in_person",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Partner, Self::InPerson]
            .into_iter()
            .find(|c| c.code() == code)
    }
}

/// Limits on what a petition may carry: generous for real text, small enough that a
/// petition stays a petition.
pub mod limits {
    pub const TITLE: usize = 200;
    pub const DESCRIPTION: usize = 10_000;
    pub const NAME: usize = 200;
    pub const ADDRESS: usize = 500;
    pub const PARTNER_REF: usize = 100;
    pub const EMAIL: usize = 254;
    pub const URL: usize = 2_000;
    pub const MEDIA_TYPE: usize = 100;
    pub const ATTACHMENTS: usize = 10;
    pub const SUBJECT: usize = 40;
    /// Law on Complaints art. 9: 90 days from learning of the decision.
    pub const COMPLAINT_LIMITATION_DAYS: u64 = 90;
}

/// Vietnam's extent, the Trường Sa (Spratly) islands included: a coordinate outside it is a
/// mistake (swapped latitude and longitude, a default of 0,0).
pub const LATITUDE: (f64, f64) = (6.0, 23.5);
pub const LONGITUDE: (f64, f64) = (102.0, 117.5);

/// Who the petitioner is, as the partner app sent it. Sealed before it is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Citizen {
    pub partner_ref: Option<String>,
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub id_number: Option<String>,
}

fn present(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|s| !s.trim().is_empty())
}

impl Citizen {
    /// Name and address: what a complaint must give (Law on Complaints 02/2011/QH13 art.
    /// 8(2): "tên, địa chỉ của người khiếu nại"), and what makes a denouncer identifiable (Law
    /// on Denunciations 25/2018/QH14 art. 25: without "họ tên, địa chỉ của người tố cáo" a
    /// denunciation is not handled under that Law).
    pub fn gives_name_and_address(&self) -> bool {
        present(&self.full_name) && present(&self.address)
    }

    /// A way to reach them: a denunciation must also give one (Law on Denunciations art.
    /// 23(1): "cách thức liên hệ với người tố cáo"); a complaint need not.
    pub fn gives_contact(&self) -> bool {
        present(&self.phone) || present(&self.email)
    }

    /// Whether anything beyond the partner's own reference was given.
    pub fn has_personal_data(&self) -> bool {
        [
            &self.full_name,
            &self.phone,
            &self.email,
            &self.address,
            &self.id_number,
        ]
        .iter()
        .any(|v| v.is_some())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub url: String,
    pub media_type: Option<String>,
}

/// A petition as a partner submitted it: typed, not yet checked against the law.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub kind: Kind,
    pub category: String,
    pub commune_code: String,
    pub title: String,
    pub description: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub decision_date: Option<NaiveDate>,
    pub location: Option<Location>,
    pub subject: Option<String>,
    pub second_time_of: Option<String>,
    pub public: bool,
    pub attachments: Vec<Attachment>,
    pub citizen: Option<Citizen>,
    pub anonymous: bool,
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Required,
    Blank,
    TooLong {
        max: usize,
    },
    InvalidFormat,
    /// A code that names nothing we know (commune, category, earlier petition).
    Unknown,
    OutsideVietnam,
    NotHttpUrl,
    InFuture,
    TooMany {
        max: usize,
    },
    /// A number outside the range allowed.
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Only allowed for another kind of petition.
    NotForKind {
        kind: Kind,
    },
    /// The law requires the petitioner's name and address for this kind (a complaint: Law on
    /// Complaints art. 8(2)).
    IdentityRequired {
        kind: Kind,
    },
    /// A way to reach the denouncer, a phone or an email, is needed and none was given (Law
    /// on Denunciations art. 23(1)): completing an incomplete denunciation.
    ContactRequired,
    /// The law does not allow this kind to be anonymous.
    AnonymityNotAllowed {
        kind: Kind,
    },
    /// `anonymous: true` together with personal data.
    AnonymousWithIdentity,
    /// Neither `citizen` nor `anonymous: true`.
    IdentityOrAnonymous,
    /// The earlier petition a second-time complaint names is not a complaint.
    NotAComplaint,
    /// The first-time complaint was decided by a province People's Committee: its second time
    /// is a Minister's (Law on Complaints art. 7(3)), outside this service.
    DecidedByProvince,
    /// A field the API does not know (a typo, or a field of another version).
    UnknownField,
    /// The value has the wrong type or shape; the reason is the parser's.
    Unreadable {
        reason: String,
    },
    /// A password too short, too long or easy to guess.
    WeakPassword,
    /// Not the account's current password.
    WrongPassword,
    /// Already used by another record (a username).
    Taken,
    /// Not allowed for the caller (an office head creating a user for another office).
    NotPermitted,
    /// Only for another role (an office for a supervisor, a scope for an official).
    NotForRole,
    /// The law's limit is reached (no further extension of this clock).
    LimitReached,
    /// The time for this has passed (rating more than 30 days after the answer).
    Expired,
    /// The same as the current value (a transfer to the office that has it).
    Unchanged,
    /// A petition another office handles (one named in a supervision request to this office).
    OtherOffice,
    /// Routing sends the petition to another office than the desk's (desk intake).
    RoutedElsewhere,
    /// The office a denunciation is about (its leadership) may not handle it.
    OfficeDenounced,
}

/// One field at fault, by its path in the request body (`citizen.phone`, `attachments[1].url`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub field: String,
    pub fault: Fault,
}

impl Violation {
    pub fn new(field: impl Into<String>, fault: Fault) -> Self {
        Self {
            field: field.into(),
            fault,
        }
    }
}

/// Something the partner should tell the citizen about how the petition was taken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// Law on Denunciations art. 25: without the denouncer's name and address the content is
    /// not handled as a denunciation; it was taken in as feedback.
    DenunciationTakenAsFeedback,
    /// Law on Complaints art. 9: filed more than 90 days after the complainant learned of the
    /// decision. Taken in and flagged; the office decides whether an excuse applies.
    LateFiling,
    /// Law on Complaints art. 33(1): a second-time complaint filed more than 30 days (45 in
    /// remote areas) after the first-time decision, or after its period ran out undecided.
    /// Taken in and flagged, likewise.
    LateSecondTimeFiling,
    /// Law on Denunciations art. 23(1): the denunciation names the denouncer but gives no way
    /// to reach them. It is kept as `incomplete`, with no clock running, until the denouncer
    /// adds a phone or an email (`POST /v1/petitions/{id}/complete`).
    DenunciationIncomplete,
}

impl Notice {
    pub fn code(self) -> &'static str {
        match self {
            Self::DenunciationTakenAsFeedback => "denunciation_taken_as_feedback",
            Self::LateFiling => "late_filing",
            Self::LateSecondTimeFiling => "late_second_time_filing",
            Self::DenunciationIncomplete => "denunciation_incomplete",
        }
    }
    pub fn legal_basis(self) -> &'static str {
        match self {
            Self::DenunciationTakenAsFeedback => "Law on Denunciations 25/2018/QH14, art. 25",
            Self::LateFiling => "Law on Complaints 02/2011/QH13, art. 9",
            Self::LateSecondTimeFiling => "Law on Complaints 02/2011/QH13, art. 33(1)",
            Self::DenunciationIncomplete => "Law on Denunciations 25/2018/QH14, art. 23(1)",
        }
    }
}

/// A submission that passed every check, with what the law made of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    pub submission: Submission,
    /// The kind it is handled as (a denunciation without identity becomes feedback).
    pub kind: Kind,
    pub late_filing: bool,
    /// A denunciation waiting for the denouncer's contact (art. 23(1)).
    pub incomplete: bool,
    pub notices: Vec<Notice>,
}

/// How far back staff may date a petition handed in at their desk: a paper petition entered a
/// few weeks late still starts its clocks on the day it arrived, which the laws count from
/// (Law on Complaints art. 27, Law on Denunciations art. 24: from receipt). A policy of the
/// service, not a statute; the record says who entered it.
pub const DESK_BACKDATE_DAYS: i64 = 30;

/// How far ahead of the service's clock a given time may be and still count as now: clocks
/// of two machines disagree by a little.
pub const CLOCK_TOLERANCE_MINUTES: i64 = 5;

/// When a petition entered at the desk was received: the time staff give (to the
/// microsecond both backends keep), or `now`. Refused in the future, or more than
/// [`DESK_BACKDATE_DAYS`] back.
pub fn desk_receipt(
    given: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Violation> {
    use chrono::SubsecRound;
    let Some(at) = given.map(|at| at.trunc_subsecs(6)) else {
        return Ok(now);
    };
    if at > now + chrono::Duration::minutes(CLOCK_TOLERANCE_MINUTES) {
        return Err(Violation::new("received_at", Fault::InFuture));
    }
    if now - at > chrono::Duration::days(DESK_BACKDATE_DAYS) {
        return Err(Violation::new("received_at", Fault::Expired));
    }
    Ok(at)
}

/// What intake needs to know about the world, supplied by the caller so that this stays pure.
pub trait Registry {
    fn commune_exists(&self, code: &str) -> bool;
    fn category_exists(&self, code: &str) -> bool;
    /// Whether civil servants work on `date` (a period ending on a day off runs to the next
    /// working day, Civil Code art. 148(5)).
    fn is_working_day(&self, date: NaiveDate) -> bool;
}

/// Checks a submission against the limits and the law. `today` is the date in Vietnam at
/// receipt; `now` the instant of receipt. Returns every violation, not just the first.
pub fn check(
    submission: Submission,
    registry: &impl Registry,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Intake, Vec<Violation>> {
    let mut v = Vec::new();
    let s = &submission;

    text(&mut v, "title", &s.title, limits::TITLE);
    text(&mut v, "description", &s.description, limits::DESCRIPTION);
    if !registry.category_exists(&s.category) {
        v.push(Violation::new("category", Fault::Unknown));
    }
    if !is_digits(&s.commune_code, 5) {
        v.push(Violation::new("commune_code", Fault::InvalidFormat));
    } else if !registry.commune_exists(&s.commune_code) {
        v.push(Violation::new("commune_code", Fault::Unknown));
    }
    if let Some(at) = s.occurred_at
        && at > now + chrono::Duration::minutes(5)
    {
        v.push(Violation::new("occurred_at", Fault::InFuture));
    }
    if let Some(subject) = &s.subject
        && !is_code(subject, limits::SUBJECT)
    {
        v.push(Violation::new("subject", Fault::InvalidFormat));
    }
    if let Some(location) = &s.location {
        check_location(&mut v, location);
    }
    check_attachments(&mut v, &s.attachments);

    let mut late_filing = false;
    if let Some(date) = s.decision_date {
        if s.kind != Kind::Complaint {
            v.push(Violation::new(
                "decision_date",
                Fault::NotForKind {
                    kind: Kind::Complaint,
                },
            ));
        } else if date > today {
            v.push(Violation::new("decision_date", Fault::InFuture));
        } else if s.second_time_of.is_none() {
            // Art. 9's 90 days bound first-time complaints; a second-time complaint has art.
            // 33's window, which the service checks against the first one's record.
            let limitation =
                super::clock::period_end(date, limits::COMPLAINT_LIMITATION_DAYS, |day| {
                    registry.is_working_day(day)
                });
            late_filing = today > limitation;
        }
    }
    if s.second_time_of.as_deref().is_some_and(|id| !is_uuid(id)) {
        v.push(Violation::new("second_time_of", Fault::InvalidFormat));
    } else if s.second_time_of.is_some() && s.kind != Kind::Complaint {
        v.push(Violation::new(
            "second_time_of",
            Fault::NotForKind {
                kind: Kind::Complaint,
            },
        ));
    }

    let kind = check_identity(&mut v, s);
    if !v.is_empty() {
        return Err(v);
    }
    let mut notices = Vec::new();
    if kind != s.kind {
        notices.push(Notice::DenunciationTakenAsFeedback);
    }
    // Art. 23(1): named, but with no way to reach them. Art. 25 does not apply (they can be
    // identified); the denunciation waits for the contact instead of being refused.
    let incomplete =
        kind == Kind::Denunciation && !s.citizen.as_ref().is_some_and(Citizen::gives_contact);
    if incomplete {
        notices.push(Notice::DenunciationIncomplete);
    }
    if late_filing {
        notices.push(Notice::LateFiling);
    }
    Ok(Intake {
        kind,
        late_filing,
        incomplete,
        notices,
        submission,
    })
}

/// Checks the identity against the kind and returns the kind the petition is handled as.
fn check_identity(v: &mut Vec<Violation>, s: &Submission) -> Kind {
    if let Some(citizen) = &s.citizen {
        check_citizen(v, citizen);
    }
    let identified = s
        .citizen
        .as_ref()
        .is_some_and(Citizen::gives_name_and_address);
    let personal = s.citizen.as_ref().is_some_and(Citizen::has_personal_data);
    if s.anonymous && personal {
        v.push(Violation::new("anonymous", Fault::AnonymousWithIdentity));
        return s.kind;
    }
    match s.kind {
        Kind::Complaint if s.anonymous => {
            v.push(Violation::new(
                "anonymous",
                Fault::AnonymityNotAllowed { kind: s.kind },
            ));
            s.kind
        }
        Kind::Complaint if !identified => {
            v.push(Violation::new(
                "citizen",
                Fault::IdentityRequired { kind: s.kind },
            ));
            s.kind
        }
        // Law on Denunciations art. 25: a denouncer who cannot be identified (no name and
        // address) makes no denunciation under that Law; its content is taken as feedback.
        Kind::Denunciation if !identified => Kind::Feedback,
        Kind::Recommendation | Kind::Feedback if s.citizen.is_none() && !s.anonymous => {
            v.push(Violation::new("citizen", Fault::IdentityOrAnonymous));
            s.kind
        }
        kind => kind,
    }
}

/// What a denouncer adds to an incomplete denunciation: a way to reach them (Law on
/// Denunciations art. 23(1) names "cách thức liên hệ", without saying which).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Contact {
    /// Checks the contact as intake checks a citizen's: at least one, each well formed.
    pub fn check(&self) -> Result<(), Vec<Violation>> {
        let mut v = Vec::new();
        if let Some(phone) = &self.phone
            && !is_phone(phone)
        {
            v.push(Violation::new("phone", Fault::InvalidFormat));
        }
        if let Some(email) = &self.email
            && !is_email(email)
        {
            v.push(Violation::new("email", Fault::InvalidFormat));
        }
        if self.phone.is_none() && self.email.is_none() {
            v.push(Violation::new("contact", Fault::ContactRequired));
        }
        if v.is_empty() { Ok(()) } else { Err(v) }
    }

    /// The citizen with this contact added; what they gave before stays unless replaced.
    pub fn added_to(&self, citizen: &Citizen) -> Citizen {
        let trimmed = |v: &Option<String>| v.as_deref().map(|s| s.trim().to_owned());
        Citizen {
            phone: trimmed(&self.phone).or_else(|| citizen.phone.clone()),
            email: trimmed(&self.email).or_else(|| citizen.email.clone()),
            ..citizen.clone()
        }
    }
}

fn check_citizen(v: &mut Vec<Violation>, c: &Citizen) {
    let optional = |v: &mut Vec<Violation>, field: &str, value: &Option<String>, max: usize| {
        if let Some(value) = value {
            text(v, &format!("citizen.{field}"), value, max);
        }
    };
    optional(v, "partner_ref", &c.partner_ref, limits::PARTNER_REF);
    optional(v, "full_name", &c.full_name, limits::NAME);
    optional(v, "address", &c.address, limits::ADDRESS);
    if let Some(phone) = &c.phone
        && !is_phone(phone)
    {
        v.push(Violation::new("citizen.phone", Fault::InvalidFormat));
    }
    if let Some(email) = &c.email
        && !is_email(email)
    {
        v.push(Violation::new("citizen.email", Fault::InvalidFormat));
    }
    // Citizen identity card (CCCD) numbers have 12 digits; the old identity cards (CMND) 9.
    if let Some(id) = &c.id_number
        && !(is_digits(id, 12) || is_digits(id, 9))
    {
        v.push(Violation::new("citizen.id_number", Fault::InvalidFormat));
    }
}

fn check_location(v: &mut Vec<Violation>, l: &Location) {
    match (l.lat, l.lon) {
        (Some(lat), Some(lon)) => {
            let inside = |x: f64, (lo, hi): (f64, f64)| x.is_finite() && (lo..=hi).contains(&x);
            if !inside(lat, LATITUDE) {
                v.push(Violation::new("location.lat", Fault::OutsideVietnam));
            }
            if !inside(lon, LONGITUDE) {
                v.push(Violation::new("location.lon", Fault::OutsideVietnam));
            }
        }
        (Some(_), None) => v.push(Violation::new("location.lon", Fault::Required)),
        (None, Some(_)) => v.push(Violation::new("location.lat", Fault::Required)),
        (None, None) => {}
    }
    if let Some(address) = &l.address {
        text(v, "location.address", address, limits::ADDRESS);
    }
}

fn check_attachments(v: &mut Vec<Violation>, attachments: &[Attachment]) {
    if attachments.len() > limits::ATTACHMENTS {
        v.push(Violation::new(
            "attachments",
            Fault::TooMany {
                max: limits::ATTACHMENTS,
            },
        ));
        return;
    }
    for (i, a) in attachments.iter().enumerate() {
        if a.url.chars().count() > limits::URL {
            v.push(Violation::new(
                format!("attachments[{i}].url"),
                Fault::TooLong { max: limits::URL },
            ));
        } else if !is_http_url(&a.url) {
            v.push(Violation::new(
                format!("attachments[{i}].url"),
                Fault::NotHttpUrl,
            ));
        }
        if let Some(media_type) = &a.media_type
            && !is_media_type(media_type)
        {
            v.push(Violation::new(
                format!("attachments[{i}].media_type"),
                Fault::InvalidFormat,
            ));
        }
    }
}

/// Non-blank text within `max` characters, without control characters other than line
/// breaks and tabs.
fn text(v: &mut Vec<Violation>, field: &str, value: &str, max: usize) {
    if let Some(fault) = text_fault(value, max) {
        v.push(Violation::new(field, fault));
    }
}

/// What is wrong with a piece of free text, if anything: blank, longer than `max`
/// characters, or carrying control characters other than line breaks and tabs (which no
/// person types, and which PostgreSQL refuses to store when it is NUL).
pub fn text_fault(value: &str, max: usize) -> Option<Fault> {
    if value.trim().is_empty() {
        Some(Fault::Blank)
    } else if value.chars().count() > max {
        Some(Fault::TooLong { max })
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Some(Fault::InvalidFormat)
    } else {
        None
    }
}

/// A petition id as the API hands them out: a hyphenated UUID.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

pub fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// A lowercase code such as `commune_leadership`.
pub fn is_code(s: &str, max: usize) -> bool {
    (1..=max).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Digits with the usual separators, an optional leading `+`: 6 to 15 digits (E.164).
fn is_phone(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    s.len() <= 30
        && (6..=15).contains(&digits)
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b" .-()".contains(&b))
}

/// A plausible address: one `@`, something before it, a dotted domain after it. Whether it
/// reaches anyone is not ours to know.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= limits::EMAIL
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_http_url(s: &str) -> bool {
    !s.chars().any(char::is_control)
        && url::Url::parse(s)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// `type/subtype`, as in `image/jpeg`.
fn is_media_type(s: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    s.len() <= limits::MEDIA_TYPE && s.split_once('/').is_some_and(|(a, b)| token(a) && token(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    struct World;
    impl Registry for World {
        fn commune_exists(&self, code: &str) -> bool {
            code == "00004"
        }
        fn is_working_day(&self, date: NaiveDate) -> bool {
            use chrono::Datelike;
            !matches!(date.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
        }
        fn category_exists(&self, code: &str) -> bool {
            code == "land"
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn identified() -> Citizen {
        Citizen {
            partner_ref: Some("u-1".into()),
            full_name: Some("Nguyễn Văn A".into()),
            phone: Some("0912 345 678".into()),
            email: None,
            address: Some("12 Phố Huế, Hà Nội".into()),
            id_number: Some("001090012345".into()),
        }
    }

    fn submission(kind: Kind) -> Submission {
        Submission {
            kind,
            category: "land".into(),
            commune_code: "00004".into(),
            title: "Lấn chiếm vỉa hè".into(),
            description: "Một cửa hàng lấn chiếm vỉa hè trước số 12.".into(),
            occurred_at: None,
            decision_date: None,
            location: None,
            subject: None,
            second_time_of: None,
            public: false,
            attachments: vec![],
            citizen: Some(identified()),
            anonymous: false,
        }
    }

    fn faults(s: Submission) -> Vec<(String, Fault)> {
        check(s, &World, today(), Utc::now())
            .unwrap_err()
            .into_iter()
            .map(|v| (v.field, v.fault))
            .collect()
    }

    #[test]
    fn an_identified_complaint_is_taken_in_as_filed() {
        let intake = check(submission(Kind::Complaint), &World, today(), Utc::now()).unwrap();
        assert_eq!(intake.kind, Kind::Complaint);
        assert!(intake.notices.is_empty());
        assert!(!intake.late_filing);
    }

    #[test]
    fn complaints_must_name_the_complainant() {
        let mut s = submission(Kind::Complaint);
        s.citizen.as_mut().unwrap().address = None;
        assert_eq!(
            faults(s),
            vec![(
                "citizen".into(),
                Fault::IdentityRequired {
                    kind: Kind::Complaint
                }
            )]
        );
        // Art. 8(2) asks for name and address, not a phone or an e-mail.
        let mut s = submission(Kind::Complaint);
        let citizen = s.citizen.as_mut().unwrap();
        citizen.phone = None;
        citizen.email = None;
        let intake = check(s, &World, today(), Utc::now()).unwrap();
        assert_eq!(intake.kind, Kind::Complaint);
        let mut s = submission(Kind::Complaint);
        s.citizen = None;
        s.anonymous = true;
        assert_eq!(
            faults(s),
            vec![(
                "anonymous".into(),
                Fault::AnonymityNotAllowed {
                    kind: Kind::Complaint
                }
            )]
        );
    }

    #[test]
    fn an_anonymous_denunciation_becomes_feedback_with_the_reason() {
        let mut s = submission(Kind::Denunciation);
        s.citizen = None;
        s.anonymous = true;
        let intake = check(s, &World, today(), Utc::now()).unwrap();
        assert_eq!(intake.kind, Kind::Feedback);
        assert_eq!(intake.notices, vec![Notice::DenunciationTakenAsFeedback]);
        // Without a name or an address the denouncer cannot be identified (art. 25).
        for blank in [0, 1] {
            let mut s = submission(Kind::Denunciation);
            let citizen = s.citizen.as_mut().unwrap();
            if blank == 0 {
                citizen.full_name = None;
            } else {
                citizen.address = None;
            }
            let intake = check(s, &World, today(), Utc::now()).unwrap();
            assert_eq!(intake.kind, Kind::Feedback);
        }
        // Named and located but not reachable: still a denunciation (art. 25 is for a
        // denouncer who cannot be identified), taken in incomplete until a contact is added
        // (art. 23(1)).
        let mut s = submission(Kind::Denunciation);
        let citizen = s.citizen.as_mut().unwrap();
        citizen.phone = None;
        citizen.email = None;
        let intake = check(s, &World, today(), Utc::now()).unwrap();
        assert_eq!(intake.kind, Kind::Denunciation);
        assert!(intake.incomplete);
        assert_eq!(intake.notices, vec![Notice::DenunciationIncomplete]);
        let mut s = submission(Kind::Denunciation);
        let citizen = s.citizen.as_mut().unwrap();
        citizen.phone = None;
        citizen.email = Some("an@example.vn".into());
        let intake = check(s, &World, today(), Utc::now()).unwrap();
        assert_eq!(intake.kind, Kind::Denunciation);
        assert!(!intake.incomplete);
        let intake = check(submission(Kind::Denunciation), &World, today(), Utc::now()).unwrap();
        assert_eq!(intake.kind, Kind::Denunciation);
        assert!(intake.notices.is_empty());
        // A complaint needs no contact (art. 8(2)), and is never incomplete.
        let mut s = submission(Kind::Complaint);
        let citizen = s.citizen.as_mut().unwrap();
        citizen.phone = None;
        citizen.email = None;
        assert!(!check(s, &World, today(), Utc::now()).unwrap().incomplete);
    }

    #[test]
    fn ninety_days_ending_on_a_day_off_run_to_the_next_working_day() {
        // Decided Sunday 23 August 2026: day 90 is Saturday 21 November, so the period runs
        // to the end of Monday 23 November (Civil Code art. 148(5)).
        let mut s = submission(Kind::Complaint);
        s.decision_date = NaiveDate::from_ymd_opt(2026, 8, 23);
        let on_monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(
            !check(s.clone(), &World, on_monday, Utc::now())
                .unwrap()
                .late_filing
        );
        let on_tuesday = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert!(
            check(s, &World, on_tuesday, Utc::now())
                .unwrap()
                .late_filing
        );
    }

    #[test]
    fn a_complaint_past_ninety_days_is_flagged_not_refused() {
        let mut s = submission(Kind::Complaint);
        s.decision_date = Some(today() - chrono::Days::new(91));
        let intake = check(s, &World, today(), Utc::now()).unwrap();
        assert!(intake.late_filing);
        assert_eq!(intake.notices, vec![Notice::LateFiling]);
        let mut s = submission(Kind::Complaint);
        s.decision_date = Some(today() - chrono::Days::new(90));
        assert!(!check(s, &World, today(), Utc::now()).unwrap().late_filing);
        let mut s = submission(Kind::Complaint);
        s.decision_date = Some(today() + chrono::Days::new(1));
        assert_eq!(faults(s), vec![("decision_date".into(), Fault::InFuture)]);
    }

    #[test]
    fn every_fault_is_reported_at_once() {
        let mut s = submission(Kind::Feedback);
        s.category = "nope".into();
        s.commune_code = "99999".into();
        s.title = " ".into();
        s.location = Some(Location {
            lat: Some(48.85),
            lon: Some(2.35),
            address: None,
        });
        s.attachments = vec![Attachment {
            url: "ftp://x.vn/a.jpg".into(),
            media_type: Some("jpeg".into()),
        }];
        s.citizen.as_mut().unwrap().email = Some("not-an-email".into());
        let fields: Vec<String> = faults(s).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "title",
                "category",
                "commune_code",
                "location.lat",
                "location.lon",
                "attachments[0].url",
                "attachments[0].media_type",
                "citizen.email",
            ]
        );
    }

    #[test]
    fn anonymity_and_identity_do_not_mix() {
        let mut s = submission(Kind::Feedback);
        s.anonymous = true;
        assert_eq!(
            faults(s),
            vec![("anonymous".into(), Fault::AnonymousWithIdentity)]
        );
        let mut s = submission(Kind::Feedback);
        s.citizen = None;
        assert_eq!(
            faults(s),
            vec![("citizen".into(), Fault::IdentityOrAnonymous)]
        );
        let mut s = submission(Kind::Feedback);
        s.citizen = Some(Citizen {
            partner_ref: Some("u-9".into()),
            ..Citizen::default()
        });
        s.anonymous = true;
        assert!(check(s, &World, today(), Utc::now()).is_ok());
    }

    #[test]
    fn formats() {
        assert!(is_phone("+84 912 345 678"));
        assert!(is_phone("0912345678"));
        assert!(!is_phone("12345"));
        assert!(!is_phone("call me"));
        assert!(is_email("a@b.vn"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a b@c.vn"));
        assert!(is_http_url("https://cdn.example.vn/a.jpg"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url("file:///etc/passwd"));
        assert!(is_media_type("image/jpeg"));
        assert!(!is_media_type("image"));
    }

    proptest! {
        /// Whatever text arrives, checking never panics and never lets an oversized or blank
        /// title through.
        #[test]
        fn titles_are_bounded(title in "\\PC{0,260}") {
            let mut s = submission(Kind::Feedback);
            s.title = title.clone();
            let ok = check(s, &World, today(), Utc::now()).is_ok();
            let fits = !title.trim().is_empty() && title.chars().count() <= limits::TITLE;
            prop_assert_eq!(ok, fits);
        }

        /// A recommendation or feedback with identity is never reclassified; only a
        /// denunciation without identity ever changes kind, and only to feedback.
        #[test]
        fn only_unidentified_denunciations_change_kind(
            kind in prop::sample::select(Kind::ALL.to_vec()),
            anonymous in any::<bool>(),
        ) {
            let mut s = submission(kind);
            if anonymous {
                s.citizen = None;
                s.anonymous = true;
            }
            if let Ok(intake) = check(s, &World, today(), Utc::now())
                && intake.kind != kind
            {
                prop_assert_eq!(kind, Kind::Denunciation);
                prop_assert_eq!(intake.kind, Kind::Feedback);
                prop_assert!(anonymous);
            }
        }
    }

    #[test]
    fn desk_receipt_is_now_or_up_to_thirty_days_back() {
        let now = DateTime::parse_from_rfc3339("2027-03-10T03:00:00Z")
            .unwrap()
            .to_utc();
        let days = |n: i64| now - chrono::Duration::days(n);
        assert_eq!(desk_receipt(None, now), Ok(now));
        assert_eq!(desk_receipt(Some(days(30)), now), Ok(days(30)));
        let ahead = now + chrono::Duration::minutes(4);
        assert_eq!(desk_receipt(Some(ahead), now), Ok(ahead));
        assert_eq!(
            desk_receipt(Some(days(30) - chrono::Duration::seconds(1)), now),
            Err(Violation::new("received_at", Fault::Expired))
        );
        assert_eq!(
            desk_receipt(Some(now + chrono::Duration::minutes(6)), now),
            Err(Violation::new("received_at", Fault::InFuture))
        );
        let precise = days(1) + chrono::Duration::nanoseconds(1_234_567);
        assert_eq!(
            desk_receipt(Some(precise), now)
                .unwrap()
                .timestamp_subsec_nanos(),
            1_234_000
        );
    }
}
