//! `/api/v1/assessment-cycles/{cycle_id}/commendations`: commended units and leaders and
//! criticism notices (表彰、通报批评; issue 15 item 6, plan §5), each with whom, why, the
//! document reference and its scope. The office records, replaces (`If-Match`) and deletes
//! them while the cycle is in review or published, and publishes one on its own once the
//! cycle's results are published; one that goes with the results is published with them
//! (`ops::commendations` says how). Units and inspectors read what is published within its
//! scope; anything else answers 404.

mod create;
mod delete;
mod get;
pub mod json;
mod list;
mod publish;
mod update;

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::models::{CommendationId, CycleId};

/// Registers the commendation routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_commendations)
        .service(create::create_commendation)
        .service(get::get_commendation)
        .service(update::update_commendation)
        .service(delete::delete_commendation)
        .service(publish::publish_commendation);
}

/// `{cycle_id}/commendations/{commendation_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CommendationPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 表彰或通报 id: the commendation or notice.
    #[param(value_type = i64, example = 1)]
    pub commendation_id: CommendationId,
}

/// The URL of a commendation or notice.
pub fn location(cycle_id: CycleId, id: CommendationId) -> String {
    format!("/api/v1/assessment-cycles/{cycle_id}/commendations/{id}")
}
