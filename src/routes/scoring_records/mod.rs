//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record`: the score sheet of
//! the team assigned to the unit (plan §4(一)2, §7). Members and the leader edit it item by
//! item, each item with its own ETag; they submit it for signature and each signs it; a change
//! after the first signature voids the signatures; a signed sheet is final until the office
//! reopens it with a reason. The office reads every sheet; a unit sees nothing of its own
//! until the results are published.

mod delete_referral;
mod family;
mod get_referral;
pub mod json;
mod put_item;
mod put_methods;
mod referral;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the score sheet routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(family::get_scoring_record)
        .service(put_item::put_record_item)
        .service(put_methods::put_record_methods)
        .service(referral::create_referral)
        .service(get_referral::get_referral)
        .service(delete_referral::delete_referral)
        .configure(family::signing_routes);
}
