//! Accountability statistics (DESIGN §3.7): the definitions, a unit's figures for a period,
//! rankings, monthly series and the CSV export. Public, and served from the rollups only.

use std::collections::{BTreeMap, HashMap};

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{NoParams, commune_code, office_id, province_code};
use crate::db::stats::query::{self, Report, ReportCache, ReportKey, Slice, Unit};
use crate::db::stats::rollup::{self, ALL, VIETNAM};
use crate::db::{Db, DbConnection, DbError};
use crate::domain::clock::local_date;
use crate::domain::petition::Kind;
use crate::domain::stats::metric::ADMINISTRATIVE_DATA;
use crate::domain::stats::ranking::{self as ranks, Candidate, Ranked};
use crate::domain::stats::{
    Count, DEFINITIONS_VERSION, Days, Definitions, Figure, Level, Metric, MetricKind, Papi, Period,
    PeriodError, Rate, Thresholds, YearMonth,
};
use crate::error::{ApiError, BadInput, Missing, ParameterProblem};
use crate::state::AppState;

/// How every statistic is defined.
///
/// Each metric's formula, cohort (which petitions, assigned to which period), its PAPI
/// dimension and indicator, and the caveat that these are administrative data, not the PAPI
/// survey; the interval, quantile method, suppression threshold and ranking floor; the
/// definitions' version. The same text as docs/METRICS.md.
#[utoipa::path(
    tag = "statistics",
    responses(
        (status = 200, description = "The definitions", body = Definitions),
        (status = 400, description = "An unknown query parameter (`invalid_query`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats/definitions")]
pub async fn definitions(
    state: web::Data<AppState>,
    _: web::Query<NoParams>,
) -> web::Json<Definitions> {
    let thresholds = &state.thresholds;
    web::Json(Definitions::new(
        thresholds.suppression,
        thresholds.ranking_floor,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// The unit's level; `national` when absent.
    pub level: Option<Level>,
    /// A province's code (`level=province`) or a commune's (`level=commune`).
    #[param(example = "01")]
    pub code: Option<String>,
    /// The office (`level=office`).
    #[param(value_type = Option<i64>)]
    pub office_id: Option<String>,
    /// `YYYY`, `YYYY-Qn` or `YYYY-MM`.
    #[param(
        example = "2026-Q1",
        pattern = r"^20[0-9]{2}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
    )]
    pub period: String,
    /// Only petitions of this kind.
    pub kind: Option<Kind>,
    /// Only petitions of this category (a code from `GET /v1/categories`).
    pub category: Option<String>,
}

/// The unit `level` and its `code` or `office_id` name, as the rollups key it, after checking
/// that the parameters agree.
fn unit_code(level: Level, code: Option<&str>, office: Option<&str>) -> Result<String, ApiError> {
    let bad = |field, problem| ApiError::BadRequest(BadInput::Parameter { field, problem });
    let (needs_code, needs_office) = match level {
        Level::National => (false, false),
        Level::Office => (false, true),
        Level::Province | Level::Commune => (true, false),
    };
    if code.is_some() && !needs_code {
        return Err(bad("code", ParameterProblem::NotAllowed));
    }
    if office.is_some() && !needs_office {
        return Err(bad("office_id", ParameterProblem::NotAllowed));
    }
    let code = || code.ok_or(bad("code", ParameterProblem::Required));
    Ok(match level {
        Level::National => VIETNAM.to_owned(),
        Level::Office => {
            office_id(office.ok_or(bad("office_id", ParameterProblem::Required))?)?.to_string()
        }
        Level::Province => province_code("code", code()?)?.to_string(),
        Level::Commune => commune_code("code", code()?)?.to_string(),
    })
}

pub(super) fn period(field: &'static str, given: &str) -> Result<Period, ApiError> {
    Period::parse(given).map_err(|problem: PeriodError| {
        ApiError::BadRequest(BadInput::Period {
            field,
            given: given.to_owned(),
            problem,
        })
    })
}

fn missing_unit(level: Level, code: &str) -> ApiError {
    ApiError::NotFound(match level {
        Level::Province => Missing::Province(code.to_owned()),
        Level::Commune => Missing::Commune(code.to_owned()),
        _ => Missing::Office(code.parse().unwrap_or(0)),
    })
}

/// Finds the unit and checks the category, in the reader's transaction.
fn resolve(
    conn: &mut DbConnection,
    level: Level,
    code: &str,
    category: Option<&str>,
) -> Result<Result<Unit, ApiError>, DbError> {
    if let Some(category) = category
        && !crate::db::reference::category_exists(conn, category)?
    {
        return Ok(Err(ApiError::BadRequest(BadInput::Parameter {
            field: "category",
            problem: ParameterProblem::Unknown,
        })));
    }
    Ok(query::find_unit(conn, level, code)?.ok_or_else(|| missing_unit(level, code)))
}

/// How far the figures follow the record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AsOf {
    /// Every event up to this position of the audit chain is counted.
    pub seq: i64,
    /// When the rollups last took in events; null before the first fold.
    pub folded_at: Option<DateTime<Utc>>,
}

impl From<rollup::Progress> for AsOf {
    fn from(p: rollup::Progress) -> Self {
        Self {
            seq: p.seq,
            folded_at: p.folded_at.map(|at| at.and_utc()),
        }
    }
}

/// The counts of DESIGN §3.7, each `{value, suppressed}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Counts {
    pub received: Count,
    pub accepted: Count,
    pub rejected: Count,
    pub transferred_out: Count,
    pub withdrawn: Count,
    pub answered: Count,
    pub answered_on_time: Count,
    /// Open and overdue at the end of the period (now, for the period in progress).
    pub overdue_open: Count,
    pub supervision_filed: Count,
    pub supervision_answered: Count,
}

/// The rates of DESIGN §3.7, each with its n and Wilson 95 % interval.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rates {
    pub response_rate: Rate,
    pub on_time_rate: Rate,
    pub ack_on_time_rate: Rate,
    pub satisfaction_rate: Rate,
    pub rating_rate: Rate,
    pub online_answer_rate: Rate,
    pub supervision_on_time_rate: Rate,
}

/// Working days from receipt to answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DaysToAnswer {
    pub median_days_to_answer: Days,
    pub p90_days_to_answer: Days,
}

/// A unit's figures for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsView {
    pub level: Level,
    /// `VN`, a province's or a commune's code, or an office's id.
    #[schema(example = "01")]
    pub code: String,
    pub name: String,
    #[schema(example = "2026-Q1")]
    pub period: String,
    /// The period is not over: its figures will still change.
    pub provisional: bool,
    pub kind: Option<Kind>,
    pub category: Option<String>,
    pub counts: Counts,
    pub rates: Rates,
    pub days: DaysToAnswer,
    /// Per metric code, the PAPI dimension, sub-dimension and indicator it relates to.
    pub papi: BTreeMap<String, Papi>,
    /// These are administrative data, not the PAPI survey.
    pub caveat: &'static str,
    pub definitions_version: &'static str,
    pub suppression_threshold: u64,
    pub as_of: AsOf,
}

fn count(report: &Report, metric: Metric) -> Count {
    match report.figure(metric) {
        Figure::Count(c) => c,
        _ => Count {
            value: None,
            suppressed: true,
        },
    }
}

fn rate(report: &Report, metric: Metric) -> Rate {
    match report.figure(metric) {
        Figure::Rate(r) => r,
        _ => Rate::withheld(),
    }
}

fn days(report: &Report, metric: Metric) -> Days {
    match report.figure(metric) {
        Figure::Days(d) => d,
        _ => Days::withheld(),
    }
}

fn papi_block() -> BTreeMap<String, Papi> {
    Metric::ALL
        .into_iter()
        .map(|m| (m.code().to_owned(), m.papi()))
        .collect()
}

/// Whether the period reaches today or later (in Vietnam).
fn in_progress(period: Period, now: chrono::DateTime<chrono::Utc>) -> bool {
    period.end() > local_date(now)
}

/// The report of a unit and slice, computed at most once between two folds.
#[allow(clippy::too_many_arguments)]
fn cached_report(
    conn: &mut DbConnection,
    cache: &ReportCache,
    progress: rollup::Progress,
    unit: &Unit,
    kind: Option<Kind>,
    category: Option<&str>,
    period: Period,
    threshold: u64,
) -> Result<std::sync::Arc<Report>, DbError> {
    let (kind, category) = (kind.map_or(ALL, |k| k.code()), category.unwrap_or(ALL));
    let key = ReportKey {
        level: unit.level,
        code: unit.code.clone(),
        kind: kind.to_owned(),
        category: category.to_owned(),
        period,
        threshold,
    };
    cache.get_or_compute(progress, key, || {
        query::report(conn, unit, kind, category, period, threshold)
    })
}

/// Everything `/v1/stats` and `/v1/stats.csv` read.
struct Loaded {
    unit: Unit,
    period: Period,
    report: std::sync::Arc<Report>,
    progress: rollup::Progress,
}

async fn load(
    db: &Db,
    state: web::Data<AppState>,
    params: StatsParams,
    thresholds: Thresholds,
) -> Result<(Loaded, Option<Kind>, Option<String>), ApiError> {
    let level = params.level.unwrap_or(Level::National);
    let code = unit_code(level, params.code.as_deref(), params.office_id.as_deref())?;
    let period = period("period", &params.period)?;
    let (kind, category) = (params.kind, params.category);
    let selected = (kind, category.clone());
    let loaded = db
        .read(move |conn| {
            let unit = match resolve(conn, level, &code, category.as_deref())? {
                Ok(unit) => unit,
                Err(e) => return Ok(Err(e)),
            };
            let progress = rollup::progress(conn)?;
            let report = cached_report(
                conn,
                &state.reports,
                progress,
                &unit,
                kind,
                category.as_deref(),
                period,
                thresholds.suppression,
            )?;
            Ok(Ok(Loaded {
                unit,
                period,
                report,
                progress,
            }))
        })
        .await??;
    Ok((loaded, selected.0, selected.1))
}

/// A unit's accountability figures for a period.
///
/// Counts, rates with their n and Wilson 95 % interval, and working days to answer, for the
/// nation, a province, a commune or an office, over a year, a quarter or a month, optionally
/// for one kind and one category. Cells under the suppression threshold are null with
/// `suppressed: true`, and so is any cell that would let a reader recover one from its
/// siblings and their total. Every metric names the PAPI indicator it relates to; all are
/// administrative data, not the survey. Served from rollups that follow the record a few
/// seconds behind (`as_of`).
#[utoipa::path(
    tag = "statistics",
    params(StatsParams),
    responses(
        (status = 200, description = "The figures", body = StatsView),
        (status = 400, description = "A bad `period` (`invalid_period`), code (`invalid_province_code`, `invalid_commune_code`, `invalid_office_id`), a parameter missing, out of place or unknown (`invalid_parameter`), or an unknown parameter or value (`invalid_query`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such province, commune or office (`province_not_found`, `commune_not_found`, `office_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the client's budget for statistics (`rate_limited`, `STATS_RATE_LIMIT` a minute)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats")]
pub async fn stats(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<StatsParams>,
) -> Result<web::Json<StatsView>, ApiError> {
    throttle(&req, &state)?;
    let now = state.now();
    let db = state.db();
    let (loaded, kind, category) =
        load(db, state.clone(), params.into_inner(), state.thresholds).await?;
    let r = &loaded.report;
    Ok(web::Json(StatsView {
        level: loaded.unit.level,
        code: loaded.unit.code.clone(),
        name: loaded.unit.name.clone(),
        period: loaded.period.to_string(),
        provisional: in_progress(loaded.period, now),
        kind,
        category,
        counts: Counts {
            received: count(r, Metric::Received),
            accepted: count(r, Metric::Accepted),
            rejected: count(r, Metric::Rejected),
            transferred_out: count(r, Metric::TransferredOut),
            withdrawn: count(r, Metric::Withdrawn),
            answered: count(r, Metric::Answered),
            answered_on_time: count(r, Metric::AnsweredOnTime),
            overdue_open: count(r, Metric::OverdueOpen),
            supervision_filed: count(r, Metric::SupervisionFiled),
            supervision_answered: count(r, Metric::SupervisionAnswered),
        },
        rates: Rates {
            response_rate: rate(r, Metric::ResponseRate),
            on_time_rate: rate(r, Metric::OnTimeRate),
            ack_on_time_rate: rate(r, Metric::AckOnTimeRate),
            satisfaction_rate: rate(r, Metric::SatisfactionRate),
            rating_rate: rate(r, Metric::RatingRate),
            online_answer_rate: rate(r, Metric::OnlineAnswerRate),
            supervision_on_time_rate: rate(r, Metric::SupervisionOnTimeRate),
        },
        days: DaysToAnswer {
            median_days_to_answer: days(r, Metric::MedianDaysToAnswer),
            p90_days_to_answer: days(r, Metric::P90DaysToAnswer),
        },
        papi: papi_block(),
        caveat: ADMINISTRATIVE_DATA,
        definitions_version: DEFINITIONS_VERSION,
        suppression_threshold: state.thresholds.suppression,
        as_of: loaded.progress.into(),
    }))
}

/// Quotes a CSV field when it needs it.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn number(value: Option<f64>) -> String {
    value.map(|v| format!("{v}")).unwrap_or_default()
}

/// The same figures as `GET /v1/stats`, as CSV.
///
/// One row per metric, with the unit, period, value, n, interval, suppression flag, PAPI
/// mapping, caveat and the definitions' version. UTF-8 with a byte-order mark, so that Excel
/// shows Vietnamese names correctly.
#[utoipa::path(
    tag = "statistics",
    params(StatsParams),
    responses(
        (status = 200, description = "The figures as CSV", content_type = "text/csv", body = String),
        (status = 400, description = "As for `GET /v1/stats`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "As for `GET /v1/stats`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the client's budget for statistics (`rate_limited`, `STATS_RATE_LIMIT` a minute)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats.csv")]
pub async fn stats_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<StatsParams>,
) -> Result<HttpResponse, ApiError> {
    throttle(&req, &state)?;
    let now = state.now();
    let db = state.db();
    let (loaded, kind, category) =
        load(db, state.clone(), params.into_inner(), state.thresholds).await?;
    let mut out = String::from("\u{feff}");
    out.push_str("level,code,name,period,provisional,kind,category,metric,metric_kind,value,n,ci_low,ci_high,suppressed,papi_dimension,papi_sub_dimension,papi_relation,papi_indicator,caveat,definitions_version,as_of_seq\r\n");
    for (metric, figure) in &loaded.report.figures {
        let (value, n, low, high, suppressed) = match figure {
            Figure::Count(c) => (
                c.value.map(|v| v.to_string()),
                None,
                None,
                None,
                c.suppressed,
            ),
            Figure::Rate(r) => (
                r.value.map(|v| number(Some(v))),
                r.n,
                r.ci_low,
                r.ci_high,
                r.suppressed,
            ),
            Figure::Days(d) => (
                d.value.map(|v| number(Some(v))),
                d.n,
                None,
                None,
                d.suppressed,
            ),
        };
        let papi = metric.papi();
        let row = [
            loaded.unit.level.code().to_owned(),
            loaded.unit.code.clone(),
            csv_field(&loaded.unit.name),
            loaded.period.to_string(),
            in_progress(loaded.period, now).to_string(),
            kind.map(|k| k.code().to_owned()).unwrap_or_default(),
            csv_field(category.as_deref().unwrap_or_default()),
            metric.code().to_owned(),
            match metric.kind() {
                MetricKind::Count => "count",
                MetricKind::Rate => "rate",
                MetricKind::Days => "days",
            }
            .to_owned(),
            value.unwrap_or_default(),
            n.map(|n| n.to_string()).unwrap_or_default(),
            number(low),
            number(high),
            suppressed.to_string(),
            papi.dimension.to_owned(),
            papi.sub_dimension.unwrap_or_default().to_owned(),
            papi.relation.code().to_owned(),
            csv_field(papi.indicator),
            csv_field(papi.caveat),
            DEFINITIONS_VERSION.to_owned(),
            loaded.progress.seq.to_string(),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    let filename = format!(
        "tiengdan-stats-{}-{}-{}.csv",
        loaded.unit.level.code(),
        loaded.unit.code,
        loaded.period
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(out))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RankingParams {
    /// What to rank: the provinces, the communes of a province, or the offices of a commune
    /// or a province.
    pub level: Level,
    /// The province (communes; offices) or commune (offices) to rank within; absent for
    /// provinces.
    #[param(example = "01")]
    pub parent: Option<String>,
    #[param(example = "2026", pattern = r"^20[0-9]{2}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")]
    pub period: String,
    /// A rate or a days metric.
    #[param(example = "on_time_rate")]
    pub metric: Metric,
    pub kind: Option<Kind>,
    pub category: Option<String>,
}

/// A unit's place in a ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedUnit {
    /// 1 + the number of units strictly better.
    pub rank: u32,
    pub code: String,
    pub name: String,
    pub value: f64,
    pub n: u64,
    /// The Wilson 95 % interval (null for days).
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Whether the interval does not overlap the one of the unit listed before it: when
    /// false, the two cannot be told apart at 95 %. Null for the first unit and for days.
    pub distinct_from_previous: Option<bool>,
}

/// Units ranked by one metric.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankingView {
    pub level: Level,
    pub parent: Option<String>,
    pub period: String,
    pub provisional: bool,
    pub metric: Metric,
    pub kind: Option<Kind>,
    pub category: Option<String>,
    /// Rates best first (highest); days best first (fewest).
    pub units: Vec<RankedUnit>,
    /// Units left out: n under the ranking floor, or suppressed.
    pub not_ranked: usize,
    pub ranking_floor: u64,
    pub papi: Papi,
    pub caveat: &'static str,
    pub definitions_version: &'static str,
    pub as_of: AsOf,
}

/// Units ranked by a rate or by working days to answer.
///
/// Only units whose n reaches the ranking floor (default 30) are listed, each with its
/// interval, and with whether it can be told apart from the unit before it.
#[utoipa::path(
    tag = "statistics",
    params(RankingParams),
    responses(
        (status = 200, description = "The ranking", body = RankingView),
        (status = 400, description = "A bad `period` (`invalid_period`) or `parent` (`invalid_province_code`, `invalid_commune_code`), a count metric or a parameter missing, out of place or unknown (`invalid_parameter`), or an unknown parameter or value (`invalid_query`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such province or commune (`province_not_found`, `commune_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the client's budget for statistics (`rate_limited`, `STATS_RATE_LIMIT` a minute)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats/ranking")]
pub async fn ranking(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<RankingParams>,
) -> Result<web::Json<RankingView>, ApiError> {
    throttle(&req, &state)?;
    let now = state.now();
    let db = state.db();
    let thresholds = &state.thresholds;
    let params = params.into_inner();
    let thresholds = *thresholds;
    let bad = |field, problem| ApiError::BadRequest(BadInput::Parameter { field, problem });
    if params.metric.kind() == MetricKind::Count {
        return Err(bad("metric", ParameterProblem::NotAllowed));
    }
    let period = period("period", &params.period)?;
    // The parent's level and code.
    let parent = match (params.level, params.parent.as_deref()) {
        (Level::National, _) => return Err(bad("level", ParameterProblem::NotAllowed)),
        (Level::Province, None) => None,
        (Level::Province, Some(_)) => return Err(bad("parent", ParameterProblem::NotAllowed)),
        (_, None) => return Err(bad("parent", ParameterProblem::Required)),
        (Level::Commune, Some(code)) => {
            Some((Level::Province, province_code("parent", code)?.to_string()))
        }
        (Level::Office, Some(code)) if code.len() == 2 => {
            Some((Level::Province, province_code("parent", code)?.to_string()))
        }
        (Level::Office, Some(code)) => {
            Some((Level::Commune, commune_code("parent", code)?.to_string()))
        }
    };
    let (level, metric, kind, category) = (
        params.level,
        params.metric,
        params.kind,
        params.category.clone(),
    );
    let outcome = db
        .read(move |conn| {
            let parent_code = match &parent {
                Some((parent_level, code)) => {
                    match resolve(conn, *parent_level, code, category.as_deref())? {
                        Ok(unit) => unit.code,
                        Err(e) => return Ok(Err(e)),
                    }
                }
                None => {
                    if let Err(e) = resolve(conn, Level::National, VIETNAM, category.as_deref())? {
                        return Ok(Err(e));
                    }
                    VIETNAM.to_owned()
                }
            };
            let members = query::members(conn, level, &parent_code)?;
            let months = period.months();
            let (Some(first), Some(last)) = (months.first().copied(), months.last().copied())
            else {
                return Ok(Ok((Vec::new(), 0, rollup::progress(conn)?)));
            };
            let slice = Slice {
                kind: kind.map_or(ALL, |k| k.code()),
                category: category.as_deref().unwrap_or(ALL),
                first,
                last,
            };
            let codes: Vec<String> = members.iter().map(|(code, _)| code.clone()).collect();
            let mut totals = query::totals_of(conn, level, &codes, &slice)?;
            let candidates: Vec<Candidate> = members
                .iter()
                .map(|(code, name)| Candidate {
                    code: code.clone(),
                    name: name.clone(),
                    totals: totals.remove(code).unwrap_or_default(),
                })
                .collect();
            // Working days are read only for the units that may be ranked.
            let mut histograms = HashMap::new();
            if metric.kind() == MetricKind::Days {
                for i in ranks::eligible(&candidates, metric, thresholds) {
                    let unit = Unit {
                        level,
                        code: candidates[i].code.clone(),
                        name: String::new(),
                        parent: None,
                    };
                    histograms.insert(i, query::histogram(conn, &unit, &slice)?);
                }
            }
            let ranked: Vec<RankedUnit> = ranks::rank(&candidates, &histograms, metric, thresholds)
                .into_iter()
                .map(RankedUnit::from)
                .collect();
            let not_ranked = members.len() - ranked.len();
            Ok(Ok((ranked, not_ranked, rollup::progress(conn)?)))
        })
        .await??;
    let (units, not_ranked, progress) = outcome;
    Ok(web::Json(RankingView {
        level,
        parent: params.parent,
        period: period.to_string(),
        provisional: in_progress(period, now),
        metric,
        kind,
        category: params.category,
        units,
        not_ranked,
        ranking_floor: thresholds.ranking_floor,
        papi: metric.papi(),
        caveat: ADMINISTRATIVE_DATA,
        definitions_version: DEFINITIONS_VERSION,
        as_of: progress.into(),
    }))
}

impl From<Ranked> for RankedUnit {
    fn from(r: Ranked) -> Self {
        Self {
            rank: r.rank,
            code: r.code,
            name: r.name,
            value: r.rate.value.unwrap_or(0.0),
            n: r.rate.n.unwrap_or(0),
            ci_low: r.rate.ci_low,
            ci_high: r.rate.ci_high,
            distinct_from_previous: r.distinct_from_previous,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SeriesParams {
    pub level: Option<Level>,
    #[param(example = "01")]
    pub code: Option<String>,
    #[param(value_type = Option<i64>)]
    pub office_id: Option<String>,
    /// The first month, `YYYY-MM`.
    #[param(example = "2026-01", pattern = r"^20[0-9]{2}-(0[1-9]|1[0-2])$")]
    pub from: String,
    /// The last month, `YYYY-MM`; at most 120 months after `from`.
    #[param(example = "2026-12", pattern = r"^20[0-9]{2}-(0[1-9]|1[0-2])$")]
    pub to: String,
    #[param(example = "response_rate")]
    pub metric: Metric,
    pub kind: Option<Kind>,
    pub category: Option<String>,
}

/// A figure of any sort.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum FigureView {
    Count(Count),
    Rate(Rate),
    Days(Days),
}

// Documented by hand: derived, an untagged enum is a `oneOf`, and a count matches the rate's
// and the days' shapes too, so every figure served would break the document.
impl utoipa::PartialSchema for FigureView {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::Ref;
        use utoipa::openapi::schema::AnyOfBuilder;
        AnyOfBuilder::new()
            .item(Ref::from_schema_name(Count::name()))
            .item(Ref::from_schema_name(Rate::name()))
            .item(Ref::from_schema_name(Days::name()))
            .description(Some(
                "A figure of any sort: a count, a rate or working days, as the metric is.",
            ))
            .into()
    }
}

impl ToSchema for FigureView {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::PartialSchema;
        schemas.extend([
            (Count::name().into_owned(), Count::schema()),
            (Rate::name().into_owned(), Rate::schema()),
            (Days::name().into_owned(), Days::schema()),
        ]);
    }
}

impl From<Figure> for FigureView {
    fn from(f: Figure) -> Self {
        match f {
            Figure::Count(c) => Self::Count(c),
            Figure::Rate(r) => Self::Rate(r),
            Figure::Days(d) => Self::Days(d),
        }
    }
}

/// One month of a series.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesPoint {
    #[schema(example = "2026-01")]
    pub month: String,
    /// As `GET /v1/stats` gives it for that month.
    pub figure: FigureView,
}

/// A metric month by month.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesView {
    pub level: Level,
    pub code: String,
    pub name: String,
    pub metric: Metric,
    pub kind: Option<Kind>,
    pub category: Option<String>,
    pub points: Vec<SeriesPoint>,
    pub papi: Papi,
    pub caveat: &'static str,
    pub definitions_version: &'static str,
    pub as_of: AsOf,
}

/// The longest series served.
const MAX_MONTHS: usize = 120;

fn month(field: &'static str, given: &str) -> Result<YearMonth, ApiError> {
    match period(field, given)? {
        Period::Month(m) => Ok(m),
        _ => Err(ApiError::BadRequest(BadInput::Period {
            field,
            given: given.to_owned(),
            problem: PeriodError::Month,
        })),
    }
}

/// One metric of a unit, month by month.
///
/// Each month's figure is exactly what `GET /v1/stats` gives for that month, suppression
/// included.
#[utoipa::path(
    tag = "statistics",
    params(SeriesParams),
    responses(
        (status = 200, description = "The series", body = SeriesView),
        (status = 400, description = "A bad `from` or `to` (`invalid_period`), a range backwards or longer than 120 months or a parameter missing or out of place (`invalid_parameter`), a bad code (`invalid_province_code`, `invalid_commune_code`, `invalid_office_id`), or an unknown parameter or value (`invalid_query`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such province, commune or office", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the client's budget for statistics (`rate_limited`, `STATS_RATE_LIMIT` a minute)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats/series")]
pub async fn series(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<SeriesParams>,
) -> Result<web::Json<SeriesView>, ApiError> {
    throttle(&req, &state)?;
    let db = state.db();
    let cache = state.clone();
    let thresholds = &state.thresholds;
    let params = params.into_inner();
    let level = params.level.unwrap_or(Level::National);
    let code = unit_code(level, params.code.as_deref(), params.office_id.as_deref())?;
    let from = month("from", &params.from)?;
    let to = month("to", &params.to)?;
    let mut months = Vec::new();
    let mut next = Some(from);
    while let Some(m) = next.filter(|m| *m <= to) {
        months.push(m);
        if months.len() > MAX_MONTHS {
            break;
        }
        next = m.next();
    }
    if months.is_empty() || months.len() > MAX_MONTHS {
        return Err(ApiError::BadRequest(BadInput::Parameter {
            field: "to",
            problem: ParameterProblem::OutOfRange,
        }));
    }
    let (kind, category, metric) = (params.kind, params.category.clone(), params.metric);
    let suppression = thresholds.suppression;
    let (unit, points, progress) = db
        .read(move |conn| {
            let unit = match resolve(conn, level, &code, category.as_deref())? {
                Ok(unit) => unit,
                Err(e) => return Ok(Err(e)),
            };
            let progress = rollup::progress(conn)?;
            let mut points = Vec::with_capacity(months.len());
            for m in months {
                let report = cached_report(
                    conn,
                    &cache.reports,
                    progress,
                    &unit,
                    kind,
                    category.as_deref(),
                    Period::Month(m),
                    suppression,
                )?;
                points.push(SeriesPoint {
                    month: m.to_string(),
                    figure: report.figure(metric).into(),
                });
            }
            Ok(Ok((unit, points, progress)))
        })
        .await??;
    Ok(web::Json(SeriesView {
        level: unit.level,
        code: unit.code,
        name: unit.name,
        metric,
        kind,
        category: params.category,
        points,
        papi: metric.papi(),
        caveat: ADMINISTRATIVE_DATA,
        definitions_version: DEFINITIONS_VERSION,
        as_of: progress.into(),
    }))
}

/// Statistics are computed from rollups and cached, but a client asking for every unit and
/// period in turn still costs: each client gets a budget a minute (`STATS_RATE_LIMIT`).
fn throttle(req: &HttpRequest, state: &AppState) -> Result<(), ApiError> {
    let Some(client) = state.client(req) else {
        return Ok(());
    };
    state.limits.statistics_client(client).map_err(
        |crate::auth::rate_limit::RetryAfter(retry_after)| ApiError::RateLimited { retry_after },
    )
}
