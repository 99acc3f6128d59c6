//! Request and response bodies of the acknowledgement of results.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::json::{Rules, Validate};
pub use crate::ops::acknowledgements::AcknowledgementView;

/// An acknowledgement: no body, `{}`, or a note.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "已收到考核结果，将认真研究整改"}))]
pub struct AcknowledgeBody {
    /// 备注，1 至 1000 字（可选）(a note, 1 to 1000 characters; optional).
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

impl Validate for AcknowledgeBody {
    fn check(&self, rules: &mut Rules) {
        rules.optional_text("note", self.note.as_deref(), 1_000);
    }
}
