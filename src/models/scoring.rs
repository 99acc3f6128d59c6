//! The `scoring_records`, `record_items`, `referrals`, `signatures` and `reopenings` tables.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{CycleId, LeaderId, RecordId, ReferralId, SignatureId, SignedDocumentId};
use super::{RoutineVisitId, TeamReportId, UnitId};
use crate::schema::{record_items, referrals, reopenings, scoring_records, signatures};

crate::text_enum! {
    /// Where a signed document (score sheet, team report) is.
    pub enum SheetStatus {
        /// 填写中 (the team is editing)
        Open => "open",
        /// 待签署 (submitted for signature: every member and the leader sign)
        AwaitingSignatures => "awaiting_signatures",
        /// 已定稿 (signed by all: further writes are refused until the office reopens it)
        Final => "final",
    }
}

crate::text_enum! {
    /// Which kind of document a signature is on.
    pub enum SignedKind {
        /// 考核评分表 (a score sheet)
        ScoringRecord => "scoring_record",
        /// 考核组考核报告 (a team assessment report)
        TeamReport => "team_report",
        /// 日常考核检查走访记录 (a routine-visit record)
        RoutineVisit => "routine_visit",
    }
}

/// A signed document as `signatures` and `reopenings` name it: its kind and its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedDocument {
    /// A score sheet.
    ScoringRecord(RecordId),
    /// A team assessment report.
    TeamReport(TeamReportId),
    /// A routine-visit record.
    RoutineVisit(RoutineVisitId),
}

impl SignedDocument {
    /// Its kind, as stored.
    pub fn kind(self) -> SignedKind {
        match self {
            SignedDocument::ScoringRecord(_) => SignedKind::ScoringRecord,
            SignedDocument::TeamReport(_) => SignedKind::TeamReport,
            SignedDocument::RoutineVisit(_) => SignedKind::RoutineVisit,
        }
    }

    /// Its row's id, as stored beside the kind.
    pub fn id(self) -> SignedDocumentId {
        match self {
            SignedDocument::ScoringRecord(id) => SignedDocumentId(id.0),
            SignedDocument::TeamReport(id) => SignedDocumentId(id.0),
            SignedDocument::RoutineVisit(id) => SignedDocumentId(id.0),
        }
    }
}

/// What the signed family needs of a member's table, implemented by `signed_table!`.
pub trait SignedRow: Sized {
    /// The row of a unit in a cycle, if the team has started it; locked when `lock`.
    fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        lock: bool,
    ) -> QueryResult<Option<Self>>;

    /// The row, created when missing, locked until the transaction ends.
    fn open_locked(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<Self>;

    /// Which document it is.
    fn document(&self) -> SignedDocument;

    /// Where it is, its version (a signature names it) and its signing round.
    fn state(&self) -> (SheetStatus, i32, i32);
}

/// The queries every signed document's table shares: [`SignedRow`] (the row of a unit in a
/// cycle, locked on demand or created when missing), and `touch` (its version and status after
/// a change) and `start_round`. The table has `id`, `cycle_id`, `unit_id`, `status`,
/// `version`, `round` and `updated_at`; `$variant` is its `SignedDocument`, `$created` further
/// values of a new row.
macro_rules! signed_table {
    ($row:ident, $table:ident, $id:ty, $variant:ident $(, $created:expr)*) => {
        impl $crate::models::scoring::SignedRow for $row {
            fn find(
                conn: &mut PgConnection,
                cycle_id: CycleId,
                unit_id: UnitId,
                lock: bool,
            ) -> QueryResult<Option<$row>> {
                let query = $table::table
                    .filter($table::cycle_id.eq(cycle_id))
                    .filter($table::unit_id.eq(unit_id))
                    .select($row::as_select());
                if lock {
                    query.for_update().first(conn).optional()
                } else {
                    query.first(conn).optional()
                }
            }

            fn open_locked(
                conn: &mut PgConnection,
                cycle_id: CycleId,
                unit_id: UnitId,
            ) -> QueryResult<$row> {
                diesel::insert_into($table::table)
                    .values((
                        $table::cycle_id.eq(cycle_id),
                        $table::unit_id.eq(unit_id),
                        $($created,)*
                    ))
                    .on_conflict_do_nothing()
                    .execute(conn)?;
                Self::find(conn, cycle_id, unit_id, true)?.ok_or(diesel::result::Error::NotFound)
            }

            fn document(&self) -> $crate::models::scoring::SignedDocument {
                $crate::models::scoring::SignedDocument::$variant(self.id)
            }

            fn state(&self) -> (SheetStatus, i32, i32) {
                (self.status, self.version, self.round)
            }
        }

        impl $row {
            /// Bumps the version and sets the status, after a change or a step.
            pub fn touch(conn: &mut PgConnection, id: $id, status: SheetStatus) -> QueryResult<()> {
                diesel::update($table::table.find(id))
                    .set((
                        $table::status.eq(status),
                        $table::version.eq($table::version + 1),
                        $table::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)
                    .map(drop)
            }

            /// Starts the next signing round.
            pub fn start_round(conn: &mut PgConnection, id: $id) -> QueryResult<()> {
                diesel::update($table::table.find(id))
                    .set($table::round.eq($table::round + 1))
                    .execute(conn)
                    .map(drop)
            }
        }
    };
}
pub(crate) use signed_table;

/// A row of `scoring_records`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = scoring_records, check_for_backend(Pg))]
pub struct ScoringRecord {
    pub id: RecordId,
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub status: SheetStatus,
    pub methods: serde_json::Value,
    pub methods_version: i32,
    pub version: i32,
    pub round: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A score sheet's record with its parts (`ScoringRecord::with_parts`).
#[derive(Debug, Clone)]
pub struct RecordParts {
    pub record: ScoringRecord,
    pub items: Vec<RecordItem>,
    pub referrals: Vec<Referral>,
    /// The standing signatures of the record's round.
    pub signatures: Vec<Signature>,
}

/// A row of `record_items`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, Deserialize)]
#[diesel(table_name = record_items, check_for_backend(Pg))]
pub struct RecordItem {
    pub record_id: RecordId,
    pub item_code: String,
    pub deductions: serde_json::Value,
    pub evidence_notes: Option<String>,
    pub points: BigDecimal,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// Values for an item's row, inserted or replacing the one there (its version then goes up).
#[derive(Debug, Clone)]
pub struct NewRecordItem {
    pub record_id: RecordId,
    pub item_code: String,
    pub deductions: serde_json::Value,
    pub evidence_notes: Option<String>,
    pub points: BigDecimal,
    pub updated_by: String,
}

impl NewRecordItem {
    /// Inserts the item's row or replaces the one there; returns the row as stored.
    pub fn upsert(&self, conn: &mut PgConnection) -> QueryResult<RecordItem> {
        diesel::insert_into(record_items::table)
            .values((
                record_items::record_id.eq(self.record_id),
                record_items::item_code.eq(&self.item_code),
                record_items::deductions.eq(&self.deductions),
                record_items::evidence_notes.eq(&self.evidence_notes),
                record_items::points.eq(&self.points),
                record_items::updated_by.eq(&self.updated_by),
            ))
            .on_conflict((record_items::record_id, record_items::item_code))
            .do_update()
            .set((
                record_items::deductions.eq(&self.deductions),
                record_items::evidence_notes.eq(&self.evidence_notes),
                record_items::points.eq(&self.points),
                record_items::version.eq(record_items::version + 1),
                record_items::updated_by.eq(&self.updated_by),
                record_items::updated_at.eq(diesel::dsl::now),
            ))
            .returning(RecordItem::as_returning())
            .get_result(conn)
    }
}

impl RecordItem {
    /// A record's row for one item, if written.
    pub fn find(
        conn: &mut PgConnection,
        record_id: RecordId,
        code: &str,
    ) -> QueryResult<Option<Self>> {
        record_items::table
            .find((record_id, code))
            .select(RecordItem::as_select())
            .first(conn)
            .optional()
    }
}

/// A row of `referrals`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, Deserialize)]
#[diesel(table_name = referrals, check_for_backend(Pg))]
pub struct Referral {
    pub id: ReferralId,
    pub record_id: RecordId,
    pub leader_id: Option<LeaderId>,
    pub leader_name: Option<String>,
    pub facts: String,
    pub decision: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Values for a new referral.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = referrals)]
pub struct NewReferral {
    pub record_id: RecordId,
    pub leader_id: Option<LeaderId>,
    pub leader_name: Option<String>,
    pub facts: String,
    pub decision: String,
    pub created_by: String,
}

impl NewReferral {
    /// Records the referral.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<Referral> {
        diesel::insert_into(referrals::table)
            .values(self)
            .returning(Referral::as_returning())
            .get_result(conn)
    }
}

impl Referral {
    /// One referral of a record, if it is that record's.
    pub fn find(
        conn: &mut PgConnection,
        record_id: RecordId,
        id: ReferralId,
    ) -> QueryResult<Option<Self>> {
        referrals::table
            .filter(referrals::id.eq(id))
            .filter(referrals::record_id.eq(record_id))
            .select(Referral::as_select())
            .first(conn)
            .optional()
    }

    /// Withdraws a referral of a record; returns it, if it was there.
    pub fn delete(
        conn: &mut PgConnection,
        record_id: RecordId,
        id: ReferralId,
    ) -> QueryResult<Option<Self>> {
        diesel::delete(
            referrals::table
                .filter(referrals::id.eq(id))
                .filter(referrals::record_id.eq(record_id)),
        )
        .returning(Referral::as_returning())
        .get_result(conn)
        .optional()
    }
}

/// A row of `signatures`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, Deserialize)]
#[diesel(table_name = signatures, check_for_backend(Pg))]
pub struct Signature {
    pub id: SignatureId,
    pub document_kind: SignedKind,
    pub document_id: SignedDocumentId,
    pub round: i32,
    pub signer_sub: String,
    pub signer_name: String,
    pub signer_role: String,
    pub doc_version: i32,
    pub content_sha256: String,
    pub signed_at: DateTime<Utc>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
    /// Which canonical content `content_sha256` hashes (README, "Signatures").
    pub canonical_version: i32,
}

signed_table!(ScoringRecord, scoring_records, RecordId, ScoringRecord);

impl ScoringRecord {
    /// Its items.
    pub fn items(conn: &mut PgConnection, id: RecordId) -> QueryResult<Vec<RecordItem>> {
        record_items::table
            .filter(record_items::record_id.eq(id))
            .select(RecordItem::as_select())
            .load(conn)
    }

    /// The record of `unit_id` in the cycle with its items, its referrals (by id) and the
    /// standing signatures of its round (by id), read in one statement.
    pub fn with_parts(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<Option<RecordParts>> {
        use diesel::dsl::sql;
        use diesel::sql_types::Jsonb;
        // Each part as a JSON array of its rows; numbers as text, so that no point passes
        // through a float on its way back.
        const ITEMS: &str = "COALESCE((SELECT jsonb_agg(to_jsonb(i) \
             || jsonb_build_object('points', i.points::text)) FROM record_items i \
             WHERE i.record_id = scoring_records.id), '[]'::jsonb)";
        const REFERRALS: &str = "COALESCE((SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id) \
             FROM referrals r WHERE r.record_id = scoring_records.id), '[]'::jsonb)";
        const SIGNATURES: &str = "COALESCE((SELECT jsonb_agg(to_jsonb(s) ORDER BY s.id) \
             FROM signatures s WHERE s.document_kind = 'scoring_record' \
             AND s.document_id = scoring_records.id AND s.round = scoring_records.round \
             AND s.voided_at IS NULL), '[]'::jsonb)";
        type Row = (
            ScoringRecord,
            serde_json::Value,
            serde_json::Value,
            serde_json::Value,
        );
        let row: Option<Row> = scoring_records::table
            .filter(scoring_records::cycle_id.eq(cycle_id))
            .filter(scoring_records::unit_id.eq(unit_id))
            .select((
                ScoringRecord::as_select(),
                sql::<Jsonb>(ITEMS),
                sql::<Jsonb>(REFERRALS),
                sql::<Jsonb>(SIGNATURES),
            ))
            .first(conn)
            .optional()?;
        fn parts<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> QueryResult<T> {
            serde_json::from_value(value)
                .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))
        }
        row.map(|(record, items, referrals, signatures)| {
            Ok(RecordParts {
                record,
                items: parts(items)?,
                referrals: parts(referrals)?,
                signatures: parts(signatures)?,
            })
        })
        .transpose()
    }

    /// Its referrals.
    pub fn referrals(conn: &mut PgConnection, id: RecordId) -> QueryResult<Vec<Referral>> {
        referrals::table
            .filter(referrals::record_id.eq(id))
            .order(referrals::id.asc())
            .select(Referral::as_select())
            .load(conn)
    }

    /// Replaces the methods the team used, bumping their own version (the sheet's version goes
    /// up through the family, after any change).
    pub fn set_methods(
        conn: &mut PgConnection,
        id: RecordId,
        methods: &[crate::domain::scoring::Method],
    ) -> QueryResult<serde_json::Value> {
        let value = serde_json::to_value(methods).unwrap_or_default();
        diesel::update(scoring_records::table.find(id))
            .set((
                scoring_records::methods.eq(&value),
                scoring_records::methods_version.eq(scoring_records::methods_version + 1),
            ))
            .execute(conn)?;
        Ok(value)
    }
}

impl Signature {
    /// One signature of a document, voided or not, if it is that document's.
    pub fn find(
        conn: &mut PgConnection,
        doc: SignedDocument,
        id: SignatureId,
    ) -> QueryResult<Option<Signature>> {
        signatures::table
            .filter(signatures::id.eq(id))
            .filter(signatures::document_kind.eq(doc.kind()))
            .filter(signatures::document_id.eq(doc.id()))
            .select(Signature::as_select())
            .first(conn)
            .optional()
    }

    /// The signatures of a document's round that stand (not voided).
    pub fn standing(
        conn: &mut PgConnection,
        doc: SignedDocument,
        round: i32,
    ) -> QueryResult<Vec<Signature>> {
        signatures::table
            .filter(signatures::document_kind.eq(doc.kind()))
            .filter(signatures::document_id.eq(doc.id()))
            .filter(signatures::round.eq(round))
            .filter(signatures::voided_at.is_null())
            .order(signatures::id.asc())
            .select(Signature::as_select())
            .load(conn)
    }

    /// Voids the standing signatures of a round; returns how many.
    pub fn void_round(
        conn: &mut PgConnection,
        doc: SignedDocument,
        round: i32,
        reason: &str,
    ) -> QueryResult<usize> {
        diesel::update(
            signatures::table
                .filter(signatures::document_kind.eq(doc.kind()))
                .filter(signatures::document_id.eq(doc.id()))
                .filter(signatures::round.eq(round))
                .filter(signatures::voided_at.is_null()),
        )
        .set((
            signatures::voided_at.eq(diesel::dsl::now),
            signatures::void_reason.eq(reason),
        ))
        .execute(conn)
    }
}

/// Values for a new signature.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = signatures)]
pub struct NewSignature<'a> {
    pub document_kind: SignedKind,
    pub document_id: SignedDocumentId,
    pub round: i32,
    pub signer_sub: &'a str,
    pub signer_name: &'a str,
    pub signer_role: &'a str,
    pub doc_version: i32,
    pub content_sha256: &'a str,
    /// Which canonical content `content_sha256` hashes.
    pub canonical_version: i32,
}

impl NewSignature<'_> {
    /// Records the signature.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<Signature> {
        diesel::insert_into(signatures::table)
            .values(self)
            .returning(Signature::as_returning())
            .get_result(conn)
    }
}

/// Reopens a final document: records the reason with what stood before (`snapshot`), and
/// voids the round's signatures (they stay on record, marked void). The caller starts the next
/// round.
pub fn reopen_document(
    conn: &mut PgConnection,
    doc: SignedDocument,
    round: i32,
    reason: &str,
    actor: &str,
    snapshot: &serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(reopenings::table)
        .values((
            reopenings::document_kind.eq(doc.kind().as_str()),
            reopenings::document_id.eq(doc.id()),
            reopenings::round.eq(round),
            reopenings::reason.eq(reason),
            reopenings::actor_sub.eq(actor),
            reopenings::content.eq(snapshot),
        ))
        .execute(conn)?;
    Signature::void_round(conn, doc, round, &format!("reopened: {reason}"))?;
    Ok(())
}
