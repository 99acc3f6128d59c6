//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record`: the score sheet of
//! the team assigned to the unit (plan §4(一)2, §7). Members and the leader edit it item by
//! item, each item with its own ETag; they submit it for signature and each signs it; a change
//! after the first signature voids the signatures; a signed sheet is final until the office
//! reopens it with a reason. The office reads every sheet; a unit sees nothing of its own
//! until the results are published.

mod delete_referral;
mod get;
pub mod json;
mod put_item;
mod put_methods;
mod referral;
mod reopen;
mod sign;
mod submit;

use std::collections::HashMap;

use diesel::prelude::*;
use utoipa_actix_web::service_config::ServiceConfig;

use self::json::{ItemView, RecordResponse, ReferralView, SignatureView};
use crate::auth::{AuthUser, Role, scope};
use crate::domain::forms::DeductionRule;
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::domain::scoring::{self, Deduction, Method, SignedItem, SignedReferral};
use crate::error::ApiError;
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
use crate::models::form::{FormItemRow, ScoringForm};
use crate::models::scoring::{ScoringRecord, SheetStatus, Signature, SignedKind};
use crate::models::team::{FullTeam, Team};
use crate::models::{CycleId, UnitId};
use crate::ops::cycles::find_cycle;
use crate::schema::{document_versions, self_inspections};

/// Registers the score sheet routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get::get_scoring_record)
        .service(put_item::put_record_item)
        .service(put_methods::put_record_methods)
        .service(referral::create_referral)
        .service(delete_referral::delete_referral)
        .service(submit::submit_scoring_record)
        .service(sign::sign_scoring_record)
        .service(reopen::reopen_scoring_record);
}

/// What a call on a sheet needs.
pub struct SheetContext {
    /// The cycle.
    pub cycle: Cycle,
    /// The unit's form items.
    pub items: Vec<FormItemRow>,
    /// The team assigned, if any.
    pub team: Option<FullTeam>,
}

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reading.
    Read,
    /// Editing or signing: members and the leader of the assigned team only.
    Team,
    /// The office's own calls (reopening).
    Office,
}

fn not_found(unit_id: UnitId) -> ApiError {
    ApiError::not_found(format!(
        "there is no score sheet for unit {unit_id} in the caller's scope"
    ))
}

/// Loads the sheet's context and applies the access rule: outside the caller's scope is 404,
/// inside it but not their role's to do is 403.
pub fn context(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
    access: Access,
) -> Result<SheetContext, ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let place =
        CycleUnit::find(conn, cycle_id, unit_id)?.filter(|p| p.status == CycleUnitStatus::Assessed);
    let Some(form_kind) = place.and_then(|p| p.form_kind) else {
        return Err(not_found(unit_id));
    };
    let team = Team::for_cycle(conn, cycle_id, None)?
        .into_iter()
        .find(|t| t.units.contains(&unit_id));
    let member = team.as_ref().is_some_and(|t| scope::on_team(t, &user.sub));
    match (user.role, access) {
        (Role::Office, Access::Team) => {
            return Err(ApiError::Forbidden(
                "only the members and leader of the assigned team edit and sign a score sheet"
                    .to_owned(),
            ));
        }
        (Role::Office, _) => {}
        (Role::Inspector, Access::Office) if member => {
            return Err(ApiError::Forbidden(
                "only the office reopens a score sheet".to_owned(),
            ));
        }
        (Role::Inspector, _) if !member => return Err(not_found(unit_id)),
        (Role::Inspector, _) => {}
        (Role::Unit, Access::Read)
            if user.unit_id == Some(unit_id)
                && matches!(cycle.state, CycleState::Published | CycleState::Archived) => {}
        (Role::Unit, _) => return Err(not_found(unit_id)),
    }
    let items = ScoringForm::for_cycle(conn, cycle_id)?
        .into_iter()
        .find(|f| f.form.form_kind == form_kind)
        .map(|f| f.items)
        .unwrap_or_default();
    Ok(SheetContext { cycle, items, team })
}

/// Teams edit and sign during the special inspection and the review (409 otherwise).
pub fn ensure_team_phase(cycle: &Cycle) -> Result<(), ApiError> {
    match cycle.state {
        CycleState::SpecialInspection | CycleState::Review => Ok(()),
        state => Err(ApiError::Conflict {
            code: "cycle_not_in_special_inspection",
            detail: format!(
                "score sheets change during special_inspection and review; cycle {} is in {state}",
                cycle.id
            ),
        }),
    }
}

/// Answers 409 when the sheet is final.
pub fn ensure_not_final(record: &ScoringRecord) -> Result<(), ApiError> {
    if record.status == SheetStatus::Final {
        return Err(ApiError::Conflict {
            code: "record_final",
            detail:
                "the score sheet is signed and final; only the office can reopen it, with a reason"
                    .to_owned(),
        });
    }
    Ok(())
}

/// After a change: bumps the version, and voids the signatures collected so far, if any.
pub fn changed(conn: &mut PgConnection, record: &ScoringRecord) -> Result<ScoringRecord, ApiError> {
    Signature::void_round(
        conn,
        SignedKind::ScoringRecord,
        record.id,
        record.round,
        "the sheet changed after it was signed",
    )?;
    Ok(ScoringRecord::touch(conn, record.id, record.status)?)
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

/// The whole sheet as the API shows it, and the content its signatures hash.
pub fn view(
    conn: &mut PgConnection,
    ctx: &SheetContext,
    unit_id: UnitId,
) -> Result<RecordResponse, ApiError> {
    let record = ScoringRecord::find(conn, ctx.cycle.id, unit_id, false)?;
    let stored = match &record {
        Some(r) => ScoringRecord::items(conn, r.id)?,
        None => Vec::new(),
    };
    let own = latest_self_scores(conn, ctx.cycle.id, unit_id)?;
    let margin = Points(ctx.cycle.flag_margin.clone());
    let mut items = Vec::new();
    for item in &ctx.items {
        let max = Points(item.max_points.clone());
        let row = stored.iter().find(|s| s.item_code == item.code);
        let deductions: Vec<Deduction> = row
            .and_then(|r| serde_json::from_value(r.deductions.clone()).ok())
            .unwrap_or_default();
        let points = scoring::item_points(&max, &deductions);
        let self_score = own.get(&item.code).cloned();
        items.push(ItemView {
            item_code: item.code.clone(),
            title: item.title.clone(),
            content_area: item.content_area,
            rules: rules_of(item),
            max_points: max,
            deductions: deductions.clone(),
            evidence_notes: row.and_then(|r| r.evidence_notes.clone()),
            points: points.clone(),
            etag: format!("\"{}\"", row.map_or(0, |r| r.version)),
            flagged: scoring::flagged(&points, self_score.as_ref(), &margin),
            self_score,
        });
    }
    let methods: Vec<Method> = record
        .as_ref()
        .and_then(|r| serde_json::from_value(r.methods.clone()).ok())
        .unwrap_or_default();
    let referrals = match &record {
        Some(r) => ScoringRecord::referrals(conn, r.id)?,
        None => Vec::new(),
    };
    let referral_views: Vec<ReferralView> = referrals
        .into_iter()
        .map(|r| ReferralView {
            id: r.id,
            leader_id: r.leader_id,
            leader_name: r.leader_name,
            facts: r.facts,
            decision: r.decision,
            created_by: r.created_by,
            created_at: r.created_at,
        })
        .collect();
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
    let signatures = match &record {
        Some(r) => Signature::standing(conn, SignedKind::ScoringRecord, r.id, r.round)?,
        None => Vec::new(),
    };
    // Each signature is checked against the content in its own canonical version.
    let signatures: Vec<SignatureView> = signatures
        .into_iter()
        .map(|s| {
            let now = if s.canonical_version == scoring::CANONICAL_VERSION {
                current_hash.clone()
            } else {
                hash_in(s.canonical_version)
            };
            SignatureView::new(s, &now)
        })
        .collect();
    let mut signers_required = Vec::new();
    if let Some(team) = &ctx.team {
        signers_required.push(team.team.leader_sub.clone());
        signers_required.extend(team.members.iter().map(|m| m.sub.clone()));
    }
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
) -> serde_json::Value {
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
    scoring::record_content(version, cycle_id.0, unit_id.0, &items, methods, &referrals)
}

/// The canonical content of the sheet now, in the current canonical version (what a new
/// signature hashes).
pub fn content_of(
    conn: &mut PgConnection,
    ctx: &SheetContext,
    unit_id: UnitId,
) -> Result<serde_json::Value, ApiError> {
    let view = view(conn, ctx, unit_id)?;
    Ok(content(
        ctx.cycle.id,
        unit_id,
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
