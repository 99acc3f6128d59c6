//! `/api/v1/assessment-cycles/{cycle_id}/spot-checks/plan` and `…/spot-checks/targets`: the
//! year's routine-check plan (what is checked, how, when, and whether enterprises are sampled)
//! and each assessed unit's responsibility targets and the tasks set from above (plan §4(二)).
//! The office writes them; every role reads the plan; a unit reads its own targets, an
//! inspector those of its team's units.

mod get;
mod get_target;
pub mod json;
mod list_targets;
mod put;
mod put_target;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the plan and target routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get::get_routine_plan)
        .service(put::put_routine_plan)
        .service(list_targets::list_routine_targets)
        .service(get_target::get_routine_target)
        .service(put_target::put_routine_target);
}
