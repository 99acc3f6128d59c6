use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CreateUnit, UnitResponse};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::ValidJson;
use crate::http::json::{clean, clean_opt};
use crate::models::NewUnit;
use crate::openapi::responses::{Conflict, Forbidden};

/// 登记单位 (Register a unit)
///
/// 仅限县纪委办公室。名称在未归档单位中唯一。
///
/// Office only. The name must be unique among units that are not archived.
///
/// 409: 名称已被未归档单位使用 (`unit_name_taken`: the name is taken).
#[utoipa::path(
    tag = "units",
    request_body = CreateUnit,
    responses(
        (status = 201, description = "已登记 (registered)", body = UnitResponse,
            headers(
                ("Location" = String, description = "新单位的 URL (URL of the new unit)"),
                ("ETag" = String, description = "当前版本 (current version)"),
            )),
        Forbidden,
        Conflict,
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
