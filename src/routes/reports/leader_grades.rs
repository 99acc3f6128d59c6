use actix_web::{HttpRequest, HttpResponse, get, web};

use super::ReportRequest;
use super::json::{FormatQuery, LeaderGradesReport, ReportFile};
use crate::auth::Office;
use crate::clock::Clock;
use crate::db::PgPool;
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::openapi::responses::{Forbidden, NotAcceptable};
use crate::ops::reports;
use crate::reports::County;

/// 班子成员评定等次 (The leader grades, by unit)
///
/// 仅县纪委。各被考核单位班子成员的评定等次（好、较好、一般、差；尚未评定的也列出），按单位
/// 排列，第一责任人在前，另附各等次人数。以 JSON、CSV 或 Excel 提供：`format` 参数优先于
/// `Accept`。
///
/// Office only. Every assessed unit's leaders with their grades (good, fairly good, average,
/// poor; the ungraded listed too), unit by unit, first responsible persons first, with the
/// number of leaders per grade. JSON, CSV or .xlsx: `format` wins over `Accept`.
#[utoipa::path(
    tag = "reports",
    params(CyclePath, FormatQuery),
    responses(
        (
            status = 200,
            description = "评定等次 (the grades)",
            content(
                (LeaderGradesReport = "application/json"),
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
#[get("/assessment-cycles/{cycle_id}/reports/leader-grades")]
pub async fn get_leader_grades_report(
    _office: Office,
    req: HttpRequest,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    county: web::Data<County>,
    path: web::Path<CyclePath>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    ReportRequest::new(req, pool, clock, county, path.cycle_id, query.into_inner())
        .answer(reports::leader_grades, LeaderGradesReport::document)
        .await
}
