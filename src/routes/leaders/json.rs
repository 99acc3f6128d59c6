//! Request and response bodies of the leaders resource.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::json::{Rules, Validate};
use crate::models::{Leader, LeaderId, UnitId};

const NAME_MAX: usize = 50;
const POSITION_MAX: usize = 100;

/// A member of a unit's leadership team (班子成员).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "unit_id": 1, "name": "李建国", "position": "党委书记", "is_first_responsible": true,
    "version": 1, "created_at": "2014-09-01T08:00:00Z", "updated_at": "2014-09-01T08:00:00Z"
}))]
pub struct LeaderResponse {
    /// Leader id.
    pub id: LeaderId,
    /// The unit whose leadership team this person is on.
    pub unit_id: UnitId,
    /// Name.
    pub name: String,
    /// Position, for example 党委书记, 镇长, 局长.
    pub position: String,
    /// Whether this person is a first responsible person (第一责任人), who writes the
    /// accountability report: a town has two (Party secretary and head), other units one.
    pub is_first_responsible: bool,
    /// Version counter; the `ETag` is this number in quotes.
    pub version: i32,
    /// When the leader was added.
    pub created_at: DateTime<Utc>,
    /// When the leader last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Leader> for LeaderResponse {
    fn from(l: Leader) -> Self {
        Self {
            id: l.id,
            unit_id: l.unit_id,
            name: l.name,
            position: l.position,
            is_first_responsible: l.is_first_responsible,
            version: l.version,
            created_at: l.created_at,
            updated_at: l.updated_at,
        }
    }
}

/// 待添加的班子成员 (a leader to add).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "李建国", "position": "党委委员", "is_first_responsible": false}))]
pub struct CreateLeader {
    /// 姓名，1 至 50 字 (name, 1 to 50 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 50)]
    pub name: Option<String>,
    /// 职务，1 至 100 字 (position, 1 to 100 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 100)]
    pub position: Option<String>,
    /// 是否第一责任人，默认否 (whether this person is a first responsible person; default
    /// false).
    #[serde(default)]
    pub is_first_responsible: bool,
}

impl Validate for CreateLeader {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("name", &self.name, NAME_MAX);
        rules.required_text("position", &self.position, POSITION_MAX);
    }
}

/// 班子成员的修改 (changes to a leader): absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"position": "党委书记、人大主席"}))]
pub struct UpdateLeader {
    /// 新姓名，1 至 50 字 (new name, 1 to 50 characters).
    #[schema(min_length = 1, max_length = 50)]
    pub name: Option<String>,
    /// 新职务，1 至 100 字 (new position, 1 to 100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub position: Option<String>,
    /// 是否第一责任人 (whether this person is a first responsible person).
    pub is_first_responsible: Option<bool>,
}

impl Validate for UpdateLeader {
    fn check(&self, rules: &mut Rules) {
        rules.optional_text("name", self.name.as_deref(), NAME_MAX);
        rules.optional_text("position", self.position.as_deref(), POSITION_MAX);
    }
}
