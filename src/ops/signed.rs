//! The signed family: a document a group writes and every member signs (score sheet, team
//! report; the routine-visit record plugs in here too). The group edits it while open and
//! submits it for signature; each signer signs once a round with the SHA-256 of the canonical
//! content (versioned, README "Signatures"); a change voids the round's signatures (they stay,
//! marked void); signed by all, it is final until the office reopens it with a reason, which
//! keeps the signed content, its version and signatures, and starts a new round.
//!
//! A member supplies its row's head (`Signed`), its canonical content and its view; the states
//! are `domain::signed`, the tables `models::scoring` (signatures, reopenings), the access rule
//! `auth::scope::team_document`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::auth::scope::{self, TeamDocumentAccess, Verdict};
use crate::domain::lifecycle::CycleState;
use crate::domain::signed::{refuse_change, refuse_reopen, refuse_sign, refuse_submit};
use crate::domain::signed::{signed_by_all, signer_role};
use crate::error::{ApiError, FieldError};
use crate::http::json::{Rules, Validate};
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
use crate::models::form::{FormItemRow, ScoringForm};
use crate::models::scoring::{ScoringRecord, SheetStatus, Signature, SignedKind, reopen_document};
use crate::models::team::{FullTeam, Team};
use crate::models::team_report::TeamReport;
use crate::models::{CycleId, SignatureId, UnitId};
use crate::ops::cycles::find_cycle;

/// What a call on a team's document of a unit needs.
pub struct SheetContext {
    /// The cycle.
    pub cycle: Cycle,
    /// The unit's form items.
    pub items: Vec<FormItemRow>,
    /// The team assigned, if any.
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
    let cycle = find_cycle(conn, cycle_id)?;
    let place =
        CycleUnit::find(conn, cycle_id, unit_id)?.filter(|p| p.status == CycleUnitStatus::Assessed);
    let Some(form_kind) = place.and_then(|p| p.form_kind) else {
        return Err(not_found(unit_id));
    };
    let team = Team::for_cycle(conn, cycle_id, None)?
        .into_iter()
        .find(|t| t.units.contains(&unit_id));
    match scope::team_document(user, access, unit_id, cycle.state, team.as_ref()) {
        Verdict::Allowed => {}
        Verdict::Hidden => return Err(not_found(unit_id)),
        Verdict::Forbidden(why) => return Err(ApiError::Forbidden(why.to_owned())),
    }
    let items = ScoringForm::for_cycle(conn, cycle_id)?
        .into_iter()
        .find(|f| f.form.form_kind == form_kind)
        .map(|f| f.items)
        .unwrap_or_default();
    Ok(SheetContext { cycle, items, team })
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

/// What the family needs of a member's row.
#[derive(Debug, Clone, Copy)]
pub struct Signed {
    /// Which kind of document.
    pub kind: SignedKind,
    /// Its row id.
    pub id: i64,
    /// Where it is.
    pub status: SheetStatus,
    /// Its version; a signature names it.
    pub version: i32,
    /// Its signing round.
    pub round: i32,
}

impl From<&ScoringRecord> for Signed {
    fn from(r: &ScoringRecord) -> Self {
        let (id, status, version, round) = (r.id, r.status, r.version, r.round);
        Signed {
            kind: SignedKind::ScoringRecord,
            id,
            status,
            version,
            round,
        }
    }
}

impl From<&TeamReport> for Signed {
    fn from(r: &TeamReport) -> Self {
        let (id, status, version, round) = (r.id, r.status, r.version, r.round);
        Signed {
            kind: SignedKind::TeamReport,
            id,
            status,
            version,
            round,
        }
    }
}

impl Signed {
    /// What the document is called in a problem's detail.
    fn noun(self) -> &'static str {
        match self.kind {
            SignedKind::ScoringRecord => "score sheet",
            SignedKind::TeamReport => "report",
        }
    }

    /// Bumps its version and sets its status, in its own table.
    fn touch(self, conn: &mut PgConnection, status: SheetStatus) -> QueryResult<()> {
        match self.kind {
            SignedKind::ScoringRecord => ScoringRecord::touch(conn, self.id, status).map(drop),
            SignedKind::TeamReport => TeamReport::touch(conn, self.id, status).map(drop),
        }
    }

    /// Starts its next signing round, in its own table.
    fn start_round(self, conn: &mut PgConnection) -> QueryResult<()> {
        match self.kind {
            SignedKind::ScoringRecord => ScoringRecord::start_round(conn, self.id),
            SignedKind::TeamReport => TeamReport::start_round(conn, self.id),
        }
    }
}

/// Answers 409 when the document is final (`record_final` for a sheet, `report_final` for a
/// report).
pub fn ensure_changeable(doc: Signed) -> Result<(), ApiError> {
    let Some(why) = refuse_change(doc.status) else {
        return Ok(());
    };
    Err(ApiError::Conflict {
        code: match doc.kind {
            SignedKind::ScoringRecord => "record_final",
            SignedKind::TeamReport => "report_final",
        },
        detail: format!("the {} cannot change: {why}, with a reason", doc.noun()),
    })
}

/// After a change: voids the signatures collected so far, if any, and bumps the version.
pub fn changed(conn: &mut PgConnection, doc: Signed) -> Result<(), ApiError> {
    let why = format!("the {} changed after it was signed", doc.noun());
    Signature::void_round(conn, doc.kind, doc.id, doc.round, &why)?;
    Ok(doc.touch(conn, doc.status)?)
}

/// Submits the document for signature (409 `not_open` unless it is open).
pub fn submit(conn: &mut PgConnection, doc: Signed) -> Result<(), ApiError> {
    if let Some(why) = refuse_submit(doc.status) {
        return Err(ApiError::Conflict {
            code: "not_open",
            detail: format!("the {} is {}, not open: {why}", doc.noun(), doc.status),
        });
    }
    Ok(doc.touch(conn, SheetStatus::AwaitingSignatures)?)
}

/// What a signature recorded.
#[derive(Debug)]
pub struct Signing {
    /// `leader` or `member`.
    pub role: &'static str,
    /// Whether it was the last one needed: the document is now final.
    pub last: bool,
    /// The signature recorded.
    pub signature: Signature,
}

/// Signs the document for `user` with `hash`, the SHA-256 of its canonical content now; when
/// every one of the context's signers has signed, the document is final. 409
/// `not_awaiting_signatures` unless submitted for signature, 409 `already_signed` when the
/// user has a standing signature in this round.
pub fn sign(
    conn: &mut PgConnection,
    doc: Signed,
    ctx: &SheetContext,
    user: &AuthUser,
    hash: &str,
) -> Result<Signing, ApiError> {
    if let Some(why) = refuse_sign(doc.status) {
        return Err(ApiError::Conflict {
            code: "not_awaiting_signatures",
            detail: format!("the {} is {}; {why}", doc.noun(), doc.status),
        });
    }
    let team = ctx
        .team
        .as_ref()
        .ok_or_else(|| ApiError::internal("a signer without a team"))?;
    let role = signer_role(&team.team.leader_sub, &user.sub);
    let standing = Signature::standing(conn, doc.kind, doc.id, doc.round)?;
    if standing.iter().any(|s| s.signer_sub == user.sub) {
        return Err(ApiError::Conflict {
            code: "already_signed",
            detail: "you have signed this version already".to_owned(),
        });
    }
    let (kind, id, round) = (doc.kind, doc.id, doc.round);
    let (sub, name) = (user.sub.as_str(), user.name.as_str());
    let signature = Signature::insert(conn, kind, id, round, sub, name, role, doc.version, hash)?;
    let mut signed: Vec<&str> = standing.iter().map(|s| s.signer_sub.as_str()).collect();
    signed.push(sub);
    let last = signed_by_all(&ctx.signers(), &signed);
    if last {
        doc.touch(conn, SheetStatus::Final)?;
    }
    Ok(Signing {
        role,
        last,
        signature,
    })
}

/// Reopens a final document for the office with `reason`: keeps what stood (`content`, the
/// version signed and the signatures), voids the signatures, starts a new round and opens it.
/// 409 `not_final` unless it exists and is final. Returns the head before.
pub fn reopen(
    conn: &mut PgConnection,
    doc: Option<Signed>,
    reason: &str,
    actor: &str,
    content: impl FnOnce(&mut PgConnection) -> Result<Value, ApiError>,
) -> Result<Signed, ApiError> {
    let doc = doc
        .filter(|d| refuse_reopen(d.status).is_none())
        .ok_or_else(|| ApiError::Conflict {
            code: "not_final",
            detail: "only a final document is reopened".to_owned(),
        })?;
    let signatures = Signature::standing(conn, doc.kind, doc.id, doc.round)?;
    let snapshot = json!({
        "content": content(conn)?,
        "signatures": signatures,
        "version": doc.version,
    });
    reopen_document(conn, doc.kind, doc.id, doc.round, reason, actor, &snapshot)?;
    doc.start_round(conn)?;
    doc.touch(conn, SheetStatus::Open)?;
    Ok(doc)
}

/// The audit record of a step of the family: `action` on the document of `kind` named `id`.
pub fn change(
    kind: SignedKind,
    action: &'static str,
    id: String,
    before: Value,
    after: Value,
) -> Change {
    Change::new(action, kind.as_str(), id, before, after)
}

/// The audit record of a reopening: the round that closed and the one that began.
pub fn reopen_change(before: Signed, id: String, round_now: i32, reason: &str) -> Change {
    change(
        before.kind,
        "reopen",
        id,
        json!({"status": before.status, "round": before.round}),
        json!({"status": "open", "round": round_now, "reason": reason}),
    )
}

/// The audit record of a signature.
pub fn sign_change(doc: Signed, id: String, user: &AuthUser, s: &Signing, hash: &str) -> Change {
    let status = if s.last {
        SheetStatus::Final
    } else {
        doc.status
    };
    let after =
        json!({"signer": user.sub, "role": s.role, "content_sha256": hash, "status": status});
    change(doc.kind, "sign", id, Value::Null, after)
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
    /// `leader` or `member`.
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
    /// `leader` or `member`.
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

/// Signature `id` of the document `doc` (absent: not started), voided ones included; 404 when
/// it is not that document's. The caller has already applied the document's read rule.
pub fn find_signature(
    conn: &mut PgConnection,
    doc: Option<Signed>,
    id: SignatureId,
) -> Result<SignatureRecord, ApiError> {
    let found = match doc {
        Some(doc) => Signature::find(conn, doc.kind, doc.id, id)?,
        None => None,
    };
    found
        .map(SignatureRecord::from)
        .ok_or_else(|| ApiError::not_found(format!("the document has no signature {id}")))
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
    Ok(Signature::standing(conn, doc.kind, doc.id, doc.round)?
        .into_iter()
        .map(|s| {
            let now = hash_in(s.canonical_version);
            SignatureView::new(s, &now)
        })
        .collect())
}

/// The office reopens a final document.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "县纪委常委会审核发现第4.2项扣分依据不足，退回考核组复核"}))]
pub struct Reopen {
    /// Why, for the record.
    #[schema(required = true, value_type = String)]
    pub reason: Option<String>,
}

impl Validate for Reopen {
    fn validate(&self) -> Vec<FieldError> {
        let mut rules = Rules::default();
        rules.required_text("reason", &self.reason, 2000);
        rules.0
    }
}

/// An empty body, for calls that need none.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

impl Validate for Empty {
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}
