//! Request and response bodies of the routine draw.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::json::{Rules, Validate};
pub use crate::ops::routine::{DrawVerification, DrawView};

/// A commitment to a draw: the public seed source and the time it publishes. The eligible lists
/// are frozen from the cycle's assessed units and its sample sizes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "seed_source": "中国福利彩票双色球第2099152期开奖号码（红球按开奖顺序，空格分隔，加号后为蓝球）",
    "seed_publishes_at": "2099-12-31T13:30:00Z"
}))]
pub struct CommitDraw {
    /// 种子来源 (the named public source; what the seed will be, exactly as entered).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 2000)]
    pub seed_source: Option<String>,
    /// 公布时间 (when the source publishes: in the future).
    #[schema(required = true, value_type = DateTime<Utc>)]
    pub seed_publishes_at: Option<DateTime<Utc>>,
    /// 重抽理由 (why a redraw; required when the cycle has a commitment).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

impl Validate for CommitDraw {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("seed_source", &self.seed_source, 2_000);
        rules.required("seed_publishes_at", &self.seed_publishes_at);
        rules.optional_text("reason", self.reason.as_deref(), 2_000);
    }
}

/// The seed, once its source has published it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"seed": "03 11 17 22 28 31 + 09"}))]
pub struct SeedDraw {
    /// 种子 (exactly as published; hashed byte for byte, so no surrounding spaces or line
    /// breaks).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 200)]
    pub seed: Option<String>,
}

impl Validate for SeedDraw {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("seed", &self.seed, 200);
    }
}
