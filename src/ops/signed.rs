//! The signed family: a document a group writes and every member signs (score sheet, team
//! report, routine-visit record). The group edits it while open and
//! submits it for signature; each signer signs once a round with the SHA-256 of the canonical
//! content (versioned, README "Signatures"); a change voids the round's signatures (they stay,
//! marked void); signed by all, it is final until the office reopens it with a reason, which
//! keeps the signed content, its version and signatures, and starts a new round.
//!
//! A member supplies its row's head (`Signed`), its canonical content and its view; the states
//! are `domain::signed`, the tables `models::scoring` (signatures, reopenings), the access rule
//! `auth::scope::team_document` (a member whose writers are not a team, the routine visit, gives
//! its own rule, phase and signers).

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::auth::scope::{self, TeamDocumentAccess, Verdict};
use crate::domain::lifecycle::CycleState;
use crate::domain::scoring::content_hash;
use crate::domain::signed::{refuse_change, refuse_reopen, refuse_sign, refuse_submit};
use crate::domain::signed::{signed_by_all, signer_role};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::json::{Rules, Validate, clean};
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::CycleUnitStatus;
use crate::models::form::{FormItemRow, ScoringForm};
use crate::models::routine::RoutineVisit;
use crate::models::scoring::{NewSignature, SheetStatus, Signature, SignedDocument, SignedRow};
use crate::models::scoring::{ScoringRecord, reopen_document};
use crate::models::team::{FullTeam, Team};
use crate::models::team_report::TeamReport;
use crate::models::{CycleId, SignatureId, UnitId};
use crate::ops::cycles::find_cycle;

/// A member of the signed family: its row (`SignedRow`), the canonical content its signatures
/// hash and the view the API shows. The family's steps ([`get`], [`get_signature`], [`edit`],
/// [`submit`], [`sign`], [`reopen`]) are written once over it.
pub trait SignedMember: SignedRow {
    /// The document as the API shows it.
    type View: Serialize;

    /// Its path under the unit (`scoring-record`): its signatures are `…/{PATH}/signatures/{id}`.
    const PATH: &'static str;

    /// Its row for submitting and signing, locked; by default created when missing (and then
    /// refused by the state rule, all rolled back).
    fn for_step(conn: &mut PgConnection, ctx: &SheetContext) -> Result<Self, ApiError> {
        Ok(Self::open_locked(conn, ctx.cycle.id, ctx.unit_id)?)
    }

    /// Its canonical content now, in the current canonical version: what a new signature hashes
    /// and what a reopening keeps.
    fn content(&self, conn: &mut PgConnection, ctx: &SheetContext) -> Result<Value, ApiError>;

    /// The unit's document as the API shows it now.
    fn view(conn: &mut PgConnection, ctx: &SheetContext) -> Result<Self::View, ApiError>;

    /// The SHA-256 of the canonical content the view shows.
    fn content_sha256(view: &Self::View) -> &str;

    /// What submitting it needs besides the family's state rule (422 for what is missing) and
    /// records on its row, after the family has moved it; returns the facts for the audit
    /// record (an object). `now` is the application's clock.
    fn on_submit(
        &self,
        _conn: &mut PgConnection,
        _ctx: &SheetContext,
        _now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        Ok(json!({}))
    }

    /// Loads the context of a call on the unit's document and applies the member's access rule;
    /// by default the team's documents' ([`context`]: `TeamDocumentAccess::Team` is the writers).
    fn context(
        conn: &mut PgConnection,
        user: &AuthUser,
        (cycle_id, unit_id): (CycleId, UnitId),
        access: TeamDocumentAccess,
    ) -> Result<SheetContext, ApiError> {
        context(conn, user, cycle_id, unit_id, access)
    }

    /// Whether the cycle's phase lets the writers edit, submit and sign (409 otherwise); by
    /// default the team's phases ([`ensure_team_phase`]).
    fn ensure_phase(cycle: &Cycle) -> Result<(), ApiError> {
        ensure_team_phase(cycle)
    }

    /// Who must sign, each with the role their signature records; by default the team's
    /// leader (`leader`) and members (`member`).
    fn signers(&self, ctx: &SheetContext) -> Vec<Signer> {
        team_signers(ctx)
    }
}

/// The team's leader (`leader`) and members (`member`): who signs a team's document.
pub fn team_signers(ctx: &SheetContext) -> Vec<Signer> {
    let leader = ctx.team.as_ref().map(|t| t.team.leader_sub.as_str());
    ctx.signers()
        .into_iter()
        .map(|sub| Signer {
            sub: sub.to_owned(),
            role: signer_role(leader.unwrap_or_default(), sub),
        })
        .collect()
}

/// One who must sign a document, and the role their signature records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// Their `sub`.
    pub sub: String,
    /// `leader`, `member` or `visitor`.
    pub role: &'static str,
}

/// What a call on a team's document of a unit needs.
pub struct SheetContext {
    /// The cycle.
    pub cycle: Cycle,
    /// The unit.
    pub unit_id: UnitId,
    /// The unit's form items.
    pub items: Vec<FormItemRow>,
    /// The team assigned, if any (its `units` here: this unit only).
    pub team: Option<FullTeam>,
}

impl SheetContext {
    /// Who must sign: the team's leader, then every member (`sub`).
    pub fn signers(&self) -> Vec<&str> {
        match &self.team {
            None => Vec::new(),
            Some(t) => std::iter::once(t.team.leader_sub.as_str())
                .chain(t.members.iter().map(|m| m.sub.as_str()))
                .collect(),
        }
    }

    /// How the audit trail names the unit's document: `{cycle_id}/{unit_id}`.
    pub fn audit_id(&self) -> String {
        format!("{}/{}", self.cycle.id, self.unit_id)
    }

    /// The URL of `rest` under the unit of the cycle (`scoring-record/referrals/3`).
    pub fn url(&self, rest: &str) -> String {
        format!(
            "/api/v1/assessment-cycles/{}/units/{}/{rest}",
            self.cycle.id, self.unit_id
        )
    }
}

fn not_found(unit_id: UnitId) -> ApiError {
    ApiError::not_found(format!(
        "there is no score sheet for unit {unit_id} in the caller's scope"
    ))
}

/// Loads the context of a team's document on a unit and applies the rule
/// `scope::team_document`: outside the caller's scope is 404, inside it but not their role's
/// to do is 403.
pub fn context(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
    access: TeamDocumentAccess,
) -> Result<SheetContext, ApiError> {
    // The cycle, the unit's place and its team in one statement, its form's items in another.
    let Some((cycle, place, team)) = Team::place_of(conn, cycle_id, unit_id)? else {
        return Err(find_cycle(conn, cycle_id)
            .err()
            .unwrap_or_else(|| not_found(unit_id)));
    };
    let place = place.filter(|p| p.status == CycleUnitStatus::Assessed);
    let Some(form_kind) = place.and_then(|p| p.form_kind) else {
        return Err(not_found(unit_id));
    };
    match scope::team_document(user, access, unit_id, cycle.state, team.as_ref()) {
        Verdict::Allowed => {}
        Verdict::Hidden => return Err(not_found(unit_id)),
        Verdict::Forbidden(why) => return Err(ApiError::Forbidden(why.to_owned())),
        Verdict::NotPublished => return Err(crate::ops::results::not_published()),
    }
    let items = ScoringForm::items_of(conn, cycle_id, form_kind)?;
    Ok(SheetContext {
        cycle,
        unit_id,
        items,
        team,
    })
}

/// Teams edit and sign during the special inspection and the review (409 otherwise).
pub fn ensure_team_phase(cycle: &Cycle) -> Result<(), ApiError> {
    match cycle.state {
        CycleState::SpecialInspection | CycleState::Review => Ok(()),
        state => Err(ApiError::Conflict {
            code: "cycle_not_in_special_inspection",
            detail: format!(
                "score sheets change during special_inspection and review; cycle {} is in {state}",
                cycle.id
            ),
        }),
    }
}

/// The writers' context for a write of theirs: the member's rule (`TeamDocumentAccess::Team`)
/// and phase.
fn team_context<D: SignedMember>(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: (CycleId, UnitId),
) -> Result<SheetContext, ApiError> {
    let ctx = D::context(conn, user, at, TeamDocumentAccess::Team)?;
    D::ensure_phase(&ctx.cycle)?;
    Ok(ctx)
}

/// The document for `user`, as the API shows it (the read rule of `scope::team_document`).
pub fn get<D: SignedMember>(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: (CycleId, UnitId),
) -> Result<D::View, ApiError> {
    let ctx = D::context(conn, user, at, TeamDocumentAccess::Read)?;
    D::view(conn, &ctx)
}

/// Signature `id` of the document, voided ones included, readable as the document is; 404
/// when it is not that document's.
pub fn get_signature<D: SignedMember>(
    conn: &mut PgConnection,
    user: &AuthUser,
    (cycle_id, unit_id): (CycleId, UnitId),
    id: SignatureId,
) -> Result<SignatureRecord, ApiError> {
    D::context(conn, user, (cycle_id, unit_id), TeamDocumentAccess::Read)?;
    let doc = D::find(conn, cycle_id, unit_id, false)?;
    let found = match doc {
        Some(doc) => Signature::find(conn, doc.document(), id)?,
        None => None,
    };
    found
        .map(SignatureRecord::from)
        .ok_or_else(|| ApiError::not_found(format!("the document has no signature {id}")))
}

/// A change by the team: loads the document (created when missing) locked, refuses a final
/// one (409), runs `write` on it, then voids the round's signatures and bumps its version.
/// Returns the context and what `write` returned.
pub fn edit<D: SignedMember, T>(
    conn: &mut PgConnection,
    user: &AuthUser,
    (cycle_id, unit_id): (CycleId, UnitId),
    write: impl FnOnce(&mut PgConnection, &SheetContext, &D) -> Result<T, ApiError>,
) -> Result<(SheetContext, T), ApiError> {
    let ctx = team_context::<D>(conn, user, (cycle_id, unit_id))?;
    let doc = D::open_locked(conn, cycle_id, unit_id)?;
    let head = Signed::from(&doc);
    head.ensure_changeable()?;
    let written = write(conn, &ctx, &doc)?;
    head.changed(conn)?;
    Ok((ctx, written))
}

/// Submits the document for signature (the team's step): the family's state rule, then the
/// member's own (`on_submit`). Returns the view and the audit record.
pub fn submit<D: SignedMember>(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: (CycleId, UnitId),
    now: DateTime<Utc>,
) -> Result<(D::View, Change), ApiError> {
    let ctx = team_context::<D>(conn, user, at)?;
    let doc = D::for_step(conn, &ctx)?;
    let head = Signed::from(&doc);
    head.submit(conn)?;
    let facts = doc.on_submit(conn, &ctx, now)?;
    let view = D::view(conn, &ctx)?;
    let mut after = json!({
        "status": SheetStatus::AwaitingSignatures,
        "content_sha256": D::content_sha256(&view),
    });
    if let (Some(after), Value::Object(facts)) = (after.as_object_mut(), facts) {
        after.extend(facts);
    }
    let before = json!({"status": head.status});
    let change = head.audit("submit_for_signature", ctx.audit_id(), before, after);
    Ok((view, change))
}

/// Signs the document for `user` (a member or the leader of the team) with the SHA-256 of its
/// canonical content now. Answers the document as it now stands, with the new signature's URL
/// and tag.
pub fn sign<D: SignedMember>(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: (CycleId, UnitId),
) -> Result<(Created<D::View>, Change), ApiError> {
    let ctx = team_context::<D>(conn, user, at)?;
    let doc = D::for_step(conn, &ctx)?;
    let hash = content_hash(&doc.content(conn, &ctx)?);
    let head = Signed::from(&doc);
    let signing = head.sign(conn, &doc.signers(&ctx), user, &hash)?;
    let change = head.sign_change(ctx.audit_id(), user, &signing, &hash);
    let signature = SignatureRecord::from(signing.signature);
    let location = ctx.url(&format!("{}/signatures/{}", D::PATH, signature.id));
    let created = Created::new(location, &signature, D::view(conn, &ctx)?);
    Ok((created, change))
}

/// Reopens a final document for the office, with the request's reason (validated): keeps what
/// stood and starts a new round. 409 `not_final` unless it exists and is final.
pub fn reopen<D: SignedMember>(
    conn: &mut PgConnection,
    user: &AuthUser,
    (cycle_id, unit_id): (CycleId, UnitId),
    request: &Reopen,
) -> Result<(D::View, Change), ApiError> {
    let reason = request.reason.as_deref().map(clean).unwrap_or_default();
    let reason = reason.as_str();
    let ctx = D::context(conn, user, (cycle_id, unit_id), TeamDocumentAccess::Office)?;
    user.require_office()?;
    let doc = D::find(conn, cycle_id, unit_id, true)?.ok_or_else(Signed::not_final)?;
    let content = doc.content(conn, &ctx)?;
    let before = Signed::from(&doc);
    before.reopen(conn, reason, &user.sub, content)?;
    let change = before.audit(
        "reopen",
        ctx.audit_id(),
        json!({"status": before.status, "round": before.round}),
        json!({"status": SheetStatus::Open, "round": before.round + 1, "reason": reason}),
    );
    Ok((D::view(conn, &ctx)?, change))
}

/// A 201 answer: the document as it now stands (`body`), the `Location` of the resource just
/// made and the `ETag` its GET sends.
#[derive(Debug)]
pub struct Created<T> {
    /// URL of the new resource.
    pub location: String,
    /// Its tag, as its GET sends it.
    pub etag: ETag,
    /// What the answer shows.
    pub body: T,
}

impl<T: Serialize> Created<T> {
    /// `resource` made at `location`, answered with `body`.
    pub fn new(location: String, resource: &impl Serialize, body: T) -> Self {
        Self {
            location,
            etag: ETag::of_body(resource),
            body,
        }
    }

    /// The HTTP answer: 201 with `Location` and `ETag`.
    pub fn respond(&self) -> HttpResponse {
        HttpResponse::Created()
            .insert_header((header::LOCATION, self.location.as_str()))
            .insert_header((header::ETAG, self.etag.0.as_str()))
            .json(&self.body)
    }
}

/// A 200 answer to an edit: what the edit shows (`body`) and the `ETag` of what it changed,
/// which the next edit sends as `If-Match`.
#[derive(Debug)]
pub struct Saved<T> {
    /// The new tag of what changed (an item, the methods, the whole report).
    pub etag: ETag,
    /// What the answer shows.
    pub body: T,
}

impl<T: Serialize> Saved<T> {
    /// The HTTP answer: 200 with `ETag`.
    pub fn respond(&self) -> HttpResponse {
        HttpResponse::Ok()
            .insert_header((header::ETAG, self.etag.0.as_str()))
            .json(&self.body)
    }
}

/// What the family needs of a member's row: which document, where it is, its version and its
/// round.
#[derive(Debug, Clone, Copy)]
pub struct Signed {
    /// Which document.
    pub doc: SignedDocument,
    /// Where it is.
    pub status: SheetStatus,
    /// Its version; a signature names it.
    pub version: i32,
    /// Its signing round.
    pub round: i32,
}

impl<R: SignedRow> From<&R> for Signed {
    fn from(row: &R) -> Self {
        let (status, version, round) = row.state();
        Signed {
            doc: row.document(),
            status,
            version,
            round,
        }
    }
}

/// What a signature recorded.
#[derive(Debug)]
pub struct Signing {
    /// `leader`, `member` or (a routine visit's) `visitor`.
    pub role: &'static str,
    /// Whether it was the last one needed: the document is now final.
    pub last: bool,
    /// The signature recorded.
    pub signature: Signature,
}

impl Signed {
    /// What the document is called in a problem's detail.
    fn noun(self) -> &'static str {
        match self.doc {
            SignedDocument::ScoringRecord(_) => "score sheet",
            SignedDocument::TeamReport(_) => "report",
            SignedDocument::RoutineVisit(_) => "visit record",
        }
    }

    /// Bumps its version and sets its status, in its own table.
    fn touch(self, conn: &mut PgConnection, status: SheetStatus) -> QueryResult<()> {
        match self.doc {
            SignedDocument::ScoringRecord(id) => ScoringRecord::touch(conn, id, status),
            SignedDocument::TeamReport(id) => TeamReport::touch(conn, id, status),
            SignedDocument::RoutineVisit(id) => RoutineVisit::touch(conn, id, status),
        }
    }

    /// Starts its next signing round, in its own table.
    fn start_round(self, conn: &mut PgConnection) -> QueryResult<()> {
        match self.doc {
            SignedDocument::ScoringRecord(id) => ScoringRecord::start_round(conn, id),
            SignedDocument::TeamReport(id) => TeamReport::start_round(conn, id),
            SignedDocument::RoutineVisit(id) => RoutineVisit::start_round(conn, id),
        }
    }

    /// Answers 409 when the document is final (`record_final` for a sheet, `report_final` for
    /// a report).
    pub fn ensure_changeable(self) -> Result<(), ApiError> {
        let Some(why) = refuse_change(self.status) else {
            return Ok(());
        };
        Err(ApiError::Conflict {
            code: match self.doc {
                SignedDocument::ScoringRecord(_) => "record_final",
                SignedDocument::TeamReport(_) => "report_final",
                SignedDocument::RoutineVisit(_) => "visit_final",
            },
            detail: format!("the {} cannot change: {why}, with a reason", self.noun()),
        })
    }

    /// After a change: voids the signatures collected so far, if any, and bumps the version.
    pub fn changed(self, conn: &mut PgConnection) -> Result<(), ApiError> {
        let why = format!("the {} changed after it was signed", self.noun());
        Signature::void_round(conn, self.doc, self.round, &why)?;
        Ok(self.touch(conn, self.status)?)
    }

    /// Submits the document for signature (409 `not_open` unless it is open).
    pub fn submit(self, conn: &mut PgConnection) -> Result<(), ApiError> {
        if let Some(why) = refuse_submit(self.status) {
            return Err(ApiError::Conflict {
                code: "not_open",
                detail: format!("the {} is {}, not open: {why}", self.noun(), self.status),
            });
        }
        Ok(self.touch(conn, SheetStatus::AwaitingSignatures)?)
    }

    /// Signs the document for `user` with `hash`, the SHA-256 of its canonical content now;
    /// when every one of `signers` has signed, the document is final. 409
    /// `not_awaiting_signatures` unless submitted for signature, 403 when the user is not
    /// among the signers, 409 `already_signed` when the user has a standing signature in this
    /// round.
    pub fn sign(
        self,
        conn: &mut PgConnection,
        signers: &[Signer],
        user: &AuthUser,
        hash: &str,
    ) -> Result<Signing, ApiError> {
        if let Some(why) = refuse_sign(self.status) {
            return Err(ApiError::Conflict {
                code: "not_awaiting_signatures",
                detail: format!("the {} is {}; {why}", self.noun(), self.status),
            });
        }
        let role = signers
            .iter()
            .find(|s| s.sub == user.sub)
            .map(|s| s.role)
            .ok_or_else(|| {
                ApiError::Forbidden(format!(
                    "you are not among those who sign the {}",
                    self.noun()
                ))
            })?;
        let standing = Signature::standing(conn, self.doc, self.round)?;
        if standing.iter().any(|s| s.signer_sub == user.sub) {
            return Err(ApiError::Conflict {
                code: "already_signed",
                detail: "you have signed this version already".to_owned(),
            });
        }
        let signature = NewSignature {
            document_kind: self.doc.kind(),
            document_id: self.doc.id(),
            round: self.round,
            signer_sub: &user.sub,
            signer_name: &user.name,
            signer_role: role,
            doc_version: self.version,
            content_sha256: hash,
            canonical_version: crate::domain::scoring::CANONICAL_VERSION,
        }
        .insert(conn)?;
        let mut signed: Vec<&str> = standing.iter().map(|s| s.signer_sub.as_str()).collect();
        signed.push(&user.sub);
        let required: Vec<&str> = signers.iter().map(|s| s.sub.as_str()).collect();
        let last = signed_by_all(&required, &signed);
        if last {
            self.touch(conn, SheetStatus::Final)?;
        }
        Ok(Signing {
            role,
            last,
            signature,
        })
    }

    /// The answer when a document to reopen is missing or not final.
    fn not_final() -> ApiError {
        ApiError::Conflict {
            code: "not_final",
            detail: "only a final document is reopened".to_owned(),
        }
    }

    /// Reopens a final document with `reason`: keeps what stood (`content`, the version signed
    /// and the signatures), voids the signatures, starts a new round and opens it. 409
    /// `not_final` unless it is final.
    pub fn reopen(
        self,
        conn: &mut PgConnection,
        reason: &str,
        actor: &str,
        content: Value,
    ) -> Result<(), ApiError> {
        if refuse_reopen(self.status).is_some() {
            return Err(Self::not_final());
        }
        let signatures = Signature::standing(conn, self.doc, self.round)?;
        let snapshot = json!({
            "content": content,
            "signatures": signatures,
            "version": self.version,
        });
        reopen_document(conn, self.doc, self.round, reason, actor, &snapshot)?;
        self.start_round(conn)?;
        self.touch(conn, SheetStatus::Open)?;
        Ok(())
    }

    /// The audit record of a step of the family: `action` on this document, named `id`.
    pub fn audit(self, action: &'static str, id: String, before: Value, after: Value) -> Change {
        Change::new(action, self.doc.kind().as_str(), id, before, after)
    }

    /// The audit record of a signature.
    fn sign_change(self, id: String, user: &AuthUser, s: &Signing, hash: &str) -> Change {
        let status = if s.last {
            SheetStatus::Final
        } else {
            self.status
        };
        let after =
            json!({"signer": user.sub, "role": s.role, "content_sha256": hash, "status": status});
        self.audit("sign", id, Value::Null, after)
    }
}

/// A signature on record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignatureView {
    /// Signature id: its own resource is `…/signatures/{id}` under the document.
    #[schema(value_type = i64)]
    pub id: SignatureId,
    /// The signer's `sub`.
    pub signer_sub: String,
    /// Their name.
    pub signer_name: String,
    /// `leader`, `member` or (a routine visit's) `visitor`.
    pub signer_role: String,
    /// The record version signed.
    pub doc_version: i32,
    /// SHA-256 of the canonical content signed (README: "Signatures").
    pub content_sha256: String,
    /// Which canonical content it hashed: 1 cites rules by index, 2 by `rule_code`.
    pub canonical_version: i32,
    /// Whether the document's content now, written in that version, still has that hash.
    pub content_matches: bool,
    /// When.
    pub signed_at: DateTime<Utc>,
}

impl SignatureView {
    /// A signature on record, checked against `now`: the hash of the document's content in
    /// the signature's canonical version.
    pub fn new(s: Signature, now: &str) -> Self {
        Self {
            id: s.id,
            content_matches: s.content_sha256 == now,
            signer_sub: s.signer_sub,
            signer_name: s.signer_name,
            signer_role: s.signer_role,
            doc_version: s.doc_version,
            content_sha256: s.content_sha256,
            canonical_version: s.canonical_version,
            signed_at: s.signed_at,
        }
    }
}

/// A signature as its own resource (`…/signatures/{id}` under its document): what was signed,
/// by whom and when, and whether a later change voided it. Unlike `SignatureView` it does not
/// compare the hash with the document's content now, so it changes only when voided.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignatureRecord {
    /// Signature id.
    #[schema(value_type = i64)]
    pub id: SignatureId,
    /// The signing round it belongs to.
    pub round: i32,
    /// The signer's `sub`.
    pub signer_sub: String,
    /// Their name.
    pub signer_name: String,
    /// `leader`, `member` or (a routine visit's) `visitor`.
    pub signer_role: String,
    /// The document version signed.
    pub doc_version: i32,
    /// SHA-256 of the canonical content signed (README: "Signatures").
    pub content_sha256: String,
    /// Which canonical content it hashed: 1 cites rules by index, 2 by `rule_code`.
    pub canonical_version: i32,
    /// When.
    pub signed_at: DateTime<Utc>,
    /// When a change or a reopening voided it; absent while it stands.
    pub voided_at: Option<DateTime<Utc>>,
    /// Why it was voided.
    pub void_reason: Option<String>,
}

impl From<Signature> for SignatureRecord {
    fn from(s: Signature) -> Self {
        Self {
            id: s.id,
            round: s.round,
            signer_sub: s.signer_sub,
            signer_name: s.signer_name,
            signer_role: s.signer_role,
            doc_version: s.doc_version,
            content_sha256: s.content_sha256,
            canonical_version: s.canonical_version,
            signed_at: s.signed_at,
            voided_at: s.voided_at,
            void_reason: s.void_reason,
        }
    }
}

/// The standing signatures of the document's round, each checked against the hash of the
/// content now in the signature's own canonical version (`hash_in`).
pub fn signature_views(
    conn: &mut PgConnection,
    doc: Option<Signed>,
    hash_in: impl Fn(i32) -> String,
) -> QueryResult<Vec<SignatureView>> {
    let Some(doc) = doc else {
        return Ok(Vec::new());
    };
    let standing = Signature::standing(conn, doc.doc, doc.round)?;
    Ok(standing_views(standing, hash_in))
}

/// Views of standing signatures already read, each checked as [`signature_views`] does.
pub fn standing_views(
    standing: Vec<Signature>,
    hash_in: impl Fn(i32) -> String,
) -> Vec<SignatureView> {
    standing
        .into_iter()
        .map(|s| {
            let now = hash_in(s.canonical_version);
            SignatureView::new(s, &now)
        })
        .collect()
}

/// The office reopens a final document.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "县纪委常委会审核发现第4.2项扣分依据不足，退回考核组复核"}))]
pub struct Reopen {
    /// 理由，留档 (why, for the record).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

impl Validate for Reopen {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("reason", &self.reason, 2000);
    }
}

/// The body of the calls that need none (submit, sign).
pub use crate::http::Empty;
