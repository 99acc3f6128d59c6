//! `/api/v1/assessment-cycles/{cycle_id}/decisions`: the review's decision records (plan
//! §4(一)3): the office's review with its preliminary opinion (on the cycle, and per unit), the
//! discipline commission standing committee's decision and the county committee's approval,
//! each with its document reference, date, note and attachments. Office only, reads included
//! (403 for any other role); recorded and amended (`If-Match`) while the cycle is in review.
//! Publishing needs all three (`ops::publication`).

mod create;
mod get;
pub mod json;
mod list;
mod update;

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::models::{CycleDecisionId, CycleId};

/// Registers the decision record routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_cycle_decisions)
        .service(create::create_cycle_decision)
        .service(get::get_cycle_decision)
        .service(update::update_cycle_decision);
}

/// `{cycle_id}/decisions/{decision_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleDecisionPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 决定记录 id: the decision record.
    #[param(value_type = i64, example = 1)]
    pub decision_id: CycleDecisionId,
}

/// The URL of a decision record.
pub fn location(cycle_id: CycleId, id: CycleDecisionId) -> String {
    format!("/api/v1/assessment-cycles/{cycle_id}/decisions/{id}")
}
