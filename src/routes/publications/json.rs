//! Response types and filters of the publication versions.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::models::UnitKind;
pub use crate::ops::results::UnitResult;
pub use crate::ops::snapshots::{ChangeKind, FieldChange, PublicationView, UnitChange};

/// Filters of a version's results.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublishedFilter {
    /// 只列出此类单位 (only units of this kind; ranks stay those among all units).
    pub kind: Option<UnitKind>,
}

/// Which version to compare with.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// 与哪个版本比较：0 至本版本减一，默认为上一版本；0 表示与尚未通报相比 (the version to
    /// compare with: 0 to this version minus one; by default the one before; 0 compares with
    /// nothing published).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub against: Option<String>,
}
