use actix_web::{HttpRequest, HttpResponse, get, web};

use super::ReportRequest;
use super::json::{ContentAreaReport, FormatQuery, ReportFile};
use crate::auth::Office;
use crate::clock::Clock;
use crate::db::PgPool;
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::openapi::responses::{Forbidden, NotAcceptable};
use crate::ops::reports;
use crate::reports::County;

/// 考核内容失分分析 (Points lost by content area)
///
/// 仅县纪委。依据已定稿的评分表：七项考核内容各自的失分率（失分占应得分的百分比），分单位
/// 类型和总体；以及全县失分最多的考评项目。这是确定下一年度工作重点的依据。Excel 格式附
/// 失分率柱形图。以 JSON、CSV 或 Excel 提供：`format` 参数优先于 `Accept`。
///
/// Office only. From the final score sheets: for each of the seven content areas, the share of
/// points lost (lost as a percentage of the points available), by kind of unit and overall;
/// and the items that lost most points county-wide: the basis of next year's priorities. The
/// .xlsx carries a native column chart of the shares. JSON, CSV or .xlsx: `format` wins over
/// `Accept`.
#[utoipa::path(
    tag = "reports",
    params(CyclePath, FormatQuery),
    responses(
        (
            status = 200,
            description = "失分分析 (the analysis)",
            content(
                (ContentAreaReport = "application/json"),
                (ReportFile = "text/csv; charset=utf-8"),
                (ReportFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            headers(
                ("Content-Disposition" = String,
                    description = "The file name (`filename*`, UTF-8, in Chinese)"),
                ("Vary" = String, description = "Accept"),
            ),
        ),
        Forbidden,
        NotAcceptable,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/reports/content-areas")]
pub async fn get_content_area_report(
    _office: Office,
    req: HttpRequest,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    county: web::Data<County>,
    path: web::Path<CyclePath>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    ReportRequest::new(req, pool, clock, county, path.cycle_id, query.into_inner())
        .answer(reports::content_areas, ContentAreaReport::document)
        .await
}
