//! The API's one error type, rendered once as RFC 9457 `application/problem+json`.
//!
//! Every failure a client can see is an [`ApiError`]: handlers return it, the extractor
//! configurations convert parse failures into it, and [`crate::api::middleware::problems`]
//! renders it in the caller's language with the request id. A `code` never changes once
//! published; titles and details may be reworded, in the message catalogue (`crate::i18n`,
//! `problem-<code>-title` and `-detail`), not here.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;
use crate::domain::lang::Lang;
use crate::domain::petition::Violation;
use crate::domain::workflow::{Action, WrongState};
use crate::i18n;

mod faults;
mod internal;

pub use faults::describe as describe_violation;
pub use internal::Fault;

/// The error body: RFC 9457 members plus a stable `code`, the request id and per-field errors.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:tiengdan:problem:<code>`.
    #[serde(rename = "type")]
    #[schema(example = "urn:tiengdan:problem:commune_not_found")]
    pub problem_type: String,
    /// Short summary, the same for every occurrence of this kind.
    #[schema(example = "Không tìm thấy xã")]
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 404)]
    pub status: u16,
    /// What went wrong this time, and what to do about it.
    #[schema(example = "Không có xã, phường, đặc khu nào mang mã 99999.")]
    pub detail: String,
    /// Stable machine-readable code: branch on this, not on the text.
    #[schema(example = "commune_not_found")]
    pub code: String,
    /// The path of the request that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "/v1/communes/99999")]
    pub instance: Option<String>,
    /// The request id, also sent as the `X-Request-Id` header: quote it when asking for help.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The fields at fault, when the problem is with particular inputs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// For `wrong_state`: the actions the petition's current state allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<Action>>,
    /// For `rate_limited`: seconds until a retry can succeed (also the `Retry-After` header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// One input at fault.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// Where the input is: a path or query parameter name, or a JSON pointer-like path
    /// into the body (`citizen.phone`).
    #[schema(example = "code")]
    pub field: String,
    /// Stable code of what is wrong with it.
    #[schema(example = "invalid_format")]
    pub code: String,
    #[schema(example = "Mã xã gồm đúng 5 chữ số, ví dụ 00004.")]
    pub message: String,
}

/// Something named in the request that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    Route,
    Province(String),
    Commune(String),
    Office(i64),
    Petition,
    Partner(i64),
    User,
    /// No clock rule in force has this id.
    Rule(i64),
    /// No supervision request the caller may see has this id.
    SupervisionRequest,
}

/// Why a caller was not recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unrecognised {
    /// No `Authorization: Bearer` or `X-Api-Key` header.
    MissingKey,
    /// A key we never issued, or one that was revoked.
    InvalidKey,
    /// No `X-Receipt-Secret` header where the citizen's receipt secret is needed.
    MissingReceiptSecret,
    /// An access token that is malformed, expired, tampered with, or not ours.
    InvalidToken,
    /// A wrong username or password (the same answer for both).
    InvalidCredentials,
    /// A refresh token unknown, expired, revoked or already spent.
    InvalidRefreshToken,
}

/// A request the service cannot understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadInput {
    ProvinceCode {
        field: &'static str,
        given: String,
    },
    CommuneCode {
        field: &'static str,
        given: String,
    },
    OfficeId(String),
    RuleId(String),
    /// A user id that is not a positive whole number.
    UserId(String),
    SupervisionRequestId(String),
    /// The query string did not parse: unknown parameter, wrong type.
    Query(String),
    Limit,
    Cursor,
    /// The body is not JSON at all.
    MalformedJson(String),
    /// The `Idempotency-Key` header is empty, too long or not printable ASCII.
    IdempotencyKey,
    TrackingCode(crate::domain::tracking::TrackingCodeError),
    PetitionId,
    /// Not a date `YYYY-MM-DD`, or one outside the calendar's years.
    Date {
        field: &'static str,
        given: String,
    },
    /// A day count that is not a whole number from 0 to the calendar's maximum.
    DayCount(String),
    /// A year outside the calendar's years.
    Year(String),
    /// Not a statistics period `YYYY`, `YYYY-Qn` or `YYYY-MM`.
    Period {
        field: &'static str,
        given: String,
        problem: crate::domain::stats::PeriodError,
    },
    /// A statistics parameter missing, not allowed here, or naming nothing known.
    Parameter {
        field: &'static str,
        problem: ParameterProblem,
    },
}

/// What is wrong with a parameter that parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterProblem {
    /// Required by the other parameters given (a province's code for `level=province`).
    Required,
    /// Meaningless with the other parameters given.
    NotAllowed,
    /// Names no category, no metric of this sort, no such thing.
    Unknown,
    /// A range that runs backwards or is too long.
    OutOfRange,
}

impl ParameterProblem {
    fn code(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::NotAllowed => "not_allowed",
            Self::Unknown => "unknown",
            Self::OutOfRange => "out_of_range",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("not found: {0:?}")]
    NotFound(Missing),
    #[error("bad request: {0:?}")]
    BadRequest(BadInput),
    /// The body is JSON but not of the expected shape (unknown field, wrong type).
    #[error("unprocessable body: {0}")]
    InvalidBody(String),
    /// The path exists but not with this method; `allow` lists the methods it takes.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("service unavailable")]
    Unavailable,
    #[error("unauthenticated: {0:?}")]
    Unauthenticated(Unrecognised),
    #[error("rate limited")]
    RateLimited { retry_after: u64 },
    /// Authenticated, but the role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// The body is well-formed but breaks the rules: every field at fault.
    #[error("validation failed")]
    Invalid(Vec<Violation>),
    /// An `Idempotency-Key` reused with another request.
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// The action is not allowed in the petition's state.
    #[error("wrong state: {0}")]
    WrongState(WrongState),
    /// The supervision request has its answer already; an answer is given once.
    #[error("already replied")]
    AlreadyReplied,
    /// The petition has no acceptance notice due (not a denunciation, or notified already).
    #[error("no notice due")]
    NoNoticeDue,
    /// Something the service did not expect; the fault is logged, never shown.
    #[error("internal error: {0}")]
    Internal(Fault),
}

/// Which of the catalogue's texts a problem says, and with what.
struct Said {
    code: &'static str,
    /// The detail's variant (`problem-<code>-detail-<variant>`), where one code has several.
    variant: Option<&'static str>,
    args: Vec<(&'static str, String)>,
    field: Option<(String, &'static str)>,
}

/// What a problem says, before it is tied to a request.
struct Text {
    code: String,
    title: String,
    detail: String,
    errors: Vec<FieldProblem>,
}

impl ApiError {
    /// The password pool's answer: busy is a 503 with `Retry-After`, a lost job a 500 saying
    /// what it was doing.
    pub fn from_pool(doing: &'static str, e: crate::auth::password::PoolError) -> Self {
        match e {
            crate::auth::password::PoolError::Busy => Self::Unavailable,
            lost => Self::internal(doing, lost),
        }
    }
}

impl ApiError {
    /// An internal failure with its cause.
    pub fn internal(
        context: &'static str,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Internal(Fault::new(context, cause))
    }

    /// A state the code should never reach.
    pub fn bug(context: &'static str) -> Self {
        Self::Internal(Fault::bug(context))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::InvalidBody(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Invalid(_) | Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::WrongState(_) | Self::AlreadyReplied | Self::NoNoticeDue => StatusCode::CONFLICT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem for an error raised by actix itself (not by our code), by its status.
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self::NotFound(Missing::Route),
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed {
                allow: "GET".into(),
            },
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge { limit: 0 },
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType,
            StatusCode::SERVICE_UNAVAILABLE => Self::Unavailable,
            s if s.is_client_error() => Self::BadRequest(BadInput::Query(s.to_string())),
            s => Self::Internal(Fault::text("the framework answered", s)),
        }
    }

    pub fn problem(&self, lang: Lang) -> Problem {
        let text = self.text(lang);
        Problem {
            problem_type: format!("urn:tiengdan:problem:{}", text.code),
            title: text.title,
            status: self.status().as_u16(),
            detail: text.detail,
            code: text.code,
            instance: None,
            request_id: None,
            errors: text.errors,
            allowed_actions: match self {
                Self::WrongState(w) => Some(w.allowed.clone()),
                _ => None,
            },
            retry_after: match self {
                Self::RateLimited { retry_after } => Some(*retry_after),
                _ => None,
            },
        }
    }

    /// What the problem says, from the message catalogue (`problem-<code>-title`,
    /// `problem-<code>-detail[-<variant>]`).
    fn text(&self, lang: Lang) -> Text {
        let said = self.said();
        let title = i18n::text(lang, &format!("problem-{}-title", said.code));
        let detail_id = match said.variant {
            Some(variant) => format!("problem-{}-detail-{variant}", said.code),
            None => format!("problem-{}-detail", said.code),
        };
        let detail = i18n::text_with(lang, &detail_id, &said.args);
        let errors = match (self, said.field) {
            (Self::Invalid(violations), _) => violations
                .iter()
                .map(|v| faults::describe(v, lang))
                .collect(),
            (_, Some((name, what))) => vec![FieldProblem {
                field: name,
                code: what.to_owned(),
                message: detail.clone(),
            }],
            (_, None) => Vec::new(),
        };
        Text {
            code: said.code.to_owned(),
            title,
            detail,
            errors,
        }
    }

    /// The problem's code, which of its details applies, the details' arguments, and the
    /// field at fault (its name and what is wrong with it) when there is one.
    fn said(&self) -> Said {
        use crate::domain::calendar::{FIRST_YEAR, LAST_YEAR, MAX_DAYS};
        use crate::domain::stats::period::{MAX_YEAR, MIN_YEAR};
        let said = |code| Said {
            code,
            variant: None,
            args: Vec::new(),
            field: None,
        };
        let with = |code, args: Vec<(&'static str, String)>| Said { args, ..said(code) };
        let at = |code, name: &str, what: &'static str, args| Said {
            field: Some((name.to_owned(), what)),
            ..with(code, args)
        };
        match self {
            Self::NotFound(Missing::Route) => said("route_not_found"),
            Self::NotFound(Missing::Province(code)) => {
                with("province_not_found", vec![("code", code.clone())])
            }
            Self::NotFound(Missing::Commune(code)) => {
                with("commune_not_found", vec![("code", code.clone())])
            }
            Self::NotFound(Missing::Office(id)) => {
                with("office_not_found", vec![("id", id.to_string())])
            }
            Self::NotFound(Missing::Petition) => said("petition_not_found"),
            Self::NotFound(Missing::SupervisionRequest) => said("supervision_request_not_found"),
            Self::NotFound(Missing::User) => said("user_not_found"),
            Self::NotFound(Missing::Partner(id)) => {
                with("partner_not_found", vec![("id", id.to_string())])
            }
            Self::NotFound(Missing::Rule(id)) => {
                with("rule_not_found", vec![("id", id.to_string())])
            }
            Self::BadRequest(BadInput::ProvinceCode { field, .. }) => {
                at("invalid_province_code", field, "invalid_format", vec![])
            }
            Self::BadRequest(BadInput::CommuneCode { field, .. }) => {
                at("invalid_commune_code", field, "invalid_format", vec![])
            }
            Self::BadRequest(BadInput::OfficeId(_)) => {
                at("invalid_office_id", "id", "invalid_format", vec![])
            }
            Self::BadRequest(BadInput::RuleId(_)) => {
                at("invalid_rule_id", "id", "invalid_format", vec![])
            }
            Self::BadRequest(BadInput::UserId(_)) => {
                at("invalid_user_id", "id", "invalid_format", vec![])
            }
            Self::BadRequest(BadInput::SupervisionRequestId(_)) => at(
                "invalid_supervision_request_id",
                "id",
                "invalid_format",
                vec![],
            ),
            Self::BadRequest(BadInput::Query(reason)) => {
                with("invalid_query", vec![("reason", reason.clone())])
            }
            Self::BadRequest(BadInput::Limit) => at(
                "invalid_limit",
                "limit",
                "out_of_range",
                vec![("max", crate::domain::pagination::MAX_LIMIT.to_string())],
            ),
            Self::BadRequest(BadInput::Date { field, given }) => at(
                "invalid_date",
                field,
                "invalid_format",
                vec![
                    ("field", (*field).to_owned()),
                    ("first", FIRST_YEAR.to_string()),
                    ("last", LAST_YEAR.to_string()),
                    ("given", format!("{given:?}")),
                ],
            ),
            Self::BadRequest(BadInput::DayCount(given)) => at(
                "invalid_days",
                "days",
                "out_of_range",
                vec![
                    ("max", MAX_DAYS.to_string()),
                    ("given", format!("{given:?}")),
                ],
            ),
            Self::BadRequest(BadInput::Year(given)) => at(
                "invalid_year",
                "year",
                "out_of_range",
                vec![
                    ("first", FIRST_YEAR.to_string()),
                    ("last", LAST_YEAR.to_string()),
                    ("given", format!("{given:?}")),
                ],
            ),
            Self::BadRequest(BadInput::Period {
                field,
                given,
                problem,
            }) => at(
                "invalid_period",
                field,
                problem.code(),
                vec![
                    ("field", (*field).to_owned()),
                    ("first", MIN_YEAR.to_string()),
                    ("last", MAX_YEAR.to_string()),
                    ("given", format!("{given:?}")),
                    ("problem", problem.to_string()),
                ],
            ),
            Self::BadRequest(BadInput::Parameter { field, problem }) => Said {
                variant: Some(problem.code()),
                ..at(
                    "invalid_parameter",
                    field,
                    problem.code(),
                    vec![("field", (*field).to_owned())],
                )
            },
            Self::BadRequest(BadInput::Cursor) => {
                at("invalid_cursor", "cursor", "invalid_format", vec![])
            }
            Self::BadRequest(BadInput::MalformedJson(reason)) => {
                with("malformed_json", vec![("reason", reason.clone())])
            }
            Self::BadRequest(BadInput::IdempotencyKey) => at(
                "invalid_idempotency_key",
                "Idempotency-Key",
                "invalid_format",
                vec![],
            ),
            Self::BadRequest(BadInput::TrackingCode(e)) => {
                let what = match e {
                    crate::domain::tracking::TrackingCodeError::Check => "check_failed",
                    crate::domain::tracking::TrackingCodeError::Format => "invalid_format",
                };
                Said {
                    variant: Some(what),
                    ..at(
                        "invalid_tracking_code",
                        "tracking_code",
                        what,
                        vec![("reason", e.to_string())],
                    )
                }
            }
            Self::BadRequest(BadInput::PetitionId) => {
                at("invalid_petition_id", "id", "invalid_format", vec![])
            }
            Self::InvalidBody(reason) => with("invalid_body", vec![("reason", reason.clone())]),
            Self::MethodNotAllowed { .. } => said("method_not_allowed"),
            Self::PayloadTooLarge { limit: 0 } => said("payload_too_large"),
            Self::PayloadTooLarge { limit } => Said {
                variant: Some("limit"),
                ..with("payload_too_large", vec![("limit", limit.to_string())])
            },
            Self::UnsupportedMediaType => said("unsupported_media_type"),
            Self::Unavailable => said("service_unavailable"),
            Self::Unauthenticated(Unrecognised::MissingKey) => said("unauthenticated"),
            Self::Unauthenticated(Unrecognised::MissingReceiptSecret) => {
                said("receipt_secret_required")
            }
            Self::Unauthenticated(Unrecognised::InvalidToken) => said("invalid_token"),
            Self::Unauthenticated(Unrecognised::InvalidCredentials) => said("invalid_credentials"),
            Self::Unauthenticated(Unrecognised::InvalidRefreshToken) => {
                said("invalid_refresh_token")
            }
            Self::Unauthenticated(Unrecognised::InvalidKey) => said("invalid_api_key"),
            Self::Forbidden => said("forbidden"),
            Self::RateLimited { retry_after } => {
                with("rate_limited", vec![("seconds", retry_after.to_string())])
            }
            Self::Invalid(violations) => with(
                "validation_failed",
                vec![("count", violations.len().to_string())],
            ),
            Self::IdempotencyKeyReused => at(
                "idempotency_key_reused",
                "Idempotency-Key",
                "reused",
                vec![],
            ),
            Self::WrongState(w) => with(
                "wrong_state",
                vec![
                    ("status", w.status.code().to_owned()),
                    ("action", w.action.code().to_owned()),
                ],
            ),
            Self::AlreadyReplied => said("already_replied"),
            Self::NoNoticeDue => said("no_notice_due"),
            Self::Internal(_) => said("internal_error"),
        }
    }

    /// The full response for this error in a language, tied to a request.
    pub fn render(
        &self,
        lang: Lang,
        instance: Option<&str>,
        request_id: Option<&str>,
    ) -> HttpResponse {
        let mut problem = self.problem(lang);
        problem.instance = instance.map(str::to_owned);
        problem.request_id = request_id.map(str::to_owned);
        let mut response = HttpResponse::build(self.status());
        response.content_type("application/problem+json");
        response.insert_header(("Content-Language", lang.code()));
        match self {
            Self::Unavailable => {
                response.insert_header(("Retry-After", "5"));
            }
            Self::MethodNotAllowed { allow } => {
                response.insert_header(("Allow", allow.as_str()));
            }
            Self::RateLimited { retry_after } => {
                response.insert_header(("Retry-After", retry_after.to_string()));
            }
            Self::Unauthenticated(_) => {
                response.insert_header(("WWW-Authenticate", "Bearer realm=\"tiengdan\""));
            }
            _ => {}
        }
        response.json(problem)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    /// The Vietnamese rendering; the problems middleware re-renders it for the request.
    fn error_response(&self) -> HttpResponse {
        self.render(Lang::default(), None, None)
    }
}

/// The service's errors, mapped once.
impl From<crate::service::ServiceError> for ApiError {
    fn from(e: crate::service::ServiceError) -> Self {
        use crate::service::{NotFound, ServiceError as E};
        match e {
            E::NotFound(NotFound::Petition) => Self::NotFound(Missing::Petition),
            E::NotFound(NotFound::Office(id)) => Self::NotFound(Missing::Office(id)),
            E::NotFound(NotFound::Commune(code)) => Self::NotFound(Missing::Commune(code)),
            E::NotFound(NotFound::Partner(id)) => Self::NotFound(Missing::Partner(id)),
            E::NotFound(NotFound::Rule(id)) => Self::NotFound(Missing::Rule(id)),
            E::NotFound(NotFound::SupervisionRequest) => {
                Self::NotFound(Missing::SupervisionRequest)
            }
            E::NotFound(NotFound::User) => Self::NotFound(Missing::User),
            E::Invalid(v) => Self::Invalid(v),
            E::WrongState(w) => Self::WrongState(w),
            E::Forbidden => Self::Forbidden,
            E::AlreadyReplied => Self::AlreadyReplied,
            E::NoNoticeDue => Self::NoNoticeDue,
            E::Unavailable(e) => {
                tracing::warn!(error = %e, "database busy or unreachable");
                Self::Unavailable
            }
            E::Internal(fault) => Self::Internal(fault),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unavailable(_) => {
                tracing::warn!(error = %e, "database unavailable");
                Self::Unavailable
            }
            e if e.is_transient() => {
                tracing::warn!(error = %e, "database busy or connection lost");
                Self::Unavailable
            }
            e => Self::Internal(Fault::new("database", e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<ApiError> {
        vec![
            ApiError::NotFound(Missing::Route),
            ApiError::NotFound(Missing::Province("99".into())),
            ApiError::NotFound(Missing::Commune("99999".into())),
            ApiError::NotFound(Missing::Office(7)),
            ApiError::BadRequest(BadInput::ProvinceCode {
                field: "code",
                given: "x".into(),
            }),
            ApiError::BadRequest(BadInput::CommuneCode {
                field: "code",
                given: "x".into(),
            }),
            ApiError::BadRequest(BadInput::OfficeId("x".into())),
            ApiError::BadRequest(BadInput::RuleId("x".into())),
            ApiError::BadRequest(BadInput::UserId("x".into())),
            ApiError::BadRequest(BadInput::SupervisionRequestId("x".into())),
            ApiError::BadRequest(BadInput::Query("x".into())),
            ApiError::BadRequest(BadInput::Limit),
            ApiError::BadRequest(BadInput::Cursor),
            ApiError::BadRequest(BadInput::Date {
                field: "start",
                given: "x".into(),
            }),
            ApiError::BadRequest(BadInput::DayCount("x".into())),
            ApiError::BadRequest(BadInput::Year("x".into())),
            ApiError::BadRequest(BadInput::Period {
                field: "period",
                given: "x".into(),
                problem: crate::domain::stats::PeriodError::Format,
            }),
            ApiError::BadRequest(BadInput::Parameter {
                field: "code",
                problem: ParameterProblem::Required,
            }),
            ApiError::BadRequest(BadInput::MalformedJson("x".into())),
            ApiError::InvalidBody("x".into()),
            ApiError::MethodNotAllowed {
                allow: "GET".into(),
            },
            ApiError::PayloadTooLarge { limit: 10 },
            ApiError::UnsupportedMediaType,
            ApiError::Unavailable,
            ApiError::NotFound(Missing::Petition),
            ApiError::NotFound(Missing::Partner(3)),
            ApiError::NotFound(Missing::Rule(3)),
            ApiError::NotFound(Missing::User),
            ApiError::NotFound(Missing::SupervisionRequest),
            ApiError::AlreadyReplied,
            ApiError::NoNoticeDue,
            ApiError::BadRequest(BadInput::IdempotencyKey),
            ApiError::BadRequest(BadInput::TrackingCode(
                crate::domain::tracking::TrackingCodeError::Check,
            )),
            ApiError::BadRequest(BadInput::PetitionId),
            ApiError::Unauthenticated(Unrecognised::MissingKey),
            ApiError::Unauthenticated(Unrecognised::InvalidKey),
            ApiError::Unauthenticated(Unrecognised::MissingReceiptSecret),
            ApiError::Unauthenticated(Unrecognised::InvalidToken),
            ApiError::Unauthenticated(Unrecognised::InvalidCredentials),
            ApiError::Unauthenticated(Unrecognised::InvalidRefreshToken),
            ApiError::Forbidden,
            ApiError::RateLimited { retry_after: 3 },
            ApiError::Invalid(vec![Violation::new(
                "title",
                crate::domain::petition::Fault::Blank,
            )]),
            ApiError::IdempotencyKeyReused,
            ApiError::WrongState(
                crate::domain::workflow::next(
                    crate::domain::workflow::Status::Closed,
                    Action::Withdraw,
                )
                .unwrap_err(),
            ),
            ApiError::bug("a test"),
        ]
    }

    #[test]
    fn every_problem_has_a_stable_code_and_both_languages() {
        for error in all() {
            let vi = error.problem(Lang::Vi);
            let en = error.problem(Lang::En);
            assert_eq!(vi.code, en.code);
            assert_eq!(vi.status, error.status().as_u16());
            assert!(
                vi.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                vi.code
            );
            assert_ne!(vi.title, en.title, "{} is not translated", vi.code);
            assert!(vi.problem_type.ends_with(&vi.code));
        }
    }

    /// A full password-hashing queue is a 503 the client may retry, not a 500.
    #[test]
    fn a_busy_hashing_pool_is_a_retryable_503() {
        let busy = ApiError::from_pool(
            "checking a password",
            crate::auth::password::PoolError::Busy,
        );
        let response = busy.error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers().contains_key("retry-after"));
    }

    #[test]
    fn actix_statuses_map_to_problems() {
        assert_eq!(
            ApiError::from_status(StatusCode::NOT_FOUND),
            ApiError::NotFound(Missing::Route)
        );
        assert_eq!(
            ApiError::from_status(StatusCode::BAD_GATEWAY).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            ApiError::from_status(StatusCode::PAYLOAD_TOO_LARGE).status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }
}
