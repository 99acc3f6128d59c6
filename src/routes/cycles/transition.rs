use actix_web::{HttpResponse, post, web};

use super::json::{CreateTransition, CycleResponse, TransitionResponse, TransitionResult};
use crate::auth::Office;
use crate::clock::Clock;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::http::params::CyclePath;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::cycles::advance_at;

/// 推进考核周期阶段 (Move a cycle to its next state)
///
/// 仅限县纪委办公室。`draft → self_inspection → special_inspection → review → published →
/// archived`，每次一步。离开筹备阶段时须每类被考核单位都有有效考评表，并锁定本周期的考核单位名单；
/// 每一步都记录操作人、时间和备注。
///
/// Office only, one step at a time. Leaving draft needs a valid form for every kind of unit in
/// scope and takes the snapshot of the units the cycle assesses. Every step is recorded with
/// who, when and the note.
///
/// 已通报的周期可由县纪委退回综合评定（`published → review`）以更正结果，须写明备注，之后再次
/// 通报。通报须每个被考核单位都有定稿评分表、日常考核得分、定稿考核组报告和班子成员等次，并已
/// 登记三类决定记录。
///
/// One step back is allowed: `published → review`, to correct published results, with a note
/// saying why (422 `note_required` without); the cycle is then published again. Publishing
/// needs, for every assessed unit, a final sheet, a routine score, a final team report and its
/// leaders' grades, and the three decision records.
///
/// 通报时总分不高于整改线的单位须整改（截止日期为通报之日起 `rectification_days` 天，默认 30 天）；
/// 归档须每项应整改的都已验收 (`rectifications_pending`，`missing` 列出这些单位)。 (Publishing
/// makes a unit at or below the line owe a rectification, due `rectification_days`, by default
/// 30, after the publication's date; archiving needs every owed one accepted:
/// `rectifications_pending`, its `missing` listing the units.)
///
/// 409: 不是下一阶段 (`illegal_transition`)；考评表无效 (`cycle_forms_invalid`)；仍有单位未分配
/// 考核组 (`units_without_team`)；尚不能通报 (`publication_incomplete`，`missing` 逐个单位列出
/// 所缺内容)；`detail` 说明原因 (not the next state, or a guard failed; `detail` says why, and
/// for `publication_incomplete` the problem's `missing` lists what is missing, unit by unit).
#[utoipa::path(
    tag = "cycles",
    params(CyclePath),
    request_body = CreateTransition,
    responses(
        (status = 200, description = "已推进 (moved)", body = TransitionResult),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/transitions")]
pub async fn create_transition(
    Office(user): Office,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    path: web::Path<CyclePath>,
    body: ValidJson<CreateTransition>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let now = clock.now();
    let body = body.0;
    let to = body
        .to
        .ok_or_else(|| ApiError::field("to", "required", "the field `to` is required"))?;
    let note = body.note.as_deref().map(clean);
    let actor = user.actor();
    let (transition, cycle) = db::write(&pool, actor, move |conn| {
        advance_at(conn, id, to, (&user.sub, &user.name), note, now)
    })
    .await?;
    let result = TransitionResult {
        transition: TransitionResponse::from(transition),
        cycle: CycleResponse::from(cycle),
    };
    tracing::info!(cycle_id = %id, to = %to, "cycle moved");
    Ok(HttpResponse::Ok().json(result))
}
