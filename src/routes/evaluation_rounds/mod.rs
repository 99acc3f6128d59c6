//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/evaluation-rounds`: the democratic
//! evaluation (民主测评, plan §4) of a unit's leaders. The office or the unit's inspection team in
//! the cycle opens a round, issues its one-time codes, enters the paper tally and closes it;
//! the office resumes a suspended round. The unit itself sees none of it (403).

mod close;
mod create;
mod get;
mod issue_codes;
pub mod json;
mod list;
mod paper_tally;
mod resume;
mod tally;

use actix_web::HttpResponse;
use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::auth::scope::{self, EvaluationAccess};
use crate::error::ApiError;
use crate::models::cycle::Cycle;
use crate::models::evaluation::Round;
use crate::models::{CycleId, RoundId, UnitId};
use crate::ops::evaluation::{Withheld, find_round, rounds_visible};

/// Registers the evaluation round routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_evaluation_rounds)
        .service(create::create_evaluation_round)
        .service(get::get_evaluation_round)
        .service(issue_codes::issue_ballot_codes)
        .service(paper_tally::put_paper_tally)
        .service(close::close_evaluation_round)
        .service(resume::resume_evaluation_round)
        .service(tally::get_evaluation_tally);
}

/// The cycle and who the caller is to the unit's evaluation in it; 404 outside their scope.
pub fn context(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<(Cycle, EvaluationAccess), ApiError> {
    let cycle = crate::ops::cycles::find_cycle(conn, cycle_id)?;
    match scope::evaluation_access(conn, user, cycle_id, unit_id)? {
        EvaluationAccess::Hidden => Err(ApiError::not_found(format!(
            "unit {unit_id} has no evaluation in cycle {cycle_id} in the caller's scope"
        ))),
        access => Ok((cycle, access)),
    }
}

/// Answers 403 unless the caller runs the evaluation: the office or the unit's team.
pub fn require_runner(access: EvaluationAccess) -> Result<(), ApiError> {
    match access {
        EvaluationAccess::Office | EvaluationAccess::Team => Ok(()),
        _ => Err(ApiError::Forbidden(
            "only the office and the unit's inspection team run its evaluation".to_owned(),
        )),
    }
}

/// A round the caller may see, locked for a change when `lock`; the unit itself is refused
/// with its [`Withheld`] answer.
pub fn visible_round(
    conn: &mut PgConnection,
    user: &AuthUser,
    (cycle_id, unit_id, round_id): (CycleId, UnitId, RoundId),
    lock: bool,
) -> Result<Result<(Cycle, EvaluationAccess, Round), Withheld>, ApiError> {
    let (cycle, access) = context(conn, user, cycle_id, unit_id)?;
    if let Err(withheld) = rounds_visible(access, &cycle) {
        return Ok(Err(withheld));
    }
    let round = find_round(conn, cycle_id, unit_id, round_id, lock)?;
    Ok(Ok((cycle, access, round)))
}

/// A round of a unit whose evaluation the caller runs (the office or the unit's team), locked
/// for a change (409 `cycle_published` once the cycle's results are published).
pub fn runner_round(
    conn: &mut PgConnection,
    user: &AuthUser,
    (cycle_id, unit_id, round_id): (CycleId, UnitId, RoundId),
) -> Result<Round, ApiError> {
    let (_, access) = context(conn, user, cycle_id, unit_id)?;
    require_runner(access)?;
    crate::ops::cycles::ensure_not_published(conn, cycle_id)?;
    find_round(conn, cycle_id, unit_id, round_id, true)
}

/// The problem answer of a withheld result.
pub fn withheld(withheld: Withheld) -> HttpResponse {
    let (status, code, detail) = withheld.answer();
    crate::http::problem::problem(status, code, detail)
}

/// The location of a round.
pub fn location(cycle_id: CycleId, unit_id: UnitId, round_id: RoundId) -> String {
    format!("/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/evaluation-rounds/{round_id}")
}
