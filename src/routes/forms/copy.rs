use actix_web::{HttpResponse, post, web};
use serde_json::json;

use super::json::{CopyForms, FormResponse};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::DraftCyclePath;
use crate::http::{Page, ValidJson};
use crate::models::form::ScoringForm;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::cycles::{ensure_draft, find_cycle, lock_cycle};

/// 复制其他周期的考评表 (Copy another cycle's forms into this one)
///
/// 仅限县纪委办公室，且本周期处于筹备阶段：来源周期（通常是上一年度）的每张考评表一次性替换本周期
/// 同类考评表。
///
/// Office only, while this cycle is a draft: every form of the source cycle (typically last
/// year's) replaces the form of the same kind here, in one call.
///
/// 409: 本周期已离开筹备阶段 (`cycle_not_draft`). 422: 来源周期不存在 (`unknown_cycle`)，或复制
/// 自身 (`same_cycle`).
#[utoipa::path(
    tag = "forms",
    params(DraftCyclePath),
    request_body = CopyForms,
    responses(
        (status = 200, description = "复制后本周期的全部考评表 (the cycle's forms after the copy)",
            body = Page<FormResponse>),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/forms/copy")]
pub async fn copy_forms(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<DraftCyclePath>,
    body: ValidJson<CopyForms>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
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
        crate::ops::cycles::refuse_published(&cycle)?;
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
    let all = forms.into_iter().map(FormResponse::from).collect();
    Ok(HttpResponse::Ok().json(Page::<FormResponse>::whole(all)))
}
