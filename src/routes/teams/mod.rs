//! `/api/v1/assessment-cycles/{cycle_id}/teams`: the inspection teams of a cycle (plan §2:
//! each led by a standing member of the discipline commission) and the units each inspects.
//! The office forms them and assigns every assessed unit to exactly one team; inspectors see
//! the teams they are on, and through them the units they may read.

mod assign;
mod create;
mod get;
pub mod json;
mod list;
mod unassign;
mod unassigned;
mod update;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the team routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_teams)
        .service(create::create_team)
        .service(unassigned::list_unassigned_units)
        // After `teams/unassigned`, which `teams/{team_id}` would otherwise shadow.
        .service(get::get_team)
        .service(assign::assign_unit)
        .service(unassign::unassign_unit)
        .service(update::update_team);
}
