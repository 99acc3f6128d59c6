use actix_web::{HttpResponse, post, web};
use chrono::Utc;

use super::json::{PaperReceived, SelfInspectionResponse};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::http::params::CycleUnitPath;
use crate::models::self_inspection::SelfInspection;
use crate::openapi::responses::Forbidden;
use crate::ops::submitted::{self, DocumentAt};

/// 登记纸质件收到 (Record the stamped paper copy's arrival)
///
/// 仅限考评办。自查报告须同时报送纸质件和电子件（方案第六条第三款）；不填 `received_at` 时
/// 记为当前时间。 (Office only; the plan wants the report on paper and electronically, plan
/// §6(三). Without `received_at`, now.)
///
/// 403: 调用者不是考评办 (the caller is not the office). 404: 尚未开始自查，或不在调用者范围内
/// (not started, or outside the caller's scope).
#[utoipa::path(
    tag = "self-inspections",
    params(CycleUnitPath),
    request_body = PaperReceived,
    responses(
        (
            status = 200,
            description = "已登记 (recorded)",
            body = SelfInspectionResponse,
            headers(("ETag" = String, description = "Its new version in quotes")),
        ),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/paper-received")]
pub async fn record_paper_copy(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    body: ValidJson<PaperReceived>,
) -> Result<HttpResponse, ApiError> {
    let at = DocumentAt::new(path.cycle_id, path.unit_id, ());
    let received_at = body.0.received_at.unwrap_or_else(Utc::now);
    let view = db::write(&pool, user.actor(), move |conn| {
        submitted::record_paper::<SelfInspection>(conn, &user, at, received_at)
    })
    .await?;
    Ok(submitted::answer::<SelfInspection>(&view))
}
