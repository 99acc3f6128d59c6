//! `/api/v1/assessment-cycles/{cycle_id}/publication`: what the cycle's next publication shows
//! (issue 15 item 3): the scope of the ranking a unit sees, whether units see their leaders'
//! grades, whether inspectors see the whole ranking, and the publication notice's reference
//! (文号), which publication needs. Office only; set while the cycle is in review (409
//! `cycle_not_in_review` before, `cycle_published` after). The scope and the grades are the
//! same settings `…/result-settings` shows, in the same row with the same `ETag`.

mod get;
pub mod json;
mod put;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the publication settings routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get::get_publication_settings)
        .service(put::put_publication_settings);
}
