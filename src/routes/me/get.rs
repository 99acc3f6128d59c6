use actix_web::{get, web};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};

use super::json::{MeResponse, MeTeam, MeUnit};
use crate::auth::{AuthUser, Role, policy};
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::models::unit::Unit;

/// 当前用户 (Who am I)
///
/// 所有角色。调用者的 `sub`、姓名和角色；单位用户附其单位；考核组成员附其在未归档年度考核中
/// 所在的考核组及各组负责的单位；`permissions` 列出其角色可调用的操作，与各接口的角色规则
/// 出自同一张表，前端据此隐藏会被拒绝的操作。
///
/// Every role. The caller's `sub`, name and role; for a unit user, the unit; for an inspector,
/// the teams they lead or are on in cycles not yet archived, with the units each holds;
/// `permissions` lists the operations the role may call, from the same table as the handlers'
/// role rules, so a front end can hide what would be refused.
#[utoipa::path(
    tag = "me",
    responses((status = 200, description = "当前用户 (the caller)", body = MeResponse)),
    security(("bearer" = []))
)]
#[get("/me")]
pub async fn get_me(
    user: AuthUser,
    pool: web::Data<PgPool>,
) -> Result<web::Json<MeResponse>, ApiError> {
    let me = db::run(&pool, move |conn| {
        let unit = match user.unit_id.filter(|_| user.role == Role::Unit) {
            Some(id) => Some(Unit::find(conn, id).map(|u| MeUnit {
                id: u.id.0,
                name: u.name,
            })?),
            None => None,
        };
        let teams = match user.role {
            Role::Inspector => teams_of(conn, &user.sub)?,
            _ => Vec::new(),
        };
        let permissions = policy::operations_for(user.role)
            .into_iter()
            .map(str::to_owned)
            .collect();
        Ok(MeResponse {
            sub: user.sub,
            name: user.name,
            role: user.role,
            unit,
            teams,
            permissions,
        })
    })
    .await?;
    Ok(web::Json(me))
}

#[derive(QueryableByName)]
struct TeamUnitRow {
    #[diesel(sql_type = BigInt)]
    cycle_id: i64,
    #[diesel(sql_type = Integer)]
    year: i32,
    #[diesel(sql_type = BigInt)]
    team_id: i64,
    #[diesel(sql_type = Text)]
    team_name: String,
    #[diesel(sql_type = Bool)]
    leader: bool,
    #[diesel(sql_type = Nullable<BigInt>)]
    unit_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    unit_name: Option<String>,
}

/// The inspector's teams in cycles not yet archived, with their units, in one query.
fn teams_of(conn: &mut PgConnection, sub: &str) -> Result<Vec<MeTeam>, ApiError> {
    let rows: Vec<TeamUnitRow> = diesel::sql_query(
        "SELECT t.cycle_id, c.year, t.id AS team_id, t.name AS team_name, \
         t.leader_sub = $1 AS leader, tu.unit_id, u.name AS unit_name \
         FROM inspection_teams t JOIN assessment_cycles c ON c.id = t.cycle_id \
         LEFT JOIN team_units tu ON tu.team_id = t.id LEFT JOIN units u ON u.id = tu.unit_id \
         WHERE c.state <> 'archived' AND (t.leader_sub = $1 OR EXISTS \
           (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.sub = $1)) \
         ORDER BY t.cycle_id, t.id, tu.unit_id",
    )
    .bind::<Text, _>(sub)
    .load(conn)?;
    let mut teams: Vec<MeTeam> = Vec::new();
    for row in rows {
        if teams.last().is_none_or(|t| t.team_id != row.team_id) {
            teams.push(MeTeam {
                cycle_id: row.cycle_id,
                year: row.year,
                team_id: row.team_id,
                team_name: row.team_name,
                leader: row.leader,
                units: Vec::new(),
            });
        }
        if let (Some(id), Some(name), Some(team)) = (row.unit_id, row.unit_name, teams.last_mut()) {
            team.units.push(MeUnit { id, name });
        }
    }
    Ok(teams)
}
