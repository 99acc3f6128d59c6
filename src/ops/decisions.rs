//! The cycle's decision records (plan §4(一)3): the office's review with its preliminary
//! opinion (on the cycle, and per unit where it has one), the discipline commission standing
//! committee's decision and the county committee's approval, each with who recorded it, when,
//! its document reference (文号), its date, a note and attachments. The office records and
//! amends them while the cycle is in review; publication needs all three
//! (`ops::publication`).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::domain::lifecycle::CycleState;
use crate::error::{ApiError, FieldError};
use crate::models::attachment::OwnerKind;
use crate::models::cycle_unit::CycleUnitStatus;
use crate::models::decision::{Decision, DecisionKind, DecisionText};
use crate::models::{AttachmentId, CycleDecisionId, CycleId, DocumentId, UnitId};
use crate::ops::attachments::{AttachmentResponse, attach, attachments_of};
use crate::ops::cycles::{ensure_not_published, find_cycle};
use crate::schema::cycle_units;

/// The office review's opinion on one unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitOpinionView {
    /// The unit.
    #[schema(value_type = i64, example = 9)]
    pub unit_id: UnitId,
    /// Its name.
    #[schema(example = "小江镇")]
    pub unit_name: String,
    /// 对该单位的初步意见 (the preliminary opinion on it).
    #[schema(example = "考核组评分与自评分相差较大，经复核维持考核组评分")]
    pub opinion: String,
}

/// A decision record of a cycle, as the office sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "cycle_id": 3, "kind": "office_review", "document_ref": "阳纪办〔2011〕21号",
    "decided_on": "2011-10-25",
    "opinion": "各考核组评分依据充分，建议按考核组评分确定考核结果",
    "note": "经县党廉办主任办公会复核",
    "unit_opinions": [{"unit_id": 9, "unit_name": "小江镇",
        "opinion": "考核组评分与自评分相差较大，经复核维持考核组评分"}],
    "attachments": [], "recorded_by": "office-admin", "recorded_by_name": "县纪委办公室",
    "recorded_at": "2011-10-25T08:00:00Z", "updated_by": "office-admin",
    "updated_at": "2011-10-25T08:00:00Z", "version": 1
}))]
pub struct DecisionView {
    /// Record id.
    #[schema(value_type = i64)]
    pub id: CycleDecisionId,
    /// The cycle.
    #[schema(value_type = i64)]
    pub cycle_id: CycleId,
    /// Which step of the review it records.
    pub kind: DecisionKind,
    /// 文号 (the reference of the document that records it).
    pub document_ref: String,
    /// The date of the decision.
    pub decided_on: NaiveDate,
    /// 初步意见 (the preliminary opinion on the cycle: the office's review only).
    pub opinion: Option<String>,
    /// 备注 (a note).
    pub note: Option<String>,
    /// The office review's opinions on single units, by unit (empty for the other kinds).
    pub unit_opinions: Vec<UnitOpinionView>,
    /// Its documents, in upload order.
    pub attachments: Vec<AttachmentResponse>,
    /// Who recorded it (`sub`).
    pub recorded_by: String,
    /// Their name.
    pub recorded_by_name: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who changed it last (`sub`).
    pub updated_by: String,
    /// When it changed last.
    pub updated_at: DateTime<Utc>,
    /// Version; the `ETag` is this number, quoted.
    pub version: i32,
}

/// What a record or an amendment writes, checked field by field by the caller's body.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    /// The decision's text.
    pub text: DecisionText,
    /// Opinions on single units (the office's review only).
    pub unit_opinions: Vec<(UnitId, String)>,
    /// Uploads to attach (the caller's own).
    pub attachment_ids: Vec<AttachmentId>,
}

fn not_found(cycle_id: CycleId, id: CycleDecisionId) -> ApiError {
    ApiError::not_found(format!("cycle {cycle_id} has no decision record {id}"))
}

/// Decisions are recorded and amended while the cycle is in review: 409 `cycle_published`
/// once published, `cycle_not_in_review` before the review.
fn ensure_review(conn: &mut PgConnection, cycle_id: CycleId) -> Result<(), ApiError> {
    ensure_not_published(conn, cycle_id)?;
    let cycle = find_cycle(conn, cycle_id)?;
    if cycle.state != CycleState::Review {
        return Err(ApiError::Conflict {
            code: "cycle_not_in_review",
            detail: format!(
                "decisions are recorded while the cycle is in review; cycle {cycle_id} is in {}",
                cycle.state
            ),
        });
    }
    Ok(())
}

/// The rules that depend on the kind and the cycle: the opinion on the cycle is the office
/// review's and required there, as are the opinions on units, each on a unit the cycle
/// assesses (422 naming each field).
fn check_input(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    kind: DecisionKind,
    input: &DecisionInput,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let review = kind == DecisionKind::OfficeReview;
    match (&input.text.opinion, review) {
        (None, true) => errors.push(FieldError::new(
            "opinion",
            "required",
            "the office's review needs its preliminary opinion",
        )),
        (Some(_), false) => errors.push(FieldError::new(
            "opinion",
            "not_applicable",
            format!("a {kind} has no preliminary opinion; put its words in `note`"),
        )),
        _ => {}
    }
    if !review && !input.unit_opinions.is_empty() {
        errors.push(FieldError::new(
            "unit_opinions",
            "not_applicable",
            format!("only the office's review has opinions on units, not a {kind}"),
        ));
    }
    if review {
        let named: Vec<UnitId> = input.unit_opinions.iter().map(|(u, _)| *u).collect();
        let assessed: Vec<UnitId> = cycle_units::table
            .filter(cycle_units::cycle_id.eq(cycle_id))
            .filter(cycle_units::status.eq(CycleUnitStatus::Assessed))
            .filter(cycle_units::unit_id.eq_any(&named))
            .select(cycle_units::unit_id)
            .load(conn)?;
        for (i, unit) in named.iter().enumerate() {
            if !assessed.contains(unit) {
                errors.push(FieldError::new(
                    format!("unit_opinions[{i}].unit_id"),
                    "not_assessed",
                    format!("unit {unit} is not assessed in cycle {cycle_id}"),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The views of the given decisions: three statements for the opinions and attachments of up
/// to three records.
fn views(conn: &mut PgConnection, rows: Vec<Decision>) -> Result<Vec<DecisionView>, ApiError> {
    let ids: Vec<CycleDecisionId> = rows.iter().map(|d| d.id).collect();
    let mut opinions = Decision::opinions_of(conn, &ids)?;
    let mut views = Vec::with_capacity(rows.len());
    for d in rows {
        let (own, rest): (Vec<_>, Vec<_>) = opinions.into_iter().partition(|(id, _)| *id == d.id);
        opinions = rest;
        views.push(DecisionView {
            attachments: attachments_of(conn, OwnerKind::CycleDecision, d.id.into())?,
            unit_opinions: own
                .into_iter()
                .map(|(_, o)| UnitOpinionView {
                    unit_id: o.unit_id,
                    unit_name: o.unit_name,
                    opinion: o.opinion,
                })
                .collect(),
            id: d.id,
            cycle_id: d.cycle_id,
            kind: d.kind,
            document_ref: d.document_ref,
            decided_on: d.decided_on,
            opinion: d.opinion,
            note: d.note,
            recorded_by: d.recorded_by,
            recorded_by_name: d.recorded_by_name,
            recorded_at: d.created_at,
            updated_by: d.updated_by,
            updated_at: d.updated_at,
            version: d.version,
        });
    }
    Ok(views)
}

fn view(conn: &mut PgConnection, row: Decision) -> Result<DecisionView, ApiError> {
    views(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("a decision without its view"))
}

/// The cycle's decision records, in the order they were recorded (404 for no such cycle).
pub fn list(conn: &mut PgConnection, cycle_id: CycleId) -> Result<Vec<DecisionView>, ApiError> {
    find_cycle(conn, cycle_id)?;
    let rows = Decision::for_cycle(conn, cycle_id)?;
    views(conn, rows)
}

/// One decision record of the cycle (404 when the cycle has none of that id).
pub fn get(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    id: CycleDecisionId,
) -> Result<DecisionView, ApiError> {
    find_cycle(conn, cycle_id)?;
    let row = Decision::find(conn, cycle_id, id, false)?.ok_or_else(|| not_found(cycle_id, id))?;
    view(conn, row)
}

/// Records the cycle's decision of `kind` for the office (`user`), while the cycle is in
/// review: one of each kind (409 `decision_recorded`; amend it instead). Returns the view and
/// the audit record.
pub fn record(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    kind: DecisionKind,
    input: DecisionInput,
) -> Result<(DecisionView, Change), ApiError> {
    ensure_review(conn, cycle_id)?;
    check_input(conn, cycle_id, kind, &input)?;
    if Decision::kinds(conn, cycle_id)?.contains(&kind) {
        return Err(ApiError::Conflict {
            code: "decision_recorded",
            detail: format!("cycle {cycle_id} has its {kind} on record already; amend it"),
        });
    }
    let row = Decision::insert(conn, cycle_id, kind, &input.text, (&user.sub, &user.name))?;
    Decision::replace_opinions(conn, (cycle_id, row.id), &input.unit_opinions)?;
    attach(
        conn,
        user,
        &input.attachment_ids,
        OwnerKind::CycleDecision,
        row.id.into(),
    )?;
    let view = view(conn, row)?;
    let change = Change::created("cycle_decision", view.id, &view);
    Ok((view, change))
}

/// Amends a decision record while the cycle is in review: its text and opinions are replaced,
/// the uploads listed are attached beside those it has (an attachment is removed by its own
/// `DELETE`). `check` is given the current version under the row's lock (`If-Match`).
pub fn amend(
    conn: &mut PgConnection,
    user: &AuthUser,
    (cycle_id, id): (CycleId, CycleDecisionId),
    input: DecisionInput,
    check: impl FnOnce(i32) -> Result<(), ApiError>,
) -> Result<(DecisionView, Change), ApiError> {
    find_cycle(conn, cycle_id)?;
    let row = Decision::find(conn, cycle_id, id, true)?.ok_or_else(|| not_found(cycle_id, id))?;
    ensure_review(conn, cycle_id)?;
    check(row.version)?;
    check_input(conn, cycle_id, row.kind, &input)?;
    let before = view(conn, row)?;
    let amended = Decision::amend(conn, id, &input.text, &user.sub)?;
    Decision::replace_opinions(conn, (cycle_id, id), &input.unit_opinions)?;
    attach(
        conn,
        user,
        &input.attachment_ids,
        OwnerKind::CycleDecision,
        id.into(),
    )?;
    let after = view(conn, amended)?;
    let change = Change::updated("cycle_decision", id, &before, &after);
    Ok((after, change))
}

/// An attachment of a decision is removed only while the decision's cycle is in review (409
/// `cycle_published` or `cycle_not_in_review`).
pub fn ensure_attachment_removable(
    conn: &mut PgConnection,
    owner: DocumentId,
) -> Result<(), ApiError> {
    let cycle_id = Decision::cycle_of(conn, CycleDecisionId(owner.0))?;
    ensure_review(conn, cycle_id)
}
