//! The exports of the results for the other assessments (plan §5(四)): the Party-building
//! assessment and the 公述民评 group.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::ReportRequest;
use super::json::{FormatQuery, PartyBuildingExport, PublicEvaluationExport, ReportFile};
use crate::auth::Office;
use crate::clock::Clock;
use crate::db::PgPool;
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::openapi::responses::{Forbidden, NotAcceptable};
use crate::ops::report_ranking;
use crate::reports::County;

/// 报党建工作考核的考核结果 (The results for the Party-building assessment)
///
/// 仅县纪委。考核结果运用于党建工作考核（考核办法第五条第四项）：每个被考核单位的单位类型、
/// 年度总分、档次、全县名次、是否须整改、是否一票否决；未得出总分的单位注明所缺材料；垂直管理
/// 单位列出替代结果，不排名。数字与 `GET …/results` 相同。以 JSON、CSV 或 Excel 提供：`format`
/// 参数优先于 `Accept`。
///
/// Office only. The results as the Party-building assessment takes them (plan §5(四)): each
/// assessed unit's kind, total, band, overall rank, whether it owes a rectification and whether
/// a veto applies; an incomplete unit with what it lacks; vertical units' fallbacks, unranked.
/// The numbers are those of `GET …/results`. JSON, CSV or .xlsx: `format` wins over `Accept`.
#[utoipa::path(
    tag = "reports",
    params(CyclePath, FormatQuery),
    responses(
        (
            status = 200,
            description = "党建考核用考核结果 (the export)",
            content(
                (PartyBuildingExport = "application/json"),
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
#[get("/assessment-cycles/{cycle_id}/reports/party-building")]
pub async fn get_party_building_report(
    _office: Office,
    req: HttpRequest,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    county: web::Data<County>,
    path: web::Path<CyclePath>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    ReportRequest::new(req, pool, clock, county, path.cycle_id, query.into_inner())
        .answer(
            report_ranking::party_building,
            PartyBuildingExport::document,
        )
        .await
}

/// 报“公述民评”的考核结果及移交情况 (The results and referrals for the 公述民评 group)
///
/// 仅县纪委。每个被考核单位的考核结果摘要（单位类型、年度总分、档次、全县名次、是否须整改、
/// 是否一票否决），以及考核组在其评分表上记录的移交“公述民评”的失职追责情况（移交人员、事实、
/// 追责决定、记录人和日期）：每件移交一行（单位各列重复），没有移交的单位一行。以 JSON、CSV
/// 或 Excel 提供：`format` 参数优先于 `Accept`。
///
/// Office only. Each assessed unit's result summary (kind, total, band, overall rank,
/// rectification, veto) with the referrals to the 公述民评 group its team recorded on its score
/// sheet (the leader, the facts, the decision, who recorded it and when): one line per referral
/// with the unit's columns repeated, one line for a unit with none. JSON, CSV or .xlsx:
/// `format` wins over `Accept`.
#[utoipa::path(
    tag = "reports",
    params(CyclePath, FormatQuery),
    responses(
        (
            status = 200,
            description = "公述民评用考核结果 (the export)",
            content(
                (PublicEvaluationExport = "application/json"),
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
#[get("/assessment-cycles/{cycle_id}/reports/public-evaluation")]
pub async fn get_public_evaluation_report(
    _office: Office,
    req: HttpRequest,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    county: web::Data<County>,
    path: web::Path<CyclePath>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    ReportRequest::new(req, pool, clock, county, path.cycle_id, query.into_inner())
        .answer(
            report_ranking::public_evaluation,
            PublicEvaluationExport::document,
        )
        .await
}
