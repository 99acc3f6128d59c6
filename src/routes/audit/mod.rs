//! `/api/v1/audit`: the office reads the audit trail; everyone reads its signed head and the
//! public keys that verify it.

mod head;
pub mod json;
mod keys;
mod list;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the audit routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_audit)
        .service(head::get_audit_head)
        .service(keys::list_audit_keys);
}
