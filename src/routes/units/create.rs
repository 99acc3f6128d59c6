use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CreateUnit, UnitResponse};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::ValidJson;
use crate::http::json::{clean, clean_opt};
use crate::models::NewUnit;

/// Register a unit
///
/// Office only. The name must be unique among units that are not archived.
#[utoipa::path(
    tag = "units",
    request_body = CreateUnit,
    responses(
        (status = 201, description = "Registered", body = UnitResponse,
            headers(("Location" = String, description = "URL of the new unit"), ("ETag" = String))),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "The name is taken (`unit_name_taken`)",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "Invalid fields",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/units")]
pub async fn create_unit(
    Office(user): Office,
    pool: web::Data<PgPool>,
    body: ValidJson<CreateUnit>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let new = NewUnit {
        name: body.name.as_deref().map(clean).unwrap_or_default(),
        kind: body
            .kind
            .ok_or_else(|| ApiError::field("kind", "required", "the field `kind` is required"))?,
        contact_person: clean_opt(body.contact_person.as_deref()),
        contact_phone: clean_opt(body.contact_phone.as_deref()),
        address: clean_opt(body.address.as_deref()),
        email: clean_opt(body.email.as_deref()),
    };
    let unit = db::write(&pool, user.actor(), move |conn| {
        let unit = new.insert(conn)?;
        let change = Change::created("unit", unit.id, &unit);
        Ok((unit, change))
    })
    .await?;
    tracing::info!(unit_id = %unit.id, "unit registered");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/units/{}", unit.id)))
        .insert_header((header::ETAG, ETag::from_version(unit.version).0))
        .json(UnitResponse::from(unit)))
}
