use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CycleResponse, CycleSettings};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::default_forms;
use crate::error::{ApiError, Problem};
use crate::http::{ETag, ValidJson};
use crate::ops::cycles::{open_cycle, plan_cycle};

/// Open a new assessment cycle
///
/// Office only. One cycle per year; every setting not given takes the plan's default (weights
/// 90/10, rectification line 75, 2 towns and 2 departments sampled, margin 2.00, due 20 September,
/// 30 September and 15 October). The cycle starts as a draft with the built-in default forms
/// for towns and county departments.
#[utoipa::path(
    tag = "cycles",
    request_body = CycleSettings,
    responses(
        (status = 201, description = "Opened", body = CycleResponse,
            headers(
                ("Location" = String, description = "URL of the new cycle"),
                ("ETag" = String)),
            ),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "A cycle for this year exists (`cycle_year_taken`)",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "Invalid settings",
            body = Problem,
            content_type = "application/problem+json",
        ),
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
