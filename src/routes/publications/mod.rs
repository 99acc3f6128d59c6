//! `/api/v1/assessment-cycles/{cycle_id}/publications`: the versions of a cycle's published
//! results (issue 15 item 4). Each publication stored every result as it was; a republication
//! after the office reopened the cycle is a new version, and earlier ones stay readable
//! (`ops::snapshots`). Every role lists the versions; a version's results follow the rules of
//! the results, as that version's settings granted them; the changes between two versions are
//! the office's.

mod changes;
mod get;
pub mod json;
mod list;

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::models::CycleId;

/// Registers the publication version routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_publications)
        .service(get::get_publication)
        .service(changes::list_publication_changes);
}

/// `{cycle_id}/publications/{version}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PublicationPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 通报版本号: 1 for the first publication (a number too large is simply absent: 404).
    #[param(example = 1)]
    pub version: i64,
}
