//! Request and response bodies of commendations and notices.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::json::{Rules, Validate, clean};
use crate::models::{LeaderId, UnitId};
use crate::ops::commendations::CommendationInput;
pub use crate::ops::commendations::CommendationView;

pub use crate::models::commendation::{CommendationKind, CommendationScope};

/// Filters of a cycle's commendations and notices.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommendationFilterQuery {
    /// 只列出此类记录 (only records of this kind).
    pub kind: Option<CommendationKind>,
    /// 只列出涉及此单位的记录 (only records on this unit).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 2147483647)]
    pub unit_id: Option<String>,
}

/// A commendation or notice: a new one, or the replacement of an unpublished one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "unit_commendation", "unit_id": 9,
    "reason": "党风廉政建设责任制落实有力，考核成绩位居全县前列",
    "document_ref": "阳纪发〔2013〕40号", "scope": "units", "with_results": true
}))]
pub struct CommendationBody {
    /// 类别 (what it is).
    #[schema(required = true, value_type = CommendationKind)]
    pub kind: Option<CommendationKind>,
    /// 所涉单位，本周期的单位 (the unit, one of the cycle's units).
    #[schema(required = true, value_type = i64, example = 9)]
    pub unit_id: Option<UnitId>,
    /// 受表彰的班子成员：表彰个人必填，其他类别不填 (the commended leader, one of the unit's:
    /// required for a leader commendation, absent otherwise).
    #[schema(value_type = Option<i64>)]
    pub leader_id: Option<LeaderId>,
    /// 事由，1 至 2000 字 (why, 1 to 2000 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
    /// 文号，1 至 200 字 (the reference of the document that records it).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 200)]
    pub document_ref: Option<String>,
    /// 通报范围 (who sees it once published).
    #[schema(required = true, value_type = CommendationScope)]
    pub scope: Option<CommendationScope>,
    /// 是否随考核结果一并通报，默认是 (whether it is published with the cycle's results;
    /// default true). Otherwise the office publishes it on its own, once they are published.
    pub with_results: Option<bool>,
}

impl Validate for CommendationBody {
    fn check(&self, rules: &mut Rules) {
        rules.required("kind", &self.kind);
        rules.required("unit_id", &self.unit_id);
        rules.required_text("reason", &self.reason, 2_000);
        rules.required_text("document_ref", &self.document_ref, 200);
        rules.required("scope", &self.scope);
        match (self.kind, self.leader_id) {
            (Some(CommendationKind::LeaderCommendation), None) => {
                rules.0.push(crate::error::FieldError::new(
                    "leader_id",
                    "required",
                    "a leader commendation names the leader",
                ))
            }
            (Some(kind), Some(_)) if kind != CommendationKind::LeaderCommendation => {
                rules.0.push(crate::error::FieldError::new(
                    "leader_id",
                    "not_applicable",
                    format!("a {kind} names no leader"),
                ));
            }
            _ => {}
        }
    }
}

impl CommendationBody {
    /// The operation's input (the rules have run: the required fields are there).
    pub fn into_input(self) -> Option<CommendationInput> {
        Some(CommendationInput {
            kind: self.kind?,
            unit_id: self.unit_id?,
            leader_id: self.leader_id,
            reason: clean(&self.reason?),
            document_ref: clean(&self.document_ref?),
            scope: self.scope?,
            with_results: self.with_results.unwrap_or(true),
        })
    }
}
