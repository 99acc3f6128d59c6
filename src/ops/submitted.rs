//! The submitted family: a document a unit writes and submits, and the office returns with a
//! reason or accepts (self-inspection, accountability report, rectification). It covers reading
//! it, the draft (created, or started where it is owed, then replaced under `If-Match`, with its
//! attachments), the submission (every one kept as a numbered version, marked late after
//! the due date), the return (put on record on the version returned), acceptance, and the
//! paper copy where one applies. Each operation takes the caller and where the document is,
//! applies the family's rule for who may do it, and returns what the handler sends with the
//! audit record.
//!
//! A member implements `SubmittedDocument` for its row (how it is found, shown and kept, and
//! its table's updates); the states are `domain::submitted`, the versions
//! `models::self_inspection::DocumentVersion`.

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::{AuthUser, scope};
use crate::domain::calendar::is_late;
use crate::domain::lifecycle::CycleState;
use crate::domain::submitted::{Stage, refuse_accept, refuse_edit, refuse_return};
use crate::error::{ApiError, FieldError};
use crate::http::conditional::IfMatch;
use crate::http::json::{Rules, Validate};
use crate::http::{ETag, Page, Paging};
use crate::models::attachment::OwnerKind;
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
use crate::models::form::{FormItemRow, ScoringForm};
use crate::models::self_inspection::{DocumentStatus, DocumentVersion, NewDocumentVersion};
use crate::models::{AttachmentId, CycleId, DocumentId, UnitId};
use crate::ops::attachments::{AttachmentResponse, attach};
use crate::ops::cycles::{ensure_not_published, find_cycle};

/// Where a member's document is: a unit's, in a cycle, named within the unit by the member's
/// key (`()` for the self-inspection, of which a unit has one; the leader for an
/// accountability report).
#[derive(Debug, Clone, Copy)]
pub struct DocumentAt<K> {
    /// The cycle.
    pub cycle_id: CycleId,
    /// The unit whose document it is.
    pub unit_id: UnitId,
    /// Which of the unit's documents of this kind.
    pub key: K,
}

impl<K> DocumentAt<K> {
    /// The document named `key` of the unit in the cycle.
    pub fn new(cycle_id: CycleId, unit_id: UnitId, key: K) -> Self {
        Self {
            cycle_id,
            unit_id,
            key,
        }
    }
}

/// What every call on a unit's document needs: the cycle, and the items of the unit's form.
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
    pub id: DocumentId,
    /// Where it is.
    pub stage: Stage,
    /// Its version; the `ETag` is this number in quotes.
    pub version: i32,
    /// How many times it has been submitted.
    pub submission_count: i32,
}

impl Head {
    /// The head of a row stored with a `DocumentStatus` (or a member's own status).
    pub fn new(
        id: impl Into<DocumentId>,
        status: impl Into<Stage>,
        version: i32,
        submission_count: i32,
    ) -> Self {
        Head {
            id: id.into(),
            stage: status.into(),
            version,
            submission_count,
        }
    }
}

/// Where a submitted document stands: the part every member shows alike, flattened into its
/// view (`#[serde(flatten)]`, an `allOf` part in the contract).
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedState {
    /// `draft`, `submitted` or `returned`.
    pub status: DocumentStatus,
    /// When it was last submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Whether the last submission came after the due date (end of day, Asia/Shanghai).
    pub late: bool,
    /// How many times it has been submitted.
    pub submission_count: i32,
    /// Why the office returned it, when it is returned.
    pub return_reason: Option<String>,
    /// Attached files.
    pub attachments: Vec<AttachmentResponse>,
    /// Version counter; the `ETag` is this number in quotes.
    pub version: i32,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
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

/// A member of the family: how its row is found, shown and kept, and its table's updates.
pub trait SubmittedDocument: Sized + Clone {
    /// What names one of a unit's documents of this kind (`()` when a unit has one).
    type Key: Copy;
    /// A draft as the unit sends it.
    type Draft;
    /// How the API shows it.
    type View: Serialize;
    /// What a kept version holds.
    type Content: Serialize + DeserializeOwned;
    /// Its kind, as attachments and versions name it (and the audit trail's resource).
    const KIND: OwnerKind;
    /// What it is called in a problem's detail.
    const NOUN: &'static str;

    /// What the family needs of the row.
    fn head(&self) -> Head;
    /// The document at `at`, if started (locked for update when `lock`); 404 when the key
    /// names nothing that may have this document in the unit.
    fn find(
        conn: &mut PgConnection,
        at: DocumentAt<Self::Key>,
        lock: bool,
    ) -> Result<Option<Self>, ApiError>;
    /// The 404 for a document not started.
    fn not_started(at: DocumentAt<Self::Key>) -> ApiError;
    /// The document as the API shows it.
    fn view(self, conn: &mut PgConnection, ctx: &Context) -> Result<Self::View, ApiError>;
    /// The version the view shows (its `ETag` in quotes).
    fn version_of(view: &Self::View) -> i32;
    /// Whether the view's last submission was late.
    fn late_of(view: &Self::View) -> bool;

    /// What the kept version holds, from the view as submitted.
    fn content(view: &Self::View) -> Self::Content;
    /// The uploads a draft attaches.
    fn attachment_ids(draft: &Self::Draft) -> &[AttachmentId];
    /// Whether units may write it now (save, submit): by default while the cycle is open to
    /// units and not published (409 `cycle_published`, `cycle_not_open`).
    fn ensure_unit_phase(conn: &mut PgConnection, ctx: &Context) -> Result<(), ApiError> {
        ensure_not_published(conn, ctx.cycle.id)?;
        ensure_open_for_units(&ctx.cycle)
    }
    /// Whether the office may judge it now (return, accept, paper copy): by default until the
    /// cycle is published (409 `cycle_published`).
    fn ensure_office_phase(conn: &mut PgConnection, ctx: &Context) -> Result<(), ApiError> {
        ensure_not_published(conn, ctx.cycle.id)
    }
    /// Checks a draft against the unit's form (422 listing every offending field).
    fn check_draft(_draft: &Self::Draft, _ctx: &Context) -> Result<(), ApiError> {
        Ok(())
    }
    /// Starts the document with the draft.
    fn create(
        conn: &mut PgConnection,
        at: DocumentAt<Self::Key>,
        draft: &Self::Draft,
    ) -> Result<Self, ApiError>;
    /// Replaces the draft (bumping the version).
    fn replace(self, conn: &mut PgConnection, draft: &Self::Draft) -> Result<Self, ApiError>;
    /// Checks it is complete enough to submit (422 listing what is missing).
    fn check_complete(&self, conn: &mut PgConnection, ctx: &Context) -> Result<(), ApiError>;
    /// The due date of its submission (the cycle's, unless the document has its own).
    fn due(&self, ctx: &Context) -> NaiveDate {
        ctx.cycle.self_inspection_due
    }
    /// Marks the row submitted (clearing any return reason, bumping the version).
    fn mark_submitted(self, conn: &mut PgConnection, s: &Submission) -> Result<Self, ApiError>;
    /// Marks the row returned with `reason` (bumping the version).
    fn mark_returned(self, conn: &mut PgConnection, reason: &str) -> Result<Self, ApiError>;
}

/// Implements `SubmittedDocument` for a member's row. The member names its key, types, kind
/// and noun, and writes the steps that are its own (`find`, `not_started`, `view`, `content`,
/// `create`, `replace`, `check_complete`, `mark_submitted`, and `check_draft` or `due` where it
/// has them); what every row of `submitted_table!` has alike is written here once: its `head`
/// (id, status, version, submissions), the view's `version`, the draft's `attachment_ids`, and
/// `mark_returned`.
///
/// ```ignore
/// submitted_member! {
///     AccountabilityReport: key LeaderId, draft PutReport, view ReportResponse,
///         content ReportContent, kind AccountabilityReport, noun "report";
///     fn find(…) -> … { … }
///     …
/// }
/// ```
macro_rules! submitted_member {
    (
        $row:ident: key $key:ty, draft $draft:ident, view $view:ident,
            content $content:ident, kind $kind:ident, noun $noun:literal;
        $($steps:tt)*
    ) => {
        impl $crate::ops::submitted::SubmittedDocument for $row {
            type Key = $key;
            type Draft = $draft;
            type View = $view;
            type Content = $content;
            const KIND: $crate::models::attachment::OwnerKind =
                $crate::models::attachment::OwnerKind::$kind;
            const NOUN: &'static str = $noun;

            fn head(&self) -> $crate::ops::submitted::Head {
                $crate::ops::submitted::Head::new(
                    self.id,
                    self.status,
                    self.version,
                    self.submission_count,
                )
            }

            fn version_of(view: &$view) -> i32 {
                view.state.version
            }

            fn late_of(view: &$view) -> bool {
                view.state.late
            }

            fn attachment_ids(draft: &$draft) -> &[$crate::models::AttachmentId] {
                &draft.attachment_ids
            }

            fn mark_returned(
                self,
                conn: &mut diesel::PgConnection,
                reason: &str,
            ) -> Result<Self, $crate::error::ApiError> {
                Ok($row::mark_returned(conn, self.id, reason)?)
            }

            $($steps)*
        }

        impl $row {
            /// Where it stands, with its attachments: the part of its view every member
            /// shares.
            fn state(
                &self,
                conn: &mut diesel::PgConnection,
            ) -> Result<$crate::ops::submitted::SubmittedState, $crate::error::ApiError> {
                use $crate::ops::submitted::SubmittedDocument;
                Ok($crate::ops::submitted::SubmittedState {
                    status: self.status,
                    submitted_at: self.submitted_at,
                    late: self.late,
                    submission_count: self.submission_count,
                    return_reason: self.return_reason.clone(),
                    attachments: $crate::ops::attachments::attachments_of(
                        conn,
                        <Self as SubmittedDocument>::KIND,
                        self.id.into(),
                    )?,
                    version: self.version,
                    updated_at: self.updated_at,
                })
            }
        }
    };
}

pub(crate) use submitted_member;

fn resource<D: SubmittedDocument>() -> &'static str {
    D::KIND.as_str()
}

fn load<D: SubmittedDocument>(
    conn: &mut PgConnection,
    at: DocumentAt<D::Key>,
    lock: bool,
) -> Result<D, ApiError> {
    D::find(conn, at, lock)?.ok_or_else(|| D::not_started(at))
}

/// Reads a document: whoever may read the unit in the cycle (404 otherwise, and when not
/// started).
pub fn read<D: SubmittedDocument>(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: DocumentAt<D::Key>,
) -> Result<D::View, ApiError> {
    let ctx = context(conn, user, at.cycle_id, at.unit_id)?;
    load::<D>(conn, at, false)?.view(conn, &ctx)
}

/// A saved draft: the document, and whether this call started it.
#[derive(Debug)]
pub struct Saved<V> {
    /// The document as saved.
    pub view: V,
    /// Whether it was started now (201) rather than replaced (200).
    pub created: bool,
}

/// Saves the unit's draft while the cycle is open to units (409 `cycle_not_open`): starts the
/// document, or replaces it under `If-Match` (428 without, 412 stale) while the unit may
/// still edit it (409 `already_submitted`), and attaches the draft's uploads. Returns what was
/// saved and the audit record.
pub fn save_draft<D: SubmittedDocument>(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: DocumentAt<D::Key>,
    if_match: Option<IfMatch>,
    draft: &D::Draft,
) -> Result<(Saved<D::View>, Change), ApiError> {
    let ctx = context(conn, user, at.cycle_id, at.unit_id)?;
    D::ensure_unit_phase(conn, &ctx)?;
    D::check_draft(draft, &ctx)?;
    let (doc, before, created) = match D::find(conn, at, true)? {
        // An owed document exists before the unit writes: its first draft starts it (201).
        Some(doc) if doc.head().stage == Stage::Owed => {
            if let Some(if_match) = if_match {
                if_match.check(&ETag::from_version(doc.head().version))?;
            }
            let before = doc.clone().view(conn, &ctx)?;
            (doc.replace(conn, draft)?, Some(before), true)
        }
        Some(doc) => {
            check_replace(&doc, if_match)?;
            let before = doc.clone().view(conn, &ctx)?;
            (doc.replace(conn, draft)?, Some(before), false)
        }
        None => (D::create(conn, at, draft)?, None, true),
    };
    let id = doc.head().id;
    attach(conn, user, D::attachment_ids(draft), D::KIND, id)?;
    let view = doc.view(conn, &ctx)?;
    let change = match &before {
        Some(before) => Change::updated(resource::<D>(), id, before, &view),
        None => Change::created(resource::<D>(), id, &view),
    };
    Ok((Saved { view, created }, change))
}

/// Before a draft is replaced: needs `If-Match` (428), with the current version (412), and a
/// document the unit may still edit (409 `already_submitted`).
fn check_replace<D: SubmittedDocument>(doc: &D, if_match: Option<IfMatch>) -> Result<(), ApiError> {
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

/// Answers 409 `already_submitted` when the unit may not submit the document now.
fn ensure_submittable<D: SubmittedDocument>(doc: &D) -> Result<(), ApiError> {
    match refuse_edit(doc.head().stage) {
        None => Ok(()),
        Some(reason) => Err(ApiError::Conflict {
            code: "already_submitted",
            detail: format!("it cannot be submitted again: {reason}"),
        }),
    }
}

/// Submits the unit's document while the cycle is open to units (409 `cycle_not_open`), once
/// it is complete (422 listing what is missing) and unless it is submitted already (409
/// `already_submitted`): marks it submitted, late after its due date (at `now`, the
/// application's clock), and keeps the version.
/// Returns the view and the audit record.
pub fn submit<D: SubmittedDocument>(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: DocumentAt<D::Key>,
    now: DateTime<Utc>,
) -> Result<(D::View, Change), ApiError> {
    let ctx = context(conn, user, at.cycle_id, at.unit_id)?;
    D::ensure_unit_phase(conn, &ctx)?;
    let doc = load::<D>(conn, at, true)?;
    ensure_submittable(&doc)?;
    doc.check_complete(conn, &ctx)?;
    let head = doc.head();
    let submission = Submission {
        at: now,
        late: is_late(doc.due(&ctx), now),
        number: head.submission_count + 1,
    };
    let before = doc.clone().view(conn, &ctx)?;
    let updated = doc.mark_submitted(conn, &submission)?;
    let content = D::content(&updated.clone().view(conn, &ctx)?);
    NewDocumentVersion {
        document_kind: D::KIND,
        document_id: head.id,
        number: submission.number,
        content: serde_json::to_value(content).map_err(ApiError::internal)?,
        submitted_by: &user.sub,
        submitted_at: now,
        late: submission.late,
    }
    .insert(conn)?;
    // Shown again once the version is kept: a view may list the versions.
    let view = updated.view(conn, &ctx)?;
    let change = Change::changed("submit", resource::<D>(), head.id, &before, &view);
    Ok((view, change))
}

/// The office returns a submitted document for revision with `reason` (403 for any other
/// role; 409 `not_submitted` unless submitted): the return is put on record on the version
/// returned. Returns the view and the audit record.
pub fn send_back<D: SubmittedDocument>(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: DocumentAt<D::Key>,
    reason: &str,
) -> Result<(D::View, Change), ApiError> {
    let ctx = context(conn, user, at.cycle_id, at.unit_id)?;
    user.require_office()?;
    D::ensure_office_phase(conn, &ctx)?;
    let doc = load::<D>(conn, at, true)?;
    let head = doc.head();
    if let Some(why) = refuse_return(head.stage) {
        return Err(ApiError::Conflict {
            code: "not_submitted",
            detail: format!("it cannot be returned: {why}"),
        });
    }
    let before = doc.clone().view(conn, &ctx)?;
    let returned = (user.sub.as_str(), reason);
    DocumentVersion::mark_returned(conn, (D::KIND, head.id), head.submission_count, returned)?;
    let view = doc.mark_returned(conn, reason)?.view(conn, &ctx)?;
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
        self,
        conn: &mut PgConnection,
        at: DateTime<Utc>,
    ) -> Result<Self, ApiError>;
}

/// The office records the paper copy's arrival at `received_at` (403 for any other role).
/// Returns the view and the audit record.
pub fn record_paper<D: PaperCopy>(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: DocumentAt<D::Key>,
    received_at: DateTime<Utc>,
) -> Result<(D::View, Change), ApiError> {
    let ctx = context(conn, user, at.cycle_id, at.unit_id)?;
    user.require_office()?;
    D::ensure_office_phase(conn, &ctx)?;
    let doc = load::<D>(conn, at, true)?;
    let id = doc.head().id;
    let before = doc.clone().view(conn, &ctx)?;
    let view = doc
        .mark_paper_received(conn, received_at)?
        .view(conn, &ctx)?;
    let change = Change::changed("paper_received", resource::<D>(), id, &before, &view);
    Ok((view, change))
}

/// One page of a document's kept versions, oldest first: whoever may read the document (404
/// otherwise, and when not started).
pub fn versions_page<D: SubmittedDocument>(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: DocumentAt<D::Key>,
    paging: Paging,
) -> Result<Page<VersionResponse<D::Content>>, ApiError> {
    context(conn, user, at.cycle_id, at.unit_id)?;
    let document = (D::KIND, load::<D>(conn, at, false)?.head().id);
    let window = (paging.offset(), paging.per_page);
    let rows = DocumentVersion::for_document(conn, document, Some(window))?;
    let items = rows
        .into_iter()
        .map(VersionResponse::try_from)
        .collect::<Result<_, _>>()?;
    Ok(paging.page_of(items, DocumentVersion::count(conn, document)?))
}

/// Every kept version of a document, oldest first (for a view that shows them).
pub fn versions<C: DeserializeOwned>(
    conn: &mut PgConnection,
    kind: OwnerKind,
    id: DocumentId,
) -> Result<Vec<VersionResponse<C>>, ApiError> {
    DocumentVersion::for_document(conn, (kind, id), None)?
        .into_iter()
        .map(VersionResponse::try_from)
        .collect()
}

/// The answer to a write on a document: 200 with the document and its `ETag`.
pub fn answer<D: SubmittedDocument>(view: &D::View) -> HttpResponse {
    let etag = ETag::from_version(D::version_of(view)).0;
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .json(view)
}

/// The answer to a saved draft: 201 with `Location` (`location`) when it was started, 200
/// when it was replaced; with its `ETag` either way.
pub fn answer_saved<D: SubmittedDocument>(
    saved: &Saved<D::View>,
    location: String,
) -> HttpResponse {
    if !saved.created {
        return answer::<D>(&saved.view);
    }
    let etag = ETag::from_version(D::version_of(&saved.view)).0;
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, etag))
        .json(&saved.view)
}

/// The office returns a submitted document for revision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "自评分与实际不符，第2.1项请补充说明并附佐证材料"}))]
pub struct ReturnDocument {
    /// 退回理由 (why, for the unit and the record): not blank, at most 2000 characters.
    #[schema(required = true, value_type = String, min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

impl Validate for ReturnDocument {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("reason", &self.reason, 2000);
    }
}

/// The office records the stamped paper copy's arrival.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"received_at": "2014-09-19T09:30:00+08:00"}))]
pub struct PaperReceived {
    /// When it arrived (default: now).
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
}

impl Validate for PaperReceived {
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

/// One submitted version, as it was submitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionResponse<C> {
    /// 1 for the first submission, then 2, 3 ...
    pub number: i32,
    /// The content as submitted.
    pub content: C,
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

impl<C: DeserializeOwned> TryFrom<DocumentVersion> for VersionResponse<C> {
    type Error = ApiError;

    /// The kept content, read as the member's content type (the service wrote it so).
    fn try_from(v: DocumentVersion) -> Result<Self, ApiError> {
        Ok(Self {
            number: v.number,
            content: serde_json::from_value(v.content).map_err(ApiError::internal)?,
            submitted_by: v.submitted_by,
            submitted_at: v.submitted_at,
            late: v.late,
            returned_by: v.returned_by,
            returned_at: v.returned_at,
            return_reason: v.return_reason,
        })
    }
}
