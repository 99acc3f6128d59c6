//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports`: each first
//! responsible person's accountability report (述责报告, plan §6(二)), submitted by the unit,
//! with the same draft, submitted, late and returned life as the self-inspection.

mod get;
pub mod json;
mod list;
mod put;
mod send_back;
mod submit;

use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use serde_json::json;

use self::json::ReportResponse;
use crate::error::ApiError;
use crate::models::attachment::OwnerKind;
use crate::models::self_inspection::AccountabilityReport;
use crate::models::{Leader, LeaderId, UnitId};
use crate::ops::attachments::attachments_of;
use crate::ops::submitted::{self, Context, Head, Submission, SubmittedDocument};

/// Registers the accountability report routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_accountability_reports)
        .service(get::get_accountability_report)
        .service(put::put_accountability_report)
        .service(submit::submit_accountability_report)
        .service(send_back::return_accountability_report);
}

/// The leader, who must be a first responsible person of the unit (404 otherwise).
pub fn first_responsible(
    conn: &mut PgConnection,
    unit_id: UnitId,
    leader_id: LeaderId,
) -> Result<Leader, ApiError> {
    let leader = Leader::find(conn, unit_id, leader_id).map_err(|e| match e {
        diesel::result::Error::NotFound => {
            ApiError::not_found(format!("unit {unit_id} has no leader {leader_id}"))
        }
        other => other.into(),
    })?;
    if !leader.is_first_responsible {
        return Err(ApiError::not_found(format!(
            "leader {leader_id} is not a first responsible person of unit {unit_id}"
        )));
    }
    Ok(leader)
}

/// The full view of a report.
pub fn view(
    conn: &mut PgConnection,
    report: AccountabilityReport,
) -> Result<ReportResponse, ApiError> {
    let attachments = attachments_of(conn, OwnerKind::AccountabilityReport, report.id)?;
    let versions = submitted::versions(conn, OwnerKind::AccountabilityReport, report.id)?;
    Ok(ReportResponse {
        id: report.id,
        status: report.status,
        body: report.body,
        submitted_at: report.submitted_at,
        late: report.late,
        submission_count: report.submission_count,
        return_reason: report.return_reason,
        attachments,
        versions,
        version: report.version,
        updated_at: report.updated_at,
    })
}

impl SubmittedDocument for AccountabilityReport {
    type View = ReportResponse;
    const KIND: OwnerKind = OwnerKind::AccountabilityReport;
    const NOUN: &'static str = "report";

    fn head(&self) -> Head {
        Head::new(self.id, self.status, self.version, self.submission_count)
    }

    fn view(self, conn: &mut PgConnection, _: &Context) -> Result<Self::View, ApiError> {
        view(conn, self)
    }

    fn version_content(view: &Self::View) -> serde_json::Value {
        json!({
            "body": view.body,
            "attachment_ids": view.attachments.iter().map(|a| a.id).collect::<Vec<_>>(),
        })
    }

    fn mark_submitted(conn: &mut PgConnection, id: i64, s: &Submission) -> Result<Self, ApiError> {
        Ok(AccountabilityReport::mark_submitted(
            conn,
            id,
            (s.at, s.late, s.number),
        )?)
    }

    fn mark_returned(conn: &mut PgConnection, id: i64, reason: &str) -> Result<Self, ApiError> {
        Ok(AccountabilityReport::mark_returned(conn, id, reason)?)
    }
}
