use actix_web::{get, web};
use diesel::prelude::*;

use super::json::{AuditEntry, AuditFilter};
use crate::audit::AuditRecord;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::{Page, PageQuery, Paging};
use crate::openapi::responses::Forbidden;
use crate::schema::audit_log;

/// 查看审计日志 (Read the audit trail)
///
/// 仅限考评办。按时间倒序，可按资源、操作人和时间筛选。 (Office only. Newest first; filter by
/// resource, actor and time.)
///
/// 403: 调用者不是考评办 (the caller is not the office).
#[utoipa::path(
    tag = "audit",
    params(AuditFilter, PageQuery),
    responses(
        (status = 200, description = "一页审计记录 (one page of audit records)", body = Page<AuditEntry>),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/audit")]
pub async fn list_audit(
    _office: Office,
    pool: web::Data<PgPool>,
    filter: web::Query<AuditFilter>,
    paging: Paging,
) -> Result<web::Json<Page<AuditEntry>>, ApiError> {
    let filter = filter.into_inner();
    let (rows, total) = db::run(&pool, move |conn| {
        let query = || {
            let mut q = audit_log::table.into_boxed();
            if let Some(resource) = &filter.resource {
                q = q.filter(audit_log::resource.eq(resource.clone()));
            }
            if let Some(id) = &filter.resource_id {
                q = q.filter(audit_log::resource_id.eq(id.clone()));
            }
            if let Some(actor) = &filter.actor {
                q = q.filter(audit_log::actor_sub.eq(actor.clone()));
            }
            if let Some(from) = filter.from {
                q = q.filter(audit_log::occurred_at.ge(from));
            }
            if let Some(to) = filter.to {
                q = q.filter(audit_log::occurred_at.lt(to));
            }
            q
        };
        let total: i64 = query().count().get_result(conn)?;
        let rows = query()
            .order(audit_log::id.desc())
            .offset(paging.offset())
            .limit(paging.per_page)
            .select(AuditRecord::as_select())
            .load(conn)?;
        Ok((rows, total))
    })
    .await?;
    Ok(web::Json(paging.page_of(
        rows.into_iter().map(AuditEntry::from).collect(),
        total,
    )))
}
