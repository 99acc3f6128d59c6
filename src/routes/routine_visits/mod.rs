//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/routine-visit`: the record of a
//! sampled unit's routine visit (plan §4(二)): visitors, methods, findings, questionnaires,
//! attachments and the date, written by the office and signed by every visitor like a score
//! sheet by its team (the signed family, `writers Office`). Only the units the current draw
//! sampled have one; the unit reads its own once every visit record is final.

mod family;
pub mod json;
mod put;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the visit record routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(family::get_routine_visit)
        .service(put::put_routine_visit)
        .configure(family::signing_routes);
}
