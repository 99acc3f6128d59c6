use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::{TaskList, TasksQuery};
use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::{IfNoneMatch, not_modified};
use crate::ops::tasks;

/// 我的待办 (My to-do list)
///
/// 所有角色。调用者在各未归档年度考核中的待办事项：种类、中文标题、所涉资源及其 API 路径、
/// 截止日期（北京时间当日结束）和是否逾期；按截止日期排序（无截止日期者在后）。
/// `count_only=true` 只返回数量，供 OA 门户显示角标。`ETag` 随待办变化，也随北京时间日期变化
/// （任务在午夜转为逾期）；带 `If-None-Match` 轮询，未变时得到 304。
///
/// Every role. The caller's open tasks across the cycles not yet archived: kind, Chinese
/// title, the resource with its API path, the due date (end of day, Asia/Shanghai) and whether
/// it is overdue; sorted by due date (none last), then by `since`. `count_only=true` answers
/// the counts alone, for the OA portal's badge. The `ETag` changes when the tasks change and
/// when the day turns in China (a task turns overdue at midnight); poll with `If-None-Match`
/// for a 304. Sent with `Vary: Authorization`.
#[utoipa::path(
    tag = "me",
    params(TasksQuery),
    responses((
        status = 200,
        description = "待办事项 (the caller's tasks)",
        body = TaskList,
        headers(
            ("ETag" = String, description = "待办与日期的哈希 (a hash of the tasks and the day)"),
            ("Vary" = String, description = "Authorization"),
        ),
    )),
    security(("bearer" = []))
)]
#[get("/me/tasks")]
pub async fn list_my_tasks(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    query: web::Query<TasksQuery>,
) -> Result<HttpResponse, ApiError> {
    let (now, today) = (clock.now(), clock.today());
    let count_only = query.count_only.unwrap_or(false);
    let items = db::run(&pool, move |conn| tasks::for_caller(conn, &user, now)).await?;
    let list = TaskList {
        count: items.len(),
        overdue: items.iter().filter(|t| t.overdue).count(),
        items: (!count_only).then_some(items),
    };
    let etag = ETag::of_body(&(today, &list));
    let vary = (header::VARY, "Authorization");
    if IfNoneMatch::of(&req).names(&etag) {
        let mut answer = not_modified(&etag);
        answer.headers_mut().insert(
            header::VARY,
            header::HeaderValue::from_static("Authorization"),
        );
        return Ok(answer);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag.0.clone()))
        .insert_header(vary)
        .json(list))
}
