//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/leader-grades`: each leader's final
//! grade for the cycle (好, 较好, 一般, 差; plan §4), set by the office against the proposal of
//! the latest closed evaluation round. The unit's team reads them; the unit itself reads its
//! leaders' grades once the cycle is published (403 `not_published` before).

mod get;
pub mod json;
mod list;
mod put;

use actix_web::HttpResponse;
use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::auth::scope::{self, EvaluationAccess};
use crate::error::ApiError;
use crate::models::cycle::Cycle;
use crate::models::{CycleId, LeaderId, UnitId};
use crate::ops::evaluation::Withheld;

/// Registers the leader grade routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_leader_grades)
        .service(get::get_leader_grade)
        .service(put::put_leader_grade);
}

/// The cycle and who the caller is to the unit's grades in it; 404 outside their scope.
pub fn context(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<(Cycle, EvaluationAccess), ApiError> {
    let cycle = crate::ops::cycles::find_cycle(conn, cycle_id)?;
    match scope::evaluation_access(conn, user, cycle_id, unit_id)? {
        EvaluationAccess::Hidden => Err(ApiError::not_found(format!(
            "unit {unit_id} has no grades in cycle {cycle_id} in the caller's scope"
        ))),
        access => Ok((cycle, access)),
    }
}

/// The problem answer of a withheld result.
pub fn withheld(withheld: Withheld) -> HttpResponse {
    let (status, code, detail) = withheld.answer();
    crate::http::problem::problem(status, code, detail)
}

/// The location of a leader's grade.
pub fn location(cycle_id: CycleId, unit_id: UnitId, leader_id: LeaderId) -> String {
    format!("/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/leader-grades/{leader_id}")
}
