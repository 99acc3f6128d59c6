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
    /// 班子成员 id: the leader.
    #[param(value_type = i64, example = 1)]
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

/// `{cycle_id}/units/{unit_id}` of a unit's own write on its self-inspection (save, submit):
/// the ids of `CycleUnitPath`, with 太平镇 (3) as the example, whose 2014 self-inspection the
/// demo county has returned for revision, so that Try it out succeeds there.
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

/// `{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}` of a unit's own write on a
/// report (save, submit): the ids of `CycleUnitLeaderPath`, with the demo county's 县工商行政管理局
/// (73) and its first responsible person (240) as the example, who has no 2014 report yet.
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
    /// 附件 id: the attachment (the first upload on a fresh demo county is 1).
    #[param(value_type = i64, example = 1)]
    pub attachment_id: AttachmentId,
}
