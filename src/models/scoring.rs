//! The `scoring_records`, `record_items`, `referrals`, `signatures` and `reopenings` tables.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::{CycleId, LeaderId, ReferralId, SignatureId, UnitId};
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
    }
}

/// A row of `scoring_records`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = scoring_records, check_for_backend(Pg))]
pub struct ScoringRecord {
    pub id: i64,
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

/// A row of `record_items`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = record_items, check_for_backend(Pg))]
pub struct RecordItem {
    pub record_id: i64,
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
    pub record_id: i64,
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
    pub fn find(conn: &mut PgConnection, record_id: i64, code: &str) -> QueryResult<Option<Self>> {
        record_items::table
            .find((record_id, code))
            .select(RecordItem::as_select())
            .first(conn)
            .optional()
    }
}

/// A row of `referrals`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = referrals, check_for_backend(Pg))]
pub struct Referral {
    pub id: ReferralId,
    pub record_id: i64,
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
    pub record_id: i64,
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
        record_id: i64,
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
        record_id: i64,
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
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = signatures, check_for_backend(Pg))]
pub struct Signature {
    pub id: SignatureId,
    pub document_kind: SignedKind,
    pub document_id: i64,
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

impl ScoringRecord {
    /// The record of a unit in a cycle, if the team has started it.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        lock: bool,
    ) -> QueryResult<Option<ScoringRecord>> {
        let query = scoring_records::table
            .filter(scoring_records::cycle_id.eq(cycle_id))
            .filter(scoring_records::unit_id.eq(unit_id))
            .select(ScoringRecord::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// The record, created when missing, locked until the transaction ends.
    pub fn open_locked(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<ScoringRecord> {
        diesel::insert_into(scoring_records::table)
            .values((
                scoring_records::cycle_id.eq(cycle_id),
                scoring_records::unit_id.eq(unit_id),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        Self::find(conn, cycle_id, unit_id, true)?.ok_or(diesel::result::Error::NotFound)
    }

    /// Its items.
    pub fn items(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<RecordItem>> {
        record_items::table
            .filter(record_items::record_id.eq(id))
            .select(RecordItem::as_select())
            .load(conn)
    }

    /// Its referrals.
    pub fn referrals(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<Referral>> {
        referrals::table
            .filter(referrals::record_id.eq(id))
            .order(referrals::id.asc())
            .select(Referral::as_select())
            .load(conn)
    }

    /// Bumps the version (and sets the status), after a change.
    pub fn touch(
        conn: &mut PgConnection,
        id: i64,
        status: SheetStatus,
    ) -> QueryResult<ScoringRecord> {
        diesel::update(scoring_records::table.find(id))
            .set((
                scoring_records::status.eq(status),
                scoring_records::version.eq(scoring_records::version + 1),
                scoring_records::updated_at.eq(diesel::dsl::now),
            ))
            .returning(ScoringRecord::as_returning())
            .get_result(conn)
    }

    /// Replaces the methods the team used, bumping their own version (the sheet's version goes
    /// up through the family, after any change).
    pub fn set_methods(
        conn: &mut PgConnection,
        id: i64,
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

    /// Starts the next signing round.
    pub fn start_round(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
        diesel::update(scoring_records::table.find(id))
            .set(scoring_records::round.eq(scoring_records::round + 1))
            .execute(conn)
            .map(drop)
    }
}

impl Signature {
    /// One signature of a document, voided or not, if it is that document's.
    pub fn find(
        conn: &mut PgConnection,
        kind: SignedKind,
        document_id: i64,
        id: SignatureId,
    ) -> QueryResult<Option<Signature>> {
        signatures::table
            .filter(signatures::id.eq(id))
            .filter(signatures::document_kind.eq(kind))
            .filter(signatures::document_id.eq(document_id))
            .select(Signature::as_select())
            .first(conn)
            .optional()
    }

    /// The signatures of a document's round that stand (not voided).
    pub fn standing(
        conn: &mut PgConnection,
        kind: SignedKind,
        id: i64,
        round: i32,
    ) -> QueryResult<Vec<Signature>> {
        signatures::table
            .filter(signatures::document_kind.eq(kind))
            .filter(signatures::document_id.eq(id))
            .filter(signatures::round.eq(round))
            .filter(signatures::voided_at.is_null())
            .order(signatures::id.asc())
            .select(Signature::as_select())
            .load(conn)
    }

    /// Every signature of a document, voided ones included, oldest first.
    pub fn history(
        conn: &mut PgConnection,
        kind: SignedKind,
        id: i64,
    ) -> QueryResult<Vec<Signature>> {
        signatures::table
            .filter(signatures::document_kind.eq(kind))
            .filter(signatures::document_id.eq(id))
            .order(signatures::id.asc())
            .select(Signature::as_select())
            .load(conn)
    }

    /// Voids the standing signatures of a round; returns how many.
    pub fn void_round(
        conn: &mut PgConnection,
        kind: SignedKind,
        id: i64,
        round: i32,
        reason: &str,
    ) -> QueryResult<usize> {
        diesel::update(
            signatures::table
                .filter(signatures::document_kind.eq(kind))
                .filter(signatures::document_id.eq(id))
                .filter(signatures::round.eq(round))
                .filter(signatures::voided_at.is_null()),
        )
        .set((
            signatures::voided_at.eq(diesel::dsl::now),
            signatures::void_reason.eq(reason),
        ))
        .execute(conn)
    }

    /// Records a signature.
    #[expect(
        clippy::too_many_arguments,
        reason = "a signature is these eight facts; a struct would only rename them"
    )]
    pub fn insert(
        conn: &mut PgConnection,
        kind: SignedKind,
        id: i64,
        round: i32,
        sub: &str,
        name: &str,
        role: &str,
        version: i32,
        sha256: &str,
    ) -> QueryResult<Signature> {
        diesel::insert_into(signatures::table)
            .values((
                signatures::document_kind.eq(kind),
                signatures::document_id.eq(id),
                signatures::round.eq(round),
                signatures::signer_sub.eq(sub),
                signatures::signer_name.eq(name),
                signatures::signer_role.eq(role),
                signatures::doc_version.eq(version),
                signatures::content_sha256.eq(sha256),
                signatures::canonical_version.eq(crate::domain::scoring::CANONICAL_VERSION),
            ))
            .returning(Signature::as_returning())
            .get_result(conn)
    }
}

/// Records a reopening with what stood before.
pub fn record_reopening(
    conn: &mut PgConnection,
    kind: SignedKind,
    id: i64,
    round: i32,
    reason: &str,
    actor: &str,
    content: &serde_json::Value,
) -> QueryResult<usize> {
    diesel::insert_into(reopenings::table)
        .values((
            reopenings::document_kind.eq(kind.as_str()),
            reopenings::document_id.eq(id),
            reopenings::round.eq(round),
            reopenings::reason.eq(reason),
            reopenings::actor_sub.eq(actor),
            reopenings::content.eq(content),
        ))
        .execute(conn)
}

/// Why a signature was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum SignRefusal {
    /// The signer has a standing signature in this round.
    AlreadySigned,
}

/// Signs a document awaiting signatures for `signer` (sub, name, role) with the hash of its
/// content now; returns whether every one of `required` has now signed. Shared by score sheets
/// and team reports.
#[expect(
    clippy::too_many_arguments,
    reason = "the document, its round and version, the signer, the hash and who must sign"
)]
pub fn sign_document(
    conn: &mut PgConnection,
    kind: SignedKind,
    id: i64,
    round: i32,
    version: i32,
    signer: (&str, &str, &str),
    sha256: &str,
    required: &[&str],
) -> QueryResult<Result<bool, SignRefusal>> {
    let (sub, name, role) = signer;
    if Signature::standing(conn, kind, id, round)?
        .iter()
        .any(|s| s.signer_sub == sub)
    {
        return Ok(Err(SignRefusal::AlreadySigned));
    }
    Signature::insert(conn, kind, id, round, sub, name, role, version, sha256)?;
    let signed: Vec<String> = Signature::standing(conn, kind, id, round)?
        .into_iter()
        .map(|s| s.signer_sub)
        .collect();
    Ok(Ok(required.iter().all(|r| signed.iter().any(|s| s == r))))
}

/// Reopens a final document: records the reason with what stood before, and voids the round's
/// signatures (they stay on record, marked void). The caller starts the next round.
pub fn reopen_document(
    conn: &mut PgConnection,
    kind: SignedKind,
    id: i64,
    round: i32,
    reason: &str,
    actor: &str,
    snapshot: &serde_json::Value,
) -> QueryResult<()> {
    record_reopening(conn, kind, id, round, reason, actor, snapshot)?;
    Signature::void_round(conn, kind, id, round, &format!("reopened: {reason}"))?;
    Ok(())
}
