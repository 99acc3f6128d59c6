//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection`: the unit's
//! self-inspection report and self-scores (plan §4(一)1, §6). The unit writes its own; the
//! office reads all, returns for revision and records the paper copy; inspectors read those of
//! the units their team holds in that cycle, and never write. A member of the submitted family
//! (`ops::submitted`): this module says how a self-inspection is found, shown and kept.

mod family;
pub mod json;
mod progress;

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use self::json::{
    FoundProblem, PutSelfInspection, SelfInspectionContent, SelfInspectionResponse, SelfScore,
};
use crate::domain::points::Points;
use crate::domain::text::is_blank;
use crate::error::{ApiError, FieldError};
use crate::http::json::clean;
use crate::models::SelfInspectionId;
use crate::models::self_inspection::{self as rows, SelfInspection, SelfInspectionDraft};
use crate::ops::submitted::{Context, DocumentAt, PaperCopy, Submission, submitted_member};

/// Registers the self-inspection routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(progress::list_self_inspection_progress)
        .configure(family::document_routes);
}

/// The self-scores of a self-inspection, as the API shows them.
fn scores(conn: &mut PgConnection, id: SelfInspectionId) -> Result<Vec<SelfScore>, ApiError> {
    Ok(SelfInspection::scores(conn, id)?
        .into_iter()
        .map(|s| SelfScore {
            item_code: s.item_code,
            points: Points(s.points),
            note: s.note,
        })
        .collect())
}

/// Each self-score of the draft names an item of the unit's form, within its maximum.
fn check_scores(draft: &PutSelfInspection, ctx: &Context) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, score) in draft.scores.iter().enumerate() {
        let code = score.item_code.trim();
        match ctx.items.iter().find(|item| item.code == code) {
            None => errors.push(FieldError::new(
                format!("scores[{i}].item_code"),
                "unknown_item",
                format!("item {} is not on the unit's form", score.item_code),
            )),
            Some(item) if score.points > Points(item.max_points.clone()) => {
                let max = Points(item.max_points.clone());
                errors.push(FieldError::new(
                    format!("scores[{i}].points"),
                    "over_max",
                    format!("item {} is worth at most {max}", item.code),
                ));
            }
            Some(_) => {}
        }
    }
    errors
}

/// Stores the draft's self-scores in place of the ones before.
fn store_scores(
    conn: &mut PgConnection,
    id: SelfInspectionId,
    draft: &PutSelfInspection,
) -> Result<(), ApiError> {
    let scores: Vec<rows::SelfScore> = draft
        .scores
        .iter()
        .map(|s| rows::SelfScore {
            self_inspection_id: id,
            item_code: s.item_code.trim().to_owned(),
            points: s.points.0.clone(),
            note: s.note.as_deref().map(clean).filter(|n| !n.is_empty()),
        })
        .collect();
    Ok(SelfInspection::replace_scores(conn, id, &scores)?)
}

/// The report and problems of the draft, as stored.
fn text_of(draft: &PutSelfInspection) -> SelfInspectionDraft {
    SelfInspectionDraft {
        report: draft.report.as_deref().map(clean).filter(|r| !r.is_empty()),
        problems: serde_json::to_value(&draft.problems).unwrap_or_default(),
    }
}

submitted_member! {
    SelfInspection: key (), draft PutSelfInspection, view SelfInspectionResponse,
        content SelfInspectionContent, kind SelfInspection, noun "self-inspection";

    fn find(
        conn: &mut PgConnection,
        at: DocumentAt<()>,
        lock: bool,
    ) -> Result<Option<Self>, ApiError> {
        Ok(SelfInspection::find(conn, at.cycle_id, at.unit_id, lock)?)
    }

    fn not_started(at: DocumentAt<()>) -> ApiError {
        ApiError::not_found(format!(
            "unit {} has not started its self-inspection",
            at.unit_id
        ))
    }

    fn view(self, conn: &mut PgConnection, ctx: &Context) -> Result<Self::View, ApiError> {
        let scores = scores(conn, self.id)?;
        let state = self.state(conn)?;
        let problems: Vec<FoundProblem> = serde_json::from_value(self.problems).unwrap_or_default();
        Ok(SelfInspectionResponse {
            id: self.id,
            cycle_id: self.cycle_id,
            unit_id: self.unit_id,
            report: self.report,
            total: Points::sum(scores.iter().map(|s| &s.points)),
            items_scored: scores.len(),
            items_on_form: ctx.items.len(),
            scores,
            problems,
            paper_received_at: self.paper_received_at,
            state,
        })
    }

    fn content(view: &Self::View) -> SelfInspectionContent {
        SelfInspectionContent {
            report: view.report.clone(),
            scores: view.scores.clone(),
            problems: view.problems.clone(),
            total: view.total.clone(),
            attachment_ids: view.state.attachments.iter().map(|a| a.id).collect(),
        }
    }

    fn check_draft(draft: &PutSelfInspection, ctx: &Context) -> Result<(), ApiError> {
        let errors = check_scores(draft, ctx);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(errors))
        }
    }

    fn create(
        conn: &mut PgConnection,
        at: DocumentAt<()>,
        draft: &PutSelfInspection,
    ) -> Result<Self, ApiError> {
        let doc = SelfInspection::insert_draft(conn, at.cycle_id, at.unit_id, &text_of(draft))?;
        store_scores(conn, doc.id, draft)?;
        Ok(doc)
    }

    fn replace(self, conn: &mut PgConnection, draft: &PutSelfInspection) -> Result<Self, ApiError> {
        let doc = SelfInspection::update_draft(conn, self.id, &text_of(draft))?;
        store_scores(conn, doc.id, draft)?;
        Ok(doc)
    }

    /// Every item of the unit's form scored, and the report written; what is missing is
    /// listed, the report first.
    fn check_complete(&self, conn: &mut PgConnection, ctx: &Context) -> Result<(), ApiError> {
        let scores = SelfInspection::scores(conn, self.id)?;
        let mut missing: Vec<FieldError> = ctx
            .items
            .iter()
            .filter(|item| !scores.iter().any(|s| s.item_code == item.code))
            .map(|item| {
                let detail = format!("item {} ({}) has no self-score", item.code, item.title);
                FieldError::new(format!("scores.{}", item.code), "missing", detail)
            })
            .collect();
        if self.report.as_deref().is_none_or(is_blank) {
            let detail = "the written self-inspection report is required";
            missing.insert(0, FieldError::new("report", "missing", detail));
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(missing))
        }
    }

    /// The service computes the total from the self-scores as submitted.
    fn mark_submitted(self, conn: &mut PgConnection, s: &Submission) -> Result<Self, ApiError> {
        let scores = scores(conn, self.id)?;
        let total = Points::sum(scores.iter().map(|s| &s.points));
        SelfInspection::record_total(conn, self.id, &total.0)?;
        Ok(SelfInspection::mark_submitted(
            conn,
            self.id,
            (s.at, s.late, s.number),
        )?)
    }
}

impl PaperCopy for SelfInspection {
    fn mark_paper_received(
        self,
        conn: &mut PgConnection,
        at: DateTime<Utc>,
    ) -> Result<Self, ApiError> {
        Ok(SelfInspection::mark_paper_received(conn, self.id, at)?)
    }
}
