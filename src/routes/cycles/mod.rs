//! `/api/v1/assessment-cycles`: one cycle per year, its settings, calendar and lifecycle, and
//! the units it assesses (plan §1, §2, §4). The office writes; every role reads.

pub mod create;
mod extend;
mod get;
pub mod json;
mod list;
mod list_extensions;
mod list_transitions;
mod list_units;
mod put_unit;
pub mod transition;
mod update;

use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::models::CycleId;
use crate::models::cycle::Cycle;

/// Registers the cycle routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_cycles)
        .service(create::create_cycle)
        .service(get::get_cycle)
        .service(update::update_cycle)
        .service(transition::create_transition)
        .service(list_transitions::list_transitions)
        .service(extend::create_deadline_extension)
        .service(list_extensions::list_deadline_extensions)
        .service(list_units::list_cycle_units)
        .service(put_unit::put_cycle_unit);
}

fn not_found(id: CycleId) -> ApiError {
    ApiError::not_found(format!("assessment cycle {id} does not exist"))
}

/// Loads a cycle (every role may read cycles).
pub fn find_cycle(conn: &mut PgConnection, id: CycleId) -> Result<Cycle, ApiError> {
    Cycle::find(conn, id).map_err(|e| match e {
        diesel::result::Error::NotFound => not_found(id),
        other => other.into(),
    })
}

/// Locks a cycle for a write in the same transaction.
pub fn lock_cycle(conn: &mut PgConnection, id: CycleId) -> Result<Cycle, ApiError> {
    Cycle::find_for_update(conn, id).map_err(|e| match e {
        diesel::result::Error::NotFound => not_found(id),
        other => other.into(),
    })
}

/// Answers 409 unless the cycle is a draft: settings and forms are frozen once it leaves draft.
pub fn ensure_draft(cycle: &Cycle, what: &str) -> Result<(), ApiError> {
    if cycle.state != CycleState::Draft {
        return Err(ApiError::Conflict {
            code: "cycle_not_draft",
            detail: format!(
                "{what} can change only while the cycle is a draft; cycle {} is in {}",
                cycle.id, cycle.state
            ),
        });
    }
    Ok(())
}
