//! Request and response bodies of fallback results.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::json::{Rules, Validate};
pub use crate::models::cycle_unit::FallbackSource;
pub use crate::ops::results::FallbackView;

/// A vertical unit's fallback result.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "value": "86.00", "source": "superior_assessment",
    "document_ref": "市国税局阳国税发〔2014〕12号"
}))]
pub struct PutFallback {
    /// 结果，0 至 100，两位小数 (the value, 0 to 100 with at most two decimals, as a string).
    #[schema(required = true, value_type = String, example = "86.00",
        pattern = r"^(100(\.0{1,2})?|(0|[1-9]\d?)(\.\d{1,2})?)$")]
    pub value: Option<String>,
    /// 来源 (its source).
    #[schema(required = true, value_type = FallbackSource)]
    pub source: Option<FallbackSource>,
    /// 依据文件，1 至 200 字 (the document it comes from, 1 to 200 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 200)]
    pub document_ref: Option<String>,
}

impl Validate for PutFallback {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("value", &self.value, 6);
        rules.required("source", &self.source);
        rules.required_text("document_ref", &self.document_ref, 200);
    }
}
