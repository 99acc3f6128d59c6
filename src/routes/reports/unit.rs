use actix_web::{HttpRequest, HttpResponse, get, web};

use super::ReportRequest;
use super::json::{FormatQuery, ReportFile, UnitReport};
use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::PgPool;
use crate::error::ApiError;
use crate::http::params::CycleUnitPath;
use crate::openapi::responses::{Forbidden, NotAcceptable};
use crate::ops::report_unit;
use crate::reports::County;

/// 单位考核情况报告 (A unit's full report)
///
/// 一个单位本年度的完整考核情况：定稿评分表逐项的扣分及依据，与本单位自评得分对照；考核组采用的
/// 考核方式、移交“公述民评”事项和考核报告；日常考核得分及走访发现；年度总分、类别内排名和总排名
/// （与 `GET …/units/{unit_id}/result` 相同）；班子成员评定等次（通报设置允许时才向本单位显示）；
/// 整改情况（状态、截止日期、是否逾期）；历年结果（取自以往各年度最新一版通报），以及连续两个
/// 年度处于整改线（含）以下或最低两个档次时的预警。评分表定稿前，逐项得分、扣分、考核方式和移交
/// 事项为空。县纪委随时可看；单位在通报后看本单位的（之前为 403 `not_published`），看不到其他
/// 单位的（404）；考核组在通报后看本组单位的（否则 404）。以 JSON、CSV 或 Excel 提供：`format`
/// 参数优先于 `Accept`；Excel 含评分明细、历年结果（附年度总分折线图）和基本情况三张工作表。
///
/// A unit's whole assessment of the cycle: every item of its final score sheet with the
/// team's deductions and their grounds beside the unit's self-score; the methods the team
/// used, its referrals to the 公述民评 group and its report; the routine score and the visit's
/// findings; the total and the ranks within its kind and overall (as
/// `GET …/units/{unit_id}/result` gives them); its leaders' grades (shown to the unit only
/// where the publication settings grant it); its rectification (state, due date, late); its
/// results in earlier published cycles (the latest publication of each), and a warning where it
/// was at or below the line, or in the lowest two bands, in two cycles running. Until the sheet
/// is final its item scores, deductions, methods and referrals are empty. The office sees it
/// at any time; a unit its own after publication (403 `not_published` before), never another's
/// (404); an inspector their teams' units after publication (404 otherwise). JSON, CSV or
/// .xlsx: `format` wins over `Accept`; the .xlsx has the items, the history (with a native line
/// chart of the totals by year) and the summary.
#[utoipa::path(
    tag = "reports",
    params(CycleUnitPath, FormatQuery),
    responses(
        (
            status = 200,
            description = "单位考核情况报告 (the unit's report)",
            content(
                (UnitReport = "application/json"),
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
#[get("/assessment-cycles/{cycle_id}/reports/units/{unit_id}")]
pub async fn get_unit_report(
    user: AuthUser,
    req: HttpRequest,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    county: web::Data<County>,
    path: web::Path<CycleUnitPath>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let unit_id = path.unit_id;
    ReportRequest::new(req, pool, clock, county, path.cycle_id, query.into_inner())
        .answer_as(
            user,
            move |conn, user, cycle_id, now| report_unit::read(conn, user, cycle_id, unit_id, now),
            UnitReport::document,
        )
        .await
}
