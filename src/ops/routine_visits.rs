//! The routine-visit record (日常考核检查走访记录, plan §4(二)), a member of the signed family:
//! the office writes it for a sampled unit, submits it, and every visitor listed on it (office
//! staff, by `sub`) signs it; final when all have. Its own rule, phase and signers replace the
//! team's: `scope::routine_visit`, `routine::ensure_routine_phase`, the visitors.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::auth::scope::{self, TeamDocumentAccess, Verdict};
use crate::domain::scoring::content_hash;
use crate::error::{ApiError, FieldError};
use crate::models::cycle::Cycle;
use crate::models::routine::RoutineVisit;
use crate::models::scoring::{SheetStatus, SignedRow};
use crate::models::{CycleId, UnitId};
use crate::ops::cycles::find_cycle;
use crate::ops::routine::{ensure_routine_phase, sampled_units, unsealed};
use crate::ops::signed::signature_views;
use crate::ops::signed::{SheetContext, SignatureView, Signed, SignedMember, Signer};

crate::text_enum! {
    /// 日常考核检查方式 (how a routine visit gathered evidence; plan §4(二)).
    pub enum VisitMethod {
        /// 实地走访 (a field visit)
        FieldVisit => "field_visit",
        /// 发放调查问卷 (questionnaires handed out)
        Questionnaire => "questionnaire",
        /// 查阅台帐 (ledgers reviewed)
        LedgerReview => "ledger_review",
    }
}

/// One who visited: office staff, by `sub`; they sign the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Visitor {
    /// Their `sub` (the token's subject).
    #[schema(min_length = 1, max_length = 200, example = "office-zhang")]
    pub sub: String,
    /// Their name.
    #[schema(min_length = 1, max_length = 100, example = "张建国")]
    pub name: String,
}

/// The questionnaires of a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    /// 发出份数 (handed out).
    #[schema(minimum = 0, maximum = 100000, example = 40)]
    pub handed_out: i64,
    /// 收回份数 (returned; at most those handed out).
    #[schema(minimum = 0, maximum = 100000, example = 38)]
    pub returned: i64,
    /// 有效答卷 (answers counted; at most those returned).
    #[schema(minimum = 0, maximum = 100000, example = 37)]
    pub answers_counted: i64,
    /// 结果摘要 (what the answers say).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 20000)]
    pub results: Option<String>,
}

/// An attachment of a visit: a document kept on paper or elsewhere, named and, where known,
/// with the SHA-256 of its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitAttachment {
    /// 名称 (its title).
    #[schema(
        min_length = 1,
        max_length = 500,
        example = "党风廉政建设台帐（2026年）复印件"
    )]
    pub title: String,
    /// SHA-256 of the file, lowercase hex.
    #[serde(default)]
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub sha256: Option<String>,
}

/// 日常考核检查走访记录 (a sampled unit's routine-visit record).
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutineVisitResponse {
    /// The cycle.
    #[schema(value_type = i64)]
    pub cycle_id: CycleId,
    /// The unit visited.
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    /// Who visited; each signs.
    pub visitors: Vec<Visitor>,
    /// How.
    pub methods: Vec<VisitMethod>,
    /// 发现的问题和情况 (findings).
    pub findings: Option<String>,
    /// The questionnaires, if any were handed out.
    pub questionnaire: Option<Questionnaire>,
    /// Documents kept.
    pub attachments: Vec<VisitAttachment>,
    /// 走访日期 (the date of the visit).
    pub visited_on: Option<NaiveDate>,
    /// `open`, `awaiting_signatures` or `final`.
    pub status: SheetStatus,
    /// When it was submitted for signature.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Version (0 before the first write); signatures name it.
    pub version: i32,
    /// Signing round.
    pub round: i32,
    /// Standing signatures of this round.
    pub signatures: Vec<SignatureView>,
    /// SHA-256 of the canonical content now.
    pub content_sha256: String,
}

fn visitors_of(visit: Option<&RoutineVisit>) -> Vec<Visitor> {
    visit
        .and_then(|v| serde_json::from_value(v.visitors.clone()).ok())
        .unwrap_or_default()
}

/// The canonical content a signature on the record hashes.
pub fn content(ctx: &SheetContext, visit: Option<&RoutineVisit>) -> Value {
    json!({
        "document": "routine_visit",
        "cycle_id": ctx.cycle.id,
        "unit_id": ctx.unit_id,
        "visitors": visit.map_or(json!([]), |v| v.visitors.clone()),
        "methods": visit.map_or(json!([]), |v| v.methods.clone()),
        "findings": visit.and_then(|v| v.findings.clone()),
        "questionnaire": visit.and_then(|v| v.questionnaire.clone()),
        "attachments": visit.map_or(json!([]), |v| v.attachments.clone()),
        "visited_on": visit.and_then(|v| v.visited_on),
    })
}

/// The record as the API shows it.
pub fn view(conn: &mut PgConnection, ctx: &SheetContext) -> Result<RoutineVisitResponse, ApiError> {
    let visit = RoutineVisit::find(conn, ctx.cycle.id, ctx.unit_id, false)?;
    let hash = content_hash(&content(ctx, visit.as_ref()));
    let signatures = signature_views(conn, visit.as_ref().map(Signed::from), |_| hash.clone())?;
    let v = visit.as_ref();
    Ok(RoutineVisitResponse {
        cycle_id: ctx.cycle.id,
        unit_id: ctx.unit_id,
        visitors: visitors_of(v),
        methods: v
            .and_then(|v| serde_json::from_value(v.methods.clone()).ok())
            .unwrap_or_default(),
        findings: v.and_then(|v| v.findings.clone()),
        questionnaire: v
            .and_then(|v| v.questionnaire.clone())
            .and_then(|q| serde_json::from_value(q).ok()),
        attachments: v
            .and_then(|v| serde_json::from_value(v.attachments.clone()).ok())
            .unwrap_or_default(),
        visited_on: v.and_then(|v| v.visited_on),
        status: v.map_or(SheetStatus::Open, |v| v.status),
        submitted_at: v.and_then(|v| v.submitted_at),
        version: v.map_or(0, |v| v.version),
        round: v.map_or(1, |v| v.round),
        signatures,
        content_sha256: hash,
    })
}

impl SignedMember for RoutineVisit {
    type View = RoutineVisitResponse;
    const PATH: &'static str = "routine-visit";

    /// Submitted and signed once the office has written it (404 before).
    fn for_step(conn: &mut PgConnection, ctx: &SheetContext) -> Result<Self, ApiError> {
        RoutineVisit::find(conn, ctx.cycle.id, ctx.unit_id, true)?.ok_or_else(|| {
            ApiError::not_found(format!("unit {} has no visit record yet", ctx.unit_id))
        })
    }

    fn content(&self, _conn: &mut PgConnection, ctx: &SheetContext) -> Result<Value, ApiError> {
        Ok(content(ctx, Some(self)))
    }

    fn view(conn: &mut PgConnection, ctx: &SheetContext) -> Result<RoutineVisitResponse, ApiError> {
        view(conn, ctx)
    }

    fn content_sha256(view: &RoutineVisitResponse) -> &str {
        &view.content_sha256
    }

    /// Needs the visitors, the methods, the findings and the date (422 naming each missing).
    fn on_submit(
        &self,
        conn: &mut PgConnection,
        _ctx: &SheetContext,
        _now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let empty = |v: &Value| v.as_array().is_none_or(Vec::is_empty);
        let missing: Vec<FieldError> = [
            ("visitors", empty(&self.visitors)),
            ("methods", empty(&self.methods)),
            ("findings", self.findings.is_none()),
            ("visited_on", self.visited_on.is_none()),
        ]
        .into_iter()
        .filter(|(_, missing)| *missing)
        .map(|(field, _)| FieldError::new(field, "missing", format!("`{field}` is required")))
        .collect();
        if !missing.is_empty() {
            return Err(ApiError::Validation(missing));
        }
        RoutineVisit::mark_submitted(conn, self.id)?;
        Ok(json!({}))
    }

    /// The office's rule: only a sampled unit of the current draw has a visit record (404
    /// otherwise); see `scope::routine_visit`.
    fn context(
        conn: &mut PgConnection,
        user: &AuthUser,
        (cycle_id, unit_id): (CycleId, UnitId),
        access: TeamDocumentAccess,
    ) -> Result<SheetContext, ApiError> {
        let cycle = find_cycle(conn, cycle_id)?;
        let hidden = || ApiError::not_found(format!("unit {unit_id} has no visit record in scope"));
        if !sampled_units(conn, cycle_id)?.contains(&unit_id) {
            return Err(hidden());
        }
        let open = user.role == crate::auth::Role::Unit && unsealed(conn, cycle_id)?;
        match scope::routine_visit(user, access, unit_id, open) {
            Verdict::Allowed => {}
            Verdict::Hidden => return Err(hidden()),
            Verdict::Forbidden(why) => return Err(ApiError::Forbidden(why.to_owned())),
            Verdict::NotPublished => return Err(crate::ops::results::not_published()),
        }
        Ok(SheetContext {
            cycle,
            unit_id,
            items: Vec::new(),
            team: None,
        })
    }

    fn ensure_phase(cycle: &Cycle) -> Result<(), ApiError> {
        ensure_routine_phase(cycle)
    }

    /// The visitors listed on the record, as `visitor`.
    fn signers(&self, _ctx: &SheetContext) -> Vec<Signer> {
        visitors_of(Some(self))
            .into_iter()
            .map(|v| Signer {
                sub: v.sub,
                role: "visitor",
            })
            .collect()
    }
}
