use actix_web::{get, web};
use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Numeric, Text, Timestamptz};

use super::json::{ProgressFilter, ProgressRow, ProgressStatus};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::points::Points;
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::{UnitId, UnitKind};
use crate::openapi::responses::Forbidden;
use crate::ops::cycles::find_cycle;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    unit_name: String,
    #[diesel(sql_type = Text)]
    unit_kind: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Bool)]
    late: bool,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    submitted_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Integer)]
    submission_count: i32,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    paper_received_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Numeric>)]
    total: Option<BigDecimal>,
    #[diesel(sql_type = BigInt)]
    reports_expected: i64,
    #[diesel(sql_type = BigInt)]
    reports_submitted: i64,
    #[diesel(sql_type = BigInt)]
    total_rows: i64,
}

/// One query for the whole page, whatever the number of units.
const PROGRESS: &str = "
SELECT cu.unit_id, u.name AS unit_name, u.kind AS unit_kind,
       CASE WHEN si.id IS NULL THEN 'missing' ELSE si.status END AS status,
       coalesce(si.late, false) AS late, si.submitted_at,
       coalesce(si.submission_count, 0) AS submission_count, si.paper_received_at, si.total,
       (SELECT count(*) FROM leaders l
         WHERE l.unit_id = cu.unit_id AND l.is_first_responsible) AS reports_expected,
       (SELECT count(*) FROM accountability_reports ar
         WHERE ar.cycle_id = cu.cycle_id AND ar.unit_id = cu.unit_id
           AND ar.status = 'submitted') AS reports_submitted,
       count(*) OVER () AS total_rows
  FROM cycle_units cu
  JOIN units u ON u.id = cu.unit_id
  LEFT JOIN self_inspections si ON si.cycle_id = cu.cycle_id AND si.unit_id = cu.unit_id
 WHERE cu.cycle_id = $1 AND cu.status = 'assessed'
   AND ($2::text IS NULL OR (CASE WHEN si.id IS NULL THEN 'missing' ELSE si.status END) = $2)
   AND ($3::bool IS NULL OR coalesce(si.late, false) = $3)
 ORDER BY cu.unit_id
 LIMIT $4 OFFSET $5";

/// 本周期自查进度 (Self-inspection progress of a cycle)
///
/// 仅限考评办。列出每个参加考核的单位：是否已提交、提交时间、是否逾期、是否被退回、纸质件是否
/// 收到、自评总分，以及述责报告收到几份。可按 `status`（`missing` 未开始、`draft` 草稿、
/// `submitted` 已提交、`returned` 已退回）和 `late` 筛选。
/// (Office only. For every assessed unit: whether it has submitted, when, whether late, whether
/// returned, whether the paper copy arrived, its total self-score, and how many of its
/// accountability reports are in.)
///
/// 403: 调用者不是考评办 (the caller is not the office). 404: 无此周期 (no such cycle).
#[utoipa::path(
    tag = "self-inspections",
    params(CyclePath, ProgressFilter, PageQuery),
    responses((
        status = 200,
        description = "一页单位及其进度 (one page of units and their progress)",
        body = Page<ProgressRow>,
    ), Forbidden),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/self-inspections")]
pub async fn list_self_inspection_progress(
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    filter: web::Query<ProgressFilter>,
    paging: Paging,
) -> Result<web::Json<Page<ProgressRow>>, ApiError> {
    let cycle_id = path.cycle_id;
    let filter = filter.into_inner();
    let rows: Vec<Row> = db::run(&pool, move |conn| {
        find_cycle(conn, cycle_id)?;
        Ok(diesel::sql_query(PROGRESS)
            .bind::<BigInt, _>(cycle_id.0)
            .bind::<Nullable<Text>, _>(filter.status.map(|s| s.as_str()))
            .bind::<Nullable<Bool>, _>(filter.late)
            .bind::<BigInt, _>(paging.per_page)
            .bind::<BigInt, _>(paging.offset())
            .load(conn)?)
    })
    .await?;
    let total = rows.first().map_or(0, |r| r.total_rows);
    let items = rows
        .into_iter()
        .map(|r| ProgressRow {
            unit_id: UnitId(r.unit_id),
            unit_name: r.unit_name,
            unit_kind: r
                .unit_kind
                .parse::<UnitKind>()
                .unwrap_or(UnitKind::CountyDepartment),
            status: r
                .status
                .parse::<ProgressStatus>()
                .unwrap_or(ProgressStatus::Missing),
            late: r.late,
            submitted_at: r.submitted_at,
            submission_count: r.submission_count,
            paper_received_at: r.paper_received_at,
            total: r.total.map(Points),
            reports_expected: r.reports_expected,
            reports_submitted: r.reports_submitted,
        })
        .collect();
    Ok(web::Json(paging.page_of(items, total)))
}
