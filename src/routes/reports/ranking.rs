use actix_web::{HttpRequest, HttpResponse, get, web};

use super::ReportRequest;
use super::json::{FormatQuery, RankingReport, ReportFile};
use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::PgPool;
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::openapi::responses::{Forbidden, NotAcceptable};
use crate::ops::report_ranking;
use crate::reports::County;

/// 考核结果排名表 (The ranking table, by kind and overall)
///
/// 按县里通报的格式列出考核结果：总排名和各类单位内的排名（并列同名次，之后跳过：1、1、3），
/// 每个单位的专项考核得分、日常考核得分、年度总分、档次、须整改的标“整改”，一票否决的标明；
/// 缺少材料未得出总分的单位另列并注明所缺材料，不排名；垂直管理单位的替代结果另列，不排名。
/// 数字与 `GET …/results` 相同；不含班子成员等次。Excel 格式附年度总分的柱形图。县纪委随时可看；
/// 通报后，单位看到通报范围允许的部分（本单位、同类单位或全部），考核组看到本组单位（通报设置
/// 允许时看到全部）；通报前单位为 403 `not_published`，考核组为 404。以 JSON、CSV 或 Excel
/// 提供：`format` 参数优先于 `Accept`。
///
/// The results in the layout the county circulates them: the overall ranking and the ranking
/// within each kind of unit (competition ranks, 1, 1, 3), each unit's special score, routine
/// score, total, band, a 整改 mark where it owes a rectification and a mark of a veto; units
/// whose result is incomplete listed apart with what they lack, unranked; vertical units'
/// fallbacks apart, never ranked. The numbers are those of `GET …/results`; leader grades are
/// not part of it. The .xlsx carries native column charts of the totals. The office sees it at
/// any time; after publication a unit sees what the publication scope grants (its own row, its
/// kind, or all) and an inspector their teams' units (all of them where the publication gives
/// inspectors the ranking); before it a unit gets 403 `not_published` and an inspector 404.
/// JSON, CSV or .xlsx: `format` wins over `Accept`.
#[utoipa::path(
    tag = "reports",
    params(CyclePath, FormatQuery),
    responses(
        (
            status = 200,
            description = "考核结果排名 (the ranking)",
            content(
                (RankingReport = "application/json"),
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
#[get("/assessment-cycles/{cycle_id}/reports/ranking")]
pub async fn get_ranking_report(
    user: AuthUser,
    req: HttpRequest,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    county: web::Data<County>,
    path: web::Path<CyclePath>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    ReportRequest::new(req, pool, clock, county, path.cycle_id, query.into_inner())
        .answer_as(user, report_ranking::ranking, RankingReport::document)
        .await
}
