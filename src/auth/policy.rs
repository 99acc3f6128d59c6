//! Which roles may call each operation (issue 17 §1): the role rule every handler states in
//! its signature (`Office`, `Inspector`, `UnitUser`, or `AuthUser` with a role check), written
//! once as a table that `GET /api/v1/me` reads to tell a front end what the caller may do.
//!
//! The table says what the *role* allows; the object's scope (404) and state (409, or 403
//! with its own code such as `not_published`) still decide each call. `tests/api/me.rs`
//! sends every catalogued operation as every role and checks that a role the table refuses is
//! answered 403 `forbidden` and a role it allows never is, so the table and the handlers cannot
//! drift apart.

use crate::auth::Role;

const ALL: &[Role] = &[Role::Office, Role::Inspector, Role::Unit];
const OFFICE: &[Role] = &[Role::Office];
const INSPECTOR: &[Role] = &[Role::Inspector];
const UNIT: &[Role] = &[Role::Unit];
const RUNNERS: &[Role] = &[Role::Office, Role::Inspector];

/// Every operation behind a token, by `operationId`, with the roles its role rule lets through.
pub const POLICY: &[(&str, &[Role])] = &[
    ("list_units", ALL),
    ("create_unit", OFFICE),
    ("get_unit", ALL),
    ("delete_unit", OFFICE),
    ("update_unit", OFFICE),
    ("archive_unit", OFFICE),
    ("restore_unit", OFFICE),
    ("list_leaders", ALL),
    ("create_leader", OFFICE),
    ("get_leader", ALL),
    ("delete_leader", OFFICE),
    ("update_leader", OFFICE),
    ("list_cycles", ALL),
    ("create_cycle", OFFICE),
    ("get_cycle", ALL),
    ("update_cycle", OFFICE),
    ("list_transitions", ALL),
    ("create_transition", OFFICE),
    ("list_deadline_extensions", ALL),
    ("create_deadline_extension", OFFICE),
    ("get_deadline_extension", ALL),
    ("list_cycle_units", ALL),
    ("put_cycle_unit", OFFICE),
    ("list_forms", ALL),
    ("copy_forms", OFFICE),
    ("get_form", ALL),
    ("put_form", OFFICE),
    ("list_self_inspection_progress", OFFICE),
    ("get_self_inspection", ALL),
    ("put_self_inspection", UNIT),
    ("submit_self_inspection", UNIT),
    ("return_self_inspection", OFFICE),
    ("record_paper_copy", OFFICE),
    ("list_self_inspection_versions", ALL),
    ("list_accountability_reports", ALL),
    ("get_accountability_report", ALL),
    ("put_accountability_report", UNIT),
    ("submit_accountability_report", UNIT),
    ("return_accountability_report", OFFICE),
    ("list_teams", ALL),
    ("create_team", OFFICE),
    ("list_unassigned_units", OFFICE),
    ("get_team", ALL),
    ("update_team", OFFICE),
    ("assign_unit", OFFICE),
    ("unassign_unit", OFFICE),
    ("get_scoring_record", ALL),
    ("put_record_item", INSPECTOR),
    ("put_record_methods", INSPECTOR),
    ("create_referral", INSPECTOR),
    ("get_referral", ALL),
    ("delete_referral", INSPECTOR),
    ("submit_scoring_record", INSPECTOR),
    ("sign_scoring_record", INSPECTOR),
    ("get_scoring_record_signature", ALL),
    ("reopen_scoring_record", OFFICE),
    ("get_team_report", ALL),
    ("put_team_report", INSPECTOR),
    ("submit_team_report", INSPECTOR),
    ("sign_team_report", INSPECTOR),
    ("get_team_report_signature", ALL),
    ("reopen_team_report", OFFICE),
    ("get_evaluation_settings", ALL),
    ("update_evaluation_settings", OFFICE),
    ("list_evaluation_rounds", ALL),
    ("create_evaluation_round", RUNNERS),
    ("get_evaluation_round", ALL),
    ("issue_ballot_codes", RUNNERS),
    ("put_paper_tally", RUNNERS),
    ("close_evaluation_round", RUNNERS),
    ("resume_evaluation_round", OFFICE),
    ("get_evaluation_tally", ALL),
    ("list_leader_grades", ALL),
    ("get_leader_grade", ALL),
    ("put_leader_grade", OFFICE),
    ("upload_attachment", ALL),
    ("download_attachment", ALL),
    ("delete_attachment", ALL),
    ("list_audit", OFFICE),
    ("get_audit_head", ALL),
    ("list_audit_keys", ALL),
    ("get_routine_plan", ALL),
    ("put_routine_plan", OFFICE),
    ("list_routine_targets", ALL),
    ("get_routine_target", ALL),
    ("put_routine_target", OFFICE),
    ("list_routine_draws", ALL),
    ("commit_routine_draw", OFFICE),
    ("get_routine_draw", ALL),
    ("verify_routine_draw", ALL),
    ("seed_routine_draw", OFFICE),
    ("get_routine_visit", ALL),
    ("put_routine_visit", OFFICE),
    ("submit_routine_visit", OFFICE),
    ("sign_routine_visit", OFFICE),
    ("get_routine_visit_signature", ALL),
    ("reopen_routine_visit", OFFICE),
    ("list_routine_scores", ALL),
    ("create_routine_scores", OFFICE),
    ("get_routine_score", ALL),
    ("put_routine_score", OFFICE),
    ("get_me", ALL),
    ("list_my_tasks", ALL),
    // Results (issue 15, task RESULTS).
    ("get_result_settings", ALL),
    ("put_result_settings", OFFICE),
    ("put_grade_bands", OFFICE),
    ("list_results", ALL),
    ("get_unit_result", ALL),
    ("list_vetoes", OFFICE),
    ("create_veto", OFFICE),
    ("get_veto", OFFICE),
    ("delete_veto", OFFICE),
    ("list_fallback_results", OFFICE),
    ("get_fallback_result", OFFICE),
    ("put_fallback_result", OFFICE),
    ("delete_fallback_result", OFFICE),
    // Publication (issue 15, part 2): the review's decision records.
    ("list_cycle_decisions", OFFICE),
    ("create_cycle_decision", OFFICE),
    ("get_cycle_decision", OFFICE),
    ("update_cycle_decision", OFFICE),
    // Publication versions and settings (issue 15 item 4, task SNAP).
    ("list_publications", ALL),
    ("get_publication", ALL),
    ("list_publication_changes", OFFICE),
    ("get_publication_settings", OFFICE),
    ("put_publication_settings", OFFICE),
    // Reports (issue 16): the office's, for now.
    ("get_dashboard_report", OFFICE),
    ("get_leader_grades_report", OFFICE),
    ("get_content_area_report", OFFICE),
    // Task push (issue 17 §4).
    ("list_task_deliveries", OFFICE),
    // Commendations and notices (issue 15 item 6), and the acknowledgement of results.
    ("list_commendations", ALL),
    ("create_commendation", OFFICE),
    ("get_commendation", ALL),
    ("update_commendation", OFFICE),
    ("delete_commendation", OFFICE),
    ("publish_commendation", OFFICE),
    ("get_result_acknowledgement", &[Role::Office, Role::Unit]),
    ("acknowledge_result", UNIT),
    // Rectification (issue 15 item 5, task RECT).
    ("list_rectifications", RUNNERS),
    ("get_rectification", ALL),
    ("put_rectification", UNIT),
    ("submit_rectification", UNIT),
    ("return_rectification", OFFICE),
    ("accept_rectification", OFFICE),
    // The ranking and the exports for other assessments (issue 16 §2, §7; task RANK).
    ("get_ranking_report", ALL),
    ("get_party_building_report", OFFICE),
    ("get_public_evaluation_report", OFFICE),
    // A unit's full report (issue 16 item 3, task UNITREP): scope and publication decide.
    ("get_unit_report", ALL),
    // The report to the county committee (issue 16 item 6, task COMMITTEE).
    ("get_committee_report", OFFICE),
    ("put_committee_report", OFFICE),
];

/// The roles operation `operation_id` lets through (none for an unknown operation).
pub fn roles_of(operation_id: &str) -> &'static [Role] {
    POLICY
        .iter()
        .find(|(id, _)| *id == operation_id)
        .map_or(&[], |(_, roles)| *roles)
}

/// The operations `role` may call, in the table's order.
pub fn operations_for(role: Role) -> Vec<&'static str> {
    POLICY
        .iter()
        .filter(|(_, roles)| roles.contains(&role))
        .map(|(id, _)| *id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_operation_is_listed_once_and_allows_some_role() {
        let mut ids: Vec<&str> = POLICY.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "an operation is listed twice");
        assert!(POLICY.iter().all(|(_, roles)| !roles.is_empty()));
        assert_eq!(roles_of("create_unit"), &[Role::Office]);
        assert!(roles_of("no_such_operation").is_empty());
    }
}
