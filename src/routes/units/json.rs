//! Request and response bodies of the units resource.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::FieldError;
use crate::http::json::{Rules, Validate, double_option};
use crate::models::unit::UnitSort;
use crate::models::{Unit, UnitId, UnitKind};

const NAME_MAX: usize = 100;
const CONTACT_MAX: usize = 100;
const ADDRESS_MAX: usize = 200;

/// A registered unit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "name": "阳城镇", "kind": "town", "contact_person": "黄志明", "contact_phone": "0763-788210\
        1",
    "address": "阳山县阳城镇韩愈路1号", "email": null, "archived": false, "archived_at": null, "version": 1,
    "created_at": "2014-09-01T08:00:00Z", "updated_at": "2014-09-01T08:00:00Z"
}))]
pub struct UnitResponse {
    /// Unit id.
    pub id: UnitId,
    /// Name, unique among units that are not archived.
    pub name: String,
    /// Kind of unit.
    pub kind: UnitKind,
    /// Contact person (联系人).
    pub contact_person: Option<String>,
    /// Contact telephone.
    pub contact_phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Whether the unit is archived (read-only, kept for the record).
    pub archived: bool,
    /// When it was archived.
    pub archived_at: Option<DateTime<Utc>>,
    /// Version counter; the `ETag` is this number in quotes.
    pub version: i32,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Unit> for UnitResponse {
    fn from(u: Unit) -> Self {
        Self {
            id: u.id,
            name: u.name,
            kind: u.kind,
            contact_person: u.contact_person,
            contact_phone: u.contact_phone,
            address: u.address,
            email: u.email,
            archived: u.archived_at.is_some(),
            archived_at: u.archived_at,
            version: u.version,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// 待登记的单位 (a unit to register). Text fields must not be blank; `null` or absent leaves an
/// optional one empty.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "县行政服务中心", "kind": "county_department", "contact_person": "邓丽华",
    "contact_phone": "0763-7861001", "address": "阳山县阳城镇北门路8号"
}))]
pub struct CreateUnit {
    /// 单位名称，1 至 100 字，在未归档单位中唯一 (name, 1 to 100 characters, unique among
    /// units that are not archived).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// 单位类型 (kind of unit).
    #[schema(required = true, value_type = UnitKind)]
    pub kind: Option<UnitKind>,
    /// 联系人，至多 100 字 (contact person, at most 100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub contact_person: Option<String>,
    /// 联系电话，至多 100 字 (contact telephone, at most 100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub contact_phone: Option<String>,
    /// 通信地址，至多 200 字 (postal address, at most 200 characters).
    #[schema(min_length = 1, max_length = 200)]
    pub address: Option<String>,
    /// 电子邮箱，须含 `@`，至多 100 字 (e-mail address, with an `@`, at most 100 characters).
    #[schema(min_length = 1, max_length = 100, pattern = "@")]
    pub email: Option<String>,
}

fn contact_rules(
    rules: &mut Rules,
    person: Option<&str>,
    phone: Option<&str>,
    address: Option<&str>,
    email: Option<&str>,
) {
    rules.optional_text("contact_person", person, CONTACT_MAX);
    rules.optional_text("contact_phone", phone, CONTACT_MAX);
    rules.optional_text("address", address, ADDRESS_MAX);
    rules.optional_text("email", email, CONTACT_MAX);
    if let Some(email) = email
        && !crate::domain::text::is_blank(email)
        && !email.contains('@')
    {
        rules.0.push(FieldError::new(
            "email",
            "invalid",
            "`email` must be an e-mail address",
        ));
    }
}

impl Validate for CreateUnit {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("name", &self.name, NAME_MAX);
        rules.required("kind", &self.kind);
        contact_rules(
            rules,
            self.contact_person.as_deref(),
            self.contact_phone.as_deref(),
            self.address.as_deref(),
            self.email.as_deref(),
        );
    }
}

/// 单位信息的修改 (changes to a unit): absent fields stay as they are, `null` clears an
/// optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"contact_person": "欧阳明", "contact_phone": "0763-7882102"}))]
pub struct UpdateUnit {
    /// 新名称，1 至 100 字 (new name, 1 to 100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// 新类型 (new kind).
    pub kind: Option<UnitKind>,
    /// 联系人；`null` 清空 (contact person; `null` clears it).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub contact_person: Option<Option<String>>,
    /// 联系电话；`null` 清空 (contact telephone; `null` clears it).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub contact_phone: Option<Option<String>>,
    /// 通信地址；`null` 清空 (postal address; `null` clears it).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub address: Option<Option<String>>,
    /// 电子邮箱，须含 `@`；`null` 清空 (e-mail address, with an `@`; `null` clears it).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100, pattern = "@")]
    pub email: Option<Option<String>>,
}

impl Validate for UpdateUnit {
    fn check(&self, rules: &mut Rules) {
        rules.optional_text("name", self.name.as_deref(), NAME_MAX);
        contact_rules(
            rules,
            self.contact_person.as_ref().and_then(Option::as_deref),
            self.contact_phone.as_ref().and_then(Option::as_deref),
            self.address.as_ref().and_then(Option::as_deref),
            self.email.as_ref().and_then(Option::as_deref),
        );
    }
}

/// Which units are listed, and in which order.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitFilter {
    /// 只列出此类型的单位 (only units of this kind).
    pub kind: Option<UnitKind>,
    /// 只列出名称包含此文字的单位，不区分大小写，例如 `镇` (only units whose name contains
    /// this text, case-insensitive, for example `镇`).
    pub q: Option<String>,
    /// 归档状态：`active`（默认）、`archived` 或 `all` (`active` by default, `archived` or
    /// `all`).
    pub status: Option<UnitStatusFilter>,
    /// 排序字段，默认 `id`；同值按 id 排，分页稳定 (sort column, default `id`; ties are
    /// broken by id, so paging is stable).
    pub sort: Option<UnitSort>,
    /// 排序方向：`asc`（默认）或 `desc` (`asc` by default, or `desc`).
    pub order: Option<SortOrder>,
}

crate::text_enum! {
    /// 归档状态筛选 (archived or not).
    pub enum UnitStatusFilter {
        /// 未归档 (units that are not archived; the default)
        Active => "active",
        /// 已归档 (archived units only)
        Archived => "archived",
        /// 全部 (both)
        All => "all",
    }
}

crate::text_enum! {
    /// 排序方向 (sort direction).
    pub enum SortOrder {
        /// 升序 (ascending; the default)
        Asc => "asc",
        /// 降序 (descending)
        Desc => "desc",
    }
}
