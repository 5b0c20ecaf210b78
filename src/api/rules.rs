//! The rule table of legal clocks (DESIGN §3.1): public to read, admins add and change rules,
//! and flag remote communes.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body;
use super::idempotency::{self, Reply};
use super::params::{self, NoParams};
use crate::auth::staff::Staff;
use crate::db::rules as stored;
use crate::domain::calendar::MAX_DAYS;
use crate::domain::clock::{ClockName, Complexity, DayType};
use crate::domain::petition::{Fault, Kind, Violation, text_fault};
use crate::domain::rules::{Rule, Starts};
use crate::domain::staff::Role;
use crate::error::{ApiError, BadInput};
use crate::service::rules::Terms;
use crate::service::{self, Tx};
use crate::state::AppState;

/// The rules in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleBookView {
    /// Stored with every clock computed from these rules.
    #[schema(example = "rules.22")]
    pub rules_version: String,
    pub rules: Vec<Rule>,
}

/// The rule table: every clock a petition can get, with its length and legal basis.
///
/// For a case, each clock takes its most specific matching rule (most conditions set, then
/// the newest) among those in force on the day the petition was received: a rule applies from
/// its `effective_from` (when set) to the day before its `effective_to` (when set).
#[utoipa::path(
    tag = "calendar",
    responses((status = 200, description = "The rules in force", body = RuleBookView))
)]
#[get("/rules")]
pub async fn list_rules(
    state: web::Data<AppState>,
    _: web::Query<NoParams>,
) -> web::Json<RuleBookView> {
    let book = state.rules().current();
    web::Json(RuleBookView {
        rules_version: book.version(),
        rules: book.rules().to_vec(),
    })
}

/// What an admin sets on a rule.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleTerms {
    /// Length, 1–3650; the start day is not counted.
    #[schema(example = 3)]
    pub days: u32,
    pub day_type: DayType,
    /// How many times the clock may be extended (0–10).
    #[serde(default)]
    pub max_extensions: u32,
    /// Days each extension adds (0–3650).
    #[serde(default)]
    pub extension_days: u32,
    /// The law or decision the rule follows, up to 500 characters.
    #[schema(example = "Đà Nẵng Decision 960/QĐ-UBND (2021)")]
    pub legal_basis: String,
    /// A law that changes on a date: from this day (after today) petitions received get the
    /// new terms, and the old rule ends the day before (`effective_to`); running clocks keep
    /// theirs. Absent: a correction, applied at once, running clocks counted again.
    #[schema(example = "2027-07-01")]
    pub effective_from: Option<NaiveDate>,
}

/// A new rule: which cases and clock it governs, and its terms.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    pub kind: Kind,
    pub clock: ClockName,
    pub starts: Starts,
    pub second_time: Option<bool>,
    pub remote: Option<bool>,
    pub complexity: Option<Complexity>,
    /// Only petitions in this province (a provincial regulation).
    #[schema(example = "48")]
    pub province_code: Option<String>,
    /// Only petitions of this category.
    pub category_code: Option<String>,
    // The terms are spelled out rather than a flattened `RuleTerms`: OpenAPI would make that
    // an `allOf` whose closed half forbids the other half's fields, a body no client can send.
    /// Length, 1–3650; the start day is not counted.
    #[schema(example = 3)]
    pub days: u32,
    pub day_type: DayType,
    /// How many times the clock may be extended (0–10).
    #[serde(default)]
    pub max_extensions: u32,
    /// Days each extension adds (0–3650).
    #[serde(default)]
    pub extension_days: u32,
    /// The law or decision the rule follows, up to 500 characters.
    #[schema(example = "Đà Nẵng Decision 960/QĐ-UBND (2021)")]
    pub legal_basis: String,
    /// In force for petitions received from this day (after today); at once when absent.
    #[schema(example = "2027-07-01")]
    pub effective_from: Option<NaiveDate>,
}

impl NewRule {
    fn terms(&self) -> RuleTerms {
        RuleTerms {
            days: self.days,
            day_type: self.day_type,
            max_extensions: self.max_extensions,
            extension_days: self.extension_days,
            legal_basis: self.legal_basis.clone(),
            effective_from: self.effective_from,
        }
    }
}

fn check_terms(t: &RuleTerms) -> Vec<Violation> {
    let mut v = Vec::new();
    if !(1..=MAX_DAYS).contains(&t.days) {
        v.push(Violation::new(
            "days",
            Fault::OutOfRange {
                min: 1,
                max: MAX_DAYS as i64,
            },
        ));
    }
    if t.max_extensions > 10 {
        v.push(Violation::new(
            "max_extensions",
            Fault::OutOfRange { min: 0, max: 10 },
        ));
    }
    if t.extension_days > MAX_DAYS {
        v.push(Violation::new(
            "extension_days",
            Fault::OutOfRange {
                min: 0,
                max: MAX_DAYS as i64,
            },
        ));
    }
    // A clock extended as far as the rule allows must still be one the calendar can count.
    let longest = u64::from(t.days) + u64::from(t.max_extensions) * u64::from(t.extension_days);
    if v.is_empty() && longest > u64::from(MAX_DAYS) {
        v.push(Violation::new(
            "extension_days",
            Fault::OutOfRange {
                min: 0,
                max: i64::from((MAX_DAYS - t.days) / t.max_extensions.max(1)),
            },
        ));
    }
    if let Some(fault) = text_fault(&t.legal_basis, 500) {
        v.push(Violation::new("legal_basis", fault));
    }
    v
}

/// Add a rule (admins): for example a province's own answer period for feedback.
///
/// It governs clocks started from now on (or, with `effective_from`, clocks of petitions
/// received from that day); running clocks keep theirs.
#[utoipa::path(
    tag = "calendar",
    request_body = NewRule,
    params(("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions")),
    security(("staff_token" = [])),
    responses(
        (status = 201, description = "Added", body = RuleBookView, headers(("Location" = String, description = "/v1/rules"))),
        (status = 400, description = "Not JSON, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: days or extensions out of range, a blank legal basis, an unknown province or category, an `effective_from` not after today (`expired`); or a reused `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/rules")]
pub async fn add_rule(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(&[Role::Admin])?;
    let key = idempotency::key(&req)?;
    let parsed = body::parse::<NewRule>(&req, &payload)?;
    let hash = idempotency::request_hash("POST /v1/rules", &parsed.canonical);
    let r = parsed.value;
    let violations = check_terms(&r.terms());
    if !violations.is_empty() {
        return Err(ApiError::Invalid(violations));
    }
    let rule = Rule {
        id: 0,
        kind: r.kind,
        clock: r.clock,
        starts: r.starts,
        second_time: r.second_time,
        remote: r.remote,
        complexity: r.complexity,
        province_code: r.province_code,
        category_code: r.category_code,
        days: r.days,
        day_type: r.day_type,
        max_extensions: r.max_extensions,
        extension_days: r.extension_days,
        legal_basis: r.legal_basis.trim().to_owned(),
        effective_from: r.effective_from,
        effective_to: None,
    };
    let by = staff.user_id;
    let now = state.now();
    let work = move |tx: &mut Tx| {
        let (added, book) = service::rules::add(tx, by, rule.clone(), now)?;
        let view = RuleBookView {
            rules_version: book.version(),
            rules: vec![added],
        };
        Ok(Reply::json(StatusCode::CREATED, &view)?.at("/v1/rules".into()))
    };
    let scope = format!("user:{}", staff.user_id);
    let reply = idempotency::run(&state.service, scope, key, hash, now, work).await?;
    // Only now is the rule committed: the book in memory follows the database, not a
    // transaction that might still have rolled back.
    state.rules().replace(state.db().read(stored::load).await?);
    Ok(reply)
}

/// A rule after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleChangeView {
    /// The rule now in force (a new id; the old one is kept, retired).
    pub rule: Rule,
    pub rules_version: String,
    /// Running clocks whose due time moved, each recorded as a `deadline.recomputed` event.
    pub recomputed_clocks: usize,
}

/// Change a rule's terms (admins).
///
/// Without `effective_from` (a correction): the rule is retired and a successor with the new
/// terms takes its place; every running clock it governs is counted again from its start with
/// the new length (keeping the extensions it was granted), in the same transaction.
///
/// With `effective_from` (a law that changes on a date, after today): the rule stays for
/// petitions received before that day and gets it as its `effective_to`; the successor
/// governs petitions received from then on. No running clock moves.
#[utoipa::path(
    tag = "calendar",
    params(("id" = i64, Path, description = "The rule's id", minimum = 1)),
    request_body = RuleTerms,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "Changed", body = RuleChangeView),
        (status = 400, description = "Not JSON, or not a rule id", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No rule in force has this id (`rule_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: days or extensions out of range, a blank legal basis, an `effective_from` not after today (`expired`) or not after the rule's own start, or a rule that already has a dated successor (`not_permitted`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/rules/{id}")]
pub async fn change_rule(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<web::Json<RuleChangeView>, ApiError> {
    staff.require(&[Role::Admin])?;
    let id = path
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::BadRequest(BadInput::RuleId(path.to_string())))?;
    let terms = body::parse::<RuleTerms>(&req, &payload)?.value;
    let violations = check_terms(&terms);
    if !violations.is_empty() {
        return Err(ApiError::Invalid(violations));
    }
    let terms = Terms {
        days: terms.days,
        day_type: terms.day_type,
        max_extensions: terms.max_extensions,
        extension_days: terms.extension_days,
        legal_basis: terms.legal_basis,
        effective_from: terms.effective_from,
    };
    let by = staff.user_id;
    let now = state.now();
    let changed = state
        .service
        .transaction(move |tx| service::rules::change(tx, by, id, terms, now))
        .await
        .map_err(ApiError::from)?;
    let view = RuleChangeView {
        rule: changed.rule,
        rules_version: changed.book.version(),
        recomputed_clocks: changed.recomputed.len(),
    };
    state.rules().replace(changed.book);
    tracing::info!(rule = id, rules_version = %view.rules_version, recomputed = view.recomputed_clocks, "clock rule changed");
    Ok(web::Json(view))
}

/// Whether a commune is a remote area.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Remoteness {
    /// Remote-area communes get the longer complaint periods (Law on Complaints art. 28, 37).
    pub remote: bool,
}

/// Flag a commune as a remote area, or not (admins).
///
/// Complaints accepted from then on get the remote-area resolution periods.
#[utoipa::path(
    tag = "calendar",
    params(("code" = String, Path, description = "Five-digit GSO commune code", example = "00004")),
    request_body = Remoteness,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "The commune's flag", body = Remoteness),
        (status = 400, description = "Malformed commune code or not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No commune has this code (`commune_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not `{\"remote\": true|false}` (`invalid_body`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/communes/{code}/remote")]
pub async fn set_remote(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<web::Json<Remoteness>, ApiError> {
    staff.require(&[Role::Admin])?;
    let code = params::commune_code("code", &path)?;
    let remote = body::parse::<Remoteness>(&req, &payload)?.value.remote;
    let commune = code.as_str().to_owned();
    let by = staff.user_id;
    let now = state.now();
    state
        .service
        .transaction(move |tx| service::rules::set_remote(tx, by, &commune, remote, now))
        .await
        .map_err(ApiError::from)?;
    Ok(web::Json(Remoteness { remote }))
}
