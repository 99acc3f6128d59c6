//! Every route of the service, in one place: the table of contents of the API.
//!
//! Routes are registered through utoipa-actix-web, so the OpenAPI contract holds each of them
//! by construction; a route added any other way is missing from the contract, and the contract
//! tests fail.

pub mod accountability_reports;
pub mod attachments;
pub mod audit;
pub mod ballots;
pub mod cycle_decisions;
pub mod cycles;
pub mod evaluation_rounds;
pub mod evaluation_settings;
pub mod forms;
pub mod health;
pub mod leader_grades;
pub mod leaders;
pub mod me;
pub mod reports;
pub mod routine_draws;
pub mod routine_plans;
pub mod routine_scores;
pub mod routine_visits;
pub mod scoring_records;
pub mod self_inspections;
// Task push (issue 17 §4).
pub mod task_deliveries;
pub mod team_reports;
pub mod teams;
pub mod units;
// Results (issue 15, task RESULTS).
pub mod fallback_results;
pub mod result_settings;
pub mod results;
pub mod vetoes;
// Commendations and notices, and the acknowledgement of results (issue 15 item 6, issue 17).
pub mod acknowledgements;
pub mod commendations;
// Publication snapshots and settings (issue 15 item 4, task SNAP).
pub mod publication;
pub mod publications;
// Rectification (issue 15 item 5, task RECT).
pub mod rectifications;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every route of the service.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(
            scope("/api/v1")
                // Units registry and leadership teams (plan §1).
                .configure(units::routes)
                .configure(leaders::routes)
                // Assessment cycles, their lifecycle and units in scope (plan §2, §4).
                .configure(cycles::routes)
                // Scoring forms (plan §3, §4 and attachments 1 and 2).
                .configure(forms::routes)
                // Units' self-inspections and accountability reports (plan §4(一)1, §6).
                .configure(self_inspections::routes)
                .configure(accountability_reports::routes)
                // Inspection teams and the units they inspect (plan §2).
                .configure(teams::routes)
                // The teams' score sheets, referrals and signatures (plan §4(一)2, §7).
                .configure(scoring_records::routes)
                .configure(team_reports::routes)
                // The democratic evaluation of leaders and their grades (plan §4, form 3).
                .configure(evaluation_settings::routes)
                .configure(evaluation_rounds::routes)
                .configure(leader_grades::routes)
                // The routine inspection: plan, targets, the draw, visits, scores (plan §4(二)).
                .configure(routine_plans::routes)
                .configure(routine_draws::routes)
                .configure(routine_visits::routes)
                .configure(routine_scores::routes)
                // Account-less ballots: the one call without a token besides the probes.
                .configure(ballots::routes)
                // Attachments of what units submit.
                .configure(attachments::routes)
                // The audit trail (plan §7).
                .configure(audit::routes)
                // The caller's profile and to-do list (issue 17).
                .configure(me::routes)
                // Results (issue 15, task RESULTS).
                .configure(result_settings::routes)
                .configure(results::routes)
                .configure(vetoes::routes)
                .configure(fallback_results::routes)
                // Publication (issue 15, part 2): the review's decision records (plan §4(一)3).
                .configure(cycle_decisions::routes)
                // The office's reports, as JSON, CSV or .xlsx (issue 16, plan §5).
                .configure(reports::routes)
                // Task push (issue 17 §4): the deliveries of task events to the OA portal.
                .configure(task_deliveries::routes)
                // Commendations and notices (issue 15 item 6, plan §5), and the units'
                // acknowledgements of their results (回执, issue 17).
                .configure(commendations::routes)
                .configure(acknowledgements::routes)
                // Publication versions and settings (issue 15 item 4, task SNAP).
                .configure(publication::routes)
                .configure(publications::routes)
                // Rectification (issue 15 item 5; plan §5): what a unit at or below the line owes.
                .configure(rectifications::routes),
        );
}
