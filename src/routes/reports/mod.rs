//! `/api/v1/assessment-cycles/{cycle_id}/reports/…`: the office's reports of a cycle (issue 16,
//! plan §5), each served as JSON, CSV or .xlsx (`crate::reports`: `format` wins over `Accept`,
//! 406 otherwise). The office sees every report. The ranking and a unit's full report follow
//! who may see the results (`ReportRequest::answer_as`); the others are the office's alone
//! (403). What each report reads is in `ops/reports.rs`, `ops/report_ranking.rs` and
//! `ops/report_unit.rs`.

mod content_areas;
mod dashboard;
pub mod json;
mod leader_grades;
// The ranking and the exports for other assessments, a unit's full report (issue 16).
mod exports;
mod ranking;
mod unit;
// The office's report to the county committee (issue 16 item 6, task COMMITTEE).
mod committee;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::models::CycleId;
use crate::reports::{self, County, Document, FormatQuery};

/// Registers the report routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(dashboard::get_dashboard_report)
        .service(leader_grades::get_leader_grades_report)
        .service(content_areas::get_content_area_report)
        .service(ranking::get_ranking_report)
        .service(exports::get_party_building_report)
        .service(exports::get_public_evaluation_report)
        .service(unit::get_unit_report)
        .service(committee::get_committee_report)
        .service(committee::put_committee_report);
}

/// What every report handler has in hand.
pub struct ReportRequest {
    req: HttpRequest,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    county: web::Data<County>,
    cycle_id: CycleId,
    query: FormatQuery,
}

impl ReportRequest {
    /// The request of a report of `cycle_id`.
    pub fn new(
        req: HttpRequest,
        pool: web::Data<PgPool>,
        clock: web::Data<Clock>,
        county: web::Data<County>,
        cycle_id: CycleId,
        query: FormatQuery,
    ) -> Self {
        Self {
            req,
            pool,
            clock,
            county,
            cycle_id,
            query,
        }
    }

    /// Negotiates the format (406 first), reads the report with `read` in one read-only
    /// snapshot, and answers it as JSON or as `document` renders it.
    pub async fn answer<T, F>(
        self,
        read: F,
        document: fn(&T, &str) -> Document,
    ) -> Result<HttpResponse, ApiError>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut PgConnection, CycleId, DateTime<Utc>) -> Result<T, ApiError>
            + Send
            + 'static,
    {
        let format = match reports::format_of(&self.req, &self.query) {
            Ok(format) => format,
            Err(refused) => return Ok(refused.respond()),
        };
        let (id, now) = (self.cycle_id, self.clock.now());
        let report = db::run(&self.pool, move |conn| {
            conn.build_transaction()
                .read_only()
                .repeatable_read()
                .run(|conn| read(conn, id, now))
        })
        .await?;
        reports::respond(format, &report, || document(&report, &self.county.0))
    }

    /// As [`ReportRequest::answer`], for a report whose content depends on who asks (a unit's
    /// own report, the ranking a publication scope grants): `read` is given the caller.
    pub async fn answer_as<T, F>(
        self,
        user: AuthUser,
        read: F,
        document: fn(&T, &str) -> Document,
    ) -> Result<HttpResponse, ApiError>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut PgConnection, &AuthUser, CycleId, DateTime<Utc>) -> Result<T, ApiError>
            + Send
            + 'static,
    {
        self.answer(move |conn, id, now| read(conn, &user, id, now), document)
            .await
    }
}
