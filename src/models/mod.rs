//! Tables as Rust types, each with its queries (STYLE.md: "queries live with their table").

pub mod leader;
pub mod unit;

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use leader::{Leader, LeaderChangeset, NewLeader};
pub use unit::{NewUnit, Unit, UnitChangeset, UnitKind, UnitListQuery};

macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident, $example:expr) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize, Deserialize, ToSchema,
        )]
        #[serde(transparent)]
        #[schema(value_type = i64, example = $example)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_newtype!(
    /// Id of a unit; a distinct type so it cannot be passed where another id is expected.
    UnitId, 1
);
id_newtype!(
    /// Id of a leader.
    LeaderId, 1
);
