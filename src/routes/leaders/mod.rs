//! `/api/v1/units/{unit_id}/leaders`: a unit's leadership team. Readable by whoever may read the
//! unit; written by the office.

mod create;
mod delete;
mod get;
pub mod json;
mod list;
mod update;

use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::models::{Leader, LeaderId, UnitId};

/// Registers the leaders routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_leaders)
        .service(create::create_leader)
        .service(get::get_leader)
        .service(update::update_leader)
        .service(delete::delete_leader);
}

/// Loads leader `id` of unit `unit_id`, 404 when it is not that unit's.
pub fn find_leader(
    conn: &mut PgConnection,
    unit_id: UnitId,
    id: LeaderId,
) -> Result<Leader, ApiError> {
    Leader::find(conn, unit_id, id).map_err(|e| match e {
        diesel::result::Error::NotFound => {
            ApiError::not_found(format!("unit {unit_id} has no leader {id}"))
        }
        other => other.into(),
    })
}
