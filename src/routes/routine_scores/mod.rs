//! `/api/v1/assessment-cycles/{cycle_id}/spot-checks/scores`: every assessed unit's routine
//! score, out of 10 with two decimals, each with a note (plan §4(二)). The office enters them in
//! bulk (all or nothing, creating only) and corrects them one by one under `If-Match`; a
//! sampled unit's score waits for its final visit record. Units and inspectors see them only
//! after publication (403 `not_published` before).

mod create;
mod get;
pub mod json;
mod list;
mod put;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the routine score routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_routine_scores)
        .service(create::create_routine_scores)
        .service(get::get_routine_score)
        .service(put::put_routine_score);
}
