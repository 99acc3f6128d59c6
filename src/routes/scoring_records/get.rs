use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::RecordResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::scoring::ScoringRecord;
use crate::ops::signed;
use crate::routes::params::CycleUnitPath;

/// 查看考核评分表 (A unit's score sheet)
///
/// 单位表单的每一项：考核组的扣分和计算出的得分（每项有自己的 `ETag`），旁列单位最近一次提交的
/// 自评分（相差超过本周期阈值的标为 `flagged`）；以及考核方法、移交"公述民评"的问题、总分和本轮
/// 有效的签名。被指派的考核组的成员和组长、县纪委可读；单位在结果公布后才能读自己的。
///
/// Every item of the unit's form with the team's deductions and computed points, each with its
/// own `ETag`, beside the unit's latest submitted self-score (flagged beyond the cycle's
/// margin); the methods, referrals, total, and the standing signatures. The `ETag` of the
/// sheet is a hash of the whole body.
///
/// 404: 不在调用者的权限范围内，例如另一考核组的成员 (outside the caller's scope, e.g. a member
/// of another team).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitPath),
    responses(
        (status = 200, description = "考核评分表 (The score sheet)", body = RecordResponse,
            headers(("ETag" = String, description = "整张评分表的标签 (the whole sheet's tag)"))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record")]
pub async fn get_scoring_record(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
) -> Result<HttpResponse, ApiError> {
    let sheet = db::run(&pool, move |conn| {
        signed::get::<ScoringRecord>(conn, &user, (path.cycle_id, path.unit_id))
    })
    .await?;
    // Self-scores, flags, signatures and the form feed the sheet besides its own versions, so
    // its tag is a hash of the whole body: it changes exactly when anything shown changes.
    Ok(respond_with_etag(&req, &ETag::of_body(&sheet), &sheet))
}
