//! `/api/v1/assessment-cycles/{cycle_id}/vetoes`: veto events (一票否决), where the cycle's
//! result settings enable the veto: a unit's leader disciplined for corruption, with the
//! decision's reference. A vetoed unit's band is capped at the cycle's set maximum whatever its
//! score. The office records, reads and deletes them until the cycle is published; an event
//! never changes.

mod create;
mod delete;
mod get;
pub mod json;
mod list;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the veto routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_vetoes)
        .service(create::create_veto)
        .service(get::get_veto)
        .service(delete::delete_veto);
}
