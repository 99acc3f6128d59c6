//! `/api/v1/assessment-cycles/{cycle_id}/forms`: the scoring forms of a cycle, one per unit
//! kind (plan §4 and its attachments 1 and 2). The office writes them while the cycle is a
//! draft; every role reads them (forms are not secret).

mod copy;
mod get;
pub mod json;
mod list;
mod put;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the form routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_forms)
        .service(copy::copy_forms)
        .service(get::get_form)
        .service(put::put_form);
}
