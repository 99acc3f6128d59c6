//! The caller's profile and task list as the API shows them.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Role;
pub use crate::ops::tasks::{Task, TaskKind};

/// A unit, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeUnit {
    /// The unit's id.
    #[schema(example = 1)]
    pub id: i64,
    /// Its name.
    #[schema(example = "阳城镇")]
    pub name: String,
}

/// A team the inspector leads or is on, in a cycle not yet archived.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeTeam {
    /// The cycle.
    #[schema(example = 1)]
    pub cycle_id: i64,
    /// The cycle's year.
    #[schema(example = 2014)]
    pub year: i32,
    /// The team.
    #[schema(example = 1)]
    pub team_id: i64,
    /// Its name.
    #[schema(example = "第一考核组")]
    pub team_name: String,
    /// Whether the caller leads it.
    pub leader: bool,
    /// The units it holds.
    pub units: Vec<MeUnit>,
}

/// The caller as the service sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// The token's `sub`.
    #[schema(example = "insp-1-leader")]
    pub sub: String,
    /// The name the token gives.
    #[schema(example = "张三")]
    pub name: String,
    /// The role.
    pub role: Role,
    /// For the unit role, the caller's unit.
    pub unit: Option<MeUnit>,
    /// For an inspector, their teams in the cycles not yet archived (empty for other roles).
    pub teams: Vec<MeTeam>,
    /// The operations (`operationId`s) the caller's role may call, from the same table as the
    /// handlers' role rules; the object's scope and state still decide each call.
    #[schema(example = json!(["list_units", "get_me", "list_my_tasks"]))]
    pub permissions: Vec<String>,
}

/// `GET /api/v1/me/tasks` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TasksQuery {
    /// 只要数量 (only the counts, for a badge): `items` is left out.
    pub count_only: Option<bool>,
}

/// The caller's open tasks.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskList {
    /// How many tasks are open.
    #[schema(example = 2)]
    pub count: usize,
    /// How many of them are overdue.
    #[schema(example = 1)]
    pub overdue: usize,
    /// The tasks, by due date (none last), then by `since`; left out with `count_only=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Task>>,
}
