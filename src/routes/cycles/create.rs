use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CycleResponse, CycleSettings};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::default_forms;
use crate::error::ApiError;
use crate::http::{ETag, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::cycles::{open_cycle, plan_cycle};

/// 开启年度考核周期 (Open a new assessment cycle)
///
/// 仅限县纪委办公室。每年一个周期；未给出的设置取方案默认值（权重 90/10，整改线 75 分，
/// 常规考核抽取乡镇、县直单位各 2 个，差异阈值 2.00 分，截止日期 9 月 20 日、9 月 30 日和
/// 10 月 15 日）。新周期处于筹备阶段，带有乡镇和县直单位的默认考评表。
///
/// Office only. One cycle per year; every setting not given takes the plan's default. The cycle
/// starts as a draft with the built-in default forms for towns and county departments.
///
/// 409: 该年度已有周期 (`cycle_year_taken`: a cycle for this year exists).
#[utoipa::path(
    tag = "cycles",
    request_body = CycleSettings,
    responses(
        (status = 201, description = "已开启 (opened)", body = CycleResponse,
            headers(
                ("Location" = String, description = "新周期的 URL (URL of the new cycle)"),
                ("ETag" = String, description = "当前版本 (current version)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles")]
pub async fn create_cycle(
    Office(user): Office,
    pool: web::Data<PgPool>,
    body: ValidJson<CycleSettings>,
) -> Result<HttpResponse, ApiError> {
    let new = plan_cycle(body.0)?;
    let templates = default_forms::templates().map_err(ApiError::internal)?;
    let cycle = db::write(&pool, user.actor(), move |conn| {
        open_cycle(conn, &new, &templates)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/assessment-cycles/{}", cycle.id),
        ))
        .insert_header((header::ETAG, ETag::from_version(cycle.version).0))
        .json(CycleResponse::from(cycle)))
}
