//! Routing rules as stored, read into the domain's terms.

use diesel::prelude::*;

use super::schema::routing_rules;
use super::{DbConnection, DbError};
use crate::domain::petition::Kind;
use crate::domain::routing::{Case, Rule, Target};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = routing_rules)]
pub struct RuleRow {
    pub id: i64,
    pub code: String,
    pub province_code: Option<String>,
    pub commune_code: Option<String>,
    pub kind: Option<Kind>,
    pub category_code: Option<String>,
    pub subject: Option<String>,
    pub second_time: Option<bool>,
    pub target: String,
    pub office_id: Option<i64>,
    pub priority: i32,
    pub reason: String,
    pub effective_from: Option<chrono::NaiveDate>,
    pub effective_to: Option<chrono::NaiveDate>,
}

impl RuleRow {
    /// The rule in domain terms; `None` when the row holds values outside the enums (it was
    /// written behind the service's back) and so must not route anything.
    pub fn to_rule(&self) -> Option<Rule> {
        let kind = self.kind;
        let target = match (self.target.as_str(), self.office_id) {
            ("office", Some(id)) => Target::Office(id),
            ("commune_office", _) => Target::CommuneOffice,
            ("province_office", _) => Target::ProvinceOffice,
            _ => return None,
        };
        Some(Rule {
            id: self.id,
            province: self.province_code.clone(),
            commune: self.commune_code.clone(),
            kind,
            category: self.category_code.clone(),
            subject: self.subject.clone(),
            second_time: self.second_time,
            priority: self.priority,
            target,
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        })
    }
}

/// The rules that could match `case`: those whose set matchers equal its values. The domain
/// picks among them.
pub fn candidates(conn: &mut DbConnection, case: &Case) -> Result<Vec<RuleRow>, DbError> {
    use routing_rules as r;
    Ok(r::table
        .filter(
            r::province_code
                .is_null()
                .or(r::province_code.eq(case.province)),
        )
        .filter(
            r::commune_code
                .is_null()
                .or(r::commune_code.eq(case.commune)),
        )
        .filter(r::kind.is_null().or(r::kind.eq(case.kind)))
        .filter(
            r::category_code
                .is_null()
                .or(r::category_code.eq(case.category)),
        )
        .select(RuleRow::as_select())
        .load(conn)?)
}
