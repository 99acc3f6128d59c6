//! Request and response bodies of scoring forms.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::forms::{FormItem, validate_items};
use crate::domain::points::Points;
use crate::error::FieldError;
use crate::http::json::{Rules, Validate};
use crate::models::CycleId;
use crate::models::form::{FormKind, FullForm};

/// A scoring form (考评表) with its items in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormResponse {
    /// The cycle it belongs to.
    pub cycle_id: CycleId,
    /// Which units it serves.
    pub form_kind: FormKind,
    /// Title.
    #[schema(example = "党风廉政建设责任制工作考评表（乡镇）")]
    pub title: String,
    /// Sum of the items' maxima: 100.00 for a valid form.
    pub total_points: Points,
    /// Version counter; the `ETag` is this number in quotes.
    pub version: i32,
    /// Items in order.
    pub items: Vec<FormItem>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<FullForm> for FormResponse {
    fn from(f: FullForm) -> Self {
        let items: Vec<FormItem> = f.items.iter().map(|i| i.to_item()).collect();
        Self {
            cycle_id: f.form.cycle_id,
            form_kind: f.form.form_kind,
            title: f.form.title,
            total_points: Points::sum(items.iter().map(|i| &i.max_points)),
            version: f.form.version,
            items,
            updated_at: f.form.updated_at,
        }
    }
}

/// A whole form, replacing the current one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "党风廉政建设责任制工作考评表（县属企业）",
    "items": [{
        "code": "1.1", "content_area": 1, "title": "年初召开党风廉政建设工作部署会议并形成会议记录",
        "max_points": "100.00",
        "rules": [{
            "code": "1.1-R1", "grounds": "未召开部署会议的",
            "points": {"min": "5.00", "max": "5.00"}, "per_occurrence": false, "cap": null,
            "evidence": "会议记录"
        }]
    }]
}))]
pub struct PutForm {
    /// 标题，1 至 200 字 (title, 1 to 200 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// 评分项，按顺序；各项满分之和恰为 100 (items in order; their maxima add up to exactly 100).
    #[schema(required = true, value_type = Vec<FormItem>, min_items = 1)]
    pub items: Option<Vec<FormItem>>,
}

impl Validate for PutForm {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("title", &self.title, 200);
        match &self.items {
            None => rules.0.push(FieldError::new(
                "items",
                "required",
                "the field `items` is required",
            )),
            Some(items) => rules.0.extend(validate_items(items)),
        }
    }
}

/// Where to copy forms from.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from_cycle_id": 1}))]
pub struct CopyForms {
    /// 来源周期 id，通常是上一年度 (the cycle whose forms to copy, typically last year's).
    #[schema(required = true, value_type = i64, minimum = 1)]
    pub from_cycle_id: Option<CycleId>,
}

impl Validate for CopyForms {
    fn check(&self, rules: &mut Rules) {
        rules.required("from_cycle_id", &self.from_cycle_id);
        if self.from_cycle_id.is_some_and(|id| id.0 < 1) {
            rules.0.push(FieldError::new(
                "from_cycle_id",
                "out_of_range",
                "from_cycle_id must be a cycle id, 1 or more",
            ));
        }
    }
}
