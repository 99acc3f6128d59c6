use actix_web::{get, web};

use super::json::LeaderReport;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleUnitPath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::Leader;
use crate::models::self_inspection::AccountabilityReport;
use crate::ops::submitted::{SubmittedDocument, context};

/// 单位的述责报告 (A unit's accountability reports)
///
/// 每位第一责任人一条（乡镇为党委书记和镇长，部门、企业为其第一责任人），已开始的附上报告。
/// 读者同该单位的自查报告。
/// (One entry per first responsible person, with the report once started; readable by whoever
/// reads the unit's self-inspection.)
///
/// 404: 不在调用者范围内，或该单位未参加本周期考核 (outside the caller's scope, or not assessed).
#[utoipa::path(
    tag = "self-inspections",
    params(CycleUnitPath, PageQuery),
    responses((
        status = 200,
        description = "一页第一责任人及其报告 (one page of first responsible persons and their \
            reports)",
        body = Page<LeaderReport>,
    )),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports")]
pub async fn list_accountability_reports(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    paging: Paging,
) -> Result<web::Json<Page<LeaderReport>>, ApiError> {
    let CycleUnitPath { cycle_id, unit_id } = path.into_inner();
    let reports = db::run(&pool, move |conn| {
        let ctx = context(conn, &user, cycle_id, unit_id)?;
        let leaders: Vec<Leader> = Leader::for_unit(conn, unit_id)?
            .into_iter()
            .filter(|l| l.is_first_responsible)
            .collect();
        let total = leaders.len() as i64;
        let mut items = Vec::new();
        let on_page = leaders.into_iter().skip(paging.offset() as usize);
        for leader in on_page.take(paging.per_page as usize) {
            let report = match AccountabilityReport::find(conn, cycle_id, leader.id, false)? {
                Some(report) => Some(report.view(conn, &ctx)?),
                None => None,
            };
            items.push(LeaderReport {
                leader_id: leader.id,
                leader_name: leader.name,
                position: leader.position,
                report,
            });
        }
        Ok(paging.page_of(items, total))
    })
    .await?;
    Ok(web::Json(reports))
}
