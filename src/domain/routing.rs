//! Routing (DESIGN §3.4): which office a petition goes to.
//!
//! Rules are data: each may name a province, a commune, a kind, a category, a subject and
//! whether the petition is a second-time complaint, and sends matching petitions to a fixed
//! office or to the commune's or the province's People's Committee. The most specific
//! matching rule wins: the one with most matchers set; among those, the highest priority;
//! among those, the oldest. Since 1 July 2025 the district tier is gone, so what the law gave
//! to districts goes to the province (Law on Organisation of Local Government 72/2025/QH15).

use chrono::NaiveDate;

use super::petition::Kind;

/// Where a rule sends a petition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A fixed office.
    Office(i64),
    /// The People's Committee of the petition's commune.
    CommuneOffice,
    /// The People's Committee of the commune's province.
    ProvinceOffice,
}

/// One rule's matchers; `None` matches anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: i64,
    pub province: Option<String>,
    pub commune: Option<String>,
    pub kind: Option<Kind>,
    pub category: Option<String>,
    pub subject: Option<String>,
    pub second_time: Option<bool>,
    pub priority: i32,
    pub target: Target,
    /// Routes petitions received from this day; since always when absent.
    pub effective_from: Option<NaiveDate>,
    /// Routes no petition received from this day on; absent while in force.
    pub effective_to: Option<NaiveDate>,
}

/// What routing looks at in a petition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case<'a> {
    pub province: &'a str,
    pub commune: &'a str,
    pub kind: Kind,
    pub category: &'a str,
    pub subject: Option<&'a str>,
    pub second_time: bool,
    /// The day (in Vietnam) it was received: the rules in force then route it.
    pub received_on: NaiveDate,
}

impl Rule {
    pub fn matches(&self, case: &Case) -> bool {
        fn fits<T: PartialEq + ?Sized>(want: Option<&T>, have: &T) -> bool {
            want.is_none_or(|w| w == have)
        }
        fits(self.province.as_deref(), case.province)
            && fits(self.commune.as_deref(), case.commune)
            && fits(self.kind.as_ref(), &case.kind)
            && fits(self.category.as_deref(), case.category)
            && self
                .subject
                .as_deref()
                .is_none_or(|s| case.subject == Some(s))
            && fits(self.second_time.as_ref(), &case.second_time)
            && self
                .effective_from
                .is_none_or(|from| from <= case.received_on)
            && self.effective_to.is_none_or(|to| case.received_on < to)
    }

    /// How many matchers the rule sets.
    pub fn specificity(&self) -> usize {
        [
            self.province.is_some(),
            self.commune.is_some(),
            self.kind.is_some(),
            self.category.is_some(),
            self.subject.is_some(),
            self.second_time.is_some(),
        ]
        .into_iter()
        .filter(|set| *set)
        .count()
    }
}

/// The rule that routes `case`: the most specific match, then the highest priority, then the
/// lowest id. `None` only when no rule matches (the seeded `default` rule matches everything).
///
/// A second-time complaint is routed by the law, not by how specific a rule is: only rules
/// that say `second_time: true` apply to it (the law's own, and an admin's sector exceptions),
/// so a province's rule for complaints about land cannot silently take the second time too
/// (Law on Complaints art. 7(1)).
pub fn pick<'r>(rules: &'r [Rule], case: &Case) -> Option<&'r Rule> {
    let applies = |r: &&Rule| !case.second_time || r.second_time == Some(true);
    rules
        .iter()
        .filter(|r| r.matches(case))
        .filter(applies)
        .max_by(|a, b| {
            a.specificity()
                .cmp(&b.specificity())
                .then(a.priority.cmp(&b.priority))
                .then(b.id.cmp(&a.id))
        })
}

/// The code of the law's rule for second-time complaints. Its target is not a fixed tier: it
/// is "Thủ trưởng cấp trên trực tiếp của người có thẩm quyền giải quyết khiếu nại lần đầu"
/// (Law on Complaints 02/2011/QH13 art. 7(1)), the office directly above the one that decided
/// the first time. A commune People's Committee's decision goes to the province's; an office
/// under a commune's, to the commune's; a province People's Committee's, to the Minister of the
/// sector (art. 7(3)), outside this service.
pub const LAW_SECOND_TIME_COMPLAINT: &str = "law.second_time_complaint";

/// The subject code of a denunciation about a commune's leadership (its chair or vice-chairs).
pub const COMMUNE_LEADERSHIP: &str = "commune_leadership";

/// Whether an official may record at their own desk a petition that routing sends to
/// `routed`: only when it is their own office. A petition for another office is not entered
/// in this one's name; the official guides the citizen to the competent office (Law on
/// Citizen Reception 42/2013/QH13 art. 26–28: complaints, denunciations and petitions outside
/// the receiving office's competence).
pub fn desk_may_take(desk_office: i64, routed: i64) -> bool {
    desk_office == routed
}

/// Whether a petition may be transferred to `to_office`. A denunciation about a commune's
/// leadership is handled by the level above (Law on Denunciations 25/2018/QH14 art. 12(1), 13:
/// the head's and deputy heads' conduct, by the head of the body directly above), and handing
/// it to the office denounced would also hand that office its denouncer (art. 8, art. 47). So
/// it never goes to `denounced_office`, the People's Committee of its commune.
pub fn may_transfer(
    kind: Kind,
    subject: Option<&str>,
    to_office: i64,
    denounced_office: i64,
) -> bool {
    !(kind == Kind::Denunciation
        && subject == Some(COMMUNE_LEADERSHIP)
        && to_office == denounced_office)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule(id: i64) -> Rule {
        Rule {
            id,
            province: None,
            commune: None,
            kind: None,
            category: None,
            subject: None,
            second_time: None,
            priority: 0,
            target: Target::CommuneOffice,
            effective_from: None,
            effective_to: None,
        }
    }

    /// The rules every installation starts with (migration `intake`).
    fn seeded() -> Vec<Rule> {
        vec![
            rule(1),
            Rule {
                kind: Some(Kind::Complaint),
                second_time: Some(true),
                priority: 100,
                target: Target::ProvinceOffice,
                ..rule(2)
            },
            Rule {
                kind: Some(Kind::Denunciation),
                subject: Some("commune_leadership".into()),
                priority: 100,
                target: Target::ProvinceOffice,
                ..rule(3)
            },
        ]
    }

    #[test]
    fn a_more_specific_rule_does_not_take_second_time_complaints_unless_it_says_so() {
        let mut rules = seeded();
        // A province sends complaints about land to its land department.
        rules.push(Rule {
            province: Some("01".into()),
            kind: Some(Kind::Complaint),
            category: Some("land".into()),
            target: Target::Office(77),
            ..rule(4)
        });
        let land = Case {
            category: "land",
            ..case(Kind::Complaint)
        };
        assert_eq!(pick(&rules, &land).unwrap().id, 4);
        let second = Case {
            second_time: true,
            ..land.clone()
        };
        assert_eq!(pick(&rules, &second).unwrap().id, 2, "the law's rule");
        // A sector exception for the second time must say so.
        rules.push(Rule {
            second_time: Some(true),
            target: Target::Office(78),
            ..rules[3].clone()
        });
        rules.last_mut().unwrap().id = 5;
        assert_eq!(pick(&rules, &second).unwrap().id, 5);
        assert_eq!(pick(&rules, &land).unwrap().id, 4);
    }

    fn case(kind: Kind) -> Case<'static> {
        Case {
            province: "01",
            commune: "00004",
            kind,
            category: "land",
            subject: None,
            second_time: false,
            received_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        }
    }

    #[test]
    fn a_dated_rule_routes_only_petitions_received_in_its_time() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let mut rules = seeded();
        rules.push(Rule {
            kind: Some(Kind::Feedback),
            target: Target::ProvinceOffice,
            effective_from: Some(day(7, 1)),
            effective_to: Some(day(9, 1)),
            ..rule(4)
        });
        let on = |received_on| Case {
            received_on,
            ..case(Kind::Feedback)
        };
        assert_eq!(pick(&rules, &on(day(6, 30))).unwrap().id, 1);
        assert_eq!(pick(&rules, &on(day(7, 1))).unwrap().id, 4);
        assert_eq!(pick(&rules, &on(day(8, 31))).unwrap().id, 4);
        assert_eq!(pick(&rules, &on(day(9, 1))).unwrap().id, 1);
    }

    #[test]
    fn the_law_sends_some_petitions_to_the_province() {
        let rules = seeded();
        assert_eq!(pick(&rules, &case(Kind::Complaint)).unwrap().id, 1);
        let second = Case {
            second_time: true,
            ..case(Kind::Complaint)
        };
        assert_eq!(pick(&rules, &second).unwrap().id, 2);
        let about_leaders = Case {
            subject: Some("commune_leadership"),
            ..case(Kind::Denunciation)
        };
        assert_eq!(pick(&rules, &about_leaders).unwrap().id, 3);
        // The same subject on feedback stays at the commune.
        let feedback = Case {
            subject: Some("commune_leadership"),
            ..case(Kind::Feedback)
        };
        assert_eq!(pick(&rules, &feedback).unwrap().id, 1);
    }

    #[test]
    fn a_provincial_rule_beats_the_default_and_priority_breaks_ties() {
        let mut rules = seeded();
        rules.push(Rule {
            province: Some("01".into()),
            category: Some("land".into()),
            target: Target::Office(77),
            ..rule(4)
        });
        rules.push(Rule {
            commune: Some("00004".into()),
            kind: Some(Kind::Feedback),
            priority: 5,
            target: Target::Office(78),
            ..rule(5)
        });
        assert_eq!(pick(&rules, &case(Kind::Complaint)).unwrap().id, 4);
        assert_eq!(pick(&rules, &case(Kind::Feedback)).unwrap().id, 5);
    }

    #[test]
    fn a_denunciation_of_a_communes_leaders_never_goes_back_to_that_commune() {
        let leaders = Some(COMMUNE_LEADERSHIP);
        assert!(!may_transfer(Kind::Denunciation, leaders, 10, 10));
        assert!(may_transfer(Kind::Denunciation, leaders, 11, 10));
        assert!(may_transfer(Kind::Denunciation, None, 10, 10));
        assert!(may_transfer(Kind::Complaint, leaders, 10, 10));
        assert!(may_transfer(Kind::Denunciation, Some("land"), 10, 10));
    }

    #[test]
    fn the_desk_takes_in_only_for_its_own_office() {
        assert!(desk_may_take(7, 7));
        assert!(!desk_may_take(7, 8));
    }

    proptest! {
        /// The pick always matches, and no matching rule is more specific than it.
        #[test]
        fn the_pick_is_a_most_specific_match(
            specs in prop::collection::vec((any::<bool>(), any::<bool>(), any::<bool>(), 0i32..3), 0..12),
            kind in prop::sample::select(Kind::ALL.to_vec()),
        ) {
            let mut rules = seeded();
            for (i, (province, own_kind, category, priority)) in specs.into_iter().enumerate() {
                rules.push(Rule {
                    province: province.then(|| "01".into()),
                    kind: own_kind.then_some(Kind::Feedback),
                    category: category.then(|| "traffic".into()),
                    priority,
                    ..rule(10 + i as i64)
                });
            }
            let c = case(kind);
            let picked = pick(&rules, &c).unwrap();
            prop_assert!(picked.matches(&c));
            for r in rules.iter().filter(|r| r.matches(&c)) {
                prop_assert!(r.specificity() <= picked.specificity());
            }
        }
    }
}
