//! The submitted family: a document a unit writes and submits, and the office returns with a
//! reason or accepts (self-inspection, accountability report; the rectification plan plugs in
//! here too). It covers the draft (created, then replaced under `If-Match`), the submission
//! (every one kept as a numbered version, marked late after the due date), the return (put on
//! record on the version returned), acceptance, attachments (`ops::attachments::attach`) and
//! the paper copy where one applies.
//!
//! A member implements `SubmittedDocument` for its row (its view and its table's updates);
//! the states are `domain::submitted`, the versions `models::self_inspection::DocumentVersion`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::{AuthUser, scope};
use crate::domain::calendar::is_late;
use crate::domain::lifecycle::CycleState;
use crate::domain::submitted::{Stage, refuse_accept, refuse_edit, refuse_return};
use crate::error::{ApiError, FieldError};
use crate::http::ETag;
use crate::http::conditional::IfMatch;
use crate::http::json::{Rules, Validate};
use crate::models::attachment::OwnerKind;
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
use crate::models::form::{FormItemRow, ScoringForm};
use crate::models::self_inspection::{DocumentStatus, DocumentVersion, NewDocumentVersion};
use crate::models::{CycleId, UnitId};
use crate::ops::cycles::find_cycle;

/// What every self-inspection call needs: the cycle, and the items of the unit's form.
pub struct Context {
    /// The cycle.
    pub cycle: Cycle,
    /// The items of the form the unit is scored on, in order.
    pub items: Vec<FormItemRow>,
}

/// Loads the cycle and the unit's form, answering 404 when the unit is outside the caller's
/// scope or not assessed in the cycle.
pub fn context(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<Context, ApiError> {
    if !scope::can_read_unit_in_cycle(conn, user, cycle_id, unit_id)? {
        return Err(ApiError::not_found(format!(
            "unit {unit_id} does not exist"
        )));
    }
    let cycle = find_cycle(conn, cycle_id)?;
    let place = CycleUnit::find(conn, cycle_id, unit_id)?;
    let Some(form_kind) = place
        .filter(|p| p.status == CycleUnitStatus::Assessed)
        .and_then(|p| p.form_kind)
    else {
        return Err(ApiError::not_found(format!(
            "unit {unit_id} is not assessed in cycle {cycle_id}"
        )));
    };
    let items = ScoringForm::for_cycle(conn, cycle_id)?
        .into_iter()
        .find(|f| f.form.form_kind == form_kind)
        .map(|f| f.items)
        .unwrap_or_default();
    Ok(Context { cycle, items })
}

/// Units write their documents only while the cycle is in self-inspection or special
/// inspection (409 otherwise).
pub fn ensure_open_for_units(cycle: &Cycle) -> Result<(), ApiError> {
    match cycle.state {
        CycleState::SelfInspection | CycleState::SpecialInspection => Ok(()),
        state => Err(ApiError::Conflict {
            code: "cycle_not_open",
            detail: format!(
                "units submit during self_inspection and special_inspection; \
                 cycle {} is in {state}",
                cycle.id
            ),
        }),
    }
}

/// What the family needs of a member's row.
#[derive(Debug, Clone, Copy)]
pub struct Head {
    /// Its row id.
    pub id: i64,
    /// Where it is.
    pub stage: Stage,
    /// Its version; the `ETag` is this number in quotes.
    pub version: i32,
    /// How many times it has been submitted.
    pub submission_count: i32,
}

impl Head {
    /// The head of a row stored with a `DocumentStatus`.
    pub fn new(id: i64, status: DocumentStatus, version: i32, submission_count: i32) -> Self {
        Head {
            id,
            stage: status.into(),
            version,
            submission_count,
        }
    }
}

/// A submission being recorded: when, whether late, and its version number.
#[derive(Debug, Clone, Copy)]
pub struct Submission {
    /// When.
    pub at: DateTime<Utc>,
    /// Whether after the due date (end of that day, Asia/Shanghai).
    pub late: bool,
    /// 1 for the first submission, then 2, 3 ...
    pub number: i32,
}

/// A member of the family: its row, how it is shown, and its table's updates.
pub trait SubmittedDocument: Sized + Clone {
    /// How the API shows it.
    type View: Serialize;
    /// Its kind, as attachments and versions name it (and the audit trail's resource).
    const KIND: OwnerKind;
    /// What it is called in a problem's detail.
    const NOUN: &'static str;
    /// What the family needs of the row.
    fn head(&self) -> Head;
    /// The document as the API shows it.
    fn view(self, conn: &mut PgConnection, ctx: &Context) -> Result<Self::View, ApiError>;
    /// What the kept version holds, from the view as submitted.
    fn version_content(view: &Self::View) -> serde_json::Value;
    /// Marks the row submitted (clearing any return reason, bumping the version).
    fn mark_submitted(conn: &mut PgConnection, id: i64, s: &Submission) -> Result<Self, ApiError>;
    /// Marks the row returned with `reason` (bumping the version).
    fn mark_returned(conn: &mut PgConnection, id: i64, reason: &str) -> Result<Self, ApiError>;
}

fn resource<D: SubmittedDocument>() -> &'static str {
    D::KIND.as_str()
}

/// Before a draft is replaced: needs `If-Match` (428), with the current version (412), and a
/// document the unit may still edit (409 `already_submitted`).
pub fn check_replace<D: SubmittedDocument>(
    doc: &D,
    if_match: Option<IfMatch>,
) -> Result<(), ApiError> {
    let head = doc.head();
    let if_match = if_match.ok_or_else(|| {
        ApiError::PreconditionRequired(format!(
            "changing the {} needs If-Match with its ETag",
            D::NOUN
        ))
    })?;
    if_match.check(&ETag::from_version(head.version))?;
    if let Some(reason) = refuse_edit(head.stage) {
        return Err(ApiError::Conflict {
            code: "already_submitted",
            detail: format!("the {} cannot change: {reason}", D::NOUN),
        });
    }
    Ok(())
}

/// The audit record of a saved draft: created, or updated from `before`.
pub fn draft_change<D: SubmittedDocument>(
    id: i64,
    before: Option<&D::View>,
    after: &D::View,
) -> Change {
    match before {
        Some(before) => Change::updated(resource::<D>(), id, before, after),
        None => Change::created(resource::<D>(), id, after),
    }
}

/// Answers 409 `already_submitted` when the unit may not submit the document now.
pub fn ensure_submittable<D: SubmittedDocument>(doc: &D) -> Result<(), ApiError> {
    match refuse_edit(doc.head().stage) {
        None => Ok(()),
        Some(reason) => Err(ApiError::Conflict {
            code: "already_submitted",
            detail: format!("it cannot be submitted again: {reason}"),
        }),
    }
}

/// Submits a complete document (the member checked what it needs) due on `due`: marks it
/// submitted, late after the due date, and keeps the version. Returns the view and the audit
/// record.
pub fn submit<D: SubmittedDocument>(
    conn: &mut PgConnection,
    ctx: &Context,
    doc: D,
    due: NaiveDate,
    user: &AuthUser,
) -> Result<(D::View, Change), ApiError> {
    ensure_submittable(&doc)?;
    let head = doc.head();
    let now = Utc::now();
    let submission = Submission {
        at: now,
        late: is_late(due, now),
        number: head.submission_count + 1,
    };
    let before = doc.view(conn, ctx)?;
    let updated = D::mark_submitted(conn, head.id, &submission)?;
    let content = D::version_content(&updated.clone().view(conn, ctx)?);
    NewDocumentVersion {
        document_kind: D::KIND,
        document_id: head.id,
        number: submission.number,
        content,
        submitted_by: user.sub.clone(),
        submitted_at: now,
        late: submission.late,
    }
    .insert(conn)?;
    // Shown again once the version is kept: a view may list the versions.
    let view = updated.view(conn, ctx)?;
    let change = Change::changed("submit", resource::<D>(), head.id, &before, &view);
    Ok((view, change))
}

/// Returns a submitted document for revision with `reason`: the return is put on record on the
/// version returned (409 `not_submitted` unless submitted). Returns the view and the audit
/// record.
pub fn send_back<D: SubmittedDocument>(
    conn: &mut PgConnection,
    ctx: &Context,
    doc: D,
    user: &AuthUser,
    reason: &str,
) -> Result<(D::View, Change), ApiError> {
    let head = doc.head();
    if let Some(why) = refuse_return(head.stage) {
        return Err(ApiError::Conflict {
            code: "not_submitted",
            detail: format!("it cannot be returned: {why}"),
        });
    }
    let before = doc.view(conn, ctx)?;
    DocumentVersion::mark_returned(
        conn,
        D::KIND,
        head.id,
        head.submission_count,
        &user.sub,
        reason,
    )?;
    let view = D::mark_returned(conn, head.id, reason)?.view(conn, ctx)?;
    let change = Change::changed("return", resource::<D>(), head.id, &before, &view);
    Ok((view, change))
}

/// Answers 409 `not_submitted` unless the office may accept the document now (only a
/// submitted one is accepted). A member that stores acceptance calls this, then marks its row.
pub fn ensure_acceptable(head: Head) -> Result<(), ApiError> {
    match refuse_accept(head.stage) {
        None => Ok(()),
        Some(why) => Err(ApiError::Conflict {
            code: "not_submitted",
            detail: format!("it cannot be accepted: {why}"),
        }),
    }
}

/// A member that records the stamped paper copy's arrival.
pub trait PaperCopy: SubmittedDocument {
    /// Marks the row's paper copy received at `at` (bumping the version).
    fn mark_paper_received(
        conn: &mut PgConnection,
        id: i64,
        at: DateTime<Utc>,
    ) -> Result<Self, ApiError>;
}

/// Records the paper copy's arrival at `at`. Returns the view and the audit record.
pub fn record_paper<D: PaperCopy>(
    conn: &mut PgConnection,
    ctx: &Context,
    doc: D,
    at: DateTime<Utc>,
) -> Result<(D::View, Change), ApiError> {
    let id = doc.head().id;
    let before = doc.view(conn, ctx)?;
    let view = D::mark_paper_received(conn, id, at)?.view(conn, ctx)?;
    let change = Change::changed("paper_received", resource::<D>(), id, &before, &view);
    Ok((view, change))
}

/// Every kept version of a document, oldest first.
pub fn versions(
    conn: &mut PgConnection,
    kind: OwnerKind,
    id: i64,
) -> Result<Vec<VersionResponse>, ApiError> {
    Ok(DocumentVersion::for_document(conn, kind, id)?
        .into_iter()
        .map(VersionResponse::from)
        .collect())
}

/// The office returns a submitted document for revision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "自评分与实际不符，第2.1项请补充说明并附佐证材料"}))]
pub struct ReturnDocument {
    /// Why, for the unit and the record.
    #[schema(required = true, value_type = String)]
    pub reason: Option<String>,
}

impl Validate for ReturnDocument {
    fn validate(&self) -> Vec<FieldError> {
        let mut rules = Rules::default();
        rules.required_text("reason", &self.reason, 2000);
        rules.0
    }
}

/// One submitted version, as it was submitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionResponse {
    /// 1 for the first submission, then 2, 3 ...
    pub number: i32,
    /// The content as submitted.
    pub content: serde_json::Value,
    /// Who submitted it.
    pub submitted_by: String,
    /// When.
    pub submitted_at: DateTime<Utc>,
    /// Whether it was late.
    pub late: bool,
    /// Who returned it, if it was returned.
    pub returned_by: Option<String>,
    /// When it was returned.
    pub returned_at: Option<DateTime<Utc>>,
    /// Why.
    pub return_reason: Option<String>,
}

impl From<DocumentVersion> for VersionResponse {
    fn from(v: DocumentVersion) -> Self {
        Self {
            number: v.number,
            content: v.content,
            submitted_by: v.submitted_by,
            submitted_at: v.submitted_at,
            late: v.late,
            returned_by: v.returned_by,
            returned_at: v.returned_at,
            return_reason: v.return_reason,
        }
    }
}
