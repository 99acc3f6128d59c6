//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/result/acknowledgement`: the unit's
//! acknowledgement (回执) of its published result (issue 17), one per publication of the cycle
//! (`ops::acknowledgements`): the unit records it once the result is published (403
//! `not_published` before), again after a republication; the office and the unit read it.

mod create;
mod get;
pub mod json;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the acknowledgement routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get::get_result_acknowledgement)
        .service(create::acknowledge_result);
}

/// The URL of a unit's acknowledgement in a cycle.
pub fn location(cycle_id: crate::models::CycleId, unit_id: crate::models::UnitId) -> String {
    format!("/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/result/acknowledgement")
}
