//! Request and response bodies of routine scores.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::http::json::{Rules, Validate};
use crate::models::UnitId;
pub use crate::ops::routine::ScoreView;

/// The pattern of a routine score: 0 to 10, at most two decimals.
pub const SCORE_PATTERN: &str = r"^(10(\.0{1,2})?|\d(\.\d{1,2})?)$";

/// One unit's routine score in a bulk entry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreEntry {
    /// The unit (assessed in the cycle).
    #[schema(required = true, value_type = i64, example = 3)]
    pub unit_id: Option<UnitId>,
    /// 得分 (0 to 10, at most two decimals, as a string).
    #[schema(required = true, value_type = String, example = "9.50",
        pattern = r"^(10(\.0{1,2})?|\d(\.\d{1,2})?)$")]
    pub score: Option<String>,
    /// 说明 (the note).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 2000,
        example = "责任制目标按期完成，台帐齐全")]
    pub note: Option<String>,
}

/// Several units' routine scores, entered at once: all or nothing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scores": [
    {"unit_id": 3, "score": "9.50", "note": "责任制目标按期完成，台帐齐全"},
    {"unit_id": 4, "score": "8.75", "note": "问卷满意度偏低"}
]}))]
pub struct CreateScores {
    /// The scores, one per unit; 1 to 500.
    #[schema(required = true, min_items = 1, max_items = 500)]
    pub scores: Option<Vec<ScoreEntry>>,
}

impl Validate for CreateScores {
    fn check(&self, rules: &mut Rules) {
        match &self.scores {
            None => rules.required("scores", &self.scores),
            Some(rows) if rows.is_empty() => {
                rules
                    .0
                    .push(FieldError::new("scores", "empty", "at least one score"));
            }
            Some(rows) if rows.len() > 500 => {
                rules
                    .0
                    .push(FieldError::new("scores", "too_many", "at most 500 scores"));
            }
            Some(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    rules.required(&format!("scores[{i}].unit_id"), &row.unit_id);
                    rules.required_text(&format!("scores[{i}].score"), &row.score, 10);
                    rules.required_text(&format!("scores[{i}].note"), &row.note, 2_000);
                }
            }
        }
    }
}

/// A correction of a unit's routine score.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"score": "9.25", "note": "复核后调整：问卷回收率偏低"}))]
pub struct PutScore {
    /// 得分 (0 to 10, at most two decimals, as a string).
    #[schema(required = true, value_type = String, example = "9.25",
        pattern = r"^(10(\.0{1,2})?|\d(\.\d{1,2})?)$")]
    pub score: Option<String>,
    /// 说明 (the note).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

impl Validate for PutScore {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("score", &self.score, 10);
        rules.required_text("note", &self.note, 2_000);
    }
}
