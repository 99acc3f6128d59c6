use actix_web::{HttpResponse, put, web};

use super::json::{CycleUnitResponse, PutCycleUnit};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::http::params::CycleUnitPath;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus, FallbackSource, NewCycleUnit};
use crate::models::form::{FormKind, ScoringForm};
use crate::models::{Unit, UnitKind};
use crate::openapi::responses::{Conflict, Forbidden};

/// 将单位纳入或排除出本周期考核 (Add a unit to a cycle, or exclude it, with a reason)
///
/// 仅限县纪委办公室。名单锁定后登记的单位不会被自动纳入：由办公室在此增补（或排除），理由留档。
/// 周期离开筹备阶段后、结果通报前可操作。垂直管理单位只能排除；已归档单位不能纳入。
///
/// Office only. Units registered after the snapshot are not pulled in silently: the office
/// adds them here (or excludes one), and the reason stays on record. Possible once the cycle has
/// left draft and until it is published. A vertical unit can only be excluded; an archived unit
/// cannot be added.
///
/// 409: 周期处于筹备阶段 (`cycle_in_draft`) 或已通报 (`cycle_published`)，或单位已归档
/// (`unit_archived`). 422: 垂直管理单位不能纳入 (`vertical_not_assessed`)，或周期没有该考评表
/// (`no_such_form`).
#[utoipa::path(
    tag = "cycles",
    params(CycleUnitPath),
    request_body = PutCycleUnit,
    responses(
        (status = 200, description = "单位在本周期的状态 (the unit's place in the cycle)",
            body = CycleUnitResponse),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}")]
pub async fn put_cycle_unit(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    body: ValidJson<PutCycleUnit>,
) -> Result<HttpResponse, ApiError> {
    let CycleUnitPath { cycle_id, unit_id } = path.into_inner();
    let body = body.0;
    let status = body
        .status
        .ok_or_else(|| ApiError::field("status", "required", "the field `status` is required"))?;
    let actor = user.actor();
    let response = db::write(&pool, actor, move |conn| {
        let cycle = super::lock_cycle(conn, cycle_id)?;
        match cycle.state {
            CycleState::Draft => {
                return Err(ApiError::Conflict {
                    code: "cycle_in_draft",
                    detail: "the units in scope are taken when the cycle leaves draft; add or \
                        exclude units after that"
                        .to_owned(),
                });
            }
            CycleState::Published | CycleState::Archived => {
                crate::ops::cycles::refuse_published(&cycle)?;
            }
            _ => {}
        }
        let unit = Unit::find(conn, unit_id).map_err(|e| match e {
            diesel::result::Error::NotFound => ApiError::not_found(format!(
                "unit {unit_id} does \
                not exist"
            )),
            other => other.into(),
        })?;
        let available = ScoringForm::kinds(conn, cycle_id)?;
        let (form_kind, fallback_source) = match status {
            CycleUnitStatus::Assessed => {
                if unit.kind == UnitKind::Vertical {
                    return Err(ApiError::field(
                        "status",
                        "vertical_not_assessed",
                        "vertically managed units are not assessed (plan §1); exclude it with a \
                            fallback source",
                    ));
                }
                if unit.archived_at.is_some() {
                    return Err(ApiError::Conflict {
                        code: "unit_archived",
                        detail: format!("unit {unit_id} is archived"),
                    });
                }
                let form = body
                    .form_kind
                    .or_else(|| FormKind::for_unit(unit.kind, &available));
                if let Some(form) = form
                    && !available.contains(&form)
                {
                    return Err(ApiError::field(
                        "form_kind",
                        "no_such_form",
                        format!(
                            "the cycle \
                        has no {form} form"
                        ),
                    ));
                }
                (form, None)
            }
            CycleUnitStatus::Excluded => {
                let fallback = match unit.kind {
                    UnitKind::Vertical => {
                        Some(body.fallback_source.unwrap_or(FallbackSource::SelfScore))
                    }
                    _ => body.fallback_source,
                };
                (None, fallback)
            }
        };
        let before = CycleUnit::find(conn, cycle_id, unit_id)?;
        let row = NewCycleUnit {
            cycle_id,
            unit_id,
            status,
            form_kind,
            fallback_source,
            reason: body.reason.as_deref().map(clean),
            updated_by: user.sub.clone(),
        }
        .upsert(conn)?;
        let resource_id = format!("{cycle_id}/{unit_id}");
        let change = match &before {
            Some(before) => Change::updated("cycle_unit", resource_id, before, &row),
            None => Change::created("cycle_unit", resource_id, &row),
        };
        Ok((CycleUnitResponse::new(row, unit.name, unit.kind), change))
    })
    .await?;
    Ok(HttpResponse::Ok().json(response))
}
