//! `/api/v1/task-deliveries`: the office follows the push of tasks to the OA portal (issue 17
//! §4): every event of the outbox, delivered, pending or failed.

pub mod json;
mod list;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the task deliveries' routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_task_deliveries);
}
