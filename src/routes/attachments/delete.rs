use actix_web::{HttpResponse, delete, web};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::domain::submitted::refuse_edit;
use crate::error::{ApiError, Problem};
use crate::models::attachment::OwnerKind;
use crate::models::self_inspection::DocumentStatus;
use crate::schema::{accountability_reports, attachments, self_inspections};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Remove an attachment
///
/// Its uploader only, while the document it is attached to can still change (a draft, or
/// returned), and only if no submitted version lists it: what was submitted stays whole.
#[utoipa::path(
    tag = "attachments",
    params(("attachment_id" = i64, Path, description = "Attachment id", example = 12)),
    responses(
        (status = 204, description = "Removed"),
        (
            status = 403,
            description = "The caller can read it but did not upload it",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "No such attachment in the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "Its document is submitted, or a submitted version lists it",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[delete("/attachments/{attachment_id}")]
pub async fn delete_attachment(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let actor = user.actor();
    db::write(&pool, actor, move |conn| {
        let meta = super::find_readable(conn, &user, id)?;
        if meta.uploader_sub != user.sub {
            return Err(ApiError::Forbidden(
                "only the uploader removes an attachment".to_owned(),
            ));
        }
        if let (Some(kind), Some(owner)) = (meta.owner_kind, meta.owner_id) {
            let status: DocumentStatus = match kind {
                OwnerKind::SelfInspection => self_inspections::table
                    .find(owner)
                    .select(self_inspections::status)
                    .for_update()
                    .first(conn)?,
                OwnerKind::AccountabilityReport => accountability_reports::table
                    .find(owner)
                    .select(accountability_reports::status)
                    .for_update()
                    .first(conn)?,
            };
            if let Some(reason) = refuse_edit(status) {
                return Err(ApiError::Conflict {
                    code: "document_submitted",
                    detail: format!("its document cannot change: {reason}"),
                });
            }
            let listed = diesel::sql_query(
                "SELECT count(*) AS n FROM document_versions
                  WHERE document_kind = $1 AND document_id = $2
                    AND content->'attachment_ids' @> to_jsonb($3::bigint)",
            )
            .bind::<Text, _>(kind.as_str())
            .bind::<BigInt, _>(owner)
            .bind::<BigInt, _>(id)
            .get_result::<Count>(conn)?
            .n;
            if listed > 0 {
                return Err(ApiError::Conflict {
                    code: "attachment_in_submitted_version",
                    detail: "a submitted version lists this attachment; it stays on record"
                        .to_owned(),
                });
            }
        }
        diesel::delete(attachments::table.find(id)).execute(conn)?;
        let change = Change::deleted(
            "attachment",
            id,
            &serde_json::json!({
                "file_name": meta.file_name,
                "sha256": meta.sha256,
                "owner_kind": meta.owner_kind,
                "owner_id": meta.owner_id
            }),
        );
        Ok(((), change))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
