//! `/api/v1/assessment-cycles/{cycle_id}/evaluation-settings`: a cycle's democratic-evaluation
//! settings (grade coefficients, minimum ballots, the grade proposal rule, the failure budget).
//! Added after the draft stage, they may change until the cycle's first round opens
//! (DOMAIN.md, "Settings added after the draft stage").

mod get;
pub mod json;
mod update;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the evaluation settings routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get::get_evaluation_settings)
        .service(update::update_evaluation_settings);
}
