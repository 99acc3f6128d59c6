//! `/api/v1/assessment-cycles`: one cycle per year, its settings, calendar and lifecycle, and
//! the units it assesses (plan §1, §2, §4). The office writes; every role reads.

pub mod create;
mod extend;
mod get;
mod get_extension;
pub mod json;
mod list;
mod list_extensions;
mod list_transitions;
mod list_units;
mod put_unit;
pub mod transition;
mod update;

use utoipa_actix_web::service_config::ServiceConfig;

pub use crate::ops::cycles::{ensure_draft, find_cycle, lock_cycle};

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
        .service(get_extension::get_deadline_extension)
        .service(list_units::list_cycle_units)
        .service(put_unit::put_cycle_unit);
}
