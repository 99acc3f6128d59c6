use actix_web::{HttpRequest, HttpResponse, get, web};

use super::ReportRequest;
use super::json::{Dashboard, FormatQuery, ReportFile};
use crate::auth::Office;
use crate::clock::Clock;
use crate::db::PgPool;
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::openapi::responses::{Forbidden, NotAcceptable};
use crate::ops::reports;
use crate::reports::County;

/// 考核进度 (The cycle's dashboard)
///
/// 仅县纪委。本年度考核各阶段的进度：自查报告和述责报告（含逾期提交和纸质材料）、考核组分工、
/// 评分表和考核报告的状态、民主测评、日常考核抽查与走访、日常考核得分，每项列出数量及所涉单位；
/// 以及推进到下一阶段还受什么阻碍（与阶段推进所用的检查相同）。以 JSON、CSV 或 Excel 提供：
/// `format` 参数优先于 `Accept`。
///
/// Office only. The progress of every stage of the cycle, each count with the units behind it:
/// self-inspections and accountability reports (late ones and paper copies), the teams'
/// shares, sheets and team reports by state, evaluation rounds, the routine draw and visits,
/// routine scores; and what still blocks the next transition, from the guards the transition
/// runs. JSON, CSV or .xlsx: `format` wins over `Accept`.
#[utoipa::path(
    tag = "reports",
    params(CyclePath, FormatQuery),
    responses(
        (
            status = 200,
            description = "考核进度 (the dashboard)",
            content(
                (Dashboard = "application/json"),
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
#[get("/assessment-cycles/{cycle_id}/reports/dashboard")]
pub async fn get_dashboard_report(
    _office: Office,
    req: HttpRequest,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    county: web::Data<County>,
    path: web::Path<CyclePath>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    ReportRequest::new(req, pool, clock, county, path.cycle_id, query.into_inner())
        .answer(reports::dashboard, Dashboard::document)
        .await
}
