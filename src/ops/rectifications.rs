//! Rectification (整改, issue 15 item 5; plan §5): a unit whose published total is at or below
//! the cycle's line owes the discipline commission a written explanation and a rectification
//! plan, by the end of the day (Asia/Shanghai) `rectification_days` after the publication in
//! which it first owes. The third member of the submitted family (`ops::submitted`): the unit
//! writes and submits it while the cycle is published (the one write a published cycle takes),
//! the office returns it with a reason or accepts it; a late one is marked late.
//!
//! [`on_publish`] makes the duties at each publication, in a fixed number of statements: a
//! newly owing unit gets its duty and deadline, one that no longer owes is `withdrawn`, one that
//! still owes keeps its deadline. `published → archived` needs every owed one accepted
//! ([`ensure_all_accepted`]).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Text, Timestamptz};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::audit::Change;
use crate::auth::{AuthUser, Role, scope};
use crate::domain::calendar::{china, is_late};
use crate::domain::lifecycle::CycleState;
use crate::domain::text::is_blank;
use crate::error::{ApiError, FieldError};
use crate::http::json::{Rules, Validate, clean};
use crate::models::attachment::OwnerKind;
use crate::models::rectification::{Rectification, RectificationDraft, RectificationStatus};
use crate::models::{AttachmentId, CycleId, RectificationId, UnitId, UnitKind};
use crate::ops::attachments::AttachmentResponse;
use crate::ops::results::{ResultFilter, compute, not_published};
use crate::ops::submitted::{
    self, Context, DocumentAt, Head, Submission, SubmittedDocument, VersionResponse,
};
use crate::schema::{assessment_cycles, result_settings};

/// A unit's rectification as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationResponse {
    /// Record id.
    pub id: RectificationId,
    /// The cycle.
    pub cycle_id: CycleId,
    /// The unit.
    pub unit_id: UnitId,
    /// `owed`, `draft`, `submitted`, `returned`, `accepted` or `withdrawn`.
    pub status: RectificationStatus,
    /// 书面说明 (the written explanation).
    pub explanation: Option<String>,
    /// 整改方案 (the rectification plan).
    pub plan: Option<String>,
    /// 截止日期: due at the end of this day, Asia/Shanghai.
    pub due_on: NaiveDate,
    /// The publication from which the unit owes it.
    pub owed_since: DateTime<Utc>,
    /// When it was last submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Whether the last submission came after the due date.
    pub late: bool,
    /// How many times it has been submitted.
    pub submission_count: i32,
    /// Why the office returned it, when it is returned.
    pub return_reason: Option<String>,
    /// Who in the office accepted it.
    pub accepted_by: Option<String>,
    /// When it was accepted.
    pub accepted_at: Option<DateTime<Utc>>,
    /// Attached files.
    pub attachments: Vec<AttachmentResponse>,
    /// Every submitted version, oldest first.
    pub versions: Vec<VersionResponse<RectificationContent>>,
    /// Version counter; the `ETag` is this number in quotes.
    pub version: i32,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// What a kept version of a rectification holds: the text and attachments as submitted.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RectificationContent {
    /// The written explanation.
    #[schema(required = true)]
    pub explanation: Option<String>,
    /// The rectification plan.
    #[schema(required = true)]
    pub plan: Option<String>,
    /// The attachments it listed.
    #[serde(default)]
    #[schema(required = true)]
    pub attachment_ids: Vec<AttachmentId>,
}

/// A rectification draft: the whole text each time, and uploads to attach.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "explanation": "我局2014年度考核得分74.50分，主要原因是廉政风险防控制度执行不到位……",
    "plan": "一、12月底前完成全部岗位廉政风险点排查；二、建立季度督查通报制度……",
    "attachment_ids": []
}))]
pub struct PutRectification {
    /// 书面说明 (the written explanation): not blank, at most 50000 characters.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 50000)]
    pub explanation: Option<String>,
    /// 整改方案 (the rectification plan): not blank, at most 50000 characters.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 50000)]
    pub plan: Option<String>,
    /// Uploaded attachments to attach (they stay attached).
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
}

impl Validate for PutRectification {
    fn check(&self, rules: &mut Rules) {
        rules.optional_text("explanation", self.explanation.as_deref(), 50_000);
        rules.optional_text("plan", self.plan.as_deref(), 50_000);
    }
}

/// The draft's text as stored: trimmed, and none when empty.
fn text_of(draft: &PutRectification) -> RectificationDraft {
    let text = |t: &Option<String>| t.as_deref().map(clean).filter(|t| !t.is_empty());
    RectificationDraft {
        explanation: text(&draft.explanation),
        plan: text(&draft.plan),
    }
}

/// The state of the cycle, read `FOR KEY SHARE` (an archiving waits for a write in flight).
fn cycle_state(conn: &mut PgConnection, cycle_id: CycleId) -> Result<CycleState, ApiError> {
    assessment_cycles::table
        .find(cycle_id)
        .select(assessment_cycles::state)
        .for_key_share()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("assessment cycle {cycle_id} does not exist")))
}

fn archived(cycle_id: CycleId) -> ApiError {
    ApiError::Conflict {
        code: "cycle_archived",
        detail: format!("cycle {cycle_id} is archived: its rectifications no longer change"),
    }
}

/// Units write their rectification only while the cycle is published: 403 `not_published`
/// before (and while the office has reopened it), 409 `cycle_archived` after.
pub fn ensure_unit_may_write(conn: &mut PgConnection, cycle_id: CycleId) -> Result<(), ApiError> {
    match cycle_state(conn, cycle_id)? {
        CycleState::Published => Ok(()),
        CycleState::Archived => Err(archived(cycle_id)),
        _ => Err(not_published()),
    }
}

/// The office judges rectifications only while the cycle is published: 409
/// `cycle_not_published` before (and while it is reopened), `cycle_archived` after.
pub fn ensure_office_may_judge(conn: &mut PgConnection, cycle_id: CycleId) -> Result<(), ApiError> {
    match cycle_state(conn, cycle_id)? {
        CycleState::Published => Ok(()),
        CycleState::Archived => Err(archived(cycle_id)),
        state => Err(ApiError::Conflict {
            code: "cycle_not_published",
            detail: format!(
                "rectifications are judged while the results are published; cycle {cycle_id} \
                 is in {state}"
            ),
        }),
    }
}

impl SubmittedDocument for Rectification {
    type Key = ();
    type Draft = PutRectification;
    type View = RectificationResponse;
    type Content = RectificationContent;
    const KIND: OwnerKind = OwnerKind::Rectification;
    const NOUN: &'static str = "rectification";

    fn head(&self) -> Head {
        Head::new(self.id, self.status, self.version, self.submission_count)
    }

    /// Only a unit that owed one at a publication has one; before the cycle's results are
    /// published it is withheld (403 `not_published`).
    fn find(
        conn: &mut PgConnection,
        at: DocumentAt<()>,
        lock: bool,
    ) -> Result<Option<Self>, ApiError> {
        let found = Rectification::find(conn, at.cycle_id, at.unit_id, lock)?;
        if found.is_none()
            && !matches!(
                cycle_state(conn, at.cycle_id)?,
                CycleState::Published | CycleState::Archived
            )
        {
            return Err(not_published());
        }
        Ok(found)
    }

    fn not_started(at: DocumentAt<()>) -> ApiError {
        ApiError::not_found(format!(
            "unit {} owes no rectification in cycle {}",
            at.unit_id, at.cycle_id
        ))
    }

    fn view(self, conn: &mut PgConnection, _: &Context) -> Result<RectificationResponse, ApiError> {
        Ok(RectificationResponse {
            attachments: crate::ops::attachments::attachments_of(conn, Self::KIND, self.id.into())?,
            versions: submitted::versions(conn, Self::KIND, self.id.into())?,
            id: self.id,
            cycle_id: self.cycle_id,
            unit_id: self.unit_id,
            status: self.status,
            explanation: self.explanation,
            plan: self.plan,
            due_on: self.due_on,
            owed_since: self.owed_since,
            submitted_at: self.submitted_at,
            late: self.late,
            submission_count: self.submission_count,
            return_reason: self.return_reason,
            accepted_by: self.accepted_by,
            accepted_at: self.accepted_at,
            version: self.version,
            updated_at: self.updated_at,
        })
    }

    fn version_of(view: &RectificationResponse) -> i32 {
        view.version
    }

    fn late_of(view: &RectificationResponse) -> bool {
        view.late
    }

    fn content(view: &RectificationResponse) -> RectificationContent {
        RectificationContent {
            explanation: view.explanation.clone(),
            plan: view.plan.clone(),
            attachment_ids: view.attachments.iter().map(|a| a.id).collect(),
        }
    }

    fn attachment_ids(draft: &PutRectification) -> &[AttachmentId] {
        &draft.attachment_ids
    }

    fn ensure_unit_phase(conn: &mut PgConnection, ctx: &Context) -> Result<(), ApiError> {
        ensure_unit_may_write(conn, ctx.cycle.id)
    }

    fn ensure_office_phase(conn: &mut PgConnection, ctx: &Context) -> Result<(), ApiError> {
        ensure_office_may_judge(conn, ctx.cycle.id)
    }

    /// Never called: a rectification exists from the publication that makes it owed, and
    /// `find` answers 404 where there is none.
    fn create(
        _: &mut PgConnection,
        at: DocumentAt<()>,
        _: &PutRectification,
    ) -> Result<Self, ApiError> {
        Err(Self::not_started(at))
    }

    fn replace(self, conn: &mut PgConnection, draft: &PutRectification) -> Result<Self, ApiError> {
        Ok(Rectification::update_draft(
            conn,
            self.id,
            self.status,
            &text_of(draft),
        )?)
    }

    /// Complete once it has both its explanation and its plan.
    fn check_complete(&self, _: &mut PgConnection, _: &Context) -> Result<(), ApiError> {
        let mut errors = Vec::new();
        for (field, text) in [("explanation", &self.explanation), ("plan", &self.plan)] {
            if text.as_deref().is_none_or(is_blank) {
                errors.push(FieldError::new(
                    field,
                    "missing",
                    format!("the rectification's {field} is required"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(errors))
        }
    }

    /// Due at the end of its own day, set by the publication that made it owed.
    fn due(&self, _: &Context) -> NaiveDate {
        self.due_on
    }

    fn mark_submitted(self, conn: &mut PgConnection, s: &Submission) -> Result<Self, ApiError> {
        Ok(Rectification::mark_submitted(
            conn,
            self.id,
            (s.at, s.late, s.number),
        )?)
    }

    fn mark_returned(self, conn: &mut PgConnection, reason: &str) -> Result<Self, ApiError> {
        Ok(Rectification::mark_returned(conn, self.id, reason)?)
    }
}

/// The office accepts a submitted rectification at `now` (403 for any other role; 409
/// `not_submitted` unless submitted, `cycle_not_published` or `cycle_archived` outside
/// publication). Returns the view and the audit record.
pub fn accept(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: DocumentAt<()>,
    now: DateTime<Utc>,
) -> Result<(RectificationResponse, Change), ApiError> {
    let ctx = submitted::context(conn, user, at.cycle_id, at.unit_id)?;
    user.require_office()?;
    ensure_office_may_judge(conn, at.cycle_id)?;
    let doc = <Rectification as SubmittedDocument>::find(conn, at, true)?
        .ok_or_else(|| Rectification::not_started(at))?;
    submitted::ensure_acceptable(doc.head())?;
    let before = doc.clone().view(conn, &ctx)?;
    let accepted = Rectification::mark_accepted(conn, doc.id, &user.sub, now)?;
    let view = accepted.view(conn, &ctx)?;
    let change = Change::changed(
        "accept",
        OwnerKind::Rectification.as_str(),
        doc.id,
        &before,
        &view,
    );
    Ok((view, change))
}

/// What a publication did to the cycle's rectifications.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Duties {
    /// The units that owe one after it.
    pub owing: Vec<i64>,
    /// Duties made (or made again) by it, due on `due_on`.
    pub new: usize,
    /// Duties withdrawn by it.
    pub withdrawn: usize,
    /// The due date of the duties it made.
    pub due_on: Option<NaiveDate>,
}

/// Marks `withdrawn` every open duty of a unit that no longer owes (an accepted one stays).
const WITHDRAW: &str = "
UPDATE rectifications SET status = 'withdrawn', version = version + 1, updated_at = $2
 WHERE cycle_id = $1 AND status NOT IN ('withdrawn', 'accepted') AND unit_id <> ALL ($3)";

/// A withdrawn duty owed again: due anew, its text kept as a draft.
const REVIVE: &str = "
UPDATE rectifications SET
       status = CASE WHEN explanation IS NULL AND plan IS NULL THEN 'owed' ELSE 'draft' END,
       due_on = $4, owed_since = $2, late = false, return_reason = NULL,
       version = version + 1, updated_at = $2
 WHERE cycle_id = $1 AND status = 'withdrawn' AND unit_id = ANY ($3)";

/// A duty for each owing unit that never had one.
const CREATE: &str = "
INSERT INTO rectifications (cycle_id, unit_id, due_on, owed_since, updated_at)
SELECT $1, owing.unit_id, $4, $2, $2 FROM unnest($3::bigint[]) AS owing (unit_id)
    ON CONFLICT (cycle_id, unit_id) DO NOTHING";

/// The days a rectification is due after publication when the office sets none (the
/// column's default in the migration).
pub const DEFAULT_RECTIFICATION_DAYS: i32 = 30;

/// The due date of a duty made by a publication `at`: `days` after its date in China.
pub fn due_after(at: DateTime<Utc>, days: i32) -> NaiveDate {
    at.with_timezone(&china()).date_naive() + Duration::days(i64::from(days))
}

/// At each publication of the cycle (at `at`, the application's clock): a unit at or below
/// the line (`ops::results::compute`) that owes nothing yet gets its duty, due
/// `rectification_days` after the publication's date (end of day, Asia/Shanghai); one that no
/// longer owes has its open duty withdrawn; one that still owes keeps its deadline. A fixed
/// number of statements whatever the county's size.
pub fn on_publish(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    at: DateTime<Utc>,
) -> Result<Duties, ApiError> {
    let results = compute(conn, cycle_id, &ResultFilter::default())?;
    let owing: Vec<i64> = results
        .units
        .iter()
        .filter(|u| u.owes_rectification == Some(true))
        .map(|u| u.unit_id.0)
        .collect();
    let days: i32 = result_settings::table
        .find(cycle_id)
        .select(result_settings::rectification_days)
        .first(conn)?;
    let due_on = due_after(at, days);
    let withdrawn = diesel::sql_query(WITHDRAW)
        .bind::<BigInt, _>(cycle_id.0)
        .bind::<Timestamptz, _>(at)
        .bind::<Array<BigInt>, _>(&owing)
        .execute(conn)?;
    let mut new = 0;
    for statement in [REVIVE, CREATE] {
        new += diesel::sql_query(statement)
            .bind::<BigInt, _>(cycle_id.0)
            .bind::<Timestamptz, _>(at)
            .bind::<Array<BigInt>, _>(&owing)
            .bind::<Date, _>(due_on)
            .execute(conn)?;
    }
    Ok(Duties {
        owing,
        new,
        withdrawn,
        due_on: Some(due_on),
    })
}

/// A unit whose rectification is not accepted yet.
#[derive(Debug, Clone, Serialize, ToSchema, QueryableByName)]
pub struct PendingRectification {
    /// The unit.
    #[diesel(sql_type = BigInt)]
    pub unit_id: i64,
    /// Its name.
    #[diesel(sql_type = Text)]
    pub unit_name: String,
    /// Where its rectification is.
    #[diesel(sql_type = Text)]
    pub status: RectificationStatus,
}

/// Answers 409 `rectifications_pending` unless every owed rectification of the cycle is
/// accepted (a withdrawn one is owed no more); the problem's `missing` lists the units.
pub fn ensure_all_accepted(conn: &mut PgConnection, cycle_id: CycleId) -> Result<(), ApiError> {
    let pending: Vec<PendingRectification> = diesel::sql_query(
        "SELECT r.unit_id, u.name AS unit_name, r.status FROM rectifications r \
         JOIN units u ON u.id = r.unit_id \
         WHERE r.cycle_id = $1 AND r.status NOT IN ('accepted', 'withdrawn') ORDER BY r.unit_id",
    )
    .bind::<BigInt, _>(cycle_id.0)
    .load(conn)?;
    if pending.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = pending
        .iter()
        .take(5)
        .map(|p| p.unit_name.as_str())
        .collect();
    Err(ApiError::Incomplete {
        code: "rectifications_pending",
        detail: format!(
            "{} unit(s) owe a rectification not yet accepted, for example {}; `missing` lists \
             each",
            pending.len(),
            names.join("、")
        ),
        missing: serde_json::json!({ "rectifications": pending }),
    })
}

/// Filters of the cycle's rectification list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RectificationFilter {
    /// 只列出此状态 (only rectifications in this state; withdrawn ones only when asked for).
    pub state: Option<RectificationStatus>,
    /// 只列出逾期（`true`）或未逾期（`false`）的 (only overdue ones, or only those not overdue).
    pub overdue: Option<bool>,
}

/// One unit's rectification in the office's list.
#[derive(Debug, Serialize, ToSchema, QueryableByName)]
#[schema(example = json!({
    "unit_id": 19, "unit_name": "县教育局", "unit_kind": "county_department",
    "status": "draft", "due_on": "2014-12-31", "late": false, "overdue": true,
    "submitted_at": null, "accepted_at": null
}))]
pub struct RectificationRow {
    /// The unit.
    #[diesel(sql_type = BigInt)]
    pub unit_id: i64,
    /// Its name.
    #[diesel(sql_type = Text)]
    pub unit_name: String,
    /// Its kind.
    #[diesel(sql_type = Text)]
    pub unit_kind: UnitKind,
    /// Where its rectification is.
    #[diesel(sql_type = Text)]
    pub status: RectificationStatus,
    /// Due at the end of this day, Asia/Shanghai.
    #[diesel(sql_type = Date)]
    pub due_on: NaiveDate,
    /// Whether the last submission was late.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub late: bool,
    /// Whether it is owed, not submitted, and past its due date (by the service's clock).
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub overdue: bool,
    /// When it was last submitted.
    #[diesel(sql_type = diesel::sql_types::Nullable<Timestamptz>)]
    pub submitted_at: Option<DateTime<Utc>>,
    /// When the office accepted it.
    #[diesel(sql_type = diesel::sql_types::Nullable<Timestamptz>)]
    pub accepted_at: Option<DateTime<Utc>>,
}

/// Whether a rectification in `status` due on `due_on` is overdue at `now`: still with the
/// unit (owed, a draft, or returned) after its due date.
pub fn is_overdue(status: RectificationStatus, due_on: NaiveDate, now: DateTime<Utc>) -> bool {
    matches!(
        status,
        RectificationStatus::Owed | RectificationStatus::Draft | RectificationStatus::Returned
    ) && is_late(due_on, now)
}

/// The cycle's rectifications the caller may see, by unit: the office all of them, an
/// inspector those of its teams' units (403 for a unit). Withdrawn ones only when `filter`
/// asks for them; `overdue` by `now`, the application's clock.
pub fn list(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    filter: &RectificationFilter,
    now: DateTime<Utc>,
) -> Result<Vec<RectificationRow>, ApiError> {
    crate::ops::cycles::find_cycle(conn, cycle_id)?;
    let only: Option<Vec<i64>> = match user.role {
        Role::Office => None,
        Role::Inspector => Some(
            scope::inspected_in_cycle(conn, &user.sub, cycle_id)?
                .into_iter()
                .map(|id| id.0)
                .collect(),
        ),
        Role::Unit => {
            return Err(ApiError::Forbidden(
                "the list of rectifications is the office's and the inspectors'".to_owned(),
            ));
        }
    };
    let mut rows: Vec<RectificationRow> = diesel::sql_query(
        "SELECT r.unit_id, u.name AS unit_name, u.kind AS unit_kind, r.status, r.due_on, \
         r.late, false AS overdue, r.submitted_at, r.accepted_at FROM rectifications r \
         JOIN units u ON u.id = r.unit_id \
         WHERE r.cycle_id = $1 AND ($2::bigint[] IS NULL OR r.unit_id = ANY ($2)) \
         AND (r.status = $3 OR ($3 IS NULL AND r.status <> 'withdrawn')) ORDER BY r.unit_id",
    )
    .bind::<BigInt, _>(cycle_id.0)
    .bind::<diesel::sql_types::Nullable<Array<BigInt>>, _>(only)
    .bind::<diesel::sql_types::Nullable<Text>, _>(filter.state.map(RectificationStatus::as_str))
    .load(conn)?;
    for row in &mut rows {
        row.overdue = is_overdue(row.status, row.due_on, now);
    }
    rows.retain(|row| filter.overdue.is_none_or(|wanted| row.overdue == wanted));
    Ok(rows)
}
