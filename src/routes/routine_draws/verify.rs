use actix_web::{get, web};

use super::CycleDrawPath;
use super::json::DrawVerification;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::routine;

/// 核验抽查 (Verify a draw)
///
/// 按保存的种子、名单和算法版本重新计算，并说明是否与保存的结果及承诺时公布的名单哈希一致。
/// 县纪委随时可核验；全部走访记录定稿后所有角色均可核验。
///
/// Recomputes the draw from its stored seed, lists and algorithm version, and says whether the
/// stored sample and the lists' SHA-256 shown at the commitment match. The office may call it
/// at any time; every role once every visit record is final.
///
/// 403: 尚未解封 (sealed: the visits are not all final). 404: 本周期没有这次抽查. 409: 尚未录入
/// 种子 (`draw_not_seeded`).
#[utoipa::path(
    tag = "routine",
    params(CycleDrawPath),
    responses(
        (status = 200, description = "核验结果 (the verification)", body = DrawVerification),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/spot-checks/draws/{draw_id}/verify")]
pub async fn verify_routine_draw(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleDrawPath>,
) -> Result<web::Json<DrawVerification>, ApiError> {
    let (cycle_id, id) = (path.cycle_id, path.draw_id);
    let verification = db::run(&pool, move |conn| {
        routine::verify(conn, &user, cycle_id, id)
    })
    .await?;
    Ok(web::Json(verification))
}
