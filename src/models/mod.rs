//! Tables as Rust types, each with its queries (STYLE.md: "queries live with their table").

pub mod attachment;
pub mod cycle;
pub mod cycle_unit;
pub mod decision;
pub mod evaluation;
pub mod form;
pub mod leader;
pub mod publication;
pub mod rectification;
pub mod result;
pub mod routine;
pub mod scoring;
pub mod self_inspection;
pub mod team;
pub mod team_report;
pub mod unit;
// Commendations and notices, and the acknowledgement of results (issue 15 item 6, issue 17).
pub mod commendation;
// The office's report to the county committee (issue 16 item 6, task COMMITTEE).
pub mod committee_report;

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use leader::{Leader, LeaderChangeset, NewLeader};
pub use unit::{NewUnit, Unit, UnitChangeset, UnitKind, UnitListQuery};

/// Declares an enum sent as a snake_case JSON string (and stored as TEXT, with a CHECK
/// constraint in its migration, where a table holds it): serde, OpenAPI schema, `as_str`,
/// `FromStr`, diesel conversions, and `LABELS`, each value with its Chinese label.
///
/// Every variant's doc comment is its label, written `中文 (english meaning)`: the contract
/// shows it in the schema's `description` and `x-enum-descriptions` (see
/// `openapi::completion::LABELLED_ENUMS`, which must list the type).
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$doc:meta])*
        pub enum $name:ident {
            $($(#[doc = $vdoc:literal])+ $variant:ident => $text:literal),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[doc = $vdoc])+ $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every value with its label (the variant's doc comment, `中文 (english)`), in
            /// declaration order.
            pub const LABELS: &'static [(&'static str, &'static str)] =
                &[$(($text, concat!($($vdoc),+).trim_ascii())),+];

            /// The value stored in the database and sent in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!("unknown {} {other}", stringify!($name))),
                }
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                use diesel::deserialize::FromSql;
                use diesel::sql_types::Text;
                let raw = <String as FromSql<Text, diesel::pg::Pg>>::from_sql(bytes)?;
                raw.parse().map_err(Into::into)
            }
        }
    };
}

macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident, $example:expr) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            DieselNewType, Serialize, Deserialize, ToSchema,
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
id_newtype!(
    /// Id of an assessment cycle.
    CycleId, 1
);
id_newtype!(
    /// Id of an inspection team.
    TeamId, 1
);
id_newtype!(
    /// Id of a referral to the 公述民评 assessment group.
    ReferralId, 1
);
id_newtype!(
    /// Id of a signature on a score sheet or a team report.
    SignatureId, 1
);
id_newtype!(
    /// Id of a recorded lifecycle transition of a cycle.
    TransitionId, 1
);
id_newtype!(
    /// Id of a recorded deadline extension of a cycle.
    ExtensionId, 1
);
id_newtype!(
    /// Id of a team's score sheet (a row of `scoring_records`).
    RecordId, 1
);
id_newtype!(
    /// Id of a team's assessment report on a unit (a row of `team_reports`).
    TeamReportId, 1
);
id_newtype!(
    /// Id of a signed document as `signatures` and `reopenings` store it, beside its kind; made
    /// only from a `RecordId` or a `TeamReportId` (`scoring::SignedDocument`).
    SignedDocumentId, 1
);
id_newtype!(
    /// Id of a unit's self-inspection in a cycle.
    SelfInspectionId, 1
);
id_newtype!(
    /// Id of a first responsible person's accountability report in a cycle.
    AccountabilityReportId, 1
);
id_newtype!(
    /// Id of a submitted document of any kind, as its versions and attachments name it beside
    /// its kind (`OwnerKind`): a `SelfInspectionId` or an `AccountabilityReportId`.
    DocumentId, 1
);
id_newtype!(
    /// Id of a kept version of a submitted document.
    DocumentVersionId, 1
);
id_newtype!(
    /// Id of an uploaded attachment.
    AttachmentId, 1
);
id_newtype!(
    /// Id of an audit record: its position in the hash chain.
    AuditRecordId, 1
);
id_newtype!(
    /// Id of a democratic evaluation round.
    RoundId, 1
);
id_newtype!(
    /// Id of a routine-inspection draw: a commitment, then its seed and sample.
    DrawId, 1
);
id_newtype!(
    /// Id of a routine-visit record (a row of `routine_visits`).
    RoutineVisitId, 1
);
id_newtype!(
    /// Id of a veto event (一票否决) recorded against a unit in a cycle.
    VetoId, 1
);
id_newtype!(
    /// Id of a decision record of a cycle (the office's review, the standing committee's
    /// decision, the county committee's approval).
    CycleDecisionId, 1
);
id_newtype!(
    /// Id of a commendation or criticism notice of a cycle (表彰、通报批评).
    CommendationId, 1
);
id_newtype!(
    /// Id of a unit's acknowledgement (回执) of one publication of its result.
    AcknowledgementId, 1
);
id_newtype!(
    /// Id of a publication of a cycle's results (a row of `publications`).
    PublicationId, 1
);
id_newtype!(
    /// Id of a unit's rectification (整改) in a cycle.
    RectificationId, 1
);
