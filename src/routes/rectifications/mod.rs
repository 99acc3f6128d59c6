//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/rectification`: the written
//! explanation and rectification plan (整改说明及整改方案, plan §5) a unit owes once its
//! published total is at or below the cycle's line, by the end of the day `rectification_days`
//! after the publication in which it first owes. The unit writes and submits its own while the
//! cycle is published; the office returns it with a reason or accepts it; inspectors read those
//! of their teams' units. A member of the submitted family (`ops::submitted`; the member is
//! `ops::rectifications`), plus the office's `accept` and the cycle's list.

mod accept;
mod family;
pub mod json;
mod list;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the rectification routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_rectifications)
        .configure(family::document_routes)
        .service(accept::accept_rectification);
}
