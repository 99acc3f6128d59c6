//! `/api/v1/assessment-cycles/{cycle_id}/spot-checks/draws` and `…/spot-checks/seed`: the
//! routine inspection's draw of the units visited (plan §4(二) "随机抽查"), made provably fair:
//! the office commits to frozen eligible lists and a future public seed source, enters the
//! seed once it is published, and anyone re-runs the draw (README "The routine draw"). Every
//! role sees the commitments; the seed and the sample stay with the office until every visit
//! record is final, and then every role may verify them.

mod commit;
mod get;
pub mod json;
mod list;
mod seed;
mod verify;

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::models::{CycleId, DrawId};

/// `{cycle_id}/spot-checks/draws/{draw_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleDrawPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 抽查 id: the draw.
    #[param(value_type = i64, example = 1)]
    pub draw_id: DrawId,
}

/// Registers the draw routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_routine_draws)
        .service(commit::commit_routine_draw)
        .service(get::get_routine_draw)
        .service(verify::verify_routine_draw)
        .service(seed::seed_routine_draw);
}

/// The URL of a draw.
pub fn location(cycle_id: CycleId, id: DrawId) -> String {
    format!("/api/v1/assessment-cycles/{cycle_id}/spot-checks/draws/{id}")
}
