//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection`: the unit's
//! self-inspection report and self-scores (plan §4(一)1, §6). The unit writes its own; the
//! office reads all, returns for revision and records the paper copy; inspectors read those of
//! the units their team holds in that cycle, and never write.

mod get;
pub mod json;
mod paper;
mod progress;
mod put;
mod send_back;
mod submit;
mod versions;

use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use chrono::{DateTime, Utc};
use serde_json::json;

use self::json::{FoundProblem, SelfInspectionResponse, SelfScore};
use crate::domain::points::Points;
use crate::error::ApiError;
use crate::models::UnitId;
use crate::models::attachment::OwnerKind;
use crate::models::self_inspection::SelfInspection;
use crate::ops::attachments::attachments_of;
use crate::ops::submitted::{Context, Head, PaperCopy, Submission, SubmittedDocument};

/// Registers the self-inspection routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(progress::list_self_inspection_progress)
        .service(get::get_self_inspection)
        .service(put::put_self_inspection)
        .service(submit::submit_self_inspection)
        .service(send_back::return_self_inspection)
        .service(paper::record_paper_copy)
        .service(versions::list_self_inspection_versions);
}

/// The 404 for a unit that has not started its self-inspection.
pub fn not_started(unit_id: UnitId) -> ApiError {
    ApiError::not_found(format!(
        "unit {unit_id} has not started its self-inspection"
    ))
}

/// The full view of a self-inspection.
pub fn view(
    conn: &mut PgConnection,
    doc: SelfInspection,
    items_on_form: usize,
) -> Result<SelfInspectionResponse, ApiError> {
    let scores: Vec<SelfScore> = SelfInspection::scores(conn, doc.id)?
        .into_iter()
        .map(|s| SelfScore {
            item_code: s.item_code,
            points: Points(s.points),
            note: s.note,
        })
        .collect();
    let attachments = attachments_of(conn, OwnerKind::SelfInspection, doc.id)?;
    let problems: Vec<FoundProblem> = serde_json::from_value(doc.problems).unwrap_or_default();
    Ok(SelfInspectionResponse {
        id: doc.id,
        cycle_id: doc.cycle_id,
        unit_id: doc.unit_id,
        status: doc.status,
        report: doc.report,
        total: Points::sum(scores.iter().map(|s| &s.points)),
        items_scored: scores.len(),
        items_on_form,
        scores,
        problems,
        submitted_at: doc.submitted_at,
        late: doc.late,
        submission_count: doc.submission_count,
        paper_received_at: doc.paper_received_at,
        return_reason: doc.return_reason,
        attachments,
        version: doc.version,
        updated_at: doc.updated_at,
    })
}

impl SubmittedDocument for SelfInspection {
    type View = SelfInspectionResponse;
    const KIND: OwnerKind = OwnerKind::SelfInspection;
    const NOUN: &'static str = "self-inspection";

    fn head(&self) -> Head {
        Head::new(self.id, self.status, self.version, self.submission_count)
    }

    fn view(self, conn: &mut PgConnection, ctx: &Context) -> Result<Self::View, ApiError> {
        view(conn, self, ctx.items.len())
    }

    fn version_content(view: &Self::View) -> serde_json::Value {
        json!({
            "report": view.report,
            "scores": view.scores,
            "problems": view.problems,
            "total": view.total,
            "attachment_ids": view.attachments.iter().map(|a| a.id).collect::<Vec<_>>(),
        })
    }

    /// The service computes the total from the self-scores as submitted.
    fn mark_submitted(conn: &mut PgConnection, id: i64, s: &Submission) -> Result<Self, ApiError> {
        let scores = SelfInspection::scores(conn, id)?;
        let total = Points::sum(
            scores
                .into_iter()
                .map(|s| Points(s.points))
                .collect::<Vec<_>>()
                .iter(),
        );
        Ok(SelfInspection::mark_submitted(
            conn,
            id,
            &total.0,
            (s.at, s.late, s.number),
        )?)
    }

    fn mark_returned(conn: &mut PgConnection, id: i64, reason: &str) -> Result<Self, ApiError> {
        Ok(SelfInspection::mark_returned(conn, id, reason)?)
    }
}

impl PaperCopy for SelfInspection {
    fn mark_paper_received(
        conn: &mut PgConnection,
        id: i64,
        at: DateTime<Utc>,
    ) -> Result<Self, ApiError> {
        Ok(SelfInspection::mark_paper_received(conn, id, at)?)
    }
}
