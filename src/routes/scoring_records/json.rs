//! Request and response bodies of score sheets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::forms::DeductionRule;
use crate::domain::points::Points;
use crate::domain::scoring::{Deduction, Method};
use crate::error::FieldError;
use crate::http::json::{Rules, Validate};
use crate::models::scoring::{SheetStatus, Signature};
use crate::models::{CycleId, LeaderId, UnitId};

/// One item of the score sheet, beside the unit's self-score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemView {
    /// Item code.
    pub item_code: String,
    /// What is assessed.
    pub title: String,
    /// Content area, 1 to 7.
    pub content_area: i16,
    /// The item's deduction rules, each with the `code` a deduction cites as `rule_code`.
    pub rules: Vec<DeductionRule>,
    /// Maximum points.
    pub max_points: Points,
    /// The team's deductions.
    pub deductions: Vec<Deduction>,
    /// Evidence notes.
    pub evidence_notes: Option<String>,
    /// Points: the maximum less the deductions, never below zero (computed, never sent).
    pub points: Points,
    /// This item's ETag: send it as `If-Match` when writing the item.
    pub etag: String,
    /// The unit's latest submitted self-score for the item.
    pub self_score: Option<Points>,
    /// Whether the team's points differ from the self-score by more than the cycle's margin.
    pub flagged: bool,
}

/// A signature on record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignatureView {
    /// The signer's `sub`.
    pub signer_sub: String,
    /// Their name.
    pub signer_name: String,
    /// `leader` or `member`.
    pub signer_role: String,
    /// The record version signed.
    pub doc_version: i32,
    /// SHA-256 of the canonical content signed (README: "Signatures").
    pub content_sha256: String,
    /// Which canonical content it hashed: 1 cites rules by index, 2 by `rule_code`.
    pub canonical_version: i32,
    /// Whether the document's content now, written in that version, still has that hash.
    pub content_matches: bool,
    /// When.
    pub signed_at: DateTime<Utc>,
}

impl SignatureView {
    /// A signature on record, checked against `now`: the hash of the document's content in
    /// the signature's canonical version.
    pub fn new(s: Signature, now: &str) -> Self {
        Self {
            content_matches: s.content_sha256 == now,
            signer_sub: s.signer_sub,
            signer_name: s.signer_name,
            signer_role: s.signer_role,
            doc_version: s.doc_version,
            content_sha256: s.content_sha256,
            canonical_version: s.canonical_version,
            signed_at: s.signed_at,
        }
    }
}

/// A referral to the 公述民评 assessment group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReferralView {
    /// Referral id.
    pub id: i64,
    /// The leader concerned, when known.
    pub leader_id: Option<LeaderId>,
    /// Their name.
    pub leader_name: Option<String>,
    /// The facts.
    pub facts: String,
    /// The decision it rests on.
    pub decision: String,
    /// Who recorded it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The score sheet (考核评分表) of one team for one unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordResponse {
    /// The cycle.
    pub cycle_id: CycleId,
    /// The unit.
    pub unit_id: UnitId,
    /// The team assigned.
    pub team_id: Option<i64>,
    /// `open`, `awaiting_signatures` or `final`.
    pub status: SheetStatus,
    /// The record's version (0 before the first write); signatures name it.
    pub version: i32,
    /// Signing round: 1, then one more for each reopening.
    pub round: i32,
    /// Every item of the unit's form.
    pub items: Vec<ItemView>,
    /// How the team gathered evidence.
    pub methods: Vec<Method>,
    /// ETag of the methods: send it as `If-Match` when writing them.
    pub methods_etag: String,
    /// Referrals to the 公述民评 group.
    pub referrals: Vec<ReferralView>,
    /// The total, computed.
    pub total: Points,
    /// The standing signatures of this round.
    pub signatures: Vec<SignatureView>,
    /// Who must sign: the leader and every member (`sub`).
    pub signers_required: Vec<String>,
    /// SHA-256 of the canonical content now.
    pub content_sha256: String,
}

/// An item's deductions and evidence notes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "deductions": [
        {"rule_code": "1.3-R1", "occurrences": 1, "points": "2.00", "kind": "other"},
        {"rule_code": null, "occurrences": 1, "points": "3.00",
         "grounds": "班子成员违规收受礼金1起", "kind": "integrity_violation"}
    ],
    "evidence_notes": "查阅党委会议记录、信访件登记台账"
}))]
pub struct PutItem {
    /// The deductions (empty for full marks).
    #[serde(default)]
    pub deductions: Vec<Deduction>,
    /// Evidence notes.
    #[serde(default)]
    pub evidence_notes: Option<String>,
}

impl Validate for PutItem {
    fn validate(&self) -> Vec<FieldError> {
        let mut rules = Rules::default();
        rules.optional_text("evidence_notes", self.evidence_notes.as_deref(), 5000);
        if self.deductions.len() > 50 {
            rules.0.push(FieldError::new(
                "deductions",
                "too_many",
                "at most 50 deductions an item",
            ));
        }
        rules.0
    }
}

/// The methods the team used.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"methods": ["hearing_report", "democratic_evaluation", "individual_talks", "reviewing_records"]}))]
pub struct PutMethods {
    /// Methods used.
    pub methods: Vec<Method>,
}

impl Validate for PutMethods {
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

/// A dereliction-of-duty case referred instead of deducted (plan §4).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "leader_id": 3, "facts": "2014年5月因安全生产监管失职被追究纪律责任",
    "decision": "阳纪发〔2014〕12号：给予党内警告处分"
}))]
pub struct CreateReferral {
    /// The leader concerned, when known (a leader of the unit).
    #[serde(default)]
    pub leader_id: Option<LeaderId>,
    /// The facts.
    #[schema(required = true, value_type = String)]
    pub facts: Option<String>,
    /// The decision it rests on.
    #[schema(required = true, value_type = String)]
    pub decision: Option<String>,
}

impl Validate for CreateReferral {
    fn validate(&self) -> Vec<FieldError> {
        let mut rules = Rules::default();
        rules.required_text("facts", &self.facts, 5000);
        rules.required_text("decision", &self.decision, 1000);
        rules.0
    }
}

/// The office reopens a final sheet.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "县纪委常委会审核发现第4.2项扣分依据不足，退回考核组复核"}))]
pub struct Reopen {
    /// Why, for the record.
    #[schema(required = true, value_type = String)]
    pub reason: Option<String>,
}

impl Validate for Reopen {
    fn validate(&self) -> Vec<FieldError> {
        let mut rules = Rules::default();
        rules.required_text("reason", &self.reason, 2000);
        rules.0
    }
}

/// An empty body, for calls that need none.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

impl Validate for Empty {
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}
