//! Liveness and readiness probes; open, no token needed.

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};

/// A probe's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok` or `ready`.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: the process is up
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "The process is up", body = HealthStatus))
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus { status: "ok" })
}

/// How long readiness waits for the database before answering 503: a probe must not hang.
const READY_WITHIN: Duration = Duration::from_millis(1500);

/// Readiness: the database answers (within 1.5 s, else 503)
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "The database answers", body = HealthStatus),
        (
            status = 503,
            description = "The database does not answer",
            body = Problem,
            content_type = "application/problem+json",
        ),
    )
)]
#[get("/readyz")]
pub async fn readyz(pool: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    db::run(&pool.within(READY_WITHIN), |conn| {
        diesel::sql_query("SELECT 1").execute(conn).map_err(|e| {
            tracing::warn!(error = %e, "readiness check failed");
            ApiError::Unavailable("the database does not answer".to_owned())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(HealthStatus { status: "ready" }))
}
