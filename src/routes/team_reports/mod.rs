//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/team-report`: the assigned team's
//! assessment report on the unit (overall evaluation, problems, rectification advice), due by
//! the cycle's team-report date and signed by the members and the leader like the score sheet
//! (plan §5(五), §7). Access is the score sheet's.

mod family;
pub mod json;
mod put;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the team report routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(family::get_team_report)
        .service(put::put_team_report)
        .configure(family::signing_routes);
}
