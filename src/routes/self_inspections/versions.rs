use actix_web::{get, web};

use super::json::{SelfInspectionContent, VersionResponse};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleUnitPath;
use crate::http::{Page, PageQuery};
use crate::models::self_inspection::SelfInspection;
use crate::ops::submitted::{self, DocumentAt};

/// A page of the kept versions of a self-inspection.
type Versions = Page<VersionResponse<SelfInspectionContent>>;

/// 自查报告的历次提交版本 (Every submitted version of a self-inspection)
///
/// 按提交先后排列，每个版本保持提交时的内容，被退回的附退回记录。读者同自查报告。
/// (Oldest first, each as submitted, with its return when it was returned; readable by whoever
/// reads the self-inspection.)
///
/// 404: 尚未开始自查，或不在调用者范围内 (not started, or outside the caller's scope).
#[utoipa::path(
    tag = "self-inspections",
    params(CycleUnitPath, PageQuery),
    responses((
        status = 200,
        description = "一页版本 (one page of versions)",
        body = Page<VersionResponse<SelfInspectionContent>>,
    )),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/versions")]
pub async fn list_self_inspection_versions(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Versions>, ApiError> {
    let at = DocumentAt::new(path.cycle_id, path.unit_id, ());
    let page = query.resolve().map_err(ApiError::Validation)?;
    let versions = db::run(&pool, move |conn| {
        submitted::versions_page::<SelfInspection>(conn, &user, at, page)
    })
    .await?;
    Ok(web::Json(versions))
}
