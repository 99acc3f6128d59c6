//! `/api/v1/assessment-cycles/{cycle_id}/results` and `…/units/{unit_id}/result`: each
//! assessed unit's special and routine scores, its total, whether it owes rectification, its
//! ranks, band and leaders' grades (issue 15; plan §4, §5), computed by `ops::results`. Before
//! publication the office alone sees them: a unit asking for its own gets 403
//! `not_published`, everyone else 404 (DOMAIN.md, "What is not yet published").

mod get;
pub mod json;
mod list;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the results routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_results)
        .service(get::get_unit_result);
}
