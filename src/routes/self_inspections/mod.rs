//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection`: the unit's
//! self-inspection report and self-scores (plan §4(一)1, §6). The unit writes its own; the
//! office reads all, returns for revision and records the paper copy; inspectors read those of
//! the units their team holds in that cycle, and never write.

mod get;
pub mod json;
mod paper;
mod progress;
mod put;
mod send_back;
mod submit;
mod versions;

use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use self::json::{FoundProblem, SelfInspectionResponse, SelfScore};
use crate::auth::{AuthUser, scope};
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::error::ApiError;
use crate::models::attachment::OwnerKind;
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
use crate::models::form::{FormItemRow, ScoringForm};
use crate::models::self_inspection::SelfInspection;
use crate::models::{CycleId, UnitId};
pub use crate::ops::attachments::{attach, attachments_of};
use crate::ops::cycles::find_cycle;

/// Registers the self-inspection routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(progress::list_self_inspection_progress)
        .service(get::get_self_inspection)
        .service(put::put_self_inspection)
        .service(submit::submit_self_inspection)
        .service(send_back::return_self_inspection)
        .service(paper::record_paper_copy)
        .service(versions::list_self_inspection_versions);
}

/// What every self-inspection call needs: the cycle, and the items of the unit's form.
pub struct Context {
    /// The cycle.
    pub cycle: Cycle,
    /// The items of the form the unit is scored on, in order.
    pub items: Vec<FormItemRow>,
}

/// Loads the cycle and the unit's form, answering 404 when the unit is outside the caller's
/// scope or not assessed in the cycle.
pub fn context(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<Context, ApiError> {
    if !scope::can_read_unit_in_cycle(conn, user, cycle_id, unit_id)? {
        return Err(ApiError::not_found(format!(
            "unit {unit_id} does not exist"
        )));
    }
    let cycle = find_cycle(conn, cycle_id)?;
    let place = CycleUnit::find(conn, cycle_id, unit_id)?;
    let Some(form_kind) = place
        .filter(|p| p.status == CycleUnitStatus::Assessed)
        .and_then(|p| p.form_kind)
    else {
        return Err(ApiError::not_found(format!(
            "unit {unit_id} is not assessed in cycle {cycle_id}"
        )));
    };
    let items = ScoringForm::for_cycle(conn, cycle_id)?
        .into_iter()
        .find(|f| f.form.form_kind == form_kind)
        .map(|f| f.items)
        .unwrap_or_default();
    Ok(Context { cycle, items })
}

/// Units write their documents only while the cycle is in self-inspection or special
/// inspection (409 otherwise).
pub fn ensure_open_for_units(cycle: &Cycle) -> Result<(), ApiError> {
    match cycle.state {
        CycleState::SelfInspection | CycleState::SpecialInspection => Ok(()),
        state => Err(ApiError::Conflict {
            code: "cycle_not_open",
            detail: format!(
                "units submit during self_inspection and special_inspection; cycle {} is in {state}",
                cycle.id
            ),
        }),
    }
}

/// The 404 for a unit that has not started its self-inspection.
pub fn not_started(unit_id: UnitId) -> ApiError {
    ApiError::not_found(format!(
        "unit {unit_id} has not started its self-inspection"
    ))
}

/// The full view of a self-inspection.
pub fn view(
    conn: &mut PgConnection,
    doc: SelfInspection,
    items_on_form: usize,
) -> Result<SelfInspectionResponse, ApiError> {
    let scores: Vec<SelfScore> = SelfInspection::scores(conn, doc.id)?
        .into_iter()
        .map(|s| SelfScore {
            item_code: s.item_code,
            points: Points(s.points),
            note: s.note,
        })
        .collect();
    let attachments = attachments_of(conn, OwnerKind::SelfInspection, doc.id)?;
    let problems: Vec<FoundProblem> = serde_json::from_value(doc.problems).unwrap_or_default();
    Ok(SelfInspectionResponse {
        id: doc.id,
        cycle_id: doc.cycle_id,
        unit_id: doc.unit_id,
        status: doc.status,
        report: doc.report,
        total: Points::sum(scores.iter().map(|s| &s.points)),
        items_scored: scores.len(),
        items_on_form,
        scores,
        problems,
        submitted_at: doc.submitted_at,
        late: doc.late,
        submission_count: doc.submission_count,
        paper_received_at: doc.paper_received_at,
        return_reason: doc.return_reason,
        attachments,
        version: doc.version,
        updated_at: doc.updated_at,
    })
}
