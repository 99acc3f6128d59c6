use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, put, web};
use serde_json::json;

use super::json::{FormResponse, PutForm};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::CycleId;
use crate::models::form::{FormKind, ScoringForm};
use crate::ops::cycles::{ensure_draft, lock_cycle};

/// Replace (or add) a scoring form
///
/// Office only, while the cycle is a draft (409 `cycle_not_draft` once it has left: forms are
/// frozen). The whole form is sent: items with their content area (1 to 7), maximum points
/// (two decimals) and deduction rules; the maxima must add up to exactly 100 (422
/// `sum_not_100`, naming the sum and the items). Replacing an existing form needs `If-Match`.
#[utoipa::path(
    tag = "forms",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        (
            "form_kind" = FormKind,
            Path,
            description = "`town`, `county_department` or `county_enterprise`",
        ),
        (
            "If-Match" = Option<String>,
            Header,
            description = "The form's current ETag; required when it exists",
        ),
    ),
    request_body = PutForm,
    responses(
        (status = 200, description = "Replaced", body = FormResponse, headers(("ETag" = String))),
        (status = 201, description = "Added", body = FormResponse,
            headers(("Location" = String, description = "URL of the form"), ("ETag" = String))),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "No such cycle",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "The cycle has left draft: its forms are frozen",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 412,
            description = "Stale If-Match",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "Invalid form; every offending field is listed",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 428,
            description = "If-Match missing for an existing form",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/forms/{form_kind}")]
pub async fn put_form(
    req: HttpRequest,
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, FormKind)>,
    body: ValidJson<PutForm>,
) -> Result<HttpResponse, ApiError> {
    let (id, kind) = path.into_inner();
    let body = body.0;
    let if_match = IfMatch::optional(&req);
    let title = body.title.as_deref().map(clean).unwrap_or_default();
    let items = body.items.unwrap_or_default();
    let (form, created) = db::write(&pool, user.actor(), move |conn| {
        let cycle = lock_cycle(conn, id)?;
        let existing = ScoringForm::for_cycle(conn, id)?
            .into_iter()
            .find(|f| f.form.form_kind == kind);
        if let Some(existing) = &existing {
            let if_match = if_match.ok_or_else(|| {
                ApiError::PreconditionRequired(
                    "replacing a form needs If-Match with its current ETag".to_owned(),
                )
            })?;
            if_match.check(&ETag::from_version(existing.form.version))?;
        }
        ensure_draft(&cycle, "forms")?;
        let form = ScoringForm::replace(conn, id, kind, &title, &items)?;
        let resource_id = format!("{id}/{kind}");
        let after = json!({"title": form.form.title, "items": items});
        let change = match existing {
            Some(old) => {
                let before = FormResponse::from(old);
                Change::updated(
                    "scoring_form",
                    resource_id,
                    &json!({"title": before.title, "items": before.items}),
                    &after,
                )
            }
            None => Change::created("scoring_form", resource_id, &after),
        };
        Ok(((form, change.action == "create"), change))
    })
    .await?;
    let etag = ETag::from_version(form.form.version).0;
    let response = FormResponse::from(form);
    Ok(if created {
        HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/assessment-cycles/{id}/forms/{kind}"),
            ))
            .insert_header((header::ETAG, etag))
            .json(response)
    } else {
        HttpResponse::Ok()
            .insert_header((header::ETAG, etag))
            .json(response)
    })
}
