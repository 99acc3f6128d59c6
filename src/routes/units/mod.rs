//! `/api/v1/units`: the registry of units (plan §1). The office manages it; a unit-role caller
//! reads only its own unit; an inspector the units their teams hold in cycles not yet archived.

mod archive;
mod create;
mod delete;
mod get;
pub mod json;
mod list;
mod restore;
mod update;

use utoipa_actix_web::service_config::ServiceConfig;

pub use crate::ops::units::{
    ensure_active, ensure_first_responsible_limit, find_visible, first_responsible_count,
    lock_visible, unit_not_found,
};

/// Registers the units routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_units)
        .service(create::create_unit)
        .service(get::get_unit)
        .service(update::update_unit)
        .service(delete::delete_unit)
        .service(archive::archive_unit)
        .service(restore::restore_unit);
}
