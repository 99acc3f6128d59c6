use actix_web::{HttpResponse, delete, web};
use serde_json::json;

use crate::audit::Change;
use crate::auth::Inspector;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleUnitReferralPath;
use crate::models::scoring::{Referral, ScoringRecord};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::signed;

/// 撤回移交 (Withdraw a referral)
///
/// 被指派考核组的成员和组长，在评分表定稿之前；与任何修改一样，使已有签名作废。
///
/// Members and the leader of the assigned team, while the sheet is not final; like any change,
/// it voids the signatures collected so far.
///
/// 403: 调用者是县纪委 (the caller is the office). 404: 不在权限范围内，或没有这项移交
/// (outside the caller's scope, or no such referral). 409: 评分表已定稿，或周期不在专项考核检查
/// 或复核阶段 (the sheet is final, or the cycle is not in the special inspection or the review).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitReferralPath),
    responses((status = 204, description = "已撤回 (Withdrawn)"), Forbidden, Conflict),
    security(("bearer" = []))
)]
#[delete("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/referrals/{referral_id}")]
pub async fn delete_referral(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitReferralPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleUnitReferralPath {
        cycle_id,
        unit_id,
        referral_id,
    } = path.into_inner();
    db::write(&pool, user.actor(), move |conn| {
        let at = (cycle_id, unit_id);
        signed::edit(conn, &user, at, |conn, _, record: &ScoringRecord| {
            let removed = Referral::delete(conn, record.id, referral_id)?
                .ok_or_else(|| ApiError::not_found(format!("no referral {referral_id}")))?;
            let after = json!({"facts": removed.facts, "decision": removed.decision});
            Ok(((), Change::deleted("referral", referral_id, &after)))
        })
        .map(|(_, done)| done)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
