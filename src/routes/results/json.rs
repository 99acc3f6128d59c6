//! Response types and filters of the results.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::models::UnitKind;
pub use crate::ops::results::{
    FallbackInfo, LeaderGradeResult, MissingPiece, ResultStatus, UnitResult,
};

/// Filters of a cycle's results.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultFilterQuery {
    /// 只列出此类单位 (only units of this kind; ranks stay those among all units).
    pub kind: Option<UnitKind>,
}
