//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports`: each first
//! responsible person's accountability report (述责报告, plan §6(二)), submitted by the unit.
//! A member of the submitted family (`ops::submitted`), with the same draft, submitted, late
//! and returned life as the self-inspection: this module says how a report is found, shown and
//! kept.

mod family;
pub mod json;
mod list;

use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use self::json::{PutReport, ReportContent, ReportResponse};
use crate::domain::text::is_blank;
use crate::error::ApiError;
use crate::http::json::clean;
use crate::models::self_inspection::{AccountabilityReport, ReportDraft};
use crate::models::{Leader, LeaderId, UnitId};
use crate::ops::submitted::{self, Context, DocumentAt, Submission, submitted_member};

/// Registers the accountability report routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_accountability_reports)
        .configure(family::document_routes);
}

/// The leader, who must be a first responsible person of the unit (404 otherwise).
fn first_responsible(
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

/// The report's text as stored: trimmed, and none when empty.
fn text_of(draft: &PutReport) -> ReportDraft {
    ReportDraft {
        body: draft.body.as_deref().map(clean).filter(|b| !b.is_empty()),
    }
}

submitted_member! {
    AccountabilityReport: key LeaderId, draft PutReport, view ReportResponse,
        content ReportContent, kind AccountabilityReport, noun "report";

    /// Only a first responsible person of the unit has a report (404 for anyone else).
    fn find(
        conn: &mut PgConnection,
        at: DocumentAt<LeaderId>,
        lock: bool,
    ) -> Result<Option<Self>, ApiError> {
        first_responsible(conn, at.unit_id, at.key)?;
        Ok(AccountabilityReport::find(conn, at.cycle_id, at.key, lock)?)
    }

    fn not_started(at: DocumentAt<LeaderId>) -> ApiError {
        ApiError::not_found(format!(
            "leader {} has no report in cycle {} yet",
            at.key, at.cycle_id
        ))
    }

    fn view(self, conn: &mut PgConnection, _: &Context) -> Result<ReportResponse, ApiError> {
        let state = self.state(conn)?;
        Ok(ReportResponse {
            id: self.id,
            versions: submitted::versions(conn, Self::KIND, self.id.into())?,
            body: self.body,
            state,
        })
    }

    fn content(view: &ReportResponse) -> ReportContent {
        ReportContent {
            body: view.body.clone(),
            attachment_ids: view.state.attachments.iter().map(|a| a.id).collect(),
        }
    }

    fn create(
        conn: &mut PgConnection,
        at: DocumentAt<LeaderId>,
        draft: &PutReport,
    ) -> Result<Self, ApiError> {
        let place = (at.cycle_id, at.unit_id, at.key);
        Ok(AccountabilityReport::insert_draft(
            conn,
            place,
            &text_of(draft),
        )?)
    }

    fn replace(self, conn: &mut PgConnection, draft: &PutReport) -> Result<Self, ApiError> {
        Ok(AccountabilityReport::update_draft(
            conn,
            self.id,
            &text_of(draft),
        )?)
    }

    /// A report is complete once it has its text.
    fn check_complete(&self, _: &mut PgConnection, _: &Context) -> Result<(), ApiError> {
        if self.body.as_deref().is_none_or(is_blank) {
            return Err(ApiError::field(
                "body",
                "missing",
                "the report's text is required",
            ));
        }
        Ok(())
    }

    fn mark_submitted(self, conn: &mut PgConnection, s: &Submission) -> Result<Self, ApiError> {
        let submission = (s.at, s.late, s.number);
        Ok(AccountabilityReport::mark_submitted(
            conn, self.id, submission,
        )?)
    }
}
