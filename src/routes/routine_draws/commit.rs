use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use chrono::Utc;

use super::json::{CommitDraw, DrawView};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CyclePath;
use crate::http::{ETag, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::routine::{self, Commitment};

/// 作出抽查承诺 (Commit to the routine draw)
///
/// 仅限县纪委办公室。冻结各组的可抽单位名单（本周期纳入考核、未归档的县直单位和乡镇，方案加入时
/// 还有县属企业；不含垂直管理单位和不纳入考核的单位），并事先公布种子来源及其公布时间（须在将来）。
/// 承诺对所有单位可见。重抽须作出新的承诺并写明理由，原承诺作废留档。
///
/// Office only. Freezes each group's eligible list (the cycle's assessed, active county
/// departments and towns, and county enterprises when the plan adds them; never vertical or
/// excluded units) and names the public seed source and when it publishes, which must be in
/// the future. Every unit sees the commitment. A redraw is a new commitment with a reason; the
/// earlier one stays listed, superseded.
///
/// 409: 周期不在自查、专项考核检查或复核阶段 (`routine_not_open`). 422: 公布时间不在将来
/// (`not_in_future`)，重抽没有理由，或抽查数量超过可抽单位数 (`exceeds_pool`).
#[utoipa::path(
    tag = "routine",
    params(CyclePath),
    request_body = CommitDraw,
    responses(
        (status = 201, description = "已承诺 (committed)", body = DrawView,
            headers(
                ("Location" = String, description = "承诺的 URL (URL of the draw)"),
                ("ETag" = String, description = "承诺的哈希 (a hash of the draw as shown)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/spot-checks/draws")]
pub async fn commit_routine_draw(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    body: ValidJson<CommitDraw>,
) -> Result<HttpResponse, ApiError> {
    let cycle_id = path.cycle_id;
    let body = body.0;
    let commitment = Commitment {
        seed_source: body.seed_source.as_deref().map(clean).unwrap_or_default(),
        seed_publishes_at: body
            .seed_publishes_at
            .ok_or_else(|| ApiError::field("seed_publishes_at", "required", "required"))?,
        reason: body.reason.as_deref().map(clean).filter(|r| !r.is_empty()),
    };
    let draw = db::write(&pool, user.actor(), move |conn| {
        let (draw, change) = routine::commit(conn, &user, cycle_id, commitment, Utc::now())?;
        Ok((DrawView::new(&draw, true)?, change))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, super::location(cycle_id, draw.id)))
        .insert_header((header::ETAG, ETag::of_body(&draw).0))
        .json(draw))
}
