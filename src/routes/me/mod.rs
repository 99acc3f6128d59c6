//! `/api/v1/me`: the caller as the service sees them, and their to-do list (issue 17).

mod get;
pub mod json;
mod tasks;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the caller's routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get::get_me).service(tasks::list_my_tasks);
}
