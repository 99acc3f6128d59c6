use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, put, web};
use serde_json::json;

use super::json::{FormResponse, PutForm};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::DraftCycleFormPath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::form::ScoringForm;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::cycles::{ensure_draft, lock_cycle};

/// 替换（或新增）考评表 (Replace or add a scoring form)
///
/// 仅限县纪委办公室，且周期处于筹备阶段。提交整张表：各评分项的内容类别（1 至 7）、满分（两位
/// 小数）和扣分规则；各项满分之和须恰为 100（否则 422 `sum_not_100`，指明合计和各项）。替换已有
/// 考评表须带 `If-Match`。
///
/// Office only, while the cycle is a draft. The whole form is sent: items with their content
/// area (1 to 7), maximum points (two decimals) and deduction rules; the maxima must add up to
/// exactly 100. Replacing an existing form needs `If-Match`.
///
/// 409: 周期已离开筹备阶段，考评表已冻结 (`cycle_not_draft`: the forms are frozen).
#[utoipa::path(
    tag = "forms",
    params(
        DraftCycleFormPath,
        (
            "If-Match" = Option<String>,
            Header,
            description = "考评表当前的 ETag；替换已有考评表时必填 (the form's current ETag; \
                required when it exists)",
        ),
    ),
    request_body = PutForm,
    responses(
        (status = 200, description = "已替换 (replaced)", body = FormResponse,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        (status = 201, description = "已新增 (added)", body = FormResponse,
            headers(
                ("Location" = String, description = "考评表的 URL (URL of the form)"),
                ("ETag" = String, description = "当前版本 (current version)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/forms/{form_kind}")]
pub async fn put_form(
    req: HttpRequest,
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<DraftCycleFormPath>,
    body: ValidJson<PutForm>,
) -> Result<HttpResponse, ApiError> {
    let DraftCycleFormPath {
        cycle_id: id,
        form_kind: kind,
    } = path.into_inner();
    let body = body.0;
    let if_match = IfMatch::optional(&req);
    let title = body.title.as_deref().map(clean).unwrap_or_default();
    let items = body.items.unwrap_or_default();
    let (form, created) = db::write(&pool, user.actor(), move |conn| {
        let cycle = lock_cycle(conn, id)?;
        crate::ops::cycles::refuse_published(&cycle)?;
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
