//! The access rules: one named function per rule, used by every handler that needs it.
//!
//! An object outside the caller's scope answers 404, exactly as if it did not exist; inside the
//! scope but not allowed to the role answers 403 (DOMAIN.md, "Access rule"). Which units an
//! inspector may see comes from the teams they lead or are on, in the database, never from the
//! token. A team belongs to one cycle and holds its units in that cycle only, so an inspector's
//! scope is per cycle: a unit's documents of a cycle through their team in that cycle, the
//! unit's registry record while one of their teams holds it in a cycle not yet archived.

use diesel::pg::Pg;
use diesel::prelude::*;

use super::{AuthUser, Role};
use crate::domain::lifecycle::CycleState;
use crate::models::team::FullTeam;
use crate::models::{CycleId, UnitId};
use crate::schema::{assessment_cycles, inspection_teams, team_members, team_units};

/// Whether `sub` leads the team or is one of its members: the rule below, for a team already
/// loaded (the score sheet and the team report load the team that holds the unit anyway).
pub fn on_team(team: &FullTeam, sub: &str) -> bool {
    team.team.leader_sub == sub || team.members.iter().any(|m| m.sub == sub)
}

/// The `team_units` rows of the teams that `sub` leads or is a member of, in every cycle; each
/// caller narrows it to a cycle, so it stays private.
fn held_by_teams_of(sub: &str) -> team_units::BoxedQuery<'static, Pg> {
    let member_of = team_members::table
        .filter(team_members::sub.eq(sub.to_owned()))
        .select(team_members::team_id);
    let leads = inspection_teams::table
        .filter(inspection_teams::leader_sub.eq(sub.to_owned()))
        .select(inspection_teams::id);
    team_units::table
        .filter(
            team_units::team_id
                .eq_any(member_of)
                .or(team_units::team_id.eq_any(leads)),
        )
        .into_boxed()
}

/// Whether a team that `sub` leads or is on holds `unit_id` in `cycle_id`: the inspector's
/// rule for everything of that cycle about that unit.
pub fn inspects_in_cycle(
    conn: &mut PgConnection,
    sub: &str,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> QueryResult<bool> {
    let held: i64 = held_by_teams_of(sub)
        .filter(team_units::cycle_id.eq(cycle_id))
        .filter(team_units::unit_id.eq(unit_id))
        .count()
        .get_result(conn)?;
    Ok(held > 0)
}

/// The units that teams `sub` leads or is on hold in `cycle_id`.
pub fn inspected_in_cycle(
    conn: &mut PgConnection,
    sub: &str,
    cycle_id: CycleId,
) -> QueryResult<Vec<UnitId>> {
    held_by_teams_of(sub)
        .filter(team_units::cycle_id.eq(cycle_id))
        .select(team_units::unit_id)
        .order(team_units::unit_id.asc())
        .load(conn)
}

/// The units that teams `sub` leads or is on hold in a cycle that is not archived: what the
/// inspector reads of the registry (the unit and its leaders). Once the cycle is archived the
/// team's work is done, and only that cycle's documents stay readable to it.
pub fn inspected_now(conn: &mut PgConnection, sub: &str) -> QueryResult<Vec<UnitId>> {
    let open_cycles = assessment_cycles::table
        .filter(assessment_cycles::state.ne(CycleState::Archived))
        .select(assessment_cycles::id);
    held_by_teams_of(sub)
        .filter(team_units::cycle_id.eq_any(open_cycles))
        .select(team_units::unit_id)
        .distinct()
        .load(conn)
}

/// Whether the caller may read the unit's registry record and its leaders: the office every
/// unit, a unit-role caller only its own, an inspector those of [`inspected_now`].
pub fn can_read_registry_unit(
    conn: &mut PgConnection,
    user: &AuthUser,
    unit_id: UnitId,
) -> QueryResult<bool> {
    Ok(match user.role {
        Role::Office => true,
        Role::Unit => user.unit_id == Some(unit_id),
        Role::Inspector => inspected_now(conn, &user.sub)?.contains(&unit_id),
    })
}

/// The registry units a caller may list: `None` means all, `Some(ids)` exactly those.
pub fn visible_registry_units(
    conn: &mut PgConnection,
    user: &AuthUser,
) -> QueryResult<Option<Vec<UnitId>>> {
    Ok(match user.role {
        Role::Office => None,
        Role::Unit => Some(user.unit_id.into_iter().collect()),
        Role::Inspector => Some(inspected_now(conn, &user.sub)?),
    })
}

/// Whether the caller may read what belongs to unit `unit_id` in cycle `cycle_id` (its
/// self-inspection, accountability reports, their versions and attachments): the office every
/// unit, a unit-role caller its own in every cycle, an inspector by [`inspects_in_cycle`].
pub fn can_read_unit_in_cycle(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> QueryResult<bool> {
    Ok(match user.role {
        Role::Office => true,
        Role::Unit => user.unit_id == Some(unit_id),
        Role::Inspector => inspects_in_cycle(conn, &user.sub, cycle_id, unit_id)?,
    })
}

/// The units of cycle `cycle_id` a caller may list: `None` means all, `Some(ids)` exactly
/// those (an inspector's are [`inspected_in_cycle`]).
pub fn visible_units_in_cycle(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
) -> QueryResult<Option<Vec<UnitId>>> {
    Ok(match user.role {
        Role::Office => None,
        Role::Unit => Some(user.unit_id.into_iter().collect()),
        Role::Inspector => Some(inspected_in_cycle(conn, &user.sub, cycle_id)?),
    })
}

/// Whether the caller may write as unit `unit_id` (its own self-inspection and reports).
pub fn is_own_unit(user: &AuthUser, unit_id: UnitId) -> bool {
    user.role == Role::Unit && user.unit_id == Some(unit_id)
}

/// Who a caller is to a unit's democratic evaluation in a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvaluationAccess {
    /// The office: runs, resumes and reads everything, and sets the grades.
    Office,
    /// The unit's inspection team in that cycle: opens, runs and closes rounds, reads tallies.
    Team,
    /// The unit itself: its leaders' grades after publication, nothing else.
    OwnUnit,
    /// Anyone else: 404, as if nothing existed.
    Hidden,
}

/// The rule of a unit's democratic evaluation in a cycle: the office, the members and leader of
/// the team holding the unit in that cycle ([`inspects_in_cycle`]), the unit itself, or nobody.
pub fn evaluation_access(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> QueryResult<EvaluationAccess> {
    Ok(match user.role {
        Role::Office => EvaluationAccess::Office,
        Role::Inspector if inspects_in_cycle(conn, &user.sub, cycle_id, unit_id)? => {
            EvaluationAccess::Team
        }
        Role::Unit if user.unit_id == Some(unit_id) => EvaluationAccess::OwnUnit,
        _ => EvaluationAccess::Hidden,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, unit: Option<i64>) -> AuthUser {
        AuthUser {
            sub: "s".into(),
            name: "n".into(),
            role,
            unit_id: unit.map(UnitId),
            request_id: None,
        }
    }

    #[test]
    fn the_leader_and_the_members_are_on_the_team_and_nobody_else() {
        use crate::models::TeamId;
        use crate::models::team::{Team, TeamMember};
        let team = FullTeam {
            team: Team {
                id: TeamId(1),
                cycle_id: CycleId(1),
                name: "第一考核组".into(),
                leader_sub: "leader".into(),
                leader_name: "欧阳志明".into(),
                version: 1,
                created_at: chrono::Utc::now(),
                updated_at: chrono::Utc::now(),
            },
            members: vec![TeamMember {
                team_id: TeamId(1),
                sub: "member".into(),
                name: "成员".into(),
            }],
            units: vec![UnitId(3)],
        };
        assert!(on_team(&team, "leader"));
        assert!(on_team(&team, "member"));
        assert!(!on_team(&team, "someone-else"));
    }

    #[test]
    fn a_unit_writes_only_as_itself() {
        assert!(is_own_unit(&user(Role::Unit, Some(3)), UnitId(3)));
        assert!(!is_own_unit(&user(Role::Unit, Some(3)), UnitId(4)));
        assert!(!is_own_unit(&user(Role::Office, None), UnitId(3)));
    }
}

/// What a call on a team's document (score sheet, team report) asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamDocumentAccess {
    /// Reading.
    Read,
    /// Editing or signing: members and the leader of the assigned team only.
    Team,
    /// The office's own calls (reopening).
    Office,
}

/// What an access rule answers for an object in hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead.
    Allowed,
    /// Outside the caller's scope: 404, as if it did not exist.
    Hidden,
    /// Inside the scope but not the caller's role to do: 403, with why.
    Forbidden(&'static str),
    /// The unit's own, withheld until the results are published: 403 `not_published`.
    NotPublished,
}

/// The rule of a team's documents on a unit: the office reads and reopens and never edits;
/// the members and leader of the team holding the unit (`team`) read, edit and sign, and never
/// reopen; any other inspector sees nothing; the unit reads its own once the results are
/// published (403 `not_published` before: DOMAIN.md, "What is not yet published"), and never
/// another unit's.
pub fn team_document(
    user: &AuthUser,
    access: TeamDocumentAccess,
    unit_id: UnitId,
    state: CycleState,
    team: Option<&FullTeam>,
) -> Verdict {
    let member = team.is_some_and(|t| on_team(t, &user.sub));
    match (user.role, access) {
        (Role::Office, TeamDocumentAccess::Team) => Verdict::Forbidden(
            "only the members and leader of the assigned team edit and sign a score sheet",
        ),
        (Role::Office, _) => Verdict::Allowed,
        (Role::Inspector, _) if !member => Verdict::Hidden,
        (Role::Inspector, TeamDocumentAccess::Office) => {
            Verdict::Forbidden("only the office reopens a score sheet")
        }
        (Role::Inspector, _) => Verdict::Allowed,
        (Role::Unit, TeamDocumentAccess::Read) if user.unit_id == Some(unit_id) => {
            if matches!(state, CycleState::Published | CycleState::Archived) {
                Verdict::Allowed
            } else {
                Verdict::NotPublished
            }
        }
        (Role::Unit, _) => Verdict::Hidden,
    }
}

/// The rule of the routine inspection's draw (plan §4(二)): every role sees the commitments;
/// the seed and the sample stay with the office until every visit record of the current draw
/// is final (`unsealed`), because field visits are unannounced (四不两直).
pub fn sees_draw(user: &AuthUser, unsealed: bool) -> bool {
    user.role == Role::Office || unsealed
}

/// The rule of a routine-visit record: the office reads, writes and reopens it (its staff sign
/// as visitors); the visited unit reads its own once the draw is unsealed; nobody else sees it.
pub fn routine_visit(
    user: &AuthUser,
    access: TeamDocumentAccess,
    unit_id: UnitId,
    unsealed: bool,
) -> Verdict {
    match (user.role, access) {
        (Role::Office, _) => Verdict::Allowed,
        (Role::Unit, TeamDocumentAccess::Read) if user.unit_id == Some(unit_id) && unsealed => {
            Verdict::Allowed
        }
        _ => Verdict::Hidden,
    }
}

/// What a caller sees of the routine scores of a cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutineScoreAccess {
    /// The office: every unit's, always.
    All,
    /// After publication: these units' (a unit its own, an inspector its team's).
    Only(Vec<UnitId>),
    /// 403 `not_published`: a unit or an inspector before publication.
    NotPublished,
}

/// The rule of routine scores (DOMAIN.md "What is not yet published"): the office sees all;
/// a unit its own and an inspector its team's units, only once the cycle is published.
pub fn routine_scores(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    state: CycleState,
) -> QueryResult<RoutineScoreAccess> {
    let published = matches!(state, CycleState::Published | CycleState::Archived);
    Ok(match user.role {
        Role::Office => RoutineScoreAccess::All,
        _ if !published => RoutineScoreAccess::NotPublished,
        Role::Unit => RoutineScoreAccess::Only(user.unit_id.into_iter().collect()),
        Role::Inspector => RoutineScoreAccess::Only(inspected_in_cycle(conn, &user.sub, cycle_id)?),
    })
}
