//! Request and response bodies of routine-visit records.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::http::json::{Rules, Validate, clean};
use crate::models::routine::RoutineVisitText;
pub use crate::ops::routine_visits::{
    Questionnaire, RoutineVisitResponse, VisitAttachment, VisitMethod, Visitor,
};
pub use crate::ops::signed::{Empty, Reopen, SignatureRecord};

/// The visit record, written whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "visitors": [{"sub": "office-zhang", "name": "张建国"}, {"sub": "office-li", "name": "李明"}],
    "methods": ["field_visit", "questionnaire", "ledger_review"],
    "findings": "责任制目标已分解到各股室；廉政风险点台账未按季度更新。",
    "questionnaire": {"handed_out": 40, "returned": 38, "answers_counted": 37,
        "results": "满意和基本满意占94.6%"},
    "attachments": [{"title": "党风廉政建设台帐（2026年）复印件"}],
    "visited_on": "2026-12-02"
}))]
pub struct PutVisit {
    /// 走访人员 (who visited: office staff, by `sub`; each signs). At most 20.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub visitors: Vec<Visitor>,
    /// 检查方式 (how; each once).
    #[serde(default)]
    #[schema(schema_with = distinct_methods)]
    pub methods: Vec<VisitMethod>,
    /// 发现的情况和问题 (findings).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 20000)]
    pub findings: Option<String>,
    /// 调查问卷 (the questionnaires, if handed out).
    #[serde(default)]
    pub questionnaire: Option<Questionnaire>,
    /// 附件 (documents kept). At most 50.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub attachments: Vec<VisitAttachment>,
    /// 走访日期 (the date of the visit).
    #[serde(default)]
    pub visited_on: Option<NaiveDate>,
}

/// The methods as an array of distinct `VisitMethod`s (`uniqueItems`, as `check` refuses a
/// repeated one).
fn distinct_methods() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("VisitMethod"))
        .unique_items(true)
        .description(Some("检查方式 (how; each method once)."))
        .build()
}

impl Validate for PutVisit {
    fn check(&self, rules: &mut Rules) {
        if self.visitors.len() > 20 {
            rules.0.push(FieldError::new(
                "visitors",
                "too_many",
                "at most 20 visitors",
            ));
        }
        let mut seen = HashSet::new();
        for (i, v) in self.visitors.iter().enumerate() {
            rules.text(&format!("visitors[{i}].sub"), &v.sub, 200);
            rules.text(&format!("visitors[{i}].name"), &v.name, 100);
            if !seen.insert(v.sub.trim()) {
                rules.0.push(FieldError::new(
                    format!("visitors[{i}].sub"),
                    "duplicate",
                    "each visitor is listed once",
                ));
            }
        }
        let mut methods = HashSet::new();
        for (i, m) in self.methods.iter().enumerate() {
            if !methods.insert(m) {
                rules.0.push(FieldError::new(
                    format!("methods[{i}]"),
                    "duplicate",
                    "each method is listed once",
                ));
            }
        }
        rules.optional_text("findings", self.findings.as_deref(), 20_000);
        if let Some(q) = &self.questionnaire {
            for (field, n) in [
                ("handed_out", q.handed_out),
                ("returned", q.returned),
                ("answers_counted", q.answers_counted),
            ] {
                if !(0..=100_000).contains(&n) {
                    rules.0.push(FieldError::new(
                        format!("questionnaire.{field}"),
                        "out_of_range",
                        "a count is 0 to 100000",
                    ));
                }
            }
            if q.returned > q.handed_out {
                rules.0.push(FieldError::new(
                    "questionnaire.returned",
                    "exceeds_handed_out",
                    "more returned than handed out",
                ));
            }
            if q.answers_counted > q.returned {
                rules.0.push(FieldError::new(
                    "questionnaire.answers_counted",
                    "exceeds_handed_out",
                    "more answers counted than returned",
                ));
            }
            rules.optional_text("questionnaire.results", q.results.as_deref(), 20_000);
        }
        if self.attachments.len() > 50 {
            rules.0.push(FieldError::new(
                "attachments",
                "too_many",
                "at most 50 attachments",
            ));
        }
        for (i, a) in self.attachments.iter().enumerate() {
            rules.text(&format!("attachments[{i}].title"), &a.title, 500);
            let hex = |s: &str| {
                s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            };
            if a.sha256.as_deref().is_some_and(|s| !hex(s)) {
                rules.0.push(FieldError::new(
                    format!("attachments[{i}].sha256"),
                    "invalid",
                    "a SHA-256 is 64 lowercase hex digits",
                ));
            }
        }
    }
}

impl PutVisit {
    /// What to store: texts cleaned, a blank findings or results stored as not written.
    pub fn text(&self) -> RoutineVisitText {
        let part = |v: Option<&str>| v.map(clean).filter(|t| !t.is_empty());
        let visitors: Vec<Visitor> = self
            .visitors
            .iter()
            .map(|v| Visitor {
                sub: v.sub.trim().to_owned(),
                name: clean(&v.name),
            })
            .collect();
        let questionnaire = self.questionnaire.as_ref().map(|q| Questionnaire {
            results: part(q.results.as_deref()),
            ..q.clone()
        });
        let attachments: Vec<VisitAttachment> = self
            .attachments
            .iter()
            .map(|a| VisitAttachment {
                title: clean(&a.title),
                sha256: a.sha256.clone(),
            })
            .collect();
        RoutineVisitText {
            visitors: json!(visitors),
            methods: json!(self.methods),
            findings: part(self.findings.as_deref()),
            questionnaire: questionnaire.map(|q| json!(q)),
            attachments: json!(attachments),
            visited_on: self.visited_on,
        }
    }
}
