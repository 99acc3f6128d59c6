//! `/api/v1/audit`: the office reads the audit trail and its head.

mod head;
pub mod json;
mod list;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the audit routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_audit).service(head::get_audit_head);
}
