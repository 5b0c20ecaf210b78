//! The rule table of legal clocks (DESIGN §3.1) as data: which clocks a petition gets, how
//! long each runs, and how often it may be extended, each row citing its law.
//!
//! The defaults ship in `src/data/clock-rules.csv` and are loaded into the database once;
//! admins then add rules (a province's or a category's own lengths) or change one, which
//! supersedes it. For a given case every clock takes its most specific matching rule: the one
//! with the most conditions set (province, category, second time, remote area, complexity),
//! then the newest. The book's version is stored with every clock computed from it.
//!
//! A rule is in force from `effective_from` (when set) to the day before `effective_to` (when
//! set): a law that changes a period on a date is a successor rule from that date, and the
//! rule it replaces ends there. A petition is governed by the rules in force on the day it was
//! received (in Vietnam), whatever the date its clocks start.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::clock::{ClockName, Complexity, DayType};
use super::petition::Kind;

/// When a clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Starts {
    /// When the petition is received (or received again at a new office after a transfer).
    Receipt,
    /// When the office accepts it for handling (thụ lý).
    Acceptance,
    /// When the office finds a denunciation outside its competence (Law on Denunciations
    /// art. 24(2)); the period still counts from the day it was received there.
    NotCompetent,
}

impl Starts {
    pub fn code(self) -> &'static str {
        match self {
            Self::Receipt => "receipt",
            Self::Acceptance => "acceptance",
            Self::NotCompetent => "not_competent",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Receipt, Self::Acceptance, Self::NotCompetent]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// One row of the rule table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Rule {
    /// Its id in the rule table; 0 for a rule not yet stored.
    pub id: i64,
    pub kind: Kind,
    pub clock: ClockName,
    pub starts: Starts,
    /// Only second-time complaints (`true`) or only first-time ones (`false`); any when null.
    pub second_time: Option<bool>,
    /// Only communes flagged remote (`true`) or only others (`false`); any when null.
    pub remote: Option<bool>,
    /// Only cases accepted with this complexity; any when null.
    pub complexity: Option<Complexity>,
    /// Only this province (a provincial regulation); any when null.
    pub province_code: Option<String>,
    /// Only this category; any when null.
    pub category_code: Option<String>,
    /// Length; the start day is not counted (Civil Code art. 147).
    pub days: u32,
    pub day_type: DayType,
    /// How many times the clock may be extended.
    pub max_extensions: u32,
    /// Days each extension adds.
    pub extension_days: u32,
    pub legal_basis: String,
    /// In force for petitions received on or after this day; since always when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<NaiveDate>,
    /// No longer in force for petitions received on or after this day (its successor's
    /// `effective_from`); absent while in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
}

/// What the rules are asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case<'a> {
    pub kind: Kind,
    pub second_time: bool,
    pub remote: bool,
    pub complexity: Option<Complexity>,
    pub province_code: &'a str,
    pub category_code: &'a str,
    /// The day (in Vietnam) the petition was received: the rules in force then govern it.
    pub received_on: NaiveDate,
}

impl Rule {
    /// Whether the rule governs petitions received on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.effective_from.is_none_or(|from| from <= day)
            && self.effective_to.is_none_or(|to| day < to)
    }

    fn matches(&self, case: &Case, starts: Starts) -> bool {
        self.in_force_on(case.received_on)
            && self.kind == case.kind
            && self.starts == starts
            && self.second_time.is_none_or(|s| s == case.second_time)
            && self.remote.is_none_or(|r| r == case.remote)
            && self.complexity.is_none_or(|c| Some(c) == case.complexity)
            && self
                .province_code
                .as_deref()
                .is_none_or(|p| p == case.province_code)
            && self
                .category_code
                .as_deref()
                .is_none_or(|c| c == case.category_code)
    }

    fn specificity(&self) -> usize {
        [
            self.second_time.is_some(),
            self.remote.is_some(),
            self.complexity.is_some(),
            self.province_code.is_some(),
            self.category_code.is_some(),
        ]
        .into_iter()
        .filter(|set| *set)
        .count()
    }

    /// Days the next extension adds, given how many the clock had; `None` when the rule allows
    /// no (further) extension.
    pub fn extension(&self, so_far: u32) -> Option<u32> {
        (so_far < self.max_extensions && self.extension_days > 0).then_some(self.extension_days)
    }
}

/// The rules in force, with the revision they were read at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleBook {
    rules: Vec<Rule>,
    revision: i64,
}

impl RuleBook {
    pub fn new(rules: Vec<Rule>, revision: i64) -> Self {
        Self { rules, revision }
    }

    /// Stored with every clock computed from this book.
    pub fn version(&self) -> String {
        format!("rules.{}", self.revision)
    }

    pub fn revision(&self) -> i64 {
        self.revision
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether any rule for `kind` starting at `starts` depends on the commune being remote
    /// (so that intake need not look it up otherwise).
    pub fn asks_remote(&self, kind: Kind, starts: Starts) -> bool {
        self.rules
            .iter()
            .any(|r| r.kind == kind && r.starts == starts && r.remote.is_some())
    }

    pub fn get(&self, id: i64) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The clocks that start at `starts` for `case`: for each clock, its most specific rule
    /// (then the newest), in the order of [`ClockName::ALL`].
    pub fn clocks(&self, case: &Case, starts: Starts) -> Vec<&Rule> {
        ClockName::ALL
            .iter()
            .filter_map(|name| {
                self.rules
                    .iter()
                    .filter(|r| r.clock == *name && r.matches(case, starts))
                    .max_by_key(|r| (r.specificity(), r.id))
            })
            .collect()
    }
}

/// What clocks are counted with: the working-day calendar and the rule book, both in force.
#[derive(Debug, Clone, Copy)]
pub struct Law<'a> {
    pub calendar: &'a super::calendar::VietnamCalendar,
    pub rules: &'a RuleBook,
}

/// Why the shipped rule table could not be read.
#[derive(Debug, thiserror::Error)]
#[error("clock rule table, line {line}: {reason}")]
pub struct TableError {
    pub line: usize,
    pub reason: String,
}

/// The default rule table shipped with the service (ids are 0 until stored).
pub fn defaults() -> Result<Vec<Rule>, TableError> {
    parse_table(include_str!("../data/clock-rules.csv"))
}

/// Rows added to the shipped table after databases had loaded it, a batch per file, each
/// named so that every database loads it once, whether made before the batch or after.
const ADDITIONS: [(&str, &str); 2] = [
    (
        // Acceptance of a second-time complaint: art. 36, not art. 27.
        "clock-rules-2026-12-03",
        include_str!("../data/clock-rules-2026-12-03.csv"),
    ),
    (
        // Forwarding: a denunciation outside the office's competence, and feedback or a
        // recommendation on an administrative regulation.
        "clock-rules-2026-12-03-forwarding",
        include_str!("../data/clock-rules-2026-12-03-forwarding.csv"),
    ),
];

/// The batches added to the shipped table, by name, oldest first.
pub fn additions() -> Result<Vec<(&'static str, Vec<Rule>)>, TableError> {
    ADDITIONS
        .iter()
        .map(|(name, text)| parse_table(text).map(|rules| (*name, rules)))
        .collect()
}

fn parse_table(text: &str) -> Result<Vec<Rule>, TableError> {
    // A table may add `effective_from` (and `effective_to`) after `legal_basis`.
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rules = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let bad = |reason: String| TableError { line, reason };
        let record = record.map_err(|e| bad(e.to_string()))?;
        let field = |i: usize| record.get(i).unwrap_or_default().trim();
        let optional = |i: usize| Some(field(i)).filter(|v| !v.is_empty());
        let flag = |i: usize| -> Result<Option<bool>, TableError> {
            optional(i)
                .map(|v| {
                    v.parse::<bool>()
                        .map_err(|_| bad(format!("not a boolean: {v}")))
                })
                .transpose()
        };
        let date = |i: usize| -> Result<Option<NaiveDate>, TableError> {
            optional(i)
                .map(|v| {
                    NaiveDate::parse_from_str(v, "%Y-%m-%d")
                        .map_err(|_| bad(format!("not a date: {v}")))
                })
                .transpose()
        };
        let number = |i: usize| -> Result<u32, TableError> {
            field(i)
                .parse::<u32>()
                .map_err(|_| bad(format!("not a number: {}", field(i))))
        };
        rules.push(Rule {
            id: 0,
            kind: Kind::from_code(field(0)).ok_or_else(|| bad(format!("kind {}", field(0))))?,
            clock: ClockName::from_code(field(1))
                .ok_or_else(|| bad(format!("clock {}", field(1))))?,
            starts: Starts::from_code(field(2))
                .ok_or_else(|| bad(format!("starts {}", field(2))))?,
            second_time: flag(3)?,
            remote: flag(4)?,
            complexity: optional(5)
                .map(|c| Complexity::from_code(c).ok_or_else(|| bad(format!("complexity {c}"))))
                .transpose()?,
            province_code: optional(6).map(str::to_owned),
            category_code: optional(7).map(str::to_owned),
            days: number(8)?,
            day_type: DayType::from_code(field(9))
                .ok_or_else(|| bad(format!("day type {}", field(9))))?,
            max_extensions: number(10)?,
            extension_days: number(11)?,
            legal_basis: field(12).to_owned(),
            effective_from: date(13)?,
            effective_to: date(14)?,
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> RuleBook {
        let rules = defaults()
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, r)| Rule {
                id: i as i64 + 1,
                ..r
            })
            .collect();
        RuleBook::new(rules, 22)
    }

    fn case(kind: Kind) -> Case<'static> {
        Case {
            kind,
            second_time: false,
            remote: false,
            complexity: None,
            province_code: "01",
            category_code: "land",
            received_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        }
    }

    fn lengths(book: &RuleBook, case: &Case, starts: Starts) -> Vec<(ClockName, u32)> {
        book.clocks(case, starts)
            .into_iter()
            .map(|r| (r.clock, r.days))
            .collect()
    }

    #[test]
    fn receipt_clocks_follow_design_3_1() {
        let b = book();
        assert_eq!(
            lengths(&b, &case(Kind::Complaint), Starts::Receipt),
            [(ClockName::Accept, 10)]
        );
        assert_eq!(
            lengths(&b, &case(Kind::Denunciation), Starts::Receipt),
            [(ClockName::InitialProcessing, 7)]
        );
        for kind in [Kind::Recommendation, Kind::Feedback] {
            assert_eq!(
                lengths(&b, &case(kind), Starts::Receipt),
                [(ClockName::Acknowledge, 2), (ClockName::Answer, 10)]
            );
            assert!(b.clocks(&case(kind), Starts::Acceptance).is_empty());
        }
    }

    #[test]
    fn complaint_resolution_depends_on_time_remoteness_and_complexity() {
        let b = book();
        for (second_time, remote, complexity, days) in [
            (false, false, Complexity::Normal, 30),
            (false, false, Complexity::Complex, 45),
            (false, true, Complexity::Normal, 45),
            (false, true, Complexity::EspeciallyComplex, 60),
            (true, false, Complexity::Normal, 45),
            (true, false, Complexity::Complex, 60),
            (true, true, Complexity::Normal, 60),
            (true, true, Complexity::Complex, 70),
        ] {
            let c = Case {
                second_time,
                remote,
                complexity: Some(complexity),
                ..case(Kind::Complaint)
            };
            assert_eq!(
                lengths(&b, &c, Starts::Acceptance),
                [(ClockName::Resolve, days)],
                "{c:?}"
            );
        }
    }

    #[test]
    fn denunciation_extensions_follow_complexity() {
        let b = book();
        let resolve = |complexity| {
            let c = Case {
                complexity: Some(complexity),
                ..case(Kind::Denunciation)
            };
            b.clocks(&c, Starts::Acceptance)
                .into_iter()
                .find(|r| r.clock == ClockName::Resolve)
                .cloned()
                .unwrap()
        };
        assert_eq!(resolve(Complexity::Normal).extension(0), None);
        assert_eq!(resolve(Complexity::Complex).extension(0), Some(30));
        assert_eq!(resolve(Complexity::Complex).extension(1), None);
        assert_eq!(
            resolve(Complexity::EspeciallyComplex).extension(1),
            Some(30)
        );
        assert_eq!(resolve(Complexity::EspeciallyComplex).extension(2), None);
        let notify = Case {
            complexity: Some(Complexity::Normal),
            ..case(Kind::Denunciation)
        };
        assert_eq!(
            lengths(&b, &notify, Starts::Acceptance),
            [(ClockName::Resolve, 30), (ClockName::Notify, 5)]
        );
    }

    #[test]
    fn a_dated_successor_governs_petitions_received_from_its_date() {
        let mut rules = book().rules().to_vec();
        let day = |d| NaiveDate::from_ymd_opt(2026, 7, d).unwrap();
        let old = rules
            .iter_mut()
            .find(|r| r.kind == Kind::Feedback && r.clock == ClockName::Answer)
            .unwrap();
        old.effective_to = Some(day(1));
        let successor = Rule {
            id: 200,
            days: 5,
            effective_from: Some(day(1)),
            effective_to: None,
            ..old.clone()
        };
        rules.push(successor);
        let b = RuleBook::new(rules, 200);
        let received = |on| Case {
            received_on: on,
            ..case(Kind::Feedback)
        };
        let answer = |on| lengths(&b, &received(on), Starts::Receipt)[1];
        assert_eq!(
            answer(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()),
            (ClockName::Answer, 10)
        );
        assert_eq!(answer(day(1)), (ClockName::Answer, 5));
        assert_eq!(answer(day(2)), (ClockName::Answer, 5));
    }

    #[test]
    fn a_table_row_may_carry_its_dates() {
        let table = "kind,clock,starts,second_time,remote,complexity,province_code,category_code,days,day_type,max_extensions,extension_days,legal_basis,effective_from,effective_to
complaint,accept,receipt,,,,,,7,working,0,0,\"Decree 155/2026/NĐ-CP\",2026-07-01
complaint,accept,receipt,,,,,,10,calendar,0,0,Law
";
        let rules = parse_table(table).unwrap();
        assert_eq!(rules[0].effective_from, NaiveDate::from_ymd_opt(2026, 7, 1));
        assert_eq!(rules[0].effective_to, None);
        assert_eq!(rules[1].effective_from, None);
        assert!(parse_table(&table.replace("2026-07-01", "1 July")).is_err());
    }

    #[test]
    fn a_provincial_rule_beats_the_default_only_in_its_province() {
        let mut rules = book().rules().to_vec();
        rules.push(Rule {
            id: 100,
            province_code: Some("48".into()),
            days: 3,
            legal_basis: "Đà Nẵng Decision 960/QĐ-UBND (2021)".into(),
            ..rules
                .iter()
                .find(|r| r.kind == Kind::Feedback && r.clock == ClockName::Answer)
                .cloned()
                .unwrap()
        });
        let b = RuleBook::new(rules, 100);
        let da_nang = Case {
            province_code: "48",
            ..case(Kind::Feedback)
        };
        assert_eq!(
            lengths(&b, &da_nang, Starts::Receipt),
            [(ClockName::Acknowledge, 2), (ClockName::Answer, 3)]
        );
        assert_eq!(
            lengths(&b, &case(Kind::Feedback), Starts::Receipt),
            [(ClockName::Acknowledge, 2), (ClockName::Answer, 10)]
        );
        assert_eq!(b.version(), "rules.100");
    }
}
