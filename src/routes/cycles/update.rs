use actix_web::http::header;
use actix_web::{HttpResponse, patch, web};

use super::json::{CycleResponse, CycleSettings, check_combined};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::points::Points;
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::DraftCyclePath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::cycle::{Cycle, CycleChangeset};
use crate::openapi::responses::{Conflict, Forbidden};

/// 修改筹备中周期的设置 (Change a draft cycle's settings)
///
/// 仅限县纪委办公室；须带 `If-Match`。年度不能修改。
///
/// Office only; needs `If-Match`. The year cannot change.
///
/// 409: 周期已离开筹备阶段 (`cycle_not_draft`)，此后截止日期请用延期记录修改 (the cycle is no
/// longer a draft: extend a due date with a deadline extension instead).
#[utoipa::path(
    tag = "cycles",
    params(
        DraftCyclePath,
        ("If-Match" = String, Header,
            description = "周期当前的 ETag (the cycle's current ETag)", example = "\"1\""),
    ),
    request_body(
        content = CycleSettings,
        example = json!({"rectification_line": "70.00", "self_inspection_due": "2015-09-18"}),
    ),
    responses(
        (status = 200, description = "已修改 (updated)", body = CycleResponse,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[patch("/assessment-cycles/{cycle_id}")]
pub async fn update_cycle(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<DraftCyclePath>,
    if_match: IfMatch,
    body: ValidJson<CycleSettings>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let s = body.0;
    if s.year.is_some() {
        return Err(ApiError::field(
            "year",
            "immutable",
            "a cycle's year cannot change; open a new cycle instead",
        ));
    }
    let cycle = db::write(&pool, user.actor(), move |conn| {
        let current = super::lock_cycle(conn, id)?;
        crate::ops::cycles::refuse_published(&current)?;
        if_match.check(&ETag::from_version(current.version))?;
        super::ensure_draft(&current, "settings")?;
        let special = s
            .special_weight
            .clone()
            .unwrap_or_else(|| Points(current.special_weight.clone()));
        let routine = s
            .routine_weight
            .clone()
            .unwrap_or_else(|| Points(current.routine_weight.clone()));
        let dates = (
            s.self_inspection_due.unwrap_or(current.self_inspection_due),
            s.special_inspection_ends
                .unwrap_or(current.special_inspection_ends),
            s.team_reports_due.unwrap_or(current.team_reports_due),
        );
        let errors = check_combined(&special, &routine, dates);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let changes = CycleChangeset {
            title: s.title.as_deref().map(clean),
            special_weight: s.special_weight.map(|p| p.0),
            routine_weight: s.routine_weight.map(|p| p.0),
            rectification_line: s.rectification_line.map(|p| p.0),
            routine_sample_towns: s.routine_sample_towns,
            routine_sample_departments: s.routine_sample_departments,
            flag_margin: s.flag_margin.map(|p| p.0),
            self_inspection_due: s.self_inspection_due,
            special_inspection_ends: s.special_inspection_ends,
            team_reports_due: s.team_reports_due,
            state: None,
        };
        let updated = Cycle::update(conn, id, &changes)?;
        let change = Change::updated("cycle", id, &current, &updated);
        Ok((updated, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(cycle.version).0))
        .json(CycleResponse::from(cycle)))
}
