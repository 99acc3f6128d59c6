//! The path parameters many operations share, declared once: a handler takes
//! `web::Path<CycleUnitPath>` and names `params(CycleUnitPath)` in its contract entry, instead
//! of a tuple and three hand-written parameter lines.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::models::{AttachmentId, CycleId, LeaderId, ReferralId, SignatureId, TeamId, UnitId};

/// `{cycle_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CyclePath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
}

/// `{unit_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// 单位 id: the unit.
    #[param(value_type = i64, example = 1)]
    pub unit_id: UnitId,
}

/// `{cycle_id}/units/{unit_id}`: one unit's documents of one cycle.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleUnitPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 单位 id: the unit.
    #[param(value_type = i64, example = 1)]
    pub unit_id: UnitId,
}

/// `{cycle_id}/units/{unit_id}/…/signatures/{signature_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleUnitSignaturePath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 单位 id: the unit.
    #[param(value_type = i64, example = 1)]
    pub unit_id: UnitId,
    /// 签名 id: the signature.
    #[param(value_type = i64, example = 1)]
    pub signature_id: SignatureId,
}

/// `{cycle_id}/units/{unit_id}/…/referrals/{referral_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleUnitReferralPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 单位 id: the unit.
    #[param(value_type = i64, example = 1)]
    pub unit_id: UnitId,
    /// 移交 id: the referral.
    #[param(value_type = i64, example = 1)]
    pub referral_id: ReferralId,
}

/// `{cycle_id}/units/{unit_id}/leaders/{leader_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleUnitLeaderPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 单位 id: the unit.
    #[param(value_type = i64, example = 1)]
    pub unit_id: UnitId,
    /// 班子成员 id: the leader.
    #[param(value_type = i64, example = 1)]
    pub leader_id: LeaderId,
}

/// `{unit_id}/leaders/{leader_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitLeaderPath {
    /// 单位 id: the unit.
    #[param(value_type = i64, example = 1)]
    pub unit_id: UnitId,
    /// 班子成员 id: the leader. The example is the demo's 阳城镇 deputy secretary, who writes
    /// no accountability report, so that removing them succeeds.
    #[param(value_type = i64, example = 3)]
    pub leader_id: LeaderId,
}

/// `{cycle_id}/teams/{team_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleTeamPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 考核组 id: the inspection team.
    #[param(value_type = i64, example = 1)]
    pub team_id: TeamId,
}

/// `{cycle_id}/teams/{team_id}/units/{unit_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleTeamUnitPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 考核组 id: the inspection team.
    #[param(value_type = i64, example = 1)]
    pub team_id: TeamId,
    /// 单位 id: the unit.
    #[param(value_type = i64, example = 1)]
    pub unit_id: UnitId,
}

/// `{cycle_id}/units/{unit_id}/scoring-record/items/{item_code}`: one item of a score sheet.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleUnitItemPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 单位 id: the unit.
    #[param(value_type = i64, example = 1)]
    pub unit_id: UnitId,
    /// 考评项目编号: the item's code on the unit's form.
    #[param(example = "1.3")]
    pub item_code: String,
}

/// `{cycle_id}` of an operation that needs a cycle still in draft (settings, forms). Its example
/// is cycle 2, the demo county's 2015 cycle, in preparation.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DraftCyclePath {
    /// 考核周期 id，须处于筹备阶段 (the assessment cycle, still a draft).
    #[param(value_type = i64, example = 2)]
    pub cycle_id: CycleId,
}

/// `{cycle_id}/deadline-extensions/{extension_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleExtensionPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 延期记录 id: the deadline extension.
    #[param(value_type = i64, example = 1)]
    pub extension_id: crate::models::ExtensionId,
}

/// `{cycle_id}/forms/{form_kind}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleFormPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 考评表类型 (`town`, `county_department` or `county_enterprise`).
    #[param(example = "town")]
    pub form_kind: crate::models::form::FormKind,
}

/// `{cycle_id}/forms/{form_kind}` of a cycle still in draft, where a form is written.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DraftCycleFormPath {
    /// 考核周期 id，须处于筹备阶段 (the assessment cycle, still a draft).
    #[param(value_type = i64, example = 2)]
    pub cycle_id: CycleId,
    /// 考评表类型 (`town`, `county_department` or `county_enterprise`).
    #[param(example = "county_enterprise")]
    pub form_kind: crate::models::form::FormKind,
}

/// `{cycle_id}/units/{unit_id}` of a unit's write on its self-inspection: the example is 太平镇 (3),
/// whose self-inspection the demo county has returned for revision, so that Try it out succeeds
/// there.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleUnitDraftPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 单位 id: the unit.
    #[param(value_type = i64, example = 3)]
    pub unit_id: UnitId,
}

/// `{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}` of a unit's write on a report:
/// the example is the department that has submitted nothing (73) and its first responsible person
/// (240), who has no 2014 report yet (`openapi/examples.rs` gives submitting a draft's).
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleUnitLeaderDraftPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 单位 id: the unit.
    #[param(value_type = i64, example = 73)]
    pub unit_id: UnitId,
    /// 班子成员 id: the leader, a first responsible person of the unit.
    #[param(value_type = i64, example = 240)]
    pub leader_id: LeaderId,
}

/// `{attachment_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AttachmentPath {
    /// 附件 id: the attachment (the demo's 1 is on 太平镇's draft report).
    #[param(value_type = i64, example = 1)]
    pub attachment_id: AttachmentId,
}
