//! Request and response bodies of inspection teams.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::http::json::{Rules, Validate};
use crate::models::team::FullTeam;
use crate::models::{CycleId, TeamId, UnitId};

/// A person on a team, identified by the `sub` of their token.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"sub": "oa-20071", "name": "陈晓红"}))]
pub struct Person {
    /// 其令牌的 `sub`，1 至 200 字 (the `sub` of their token, OA portal or CLI; 1 to 200
    /// characters).
    #[schema(min_length = 1, max_length = 200)]
    pub sub: String,
    /// 显示姓名，1 至 50 字 (display name, 1 to 50 characters).
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
}

/// An inspection team (考核组).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "cycle_id": 1, "name": "第一考核组",
    "leader": {"sub": "oa-10002", "name": "欧阳志明"},
    "members": [{"sub": "oa-20071", "name": "陈晓红"}, {"sub": "oa-20088", "name": "梁伟"}],
    "unit_ids": [1, 2, 14], "version": 1
}))]
pub struct TeamResponse {
    /// Team id.
    #[schema(value_type = i64)]
    pub id: TeamId,
    /// The cycle.
    pub cycle_id: CycleId,
    /// Name, unique in the cycle.
    pub name: String,
    /// The leader, a standing member of the discipline commission.
    pub leader: Person,
    /// The members.
    pub members: Vec<Person>,
    /// The units the team inspects.
    pub unit_ids: Vec<UnitId>,
    /// Version counter of the name, leader and members. The `ETag` is a hash of the whole
    /// team as shown, so it also changes when a unit is assigned or released.
    pub version: i32,
}

impl From<FullTeam> for TeamResponse {
    fn from(t: FullTeam) -> Self {
        Self {
            id: t.team.id,
            cycle_id: t.team.cycle_id,
            name: t.team.name,
            leader: Person {
                sub: t.team.leader_sub,
                name: t.team.leader_name,
            },
            members: t
                .members
                .into_iter()
                .map(|m| Person {
                    sub: m.sub,
                    name: m.name,
                })
                .collect(),
            unit_ids: t.units,
            version: t.team.version,
        }
    }
}

/// A team to form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "第七考核组", "leader": {"sub": "oa-10002", "name": "欧阳志明"},
    "members": [{"sub": "oa-20071", "name": "陈晓红"}, {"sub": "oa-20088", "name": "梁伟"}]
}))]
pub struct CreateTeam {
    /// 名称，1 至 100 字，在本周期内唯一 (name, 1 to 100 characters, unique in the cycle).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// 组长 (the leader).
    #[schema(required = true, value_type = Person)]
    pub leader: Option<Person>,
    /// 成员，至少一人，不含组长，不重复 (the members: at least one besides the leader, each
    /// once).
    #[serde(default)]
    #[schema(required = true, min_items = 1)]
    pub members: Vec<Person>,
}

impl Validate for CreateTeam {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("name", &self.name, 100);
        match &self.leader {
            None => rules.0.push(FieldError::new(
                "leader",
                "required",
                "the team needs a leader",
            )),
            Some(leader) => {
                rules.text("leader.sub", &leader.sub, 200);
                rules.text("leader.name", &leader.name, 50);
            }
        }
        if self.members.is_empty() {
            rules.0.push(FieldError::new(
                "members",
                "empty",
                "a team needs at least one member besides its leader",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(leader) = &self.leader {
            seen.insert(leader.sub.trim().to_owned());
        }
        for (i, member) in self.members.iter().enumerate() {
            rules.text(&format!("members[{i}].sub"), &member.sub, 200);
            rules.text(&format!("members[{i}].name"), &member.name, 50);
            if !seen.insert(member.sub.trim().to_owned()) {
                rules.0.push(FieldError::new(
                    format!("members[{i}].sub"),
                    "duplicate",
                    "each person is on a team once",
                ));
            }
        }
    }
}

/// Changes to a team: absent fields stay; `members` replaces the whole list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"members": [
    {"sub": "oa-20071", "name": "陈晓红"},
    {"sub": "oa-20093", "name": "莫志强"}
]}))]
pub struct UpdateTeam {
    /// 新名称，1 至 100 字 (new name, 1 to 100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// 新组长 (new leader).
    pub leader: Option<Person>,
    /// 新的成员名单，至少一人 (the new list of members, at least one).
    #[schema(min_items = 1)]
    pub members: Option<Vec<Person>>,
}

impl Validate for UpdateTeam {
    fn check(&self, rules: &mut Rules) {
        rules.optional_text("name", self.name.as_deref(), 100);
        if let Some(leader) = &self.leader {
            rules.text("leader.sub", &leader.sub, 200);
            rules.text("leader.name", &leader.name, 50);
        }
        if let Some(members) = &self.members {
            if members.is_empty() {
                rules.0.push(FieldError::new(
                    "members",
                    "empty",
                    "a team needs at least one member besides its leader",
                ));
            }
            let mut seen = std::collections::HashSet::new();
            for (i, member) in members.iter().enumerate() {
                rules.text(&format!("members[{i}].sub"), &member.sub, 200);
                rules.text(&format!("members[{i}].name"), &member.name, 50);
                if !seen.insert(member.sub.trim().to_owned()) {
                    rules.0.push(FieldError::new(
                        format!("members[{i}].sub"),
                        "duplicate",
                        "each person is on a team once",
                    ));
                }
            }
        }
    }
}

/// 尚无考核组负责的纳入考核单位 (an assessed unit that no team inspects yet).
#[derive(Debug, Serialize, ToSchema)]
pub struct UnassignedUnit {
    /// 单位 id (the unit).
    pub unit_id: UnitId,
    /// 单位名称 (its name).
    pub unit_name: String,
}
