//! Request and response bodies of a cycle's result settings.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::http::json::{Rules, Validate};
pub use crate::models::result::PublicationScope;
pub use crate::ops::result_inputs::SettingsView;
pub use crate::ops::results::BandView;

/// The result settings, replaced whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "publication_scope": "kind", "units_see_leader_grades": false,
    "veto_enabled": false, "veto_band": null
}))]
pub struct PutSettings {
    /// 通报范围 (what a unit sees after publication besides its own result).
    #[schema(required = true, value_type = PublicationScope)]
    pub publication_scope: Option<PublicationScope>,
    /// 单位能否看到本单位班子成员档次 (whether a unit sees its own leaders' grades).
    #[schema(required = true, value_type = bool)]
    pub units_see_leader_grades: Option<bool>,
    /// 是否实行一票否决 (whether the veto applies).
    #[schema(required = true, value_type = bool)]
    pub veto_enabled: Option<bool>,
    /// 被否决单位的最高档次，须为本周期的档次之一 (the highest band a vetoed unit gets: one of
    /// the cycle's bands; required with the veto).
    #[schema(max_length = 20, example = "一般")]
    pub veto_band: Option<String>,
}

impl Validate for PutSettings {
    fn check(&self, rules: &mut Rules) {
        rules.required("publication_scope", &self.publication_scope);
        rules.required("units_see_leader_grades", &self.units_see_leader_grades);
        rules.required("veto_enabled", &self.veto_enabled);
        rules.optional_text("veto_band", self.veto_band.as_deref(), 20);
    }
}

/// One grade band.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BandEntry {
    /// 档次名称 (its name, 1 to 20 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 20,
        example = "优秀")]
    pub name: Option<String>,
    /// 下限：总分达到此值即属本档，0 至 100 以下，两位小数 (the lowest total in it, from 0
    /// to below 100, as a string).
    #[schema(required = true, value_type = String, example = "90.00",
        pattern = r"^(0|[1-9]\d?)(\.\d{1,2})?$")]
    pub lower_bound: Option<String>,
}

/// The cycle's grade bands, replaced whole: one starts at 0, each reaches up to the next.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"bands": [
    {"name": "较差", "lower_bound": "0"}, {"name": "一般", "lower_bound": "60.00"},
    {"name": "良好", "lower_bound": "80.00"}, {"name": "优秀", "lower_bound": "90.00"}
]}))]
pub struct PutBands {
    /// 档次，1 至 10 个 (the bands, 1 to 10).
    #[schema(required = true, min_items = 1, max_items = 10)]
    pub bands: Option<Vec<BandEntry>>,
}

impl Validate for PutBands {
    fn check(&self, rules: &mut Rules) {
        match &self.bands {
            None => rules.required("bands", &self.bands),
            Some(bands) if bands.is_empty() || bands.len() > 10 => {
                rules
                    .0
                    .push(FieldError::new("bands", "count", "between 1 and 10 bands"));
            }
            Some(bands) => {
                for (i, band) in bands.iter().enumerate() {
                    rules.required_text(&format!("bands[{i}].name"), &band.name, 20);
                    rules.required_text(&format!("bands[{i}].lower_bound"), &band.lower_bound, 6);
                }
            }
        }
    }
}
