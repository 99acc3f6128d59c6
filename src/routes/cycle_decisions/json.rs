//! Request and response bodies of the decision records.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::http::json::{Rules, Validate, clean};
use crate::models::decision::DecisionText;
use crate::models::{AttachmentId, UnitId};
use crate::ops::decisions::DecisionInput;
pub use crate::ops::decisions::{DecisionView, UnitOpinionView};

pub use crate::models::decision::DecisionKind;

/// The office review's opinion on one unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitOpinionEntry {
    /// The unit (assessed in the cycle).
    #[schema(required = true, value_type = i64, example = 9)]
    pub unit_id: Option<UnitId>,
    /// 对该单位的初步意见，1 至 2000 字 (the preliminary opinion on it).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 2000,
        example = "考核组评分与自评分相差较大，经复核维持考核组评分")]
    pub opinion: Option<String>,
}

/// The fields a record and an amendment share.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "document_ref": "阳纪办〔2011〕21号", "decided_on": "2011-10-25",
    "opinion": "各考核组评分依据充分，建议按考核组评分确定考核结果，报县纪委常委会研究",
    "note": "经县党廉办主任办公会复核",
    "unit_opinions": [{"unit_id": 9, "opinion": "考核组评分与自评分相差较大，经复核维持考核组评分"}],
    "attachment_ids": []
}))]
pub struct AmendDecision {
    /// 文号，1 至 100 字 (the reference of the document that records it).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 100,
        example = "阳纪办〔2011〕21号")]
    pub document_ref: Option<String>,
    /// 决定日期 (the date of the decision).
    #[schema(required = true, value_type = NaiveDate, example = "2011-10-25")]
    pub decided_on: Option<NaiveDate>,
    /// 对本周期的初步意见，1 至 5000 字：县党廉办复核必填，其他类别不填 (the preliminary
    /// opinion on the cycle: required for the office's review, absent for the other kinds).
    #[schema(min_length = 1, max_length = 5000)]
    pub opinion: Option<String>,
    /// 备注，1 至 2000 字 (a note).
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
    /// 对单个单位的初步意见（仅县党廉办复核），每个单位至多一条，至多 500 条 (opinions on
    /// single units: the office's review only, one per unit, at most 500); an amendment replaces
    /// them all.
    #[schema(max_items = 500)]
    #[serde(default)]
    pub unit_opinions: Vec<UnitOpinionEntry>,
    /// 本人上传的附件 id，至多 20 个，附加到记录上（已附的保留） (uploads of the caller's to
    /// attach, at most 20; those attached stay).
    #[schema(value_type = Vec<i64>, max_items = 20)]
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
}

/// A new decision record: its kind and its fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "county_committee_approval", "document_ref": "阳委〔2011〕56号",
    "decided_on": "2011-11-08", "note": "县委常委会审定同意考核结果，在全县范围内通报",
    "attachment_ids": []
}))]
pub struct RecordDecision {
    /// 记录类别：每类每周期一条 (which step: one of each kind per cycle).
    #[schema(required = true, value_type = DecisionKind)]
    pub kind: Option<DecisionKind>,
    /// 文号，1 至 100 字 (the reference of the document that records it).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 100,
        example = "阳委〔2011〕56号")]
    pub document_ref: Option<String>,
    /// 决定日期 (the date of the decision).
    #[schema(required = true, value_type = NaiveDate, example = "2011-11-08")]
    pub decided_on: Option<NaiveDate>,
    /// 对本周期的初步意见，1 至 5000 字：县党廉办复核必填，其他类别不填 (the preliminary
    /// opinion on the cycle: required for the office's review, absent for the other kinds).
    #[schema(min_length = 1, max_length = 5000)]
    pub opinion: Option<String>,
    /// 备注，1 至 2000 字 (a note).
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
    /// 对单个单位的初步意见（仅县党廉办复核），每个单位至多一条，至多 500 条 (opinions on
    /// single units: the office's review only, one per unit, at most 500).
    #[schema(max_items = 500)]
    #[serde(default)]
    pub unit_opinions: Vec<UnitOpinionEntry>,
    /// 本人上传的附件 id，至多 20 个 (uploads of the caller's to attach, at most 20).
    #[schema(value_type = Vec<i64>, max_items = 20)]
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
}

/// The rules every record and amendment share.
fn check_fields(
    rules: &mut Rules,
    text: (
        &Option<String>,
        &Option<NaiveDate>,
        Option<&str>,
        Option<&str>,
    ),
    unit_opinions: &[UnitOpinionEntry],
    attachment_ids: &[AttachmentId],
) {
    let (document_ref, decided_on, opinion, note) = text;
    rules.required_text("document_ref", document_ref, 100);
    rules.required("decided_on", decided_on);
    rules.optional_text("opinion", opinion, 5_000);
    rules.optional_text("note", note, 2_000);
    if unit_opinions.len() > 500 {
        rules.0.push(FieldError::new(
            "unit_opinions",
            "too_many",
            "at most 500 opinions on units",
        ));
    }
    let mut seen = Vec::new();
    for (i, entry) in unit_opinions.iter().enumerate() {
        rules.required(&format!("unit_opinions[{i}].unit_id"), &entry.unit_id);
        rules.required_text(
            &format!("unit_opinions[{i}].opinion"),
            &entry.opinion,
            2_000,
        );
        if let Some(unit) = entry.unit_id {
            if seen.contains(&unit) {
                rules.0.push(FieldError::new(
                    format!("unit_opinions[{i}].unit_id"),
                    "duplicate",
                    format!("unit {unit} has an opinion already"),
                ));
            }
            seen.push(unit);
        }
    }
    if attachment_ids.len() > 20 {
        rules.0.push(FieldError::new(
            "attachment_ids",
            "too_many",
            "at most 20 attachments",
        ));
    }
}

impl Validate for AmendDecision {
    fn check(&self, rules: &mut Rules) {
        let text = (
            &self.document_ref,
            &self.decided_on,
            self.opinion.as_deref(),
            self.note.as_deref(),
        );
        check_fields(rules, text, &self.unit_opinions, &self.attachment_ids);
    }
}

impl Validate for RecordDecision {
    fn check(&self, rules: &mut Rules) {
        rules.required("kind", &self.kind);
        let text = (
            &self.document_ref,
            &self.decided_on,
            self.opinion.as_deref(),
            self.note.as_deref(),
        );
        check_fields(rules, text, &self.unit_opinions, &self.attachment_ids);
    }
}

/// The operation's input from a body that passed its rules.
fn input(
    (document_ref, decided_on, opinion, note): (String, NaiveDate, Option<String>, Option<String>),
    unit_opinions: Vec<UnitOpinionEntry>,
    attachment_ids: Vec<AttachmentId>,
) -> DecisionInput {
    DecisionInput {
        text: DecisionText {
            document_ref: clean(&document_ref),
            decided_on,
            opinion: opinion.as_deref().map(clean),
            note: note.as_deref().map(clean),
        },
        unit_opinions: unit_opinions
            .into_iter()
            .filter_map(|e| Some((e.unit_id?, clean(&e.opinion?))))
            .collect(),
        attachment_ids,
    }
}

impl RecordDecision {
    /// Its kind and the operation's input (the rules have run: the required fields are there).
    pub fn into_input(self) -> Option<(DecisionKind, DecisionInput)> {
        let text = (
            self.document_ref?,
            self.decided_on?,
            self.opinion,
            self.note,
        );
        Some((
            self.kind?,
            input(text, self.unit_opinions, self.attachment_ids),
        ))
    }
}

impl AmendDecision {
    /// The operation's input (the rules have run: the required fields are there).
    pub fn into_input(self) -> Option<DecisionInput> {
        let text = (
            self.document_ref?,
            self.decided_on?,
            self.opinion,
            self.note,
        );
        Some(input(text, self.unit_opinions, self.attachment_ids))
    }
}
