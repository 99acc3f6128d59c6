//! Request and response bodies of a cycle's publication settings.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::http::json::{Rules, Validate};
pub use crate::models::result::PublicationScope;
pub use crate::ops::snapshots::PublicationSettingsView;

/// The publication settings, replaced whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "publication_scope": "kind", "units_see_leader_grades": false,
    "inspectors_see_ranking": false, "document_ref": "阳纪通〔2013〕5号",
    "rectification_days": 30
}))]
pub struct PutPublication {
    /// 通报范围：`own` 仅本单位，`kind` 本单位及同类单位排名，`all` 全部排名 (what a unit sees
    /// besides its own result).
    #[schema(required = true, value_type = PublicationScope)]
    pub publication_scope: Option<PublicationScope>,
    /// 单位能否看到本单位班子成员档次 (whether a unit sees its own leaders' grades).
    #[schema(required = true, value_type = bool)]
    pub units_see_leader_grades: Option<bool>,
    /// 考核组能否看到全部排名，否则只看到本组单位 (whether inspectors see the whole ranking,
    /// not only their teams' units).
    #[schema(required = true, value_type = bool)]
    pub inspectors_see_ranking: Option<bool>,
    /// 通报文号，1 至 100 字；通报前必须填写 (the publication notice's reference, 1 to 100
    /// characters; publication needs it).
    #[schema(min_length = 1, max_length = 100, example = "阳纪通〔2013〕5号")]
    pub document_ref: Option<String>,
    /// 整改期限：通报之日起的天数，1 至 365，缺省 30 (the days a unit at or below the line has
    /// for its rectification, counted from the publication in which it first owes one: 1 to
    /// 365; 30 when absent).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 365, example = 30)]
    pub rectification_days: Option<i64>,
}

impl Validate for PutPublication {
    fn check(&self, rules: &mut Rules) {
        rules.required("publication_scope", &self.publication_scope);
        rules.required("units_see_leader_grades", &self.units_see_leader_grades);
        rules.required("inspectors_see_ranking", &self.inspectors_see_ranking);
        rules.optional_text("document_ref", self.document_ref.as_deref(), 100);
        if self
            .rectification_days
            .is_some_and(|n| !(1..=365).contains(&n))
        {
            rules.0.push(FieldError::new(
                "rectification_days",
                "out_of_range",
                "rectification_days is 1 to 365",
            ));
        }
    }
}
