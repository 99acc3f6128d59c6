//! `/api/v1/assessment-cycles/{cycle_id}/fallback-results` and
//! `…/units/{unit_id}/fallback-result`: the result of a vertical unit (省、市驻阳垂直管理单位),
//! which the plan does not assess, where one is needed: its value, its source (its own
//! self-score or its superior department's result) and the document it comes from (plan §1).
//! Listed apart from the ranked units, never ranked, never required for publication. The
//! office sets, reads and deletes them until the cycle is published.

mod delete;
mod get;
pub mod json;
mod list;
mod put;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the fallback result routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_fallback_results)
        .service(get::get_fallback_result)
        .service(put::put_fallback_result)
        .service(delete::delete_fallback_result);
}
