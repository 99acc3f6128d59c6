use actix_web::{get, web};

use super::json::{DeliveryFilter, TaskDelivery};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::{Page, PageQuery, Paging};
use crate::openapi::responses::Forbidden;
use crate::ops::outbox;

/// 查看待办推送记录 (List the deliveries of task events)
///
/// 仅限考评办。推送到 OA 门户待办中心的每个事件（新建、完成、逾期）及其送达情况：已送达、
/// 待发送或发送失败（附最后一次的错误和下次重试时间）。按时间倒序。
///
/// Office only. Every event pushed to the OA portal's to-do centre (created, done, overdue)
/// and its delivery: delivered, pending, or failed (with the last error and the next retry).
/// Newest first.
///
/// 403: 调用者不是考评办 (the caller is not the office).
#[utoipa::path(
    tag = "me",
    params(DeliveryFilter, PageQuery),
    responses(
        (status = 200, description = "一页推送记录 (one page of deliveries)", body = Page<TaskDelivery>),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/task-deliveries")]
pub async fn list_task_deliveries(
    _office: Office,
    pool: web::Data<PgPool>,
    filter: web::Query<DeliveryFilter>,
    paging: Paging,
) -> Result<web::Json<Page<TaskDelivery>>, ApiError> {
    let state = filter.into_inner().state;
    let (rows, total) = db::run(&pool, move |conn| {
        outbox::deliveries(conn, state, paging.offset(), paging.per_page)
    })
    .await?;
    let items = rows.into_iter().filter_map(TaskDelivery::of).collect();
    Ok(web::Json(paging.page_of(items, total)))
}
