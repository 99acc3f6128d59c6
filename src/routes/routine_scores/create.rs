use actix_web::{HttpResponse, post, web};

use super::json::{CreateScores, ScoreView};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::http::params::CyclePath;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::routine::{self, ScoreRow};

/// 批量录入日常考核得分 (Enter routine scores in bulk)
///
/// 仅限县纪委办公室。一次调用录入多个单位的得分（满分 10 分，两位小数，字符串），全部成功或全部
/// 不录入：任何一行有误，逐行列出，什么都不改。只用于新录入；更正请用单个单位的 PUT。被抽中的
/// 单位须在走访记录定稿后才能录入得分。应答 200 和新录入的得分（每个得分在自己的 URL）。
///
/// Office only. Several units' scores out of 10 (two decimals, as strings) in one call, all or
/// nothing: any bad row is named, each of them, and nothing changes. Creates only; correct one
/// with its PUT. A sampled unit's score needs its final visit record. Answers 200 with the new
/// scores, each at its own URL.
///
/// 409: 周期不在日常考核阶段 (`routine_not_open`). 422: 逐行列出：不在考核范围、已有得分
/// (`already_scored`)、重复、抽中单位的走访记录未定稿 (`visit_not_final`)、得分超过 10 或多于两位
/// 小数.
#[utoipa::path(
    tag = "routine",
    params(CyclePath),
    request_body = CreateScores,
    responses(
        (status = 200, description = "已录入：新录入的得分 (entered: the new scores)",
            body = Vec<ScoreView>),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/spot-checks/scores")]
pub async fn create_routine_scores(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    body: ValidJson<CreateScores>,
) -> Result<HttpResponse, ApiError> {
    let cycle_id = path.cycle_id;
    let rows: Vec<ScoreRow> = body
        .0
        .scores
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| {
            Some(ScoreRow {
                unit_id: r.unit_id?,
                score: r.score?,
                note: clean(r.note.as_deref()?),
            })
        })
        .collect();
    let scores = db::write(&pool, user.actor(), move |conn| {
        routine::create_scores(conn, &user, cycle_id, rows)
    })
    .await?;
    // Several resources, each at its own URL (`…/spot-checks/scores/{unit_id}`): no one
    // `Location` names them, so the answer is 200 with every new score.
    Ok(HttpResponse::Ok().json(scores))
}
