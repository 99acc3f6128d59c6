//! `/api/v1/assessment-cycles/{cycle_id}/result-settings`: what publication shows (the scope
//! of the ranking a unit sees, whether it sees its leaders' grades), the veto (一票否决, off by
//! default) with its cap, and the grade bands. The weights and the rectification line are the
//! cycle's own settings, shown here. All of it changes until the cycle is published (409
//! `cycle_published`; DOMAIN.md, "Settings added after the draft stage").

mod get;
pub mod json;
mod put;
mod put_bands;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the result settings routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get::get_result_settings)
        .service(put::put_result_settings)
        .service(put_bands::put_grade_bands);
}
