use actix_web::{HttpResponse, delete, web};

use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::AttachmentPath;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::attachments::remove;

/// 删除附件 (Remove an attachment)
///
/// 仅限上传者本人，且只在所附文档仍可修改（草稿或已退回）、没有任何已提交版本列出它时：已提交的
/// 内容保持完整。 (Its uploader only, while the document it is attached to can still change,
/// and only if no submitted version lists it: what was submitted stays whole.)
///
/// 403: 调用者能看到它但不是上传者 (the caller can read it but did not upload it). 404: 调用者
/// 范围内无此附件 (no such attachment in the caller's scope). 409: 所附文档已提交
/// (`document_submitted`)，或某个已提交版本列出了它 (`attachment_in_submitted_version`).
#[utoipa::path(
    tag = "attachments",
    params(AttachmentPath),
    responses((status = 204, description = "已删除 (removed)"), Forbidden, Conflict),
    security(("bearer" = []))
)]
#[delete("/attachments/{attachment_id}")]
pub async fn delete_attachment(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<AttachmentPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.attachment_id;
    db::write(&pool, user.actor(), move |conn| {
        Ok(((), remove(conn, &user, id)?))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
