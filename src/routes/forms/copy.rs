use actix_web::{HttpResponse, post, web};
use serde_json::json;

use super::json::{CopyForms, FormResponse};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::models::CycleId;
use crate::models::form::ScoringForm;
use crate::ops::cycles::{ensure_draft, find_cycle, lock_cycle};

/// Copy another cycle's forms into this one
///
/// Office only, while this cycle is a draft: every form of the source cycle (typically last
/// year's) replaces the form of the same kind here, in one call.
#[utoipa::path(
    tag = "forms",
    params(("cycle_id" = i64, Path, description = "The draft cycle to copy into", example = 2)),
    request_body = CopyForms,
    responses(
        (status = 200, description = "The cycle's forms after the copy", body = Vec<FormResponse>),
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
            description = "This cycle has left draft",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "Invalid body, a source cycle that does not exist, or copying a cycle \
                onto itself",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/forms/copy")]
pub async fn copy_forms(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
    body: ValidJson<CopyForms>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let source = body
        .0
        .from_cycle_id
        .ok_or_else(|| ApiError::field("from_cycle_id", "required", "required"))?;
    if source == id {
        return Err(ApiError::field(
            "from_cycle_id",
            "same_cycle",
            "a cycle cannot copy its own forms",
        ));
    }
    let forms = db::write(&pool, user.actor(), move |conn| {
        let cycle = lock_cycle(conn, id)?;
        ensure_draft(&cycle, "forms")?;
        // The source is named in the body, not the URL: a missing one is an invalid field.
        find_cycle(conn, source).map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::field(
                "from_cycle_id",
                "unknown_cycle",
                format!("assessment cycle {source} does not exist"),
            ),
            other => other,
        })?;
        let copied = ScoringForm::for_cycle(conn, source)?;
        for form in &copied {
            let items: Vec<_> = form.items.iter().map(|i| i.to_item()).collect();
            ScoringForm::replace(conn, id, form.form.form_kind, &form.form.title, &items)?;
        }
        let kinds: Vec<&str> = copied.iter().map(|f| f.form.form_kind.as_str()).collect();
        let change = Change::new(
            "copy_forms",
            "cycle",
            id,
            serde_json::Value::Null,
            json!({"from_cycle_id": source, "forms": kinds}),
        );
        Ok((ScoringForm::for_cycle(conn, id)?, change))
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        forms
            .into_iter()
            .map(FormResponse::from)
            .collect::<Vec<_>>(),
    ))
}
