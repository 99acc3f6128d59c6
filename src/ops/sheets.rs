//! The score sheet (考核评分表) of a team on a unit, a member of the signed family: its view,
//! item by item beside the unit's self-scores, and the canonical content its signatures hash.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::domain::forms::DeductionRule;
use crate::domain::points::Points;
use crate::domain::scoring::{self, Deduction, Method, SignedItem, SignedReferral};
use crate::error::ApiError;
use crate::models::form::FormItemRow;
use crate::models::scoring::{RecordItem, Referral, ScoringRecord, SheetStatus};
use crate::models::{CycleId, LeaderId, ReferralId, TeamId, UnitId};
use crate::ops::signed::{SheetContext, SignatureView, SignedMember, standing_views};
use crate::schema::{document_versions, self_inspections};

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

/// A referral to the 公述民评 assessment group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReferralView {
    /// Referral id.
    #[schema(value_type = i64)]
    pub id: ReferralId,
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

impl From<Referral> for ReferralView {
    fn from(r: Referral) -> Self {
        Self {
            id: r.id,
            leader_id: r.leader_id,
            leader_name: r.leader_name,
            facts: r.facts,
            decision: r.decision,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

/// The score sheet (考核评分表) of one team for one unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordResponse {
    /// The cycle.
    pub cycle_id: CycleId,
    /// The unit.
    pub unit_id: UnitId,
    /// The team assigned.
    #[schema(value_type = Option<i64>)]
    pub team_id: Option<TeamId>,
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

/// The unit's latest submitted self-scores, by item code.
fn latest_self_scores(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> QueryResult<HashMap<String, Points>> {
    let content: Option<serde_json::Value> = document_versions::table
        .inner_join(
            self_inspections::table.on(self_inspections::id.eq(document_versions::document_id)),
        )
        .filter(document_versions::document_kind.eq("self_inspection"))
        .filter(self_inspections::cycle_id.eq(cycle_id))
        .filter(self_inspections::unit_id.eq(unit_id))
        .order(document_versions::number.desc())
        .select(document_versions::content)
        .first(conn)
        .optional()?;
    #[derive(serde::Deserialize)]
    struct Score {
        item_code: String,
        points: Points,
    }
    let scores: Vec<Score> = content
        .and_then(|c| serde_json::from_value(c.get("scores").cloned().unwrap_or_default()).ok())
        .unwrap_or_default();
    Ok(scores
        .into_iter()
        .map(|s| (s.item_code, s.points))
        .collect())
}

/// One item as the sheet shows it: the form's item, the team's row for it (if written), the
/// unit's self-score, and the cycle's flag margin.
pub fn item_view(
    item: &FormItemRow,
    row: Option<&RecordItem>,
    self_score: Option<Points>,
    margin: &Points,
) -> ItemView {
    let max = Points(item.max_points.clone());
    let deductions: Vec<Deduction> = row
        .and_then(|r| serde_json::from_value(r.deductions.clone()).ok())
        .unwrap_or_default();
    let points = scoring::item_points(&max, &deductions);
    ItemView {
        item_code: item.code.clone(),
        title: item.title.clone(),
        content_area: item.content_area,
        rules: rules_of(item),
        max_points: max,
        deductions,
        evidence_notes: row.and_then(|r| r.evidence_notes.clone()),
        etag: format!("\"{}\"", row.map_or(0, |r| r.version)),
        flagged: scoring::flagged(&points, self_score.as_ref(), margin),
        points,
        self_score,
    }
}

/// The unit's latest submitted self-score for one item, if any.
pub fn self_score(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
    code: &str,
) -> QueryResult<Option<Points>> {
    Ok(latest_self_scores(conn, cycle_id, unit_id)?.remove(code))
}

impl SignedMember for ScoringRecord {
    type View = RecordResponse;
    const PATH: &'static str = "scoring-record";

    fn content(&self, conn: &mut PgConnection, ctx: &SheetContext) -> Result<Value, ApiError> {
        content_of(conn, ctx)
    }

    fn view(conn: &mut PgConnection, ctx: &SheetContext) -> Result<RecordResponse, ApiError> {
        view(conn, ctx)
    }

    fn content_sha256(view: &RecordResponse) -> &str {
        &view.content_sha256
    }
}

/// The whole sheet as the API shows it, and the content its signatures hash.
pub fn view(conn: &mut PgConnection, ctx: &SheetContext) -> Result<RecordResponse, ApiError> {
    let unit_id = ctx.unit_id;
    // The record and its parts in one statement, the self-scores in another.
    let parts = ScoringRecord::with_parts(conn, ctx.cycle.id, unit_id)?;
    let (record, stored, referrals, standing) = match parts {
        Some(p) => (Some(p.record), p.items, p.referrals, p.signatures),
        None => (None, Vec::new(), Vec::new(), Vec::new()),
    };
    let own = latest_self_scores(conn, ctx.cycle.id, unit_id)?;
    let margin = Points(ctx.cycle.flag_margin.clone());
    let items: Vec<ItemView> = ctx
        .items
        .iter()
        .map(|item| {
            let row = stored.iter().find(|s| s.item_code == item.code);
            item_view(item, row, own.get(&item.code).cloned(), &margin)
        })
        .collect();
    let methods: Vec<Method> = record
        .as_ref()
        .and_then(|r| serde_json::from_value(r.methods.clone()).ok())
        .unwrap_or_default();
    let referral_views: Vec<ReferralView> = referrals.into_iter().map(ReferralView::from).collect();
    let hash_in = |version: i32| {
        scoring::content_hash(&content(
            ctx.cycle.id,
            unit_id,
            &items,
            &methods,
            &referral_views,
            version,
        ))
    };
    let current_hash = hash_in(scoring::CANONICAL_VERSION);
    // Each signature is checked against the content in its own canonical version.
    let signatures = standing_views(standing, |version| {
        if version == scoring::CANONICAL_VERSION {
            current_hash.clone()
        } else {
            hash_in(version)
        }
    });
    let signers_required = ctx.signers().into_iter().map(str::to_owned).collect();
    Ok(RecordResponse {
        cycle_id: ctx.cycle.id,
        unit_id,
        team_id: ctx.team.as_ref().map(|t| t.team.id),
        status: record.as_ref().map_or(SheetStatus::Open, |r| r.status),
        version: record.as_ref().map_or(0, |r| r.version),
        round: record.as_ref().map_or(1, |r| r.round),
        total: Points::sum(items.iter().map(|i| &i.points)),
        items,
        methods,
        methods_etag: format!("\"{}\"", record.as_ref().map_or(0, |r| r.methods_version)),
        referrals: referral_views,
        signatures,
        signers_required,
        content_sha256: current_hash,
    })
}

/// The canonical content (in `version`) of a sheet as the API shows it.
fn content(
    cycle_id: CycleId,
    unit_id: UnitId,
    items: &[ItemView],
    methods: &[Method],
    referrals: &[ReferralView],
    version: i32,
) -> Value {
    let items: Vec<SignedItem> = items
        .iter()
        .map(|i| SignedItem {
            item_code: i.item_code.clone(),
            max_points: i.max_points.clone(),
            deductions: i.deductions.clone(),
            evidence_notes: i.evidence_notes.clone(),
            points: i.points.clone(),
            rule_codes: i.rules.iter().map(|r| r.code.clone()).collect(),
        })
        .collect();
    let referrals: Vec<SignedReferral> = referrals
        .iter()
        .map(|r| SignedReferral {
            leader_name: r.leader_name.clone(),
            facts: r.facts.clone(),
            decision: r.decision.clone(),
        })
        .collect();
    scoring::record_content(version, cycle_id, unit_id, &items, methods, &referrals)
}

/// The canonical content of the sheet now, in the current canonical version (what a new
/// signature hashes).
pub fn content_of(conn: &mut PgConnection, ctx: &SheetContext) -> Result<Value, ApiError> {
    let view = view(conn, ctx)?;
    Ok(content(
        ctx.cycle.id,
        ctx.unit_id,
        &view.items,
        &view.methods,
        &view.referrals,
        scoring::CANONICAL_VERSION,
    ))
}

/// The rules of a form item, parsed.
pub fn rules_of(item: &FormItemRow) -> Vec<DeductionRule> {
    item.to_item().rules
}
