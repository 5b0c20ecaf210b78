//! The API's one error type, rendered once as RFC 9457 `application/problem+json`.
//!
//! Every failure a client can see is an [`ApiError`]: handlers return it, the extractor
//! configurations convert parse failures into it, and [`crate::api::middleware::problems`]
//! renders it in the caller's language with the request id. A `code` never changes once
//! published; titles and details may be reworded.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;
use crate::domain::lang::Lang;
use crate::domain::petition::Violation;
use crate::domain::workflow::{Action, WrongState};

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

/// What a problem says, before it is tied to a request.
struct Text {
    code: String,
    title: String,
    detail: String,
    errors: Vec<FieldProblem>,
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

    fn text(&self, lang: Lang) -> Text {
        let t = |vi: &str, en: &str| lang.pick(vi, en).to_owned();
        let plain = |code: &str, title: String, detail: String| Text {
            code: code.to_owned(),
            title,
            detail,
            errors: Vec::new(),
        };
        let field = |code: &str, title: String, detail: String, name: &str, what: &str| Text {
            code: code.to_owned(),
            title,
            errors: vec![FieldProblem {
                field: name.to_owned(),
                code: what.to_owned(),
                message: detail.clone(),
            }],
            detail,
        };
        match self {
            Self::NotFound(Missing::Route) => plain(
                "route_not_found",
                t("Không có đường dẫn này", "No such route"),
                t(
                    "Đường dẫn hoặc phương thức không có trong API. Xem tài liệu tại /docs.",
                    "The path or method is not part of the API. See the documentation at /docs.",
                ),
            ),
            Self::NotFound(Missing::Province(code)) => plain(
                "province_not_found",
                t("Không tìm thấy tỉnh, thành phố", "Province not found"),
                match lang {
                    Lang::Vi => format!("Không có tỉnh, thành phố nào mang mã {code}."),
                    Lang::En => format!("No province or centrally-run city has the code {code}."),
                },
            ),
            Self::NotFound(Missing::Commune(code)) => plain(
                "commune_not_found",
                t("Không tìm thấy xã", "Commune not found"),
                match lang {
                    Lang::Vi => format!("Không có xã, phường, đặc khu nào mang mã {code}."),
                    Lang::En => format!("No commune, ward or special zone has the code {code}."),
                },
            ),
            Self::NotFound(Missing::Office(id)) => plain(
                "office_not_found",
                t("Không tìm thấy cơ quan", "Office not found"),
                match lang {
                    Lang::Vi => format!("Không có cơ quan nào mang số {id}."),
                    Lang::En => format!("No office has the id {id}."),
                },
            ),
            Self::BadRequest(BadInput::ProvinceCode { field: name, .. }) => field(
                "invalid_province_code",
                t("Mã tỉnh không hợp lệ", "Invalid province code"),
                t(
                    "Mã tỉnh, thành phố gồm đúng 2 chữ số theo danh mục của Tổng cục Thống kê, ví dụ 01.",
                    "A province code is exactly 2 digits from the General Statistics Office list, such as 01.",
                ),
                name,
                "invalid_format",
            ),
            Self::BadRequest(BadInput::CommuneCode { field: name, .. }) => field(
                "invalid_commune_code",
                t("Mã xã không hợp lệ", "Invalid commune code"),
                t(
                    "Mã xã, phường, đặc khu gồm đúng 5 chữ số theo danh mục của Tổng cục Thống kê, ví dụ 00004.",
                    "A commune code is exactly 5 digits from the General Statistics Office list, such as 00004.",
                ),
                name,
                "invalid_format",
            ),
            Self::BadRequest(BadInput::OfficeId(_)) => field(
                "invalid_office_id",
                t("Số hiệu cơ quan không hợp lệ", "Invalid office id"),
                t(
                    "Số hiệu cơ quan là một số nguyên dương.",
                    "An office id is a positive whole number.",
                ),
                "id",
                "invalid_format",
            ),
            Self::BadRequest(BadInput::RuleId(_)) => field(
                "invalid_rule_id",
                t("Số hiệu quy tắc không hợp lệ", "Invalid rule id"),
                t(
                    "Số hiệu quy tắc là một số nguyên dương.",
                    "A rule id is a positive whole number.",
                ),
                "id",
                "invalid_format",
            ),
            Self::BadRequest(BadInput::SupervisionRequestId(_)) => field(
                "invalid_supervision_request_id",
                t(
                    "Số hiệu kiến nghị giám sát không hợp lệ",
                    "Invalid supervision request id",
                ),
                t(
                    "Số hiệu kiến nghị giám sát là một số nguyên dương.",
                    "A supervision request id is a positive whole number.",
                ),
                "id",
                "invalid_format",
            ),
            Self::BadRequest(BadInput::Query(reason)) => plain(
                "invalid_query",
                t("Tham số truy vấn không hợp lệ", "Invalid query parameters"),
                match lang {
                    Lang::Vi => format!("Không đọc được tham số truy vấn: {reason}."),
                    Lang::En => format!("The query parameters could not be read: {reason}."),
                },
            ),
            Self::BadRequest(BadInput::Limit) => field(
                "invalid_limit",
                t("Giới hạn không hợp lệ", "Invalid limit"),
                match lang {
                    Lang::Vi => format!(
                        "limit phải từ 1 đến {}.",
                        crate::domain::pagination::MAX_LIMIT
                    ),
                    Lang::En => format!(
                        "limit must be between 1 and {}.",
                        crate::domain::pagination::MAX_LIMIT
                    ),
                },
                "limit",
                "out_of_range",
            ),
            Self::BadRequest(BadInput::Date { field: name, given }) => field(
                "invalid_date",
                t("Ngày không hợp lệ", "Invalid date"),
                match lang {
                    Lang::Vi => format!(
                        "{name} phải là một ngày dạng YYYY-MM-DD trong các năm {}–{}; nhận được {given:?}.",
                        crate::domain::calendar::FIRST_YEAR,
                        crate::domain::calendar::LAST_YEAR
                    ),
                    Lang::En => format!(
                        "{name} must be a date YYYY-MM-DD in the years {}–{}; got {given:?}.",
                        crate::domain::calendar::FIRST_YEAR,
                        crate::domain::calendar::LAST_YEAR
                    ),
                },
                name,
                "invalid_format",
            ),
            Self::BadRequest(BadInput::DayCount(given)) => field(
                "invalid_days",
                t("Số ngày không hợp lệ", "Invalid number of days"),
                match lang {
                    Lang::Vi => format!(
                        "days phải là số nguyên từ 0 đến {}; nhận được {given:?}.",
                        crate::domain::calendar::MAX_DAYS
                    ),
                    Lang::En => format!(
                        "days must be a whole number from 0 to {}; got {given:?}.",
                        crate::domain::calendar::MAX_DAYS
                    ),
                },
                "days",
                "out_of_range",
            ),
            Self::BadRequest(BadInput::Year(given)) => field(
                "invalid_year",
                t("Năm không hợp lệ", "Invalid year"),
                match lang {
                    Lang::Vi => format!(
                        "Năm phải từ {} đến {}; nhận được {given:?}.",
                        crate::domain::calendar::FIRST_YEAR,
                        crate::domain::calendar::LAST_YEAR
                    ),
                    Lang::En => format!(
                        "The year must be from {} to {}; got {given:?}.",
                        crate::domain::calendar::FIRST_YEAR,
                        crate::domain::calendar::LAST_YEAR
                    ),
                },
                "year",
                "out_of_range",
            ),
            Self::BadRequest(BadInput::Period {
                field: name,
                given,
                problem,
            }) => field(
                "invalid_period",
                t("Kỳ thống kê không hợp lệ", "Invalid period"),
                match lang {
                    Lang::Vi => format!(
                        "{name} là một năm (2026), một quý (2026-Q3) hoặc một tháng (2026-07), trong các năm {}–{}; nhận được {given:?}.",
                        crate::domain::stats::period::MIN_YEAR,
                        crate::domain::stats::period::MAX_YEAR
                    ),
                    Lang::En => format!("{problem}; got {given:?} for {name}."),
                },
                name,
                problem.code(),
            ),
            Self::BadRequest(BadInput::Parameter {
                field: name,
                problem,
            }) => field(
                "invalid_parameter",
                t("Tham số không hợp lệ", "Invalid parameter"),
                match (lang, problem) {
                    (Lang::Vi, ParameterProblem::Required) => {
                        format!("Cần có tham số {name} với các tham số đã cho.")
                    }
                    (Lang::En, ParameterProblem::Required) => {
                        format!("{name} is required with the other parameters given.")
                    }
                    (Lang::Vi, ParameterProblem::NotAllowed) => {
                        format!("Không dùng tham số {name} với các tham số đã cho.")
                    }
                    (Lang::En, ParameterProblem::NotAllowed) => {
                        format!("{name} does not apply with the other parameters given.")
                    }
                    (Lang::Vi, ParameterProblem::Unknown) => {
                        format!(
                            "Giá trị của {name} không có trong danh mục; xem /v1/stats/definitions và /v1/categories."
                        )
                    }
                    (Lang::En, ParameterProblem::Unknown) => {
                        format!(
                            "{name} names nothing known here; see /v1/stats/definitions and /v1/categories."
                        )
                    }
                    (Lang::Vi, ParameterProblem::OutOfRange) => {
                        format!("{name} nằm ngoài khoảng cho phép.")
                    }
                    (Lang::En, ParameterProblem::OutOfRange) => {
                        format!("{name} is outside the allowed range.")
                    }
                },
                name,
                problem.code(),
            ),
            Self::BadRequest(BadInput::Cursor) => field(
                "invalid_cursor",
                t("Con trỏ phân trang không hợp lệ", "Invalid cursor"),
                t(
                    "cursor phải là giá trị next_cursor mà chính danh sách này đã trả về.",
                    "cursor must be a next_cursor value returned by this same list.",
                ),
                "cursor",
                "invalid_format",
            ),
            Self::BadRequest(BadInput::MalformedJson(reason)) => plain(
                "malformed_json",
                t("Nội dung không phải JSON hợp lệ", "Malformed JSON"),
                match lang {
                    Lang::Vi => format!("Không đọc được nội dung JSON: {reason}."),
                    Lang::En => format!("The body is not valid JSON: {reason}."),
                },
            ),
            Self::InvalidBody(reason) => plain(
                "invalid_body",
                t("Nội dung không đúng cấu trúc", "Invalid body"),
                match lang {
                    Lang::Vi => format!("Nội dung JSON không đúng cấu trúc yêu cầu: {reason}."),
                    Lang::En => {
                        format!("The JSON body does not have the expected shape: {reason}.")
                    }
                },
            ),
            Self::MethodNotAllowed { .. } => plain(
                "method_not_allowed",
                t("Phương thức không được hỗ trợ", "Method not allowed"),
                t(
                    "Đường dẫn này không nhận phương thức HTTP đã dùng.",
                    "This path does not accept the HTTP method used.",
                ),
            ),
            Self::PayloadTooLarge { limit } => plain(
                "payload_too_large",
                t("Nội dung quá lớn", "Payload too large"),
                match (lang, limit) {
                    (Lang::Vi, 0) => "Nội dung yêu cầu vượt quá giới hạn cho phép.".to_owned(),
                    (Lang::En, 0) => "The request body is larger than allowed.".to_owned(),
                    (Lang::Vi, n) => format!("Nội dung yêu cầu vượt quá giới hạn {n} byte."),
                    (Lang::En, n) => {
                        format!("The request body is larger than the limit of {n} bytes.")
                    }
                },
            ),
            Self::UnsupportedMediaType => plain(
                "unsupported_media_type",
                t("Kiểu nội dung không được hỗ trợ", "Unsupported media type"),
                t(
                    "Gửi nội dung với Content-Type: application/json.",
                    "Send the body with Content-Type: application/json.",
                ),
            ),
            Self::Unavailable => plain(
                "service_unavailable",
                t("Dịch vụ tạm thời không sẵn sàng", "Service unavailable"),
                t(
                    "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.",
                    "The database cannot be reached right now. Please try again later.",
                ),
            ),
            Self::NotFound(Missing::Petition) => plain(
                "petition_not_found",
                t("Không tìm thấy đơn", "Petition not found"),
                t(
                    "Không có đơn nào với mã này mà bạn được phép xem.",
                    "No petition with this id or code is visible to you.",
                ),
            ),
            Self::NotFound(Missing::SupervisionRequest) => plain(
                "supervision_request_not_found",
                t(
                    "Không tìm thấy kiến nghị giám sát",
                    "Supervision request not found",
                ),
                t(
                    "Không có kiến nghị giám sát nào với số hiệu này mà bạn được phép xem.",
                    "No supervision request with this id is visible to you.",
                ),
            ),
            Self::NotFound(Missing::User) => plain(
                "user_not_found",
                t("Không tìm thấy tài khoản", "User not found"),
                t(
                    "Tài khoản này không còn tồn tại.",
                    "This account no longer exists.",
                ),
            ),
            Self::NotFound(Missing::Partner(id)) => plain(
                "partner_not_found",
                t("Không tìm thấy đối tác", "Partner not found"),
                match lang {
                    Lang::Vi => format!("Không có đối tác nào mang số {id}."),
                    Lang::En => format!("No partner has the id {id}."),
                },
            ),
            Self::NotFound(Missing::Rule(id)) => plain(
                "rule_not_found",
                t("Không tìm thấy quy tắc thời hạn", "Rule not found"),
                match lang {
                    Lang::Vi => format!("Không có quy tắc thời hạn đang áp dụng nào mang số {id}."),
                    Lang::En => format!("No clock rule in force has the id {id}."),
                },
            ),
            Self::BadRequest(BadInput::IdempotencyKey) => field(
                "invalid_idempotency_key",
                t("Idempotency-Key không hợp lệ", "Invalid Idempotency-Key"),
                t(
                    "Idempotency-Key gồm 1–255 ký tự ASCII in được, ví dụ một UUID.",
                    "An Idempotency-Key is 1–255 printable ASCII characters, such as a UUID.",
                ),
                "Idempotency-Key",
                "invalid_format",
            ),
            Self::BadRequest(BadInput::TrackingCode(e)) => field(
                "invalid_tracking_code",
                t("Mã theo dõi không hợp lệ", "Invalid tracking code"),
                match (lang, e) {
                    (Lang::Vi, crate::domain::tracking::TrackingCodeError::Check) => {
                        "Mã theo dõi có ký tự gõ sai: hãy kiểm tra lại từng ký tự.".to_owned()
                    }
                    (Lang::Vi, _) => "Mã theo dõi gồm 10 chữ và số, ví dụ 7KQ2M-X9F3C.".to_owned(),
                    (Lang::En, e) => e.to_string(),
                },
                "tracking_code",
                match e {
                    crate::domain::tracking::TrackingCodeError::Check => "check_failed",
                    crate::domain::tracking::TrackingCodeError::Format => "invalid_format",
                },
            ),
            Self::BadRequest(BadInput::PetitionId) => field(
                "invalid_petition_id",
                t("Mã đơn không hợp lệ", "Invalid petition id"),
                t(
                    "Mã đơn là giá trị id mà API đã trả về khi nhận đơn.",
                    "A petition id is the id the API returned when the petition was submitted.",
                ),
                "id",
                "invalid_format",
            ),
            Self::Unauthenticated(Unrecognised::MissingKey) => plain(
                "unauthenticated",
                t("Chưa xác thực", "Authentication required"),
                t(
                    "Gửi khóa API trong tiêu đề Authorization: Bearer <khóa> hoặc X-Api-Key.",
                    "Send your API key as Authorization: Bearer <key> or in X-Api-Key.",
                ),
            ),
            Self::Unauthenticated(Unrecognised::MissingReceiptSecret) => plain(
                "receipt_secret_required",
                t("Thiếu mã bí mật biên nhận", "Receipt secret required"),
                t(
                    "Gửi mã bí mật biên nhận (nhận được khi gửi đơn) trong tiêu đề X-Receipt-Secret.",
                    "Send the receipt secret given at submission in the X-Receipt-Secret header.",
                ),
            ),
            Self::Unauthenticated(Unrecognised::InvalidToken) => plain(
                "invalid_token",
                t("Mã truy cập không hợp lệ", "Invalid access token"),
                t(
                    "Mã truy cập sai, đã hết hạn hoặc không do dịch vụ này cấp. Đăng nhập lại hoặc dùng /v1/auth/refresh.",
                    "The access token is malformed, expired or not issued by this service. Log in again or use /v1/auth/refresh.",
                ),
            ),
            Self::Unauthenticated(Unrecognised::InvalidCredentials) => plain(
                "invalid_credentials",
                t(
                    "Sai tên đăng nhập hoặc mật khẩu",
                    "Wrong username or password",
                ),
                t(
                    "Tên đăng nhập hoặc mật khẩu không đúng.",
                    "The username or the password is wrong.",
                ),
            ),
            Self::Unauthenticated(Unrecognised::InvalidRefreshToken) => plain(
                "invalid_refresh_token",
                t("Mã làm mới không hợp lệ", "Invalid refresh token"),
                t(
                    "Mã làm mới sai, đã hết hạn, đã bị thu hồi hoặc đã được dùng. Hãy đăng nhập lại.",
                    "The refresh token is unknown, expired, revoked or already used. Log in again.",
                ),
            ),
            Self::Forbidden => plain(
                "forbidden",
                t("Không có quyền", "Forbidden"),
                t(
                    "Vai trò của bạn không được phép thực hiện việc này.",
                    "Your role does not allow this.",
                ),
            ),
            Self::Unauthenticated(Unrecognised::InvalidKey) => plain(
                "invalid_api_key",
                t("Khóa API không hợp lệ", "Invalid API key"),
                t(
                    "Khóa API không đúng hoặc đã bị thu hồi.",
                    "The API key is wrong or has been revoked.",
                ),
            ),
            Self::RateLimited { retry_after } => plain(
                "rate_limited",
                t("Quá nhiều yêu cầu", "Too many requests"),
                match lang {
                    Lang::Vi => {
                        format!("Đã vượt giới hạn số yêu cầu. Thử lại sau {retry_after} giây.")
                    }
                    Lang::En => {
                        format!("The rate limit is exceeded. Retry in {retry_after} seconds.")
                    }
                },
            ),
            Self::Invalid(violations) => Text {
                code: "validation_failed".to_owned(),
                title: t("Dữ liệu không hợp lệ", "Validation failed"),
                detail: match lang {
                    Lang::Vi => format!("{} trường không hợp lệ; xem errors.", violations.len()),
                    Lang::En => format!("{} field(s) are not valid; see errors.", violations.len()),
                },
                errors: violations
                    .iter()
                    .map(|v| faults::describe(v, lang))
                    .collect(),
            },
            Self::IdempotencyKeyReused => field(
                "idempotency_key_reused",
                t("Idempotency-Key đã được dùng", "Idempotency-Key reused"),
                t(
                    "Idempotency-Key này đã được dùng cho một yêu cầu khác. Mỗi yêu cầu mới cần một khóa mới.",
                    "This Idempotency-Key was already used with a different request. Use a new key for each new request.",
                ),
                "Idempotency-Key",
                "reused",
            ),
            Self::WrongState(w) => plain(
                "wrong_state",
                t(
                    "Không thực hiện được ở trạng thái hiện tại",
                    "Not allowed in the current state",
                ),
                match lang {
                    Lang::Vi => format!(
                        "Đơn đang ở trạng thái {}: không thể {}. Xem allowed_actions.",
                        w.status.code(),
                        w.action.code()
                    ),
                    Lang::En => format!(
                        "The petition is {}: it cannot be {}. See allowed_actions.",
                        w.status.code(),
                        w.action.code()
                    ),
                },
            ),
            Self::AlreadyReplied => plain(
                "already_replied",
                t(
                    "Kiến nghị giám sát đã được trả lời",
                    "Supervision request already answered",
                ),
                t(
                    "Cơ quan đã trả lời kiến nghị giám sát này; mỗi kiến nghị chỉ được trả lời một lần.",
                    "The office has already answered this supervision request; a request is answered once.",
                ),
            ),
            Self::NoNoticeDue => plain(
                "no_notice_due",
                t(
                    "Không có thông báo thụ lý phải gửi",
                    "No acceptance notice is due",
                ),
                t(
                    "Chỉ đơn tố cáo đã thụ lý mới phải thông báo cho người tố cáo (Luật Tố cáo 2018, Điều 29), và chỉ một lần; đơn này không có hoặc đã thông báo.",
                    "Only an accepted denunciation is notified to its denouncer (Law on Denunciations 2018, art. 29), and once; this petition has no notice due or was notified already.",
                ),
            ),
            Self::Internal(_) => plain(
                "internal_error",
                t("Lỗi hệ thống", "Internal error"),
                t(
                    "Đã xảy ra lỗi ngoài dự kiến. Lỗi đã được ghi lại; khi liên hệ hỗ trợ, hãy gửi kèm request_id.",
                    "Something unexpected went wrong. It has been logged; quote the request_id when asking for help.",
                ),
            ),
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
