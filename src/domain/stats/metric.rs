//! The metrics as data (DESIGN §3.7): what each counts, over which petitions, assigned to
//! which period, and which PAPI indicator it stands in for. `GET /v1/stats/definitions` serves
//! [`Definitions`] as it is; `docs/METRICS.md` says the same in prose, and a test checks that
//! every formula, cohort and indicator below appears there word for word.
//!
//! PAPI (the Viet Nam Provincial Governance and Public Administration Performance Index, by
//! CECODES, the Fatherland Front's research centre and UNDP) is a survey of citizens'
//! experience. Since 2016 its dimension 3, vertical accountability, has sub-dimensions for the
//! citizens' interactions with local authorities (D3.1) and for how local government responds
//! to their proposals, complaints and denunciations (D3.2); dimension 8 is e-governance. What
//! we count are the offices' own records, so each metric is at most a proxy, and says so.

use serde::Serialize;
use utoipa::ToSchema;

use super::interval::Z_95;
use super::{RANKING_FLOOR, SUPPRESSION_THRESHOLD};
use crate::domain::clock::ClockName;
use crate::domain::petition::Kind;

/// Changes whenever a formula, a cohort or a mapping changes, so that figures computed under
/// different definitions are never compared unawares. Served with the definitions and
/// written into every CSV export.
pub const DEFINITIONS_VERSION: &str = "2026.1";

/// Carried by every PAPI mapping.
pub const ADMINISTRATIVE_DATA: &str = "Administrative data recorded by the offices themselves in Tiếng Dân, not the PAPI survey of citizens' experience: a proxy that may move with the PAPI indicator but does not measure it, and covers only petitions that reached the service.";

/// How answer clocks are assigned to a period (the cohort of the response and on-time rates).
pub const FALLING_DUE: &str = "A clock falls due in a period when the date in Vietnam of its due time, after any lawful extension, lies in the period. It joins the period's cohort when the step is taken or the due time passes, whichever comes first, so the figures of a period in progress are provisional. A clock stopped before its due time because the petition was withdrawn, transferred away or (for an answer clock) refused is left out: the office no longer had to act on it.";

/// How figures for a commune, a province or the nation are made from offices' figures.
pub const AGGREGATION: &str = "A commune, a province or the nation is the sum of its offices: counts add up, and rates, quantiles and their n are computed over the pooled petitions, never by averaging the offices' rates. A petition transferred between two offices of the same unit is received by both.";

/// The clock whose answer the response measures count: `answer` for recommendations and
/// feedback, `resolve` (the resolution of the case) for complaints and denunciations.
pub fn answer_clock(kind: Kind) -> ClockName {
    match kind {
        Kind::Complaint | Kind::Denunciation => ClockName::Resolve,
        Kind::Recommendation | Kind::Feedback => ClockName::Answer,
    }
}

/// The clock of the first step, which `ack_on_time_rate` measures: `acknowledge` for
/// recommendations and feedback, `accept` (accept or refuse) for complaints,
/// `initial_processing` for denunciations.
pub fn first_step_clock(kind: Kind) -> ClockName {
    match kind {
        Kind::Complaint => ClockName::Accept,
        Kind::Denunciation => ClockName::InitialProcessing,
        Kind::Recommendation | Kind::Feedback => ClockName::Acknowledge,
    }
}

/// What a metric's figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// A number of petitions, suppressed by the small-cell rules.
    Count,
    /// A proportion from 0 to 1 with its n and Wilson 95 % interval ([`super::Rate`]).
    Rate,
    /// A quantile of working days with its n ([`super::Days`]).
    Days,
}

/// Whether a metric stands in for a PAPI indicator or only gives the figures around one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// An administrative proxy for the indicator.
    Proxy,
    /// A count behind a proxy (its numerator, its denominator, what else became of the
    /// petitions), not a proxy by itself.
    Context,
}

impl Relation {
    pub fn code(self) -> &'static str {
        match self {
            Self::Proxy => "proxy",
            Self::Context => "context",
        }
    }
}

/// The PAPI indicator a metric relates to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Papi {
    /// "D3", "D8".
    pub dimension: &'static str,
    pub dimension_name: &'static str,
    /// "D3.1", "D3.2"; null where DESIGN §3.7 names only the dimension.
    pub sub_dimension: Option<&'static str>,
    pub indicator: &'static str,
    pub relation: Relation,
    /// Always [`ADMINISTRATIVE_DATA`].
    pub caveat: &'static str,
}

const D3: &str = "D3";
const D3_NAME: &str = "Vertical accountability towards citizens";
const D3_1_INDICATOR: &str = "Interactions with local authorities: how often citizens contact local government. The PAPI proxy is received per 1,000 residents, where the population is known; the service does not yet hold population figures.";
const D3_2_RESPONSE: &str = "Local government's response to citizens' proposals, complaints and denunciations: whether they are answered.";
const D3_2_ON_TIME: &str = "Local government's response to citizens' proposals, complaints and denunciations: whether the answer comes within the legal time.";
const D3_2_SATISFACTION: &str = "Local government's response to citizens' proposals, complaints and denunciations: whether citizens are satisfied with the answer.";
const D3_2_SPEED: &str = "Local government's response to citizens' proposals, complaints and denunciations: how long citizens wait for the answer.";
const D3_2_CONTEXT: &str = "Local government's response to citizens' proposals, complaints and denunciations: what became of them.";
const D3_SUPERVISION: &str = "Oversight of local government on the citizens' behalf: how offices answer the Fatherland Front's supervision requests. Not a PAPI indicator by itself; the figures around vertical accountability.";
const D8: &str = "D8";
const D8_NAME: &str = "E-governance";
const D8_INDICATOR: &str =
    "E-responsiveness: how far local government answers citizens through online channels.";

fn papi(sub_dimension: &'static str, indicator: &'static str, relation: Relation) -> Papi {
    Papi {
        dimension: D3,
        dimension_name: D3_NAME,
        sub_dimension: Some(sub_dimension),
        indicator,
        relation,
        caveat: ADMINISTRATIVE_DATA,
    }
}

/// Every measure of DESIGN §3.7, by the code the API and the CSV use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Received,
    Accepted,
    Rejected,
    TransferredOut,
    Withdrawn,
    Answered,
    AnsweredOnTime,
    OverdueOpen,
    ResponseRate,
    OnTimeRate,
    AckOnTimeRate,
    SatisfactionRate,
    RatingRate,
    MedianDaysToAnswer,
    P90DaysToAnswer,
    /// The D8 proxy DESIGN §3.7 names ("the share answered online").
    OnlineAnswerRate,
    /// Supervision requests (DESIGN §3.8), which DESIGN §3.8 counts in the office's stats.
    SupervisionFiled,
    SupervisionAnswered,
    SupervisionOnTimeRate,
}

impl Metric {
    pub const ALL: [Self; 19] = [
        Self::Received,
        Self::Accepted,
        Self::Rejected,
        Self::TransferredOut,
        Self::Withdrawn,
        Self::Answered,
        Self::AnsweredOnTime,
        Self::OverdueOpen,
        Self::ResponseRate,
        Self::OnTimeRate,
        Self::AckOnTimeRate,
        Self::SatisfactionRate,
        Self::RatingRate,
        Self::MedianDaysToAnswer,
        Self::P90DaysToAnswer,
        Self::OnlineAnswerRate,
        Self::SupervisionFiled,
        Self::SupervisionAnswered,
        Self::SupervisionOnTimeRate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::TransferredOut => "transferred_out",
            Self::Withdrawn => "withdrawn",
            Self::Answered => "answered",
            Self::AnsweredOnTime => "answered_on_time",
            Self::OverdueOpen => "overdue_open",
            Self::ResponseRate => "response_rate",
            Self::OnTimeRate => "on_time_rate",
            Self::AckOnTimeRate => "ack_on_time_rate",
            Self::SatisfactionRate => "satisfaction_rate",
            Self::RatingRate => "rating_rate",
            Self::MedianDaysToAnswer => "median_days_to_answer",
            Self::P90DaysToAnswer => "p90_days_to_answer",
            Self::OnlineAnswerRate => "online_answer_rate",
            Self::SupervisionFiled => "supervision_filed",
            Self::SupervisionAnswered => "supervision_answered",
            Self::SupervisionOnTimeRate => "supervision_on_time_rate",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn kind(self) -> MetricKind {
        match self {
            Self::Received
            | Self::Accepted
            | Self::Rejected
            | Self::TransferredOut
            | Self::Withdrawn
            | Self::Answered
            | Self::AnsweredOnTime
            | Self::OverdueOpen
            | Self::SupervisionFiled
            | Self::SupervisionAnswered => MetricKind::Count,
            Self::ResponseRate
            | Self::OnTimeRate
            | Self::AckOnTimeRate
            | Self::SatisfactionRate
            | Self::RatingRate
            | Self::OnlineAnswerRate
            | Self::SupervisionOnTimeRate => MetricKind::Rate,
            Self::MedianDaysToAnswer | Self::P90DaysToAnswer => MetricKind::Days,
        }
    }

    /// The quantile a days metric reports.
    pub fn quantile(self) -> Option<f64> {
        match self {
            Self::MedianDaysToAnswer => Some(0.5),
            Self::P90DaysToAnswer => Some(0.9),
            _ => None,
        }
    }

    /// What is counted, in words.
    pub fn formula(self) -> &'static str {
        match self {
            Self::Received => {
                "Petitions received by the unit's offices; a petition transferred in counts as received at the office it was transferred to."
            }
            Self::Accepted => "Petitions accepted for handling (thụ lý).",
            Self::Rejected => "Petitions refused acceptance, each with its reason code.",
            Self::TransferredOut => {
                "Petitions transferred from the unit's offices to another office, where their clocks start again."
            }
            Self::Withdrawn => "Petitions withdrawn by the citizen.",
            Self::Answered => "Petitions answered; for a complaint or a denunciation, resolved.",
            Self::AnsweredOnTime => {
                "Answered petitions whose answer came at or before the due time of their answer clock."
            }
            Self::OverdueOpen => {
                "Open petitions (received or accepted, not yet answered) with a legal clock past its due time."
            }
            Self::ResponseRate => {
                "Answer clocks answered, at any time / answer clocks falling due in the period."
            }
            Self::OnTimeRate => {
                "Answer clocks answered at or before their due time / answer clocks falling due in the period."
            }
            Self::AckOnTimeRate => {
                "First-step clocks whose step was taken at or before their due time / first-step clocks falling due in the period."
            }
            Self::SatisfactionRate => "Ratings that say satisfied / ratings.",
            Self::RatingRate => "Answers the citizen rated / answers.",
            Self::MedianDaysToAnswer => {
                "Median of the working days from receipt at the answering office to the answer."
            }
            Self::P90DaysToAnswer => {
                "90th percentile of the working days from receipt at the answering office to the answer."
            }
            Self::OnlineAnswerRate => {
                "Answers to petitions received online, through a partner app / answers."
            }
            Self::SupervisionFiled => {
                "Supervision requests (kiến nghị giám sát) the Fatherland Front filed to the unit's offices."
            }
            Self::SupervisionAnswered => "Supervision requests the offices replied to.",
            Self::SupervisionOnTimeRate => {
                "Replies to supervision requests given at or before their due time / replies."
            }
        }
    }

    /// Which petitions it counts and which period each is assigned to.
    pub fn cohort(self) -> &'static str {
        match self {
            Self::Received => "Each receipt, in the period of its date in Vietnam.",
            Self::Accepted => "Each acceptance, in the period of its date.",
            Self::Rejected => "Each refusal, in the period of its date.",
            Self::TransferredOut => {
                "Each transfer, in the period of its date, at the office it left."
            }
            Self::Withdrawn => {
                "Each withdrawal, in the period of its date, at the office that held the petition."
            }
            Self::Answered | Self::AnsweredOnTime => "Each answer, in the period of its date.",
            Self::OverdueOpen => {
                "A snapshot at the end of the period (for the period in progress, now), at the office that holds each petition, counted once however many of its clocks are overdue."
            }
            Self::ResponseRate => {
                "Answer clocks (answer for recommendations and feedback, resolve for complaints and denunciations) falling due in the period. A late answer still counts, in the period the clock fell due in."
            }
            Self::OnTimeRate => {
                "Answer clocks falling due in the period, as for response_rate. A late answer never counts as on time."
            }
            Self::AckOnTimeRate => {
                "First-step clocks (acknowledge for recommendations and feedback, accept for complaints, initial_processing for denunciations) falling due in the period. Acceptance, refusal with its reason and acknowledgement are all the first step."
            }
            Self::SatisfactionRate => {
                "Ratings of the answers given in the period, by the date of the answer, not of the rating; ratings come up to 30 days after the answer, so the last month fills in later."
            }
            Self::RatingRate | Self::OnlineAnswerRate => "Answers given in the period.",
            Self::SupervisionFiled => "Each request, in the period of the date it was filed.",
            Self::SupervisionAnswered | Self::SupervisionOnTimeRate => {
                "Each reply, in the period of its date."
            }
            Self::MedianDaysToAnswer | Self::P90DaysToAnswer => {
                "Answers given in the period. Working days are counted as the clocks count them: the day of receipt not counted, the day of the answer counted, only the working days of the calendar in force."
            }
        }
    }

    /// The PAPI indicator it stands in for, or gives the figures around.
    pub fn papi(self) -> Papi {
        use Relation::{Context, Proxy};
        match self {
            Self::Received => papi("D3.1", D3_1_INDICATOR, Context),
            Self::Accepted
            | Self::Rejected
            | Self::TransferredOut
            | Self::Withdrawn
            | Self::Answered
            | Self::AnsweredOnTime
            | Self::OverdueOpen => papi("D3.2", D3_2_CONTEXT, Context),
            Self::ResponseRate => papi("D3.2", D3_2_RESPONSE, Proxy),
            Self::OnTimeRate | Self::AckOnTimeRate => papi("D3.2", D3_2_ON_TIME, Proxy),
            Self::SatisfactionRate => papi("D3.2", D3_2_SATISFACTION, Proxy),
            Self::RatingRate => papi("D3.2", D3_2_SATISFACTION, Context),
            Self::MedianDaysToAnswer | Self::P90DaysToAnswer => papi("D3.2", D3_2_SPEED, Proxy),
            Self::SupervisionFiled | Self::SupervisionAnswered | Self::SupervisionOnTimeRate => {
                Papi {
                    dimension: D3,
                    dimension_name: D3_NAME,
                    sub_dimension: None,
                    indicator: D3_SUPERVISION,
                    relation: Context,
                    caveat: ADMINISTRATIVE_DATA,
                }
            }
            Self::OnlineAnswerRate => Papi {
                dimension: D8,
                dimension_name: D8_NAME,
                sub_dimension: None,
                indicator: D8_INDICATOR,
                relation: Proxy,
                caveat: ADMINISTRATIVE_DATA,
            },
        }
    }

    pub fn definition(self) -> Definition {
        Definition {
            code: self,
            kind: self.kind(),
            formula: self.formula(),
            cohort: self.cohort(),
            papi: self.papi(),
        }
    }
}

/// One metric, as `GET /v1/stats/definitions` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Definition {
    pub code: Metric,
    pub kind: MetricKind,
    pub formula: &'static str,
    pub cohort: &'static str,
    pub papi: Papi,
}

/// Everything a reader needs to interpret the statistics: `GET /v1/stats/definitions`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Definitions {
    /// [`DEFINITIONS_VERSION`].
    pub version: &'static str,
    /// [`ADMINISTRATIVE_DATA`].
    pub caveat: &'static str,
    /// Cells with 0 < n below this are suppressed (the configured value).
    pub suppression_threshold: u64,
    /// Rankings list only units with n at least this (the configured value).
    pub ranking_floor: u64,
    pub interval: &'static str,
    /// z of the interval.
    pub z: f64,
    pub quantile_method: &'static str,
    /// [`FALLING_DUE`].
    pub falling_due: &'static str,
    /// [`AGGREGATION`].
    pub aggregation: &'static str,
    pub metrics: Vec<Definition>,
}

pub const INTERVAL: &str = "Wilson score interval, 95 %";
pub const QUANTILE_METHOD: &str = "Linear interpolation between order statistics (Hyndman and Fan type 7, as MEDIAN and PERCENTILE.INC)";

impl Definitions {
    /// The definitions with the thresholds the service is configured with.
    pub fn new(suppression_threshold: u64, ranking_floor: u64) -> Self {
        Self {
            version: DEFINITIONS_VERSION,
            caveat: ADMINISTRATIVE_DATA,
            suppression_threshold,
            ranking_floor,
            interval: INTERVAL,
            z: Z_95,
            quantile_method: QUANTILE_METHOD,
            falling_due: FALLING_DUE,
            aggregation: AGGREGATION,
            metrics: Metric::ALL.into_iter().map(Metric::definition).collect(),
        }
    }
}

impl Default for Definitions {
    fn default() -> Self {
        Self::new(SUPPRESSION_THRESHOLD, RANKING_FLOOR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const METRICS_MD: &str = include_str!("../../../docs/METRICS.md");

    fn squash(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn codes_round_trip_and_serialize_as_codes() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_code(m.code()), Some(m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.code());
        }
        assert_eq!(Metric::from_code("nonsense"), None);
    }

    #[test]
    fn the_papi_mapping_of_design_3_7() {
        for m in [
            Metric::ResponseRate,
            Metric::OnTimeRate,
            Metric::SatisfactionRate,
        ] {
            let papi = m.papi();
            assert_eq!((papi.dimension, papi.sub_dimension), ("D3", Some("D3.2")));
            assert_eq!(papi.relation, Relation::Proxy);
        }
        assert_eq!(Metric::Received.papi().sub_dimension, Some("D3.1"));
        assert_eq!(Metric::OnlineAnswerRate.papi().dimension, "D8");
        for m in Metric::ALL {
            assert_eq!(m.papi().caveat, ADMINISTRATIVE_DATA);
            assert_eq!(m.quantile().is_some(), m.kind() == MetricKind::Days);
        }
    }

    #[test]
    fn every_kind_has_an_answer_clock_and_a_first_step() {
        for kind in Kind::ALL {
            assert_ne!(answer_clock(kind), first_step_clock(kind));
        }
        assert_eq!(answer_clock(Kind::Complaint), ClockName::Resolve);
        assert_eq!(
            first_step_clock(Kind::Denunciation),
            ClockName::InitialProcessing
        );
    }

    #[test]
    fn definitions_serialize_for_the_api() {
        let json = serde_json::to_value(Definitions::default()).unwrap();
        assert_eq!(json["version"], DEFINITIONS_VERSION);
        assert_eq!(json["suppression_threshold"], 5);
        assert_eq!(json["ranking_floor"], 30);
        let metrics = json["metrics"].as_array().unwrap();
        assert_eq!(metrics.len(), Metric::ALL.len());
        assert_eq!(metrics[8]["code"], "response_rate");
        assert_eq!(metrics[8]["kind"], "rate");
        assert_eq!(metrics[8]["papi"]["sub_dimension"], "D3.2");
        assert_eq!(metrics[8]["papi"]["relation"], "proxy");
        assert_eq!(
            metrics[15]["papi"]["sub_dimension"],
            serde_json::Value::Null
        );
    }

    /// docs/METRICS.md is the one place of definitions: it must say what the code says.
    #[test]
    fn metrics_md_agrees_with_the_code() {
        let doc = squash(METRICS_MD);
        let must = |text: &str, what: &str| {
            assert!(
                doc.contains(&squash(text)),
                "docs/METRICS.md lacks the {what}: {text}"
            );
        };
        must(&format!("Version {DEFINITIONS_VERSION}"), "version");
        must(ADMINISTRATIVE_DATA, "caveat");
        must(FALLING_DUE, "falling-due rule");
        must(AGGREGATION, "aggregation rule");
        must(INTERVAL, "interval");
        must(QUANTILE_METHOD, "quantile method");
        must(
            &format!("threshold of {SUPPRESSION_THRESHOLD}"),
            "threshold",
        );
        must(&format!("floor of {RANKING_FLOOR}"), "floor");
        must(&format!("{Z_95}"), "z");
        for m in Metric::ALL {
            let papi = m.papi();
            must(&format!("### `{}`", m.code()), "heading");
            must(m.formula(), m.code());
            must(m.cohort(), m.code());
            must(papi.indicator, m.code());
            let mapping = match papi.sub_dimension {
                Some(sub) => format!("PAPI: {sub} ({}),", papi.dimension_name),
                None => format!("PAPI: {} ({}),", papi.dimension, papi.dimension_name),
            };
            must(&format!("{mapping} {}.", papi.relation.code()), m.code());
        }
    }
}
