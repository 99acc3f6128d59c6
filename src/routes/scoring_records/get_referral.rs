use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::ReferralView;
use crate::auth::AuthUser;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleUnitReferralPath;
use crate::models::scoring::{Referral, ScoringRecord, SignedRow};
use crate::openapi::responses::Forbidden;
use crate::ops::signed;

/// 查看评分表的一项移交 (One referral of a score sheet)
///
/// 与评分表本身同样可读。移交一经记录不再改变，所以它的 `ETag`（内容的哈希）就是创建时应答的那个。
///
/// Readable exactly as the sheet is. A referral never changes, so its `ETag` (a hash of the
/// body) is the one its creation answered.
///
/// 403 `not_published`: 单位在结果公布前读自己的评分表 (the unit, before publication).
/// 404: 不在权限范围内，或不是这张评分表的移交，或已撤回 (outside the caller's scope, a referral
/// of another sheet, or one withdrawn).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitReferralPath),
    responses(
        (status = 200, description = "移交 (The referral)", body = ReferralView,
            headers(("ETag" = String))),
        // 403 `not_published`: the unit's own sheet, before publication.
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/referrals/{referral_id}")]
pub async fn get_referral(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitReferralPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleUnitReferralPath {
        cycle_id,
        unit_id,
        referral_id,
    } = path.into_inner();
    let referral = db::run(&pool, move |conn| {
        signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Read)?;
        let found = match ScoringRecord::find(conn, cycle_id, unit_id, false)? {
            Some(record) => Referral::find(conn, record.id, referral_id)?,
            None => None,
        };
        found.ok_or_else(|| ApiError::not_found(format!("no referral {referral_id}")))
    })
    .await?;
    let view = ReferralView::from(referral);
    Ok(respond_with_etag(&req, &ETag::of_body(&view), &view))
}
