//! The democratic evaluation (民主测评, plan §4): rounds, one-time codes, account-less ballots,
//! paper tallies, the tally and the office's leader grades. Handlers of three resources and the
//! demo seed call these.
//!
//! Anonymity: a vote's transaction deletes its code and inserts its ballot, nothing else; the
//! ballot holds no code, address, time or sequential id. Closing a round deletes its unused
//! codes and rewrites its ballots in a shuffled order with fresh random ids, so that the rows'
//! physical order and transaction ids say nothing about who voted when.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use aws_lc_rs::hmac;
use bigdecimal::{BigDecimal, ToPrimitive};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::scope::EvaluationAccess;
use crate::config::{Secret, Settings, TrustedProxy};
use crate::domain::evaluation::{
    self, Coefficients, Counts, Grade, Mark, ParticipantCategory, Ratio, RoundState, Rule,
};
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::error::{ApiError, FieldError};
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
use crate::models::evaluation::{
    Ballot, BallotCode, BallotFailure, CategorySlips, EvaluationSettingsChangeset,
    EvaluationSettingsRow, LeaderGrade, NewLeaderGrade, NewRound, PaperCount, Round,
    RoundChangeset, RoundLeader,
};
use crate::models::{CycleId, Leader, LeaderId, RoundId, UnitId};

// ---------------------------------------------------------------------------------------------
// Keys, randomness and the ballot settings

/// The HMAC key of ballot codes and client addresses, from `BALLOT_CODE_KEY`.
#[derive(Clone)]
pub struct BallotKey(hmac::Key);

impl std::fmt::Debug for BallotKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BallotKey(***)")
    }
}

impl BallotKey {
    /// The key of `secret`.
    pub fn new(secret: &Secret) -> Self {
        Self(hmac::Key::new(
            hmac::HMAC_SHA256,
            secret.expose().as_bytes(),
        ))
    }

    fn tagged(&self, domain: &str, value: &str) -> String {
        let mut context = hmac::Context::with_key(&self.0);
        context.update(domain.as_bytes());
        context.update(&[0]);
        context.update(value.as_bytes());
        hex::encode(context.sign().as_ref())
    }

    /// The stored hash of a code (as [`evaluation::parse_code`] reads it).
    pub fn code_hash(&self, code: &str) -> String {
        self.tagged("ballot-code", code)
    }

    /// The rate limit's key of a client address: never the address itself.
    pub fn client_key(&self, address: &str) -> String {
        self.tagged("ballot-client", address)
    }
}

/// What the ballot calls need from the settings.
#[derive(Debug, Clone)]
pub struct BallotSettings {
    /// The hashes' key.
    pub key: BallotKey,
    /// The mobile ballot page the slips' QR codes open.
    pub page_url: String,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Failed codes a client may send per window.
    pub failure_limit: u32,
    /// The window.
    pub failure_window: Duration,
}

impl BallotSettings {
    /// From the service's settings; `Err` when the key is missing outside development mode.
    pub fn from_settings(settings: &Settings) -> Result<Self, String> {
        Ok(Self {
            key: BallotKey::new(&settings.ballot_code_key()?),
            page_url: settings.ballot_page_url.clone(),
            trusted_proxies: settings.trusted_proxies.clone(),
            failure_limit: settings.ballot_failure_limit,
            failure_window: settings.ballot_failure_window,
        })
    }

    /// The start of the rate-limit window `now` falls in, and the seconds until it ends.
    pub fn window(&self, now: DateTime<Utc>) -> (DateTime<Utc>, u64) {
        let length = self.failure_window.as_secs().max(1) as i64;
        let start = now.timestamp() - now.timestamp().rem_euclid(length);
        let start = DateTime::from_timestamp(start, 0).unwrap_or(now);
        let left = (start.timestamp() + length - now.timestamp()).max(1) as u64;
        (start, left)
    }
}

fn random_bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0_u8; N];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| ApiError::internal("no randomness"))?;
    Ok(bytes)
}

/// A uniform random index below `bound` (rejection sampling, so no index is favoured).
fn random_below(bound: usize) -> Result<usize, ApiError> {
    let bound = bound as u64;
    let zone = u64::MAX - u64::MAX % bound;
    loop {
        let value = u64::from_le_bytes(random_bytes::<8>()?);
        if value < zone {
            return Ok((value % bound) as usize);
        }
    }
}

/// Shuffles `items` in place (Fisher–Yates with the system's secure randomness).
pub fn shuffle<T>(items: &mut [T]) -> Result<(), ApiError> {
    for i in (1..items.len()).rev() {
        let j = random_below(i + 1)?;
        items.swap(i, j);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Settings of the cycle

/// The proposal rule as stored and sent: shares as exact fractions, the score line a decimal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "good_min_good_share": {"numerator": 3, "denominator": 5},
    "good_max_poor_share": {"numerator": 1, "denominator": 10},
    "poor_above_poor_share": {"numerator": 1, "denominator": 3},
    "fairly_good_min_score": "0.80"
}))]
pub struct EvaluationRule {
    /// `good` needs at least this share of good votes among the valid ones (default 3/5).
    pub good_min_good_share: Ratio,
    /// ... and at most this share of poor votes (default 1/10).
    pub good_max_poor_share: Ratio,
    /// More than this share of poor votes proposes `poor` (default 1/3).
    pub poor_above_poor_share: Ratio,
    /// Otherwise `fairly_good` from this weighted score up (default 0.80), else `average`.
    pub fairly_good_min_score: Points,
}

impl EvaluationRule {
    fn to_rule(&self) -> Rule {
        Rule {
            good_min_good_share: self.good_min_good_share,
            good_max_poor_share: self.good_max_poor_share,
            poor_above_poor_share: self.poor_above_poor_share,
            fairly_good_min_score: hundredths(&self.fairly_good_min_score.0),
        }
    }
}

fn hundredths(value: &BigDecimal) -> i64 {
    (value * BigDecimal::from(100)).to_i64().unwrap_or(i64::MAX)
}

/// A cycle's democratic-evaluation settings.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "cycle_id": 1,
    "coefficients": {"good": "1.00", "fairly_good": "0.80", "average": "0.60", "poor": "0.40"},
    "min_ballots": 10, "failure_budget": 50,
    "rule": {
        "good_min_good_share": {"numerator": 3, "denominator": 5},
        "good_max_poor_share": {"numerator": 1, "denominator": 10},
        "poor_above_poor_share": {"numerator": 1, "denominator": 3},
        "fairly_good_min_score": "0.80"
    },
    "frozen": false, "version": 3
}))]
pub struct EvaluationSettings {
    /// The cycle.
    #[schema(value_type = i64)]
    pub cycle_id: CycleId,
    /// The grade coefficients of the weighted score.
    pub coefficients: CoefficientsView,
    /// Below this many ballots (online and paper) only the office sees a round's tally.
    pub min_ballots: i32,
    /// Failed codes a round tolerates before it is suspended until the office resumes it.
    pub failure_budget: i32,
    /// The grade proposal rule.
    pub rule: EvaluationRule,
    /// Whether the settings are frozen: a round of the cycle has opened.
    pub frozen: bool,
    /// Version; the `ETag` is this number in quotes.
    pub version: i32,
}

/// The grade coefficients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoefficientsView {
    /// 好 (default 1.00).
    pub good: Points,
    /// 较好 (default 0.80).
    pub fairly_good: Points,
    /// 一般 (default 0.60).
    pub average: Points,
    /// 差 (default 0.40).
    pub poor: Points,
}

impl EvaluationSettings {
    fn of(row: EvaluationSettingsRow, frozen: bool) -> Result<Self, ApiError> {
        let rule: EvaluationRule = serde_json::from_value(row.rule).map_err(ApiError::internal)?;
        Ok(Self {
            cycle_id: row.cycle_id,
            coefficients: CoefficientsView {
                good: row.coefficient_good.into(),
                fairly_good: row.coefficient_fairly_good.into(),
                average: row.coefficient_average.into(),
                poor: row.coefficient_poor.into(),
            },
            min_ballots: row.min_ballots,
            failure_budget: row.failure_budget,
            rule,
            frozen,
            version: row.version,
        })
    }

    /// The coefficients in hundredths.
    pub fn coefficients(&self) -> Coefficients {
        Coefficients {
            good: hundredths(&self.coefficients.good.0),
            fairly_good: hundredths(&self.coefficients.fairly_good.0),
            average: hundredths(&self.coefficients.average.0),
            poor: hundredths(&self.coefficients.poor.0),
        }
    }

    /// The proposal rule.
    pub fn rule(&self) -> Rule {
        self.rule.to_rule()
    }
}

/// Changes to a cycle's evaluation settings; each absent field keeps its value.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "coefficients": {"good": "1.00", "fairly_good": "0.85", "average": "0.60", "poor": "0.30"},
    "min_ballots": 15
}))]
pub struct EvaluationSettingsChange {
    /// The grade coefficients, each between 0.00 and 1.00.
    pub coefficients: Option<CoefficientsView>,
    /// The least ballots for anyone but the office to see a tally (1 to 10 000).
    #[schema(minimum = 1, maximum = 10000)]
    pub min_ballots: Option<i32>,
    /// Failed codes a round tolerates (1 to 100 000).
    #[schema(minimum = 1, maximum = 100000)]
    pub failure_budget: Option<i32>,
    /// The grade proposal rule.
    pub rule: Option<EvaluationRule>,
}

impl crate::http::Validate for EvaluationSettingsChange {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some(c) = &self.coefficients {
            let all = [
                ("good", &c.good),
                ("fairly_good", &c.fairly_good),
                ("average", &c.average),
                ("poor", &c.poor),
            ];
            for (name, value) in all {
                if value.is_negative() || value.0 > 1 {
                    errors.push(FieldError::new(
                        format!("coefficients.{name}"),
                        "out_of_range",
                        "a coefficient is between 0.00 and 1.00",
                    ));
                }
            }
        }
        if let Some(n) = self.min_ballots
            && !(1..=10_000).contains(&n)
        {
            errors.push(FieldError::new(
                "min_ballots",
                "out_of_range",
                "between 1 and 10000",
            ));
        }
        if let Some(n) = self.failure_budget
            && !(1..=100_000).contains(&n)
        {
            errors.push(FieldError::new(
                "failure_budget",
                "out_of_range",
                "between 1 and 100000",
            ));
        }
        if let Some(rule) = &self.rule {
            for (name, share) in [
                ("good_min_good_share", rule.good_min_good_share),
                ("good_max_poor_share", rule.good_max_poor_share),
                ("poor_above_poor_share", rule.poor_above_poor_share),
            ] {
                if !(0..=1000).contains(&share.numerator) {
                    errors.push(FieldError::new(
                        format!("rule.{name}.numerator"),
                        "out_of_range",
                        "between 0 and 1000",
                    ));
                }
                if !(1..=1000).contains(&share.denominator) {
                    errors.push(FieldError::new(
                        format!("rule.{name}.denominator"),
                        "out_of_range",
                        "between 1 and 1000",
                    ));
                }
            }
            if errors.is_empty() {
                for (name, message) in evaluation::refuse_rule(&rule.to_rule()) {
                    errors.push(FieldError::new(format!("rule.{name}"), "invalid", message));
                }
            }
        }
        errors
    }
}

/// The evaluation settings of a cycle (404 when there is no such cycle).
pub fn settings(
    conn: &mut PgConnection,
    cycle_id: CycleId,
) -> Result<EvaluationSettings, ApiError> {
    let row = EvaluationSettingsRow::find(conn, cycle_id, false)?.ok_or_else(|| {
        ApiError::not_found(format!("assessment cycle {cycle_id} does not exist"))
    })?;
    let frozen = Round::any_in_cycle(conn, cycle_id)?;
    EvaluationSettings::of(row, frozen)
}

/// Changes a cycle's evaluation settings: office only (the caller checks), under `If-Match`
/// (`check` is given the current version), and only until the cycle's first round opens (409
/// `evaluation_started`).
pub fn change_settings(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    change: EvaluationSettingsChange,
    check: impl FnOnce(i32) -> Result<(), ApiError>,
) -> Result<(EvaluationSettings, Change), ApiError> {
    crate::ops::cycles::ensure_not_published(conn, cycle_id)?;
    let row = EvaluationSettingsRow::find(conn, cycle_id, true)?.ok_or_else(|| {
        ApiError::not_found(format!("assessment cycle {cycle_id} does not exist"))
    })?;
    check(row.version)?;
    if Round::any_in_cycle(conn, cycle_id)? {
        return Err(ApiError::Conflict {
            code: "evaluation_started",
            detail: format!(
                "the evaluation settings of cycle {cycle_id} froze when its first evaluation \
                 round opened"
            ),
        });
    }
    let before = EvaluationSettings::of(row, false)?;
    let coefficients = change.coefficients;
    let changes = EvaluationSettingsChangeset {
        coefficient_good: coefficients.as_ref().map(|c| c.good.0.clone()),
        coefficient_fairly_good: coefficients.as_ref().map(|c| c.fairly_good.0.clone()),
        coefficient_average: coefficients.as_ref().map(|c| c.average.0.clone()),
        coefficient_poor: coefficients.as_ref().map(|c| c.poor.0.clone()),
        min_ballots: change.min_ballots,
        failure_budget: change.failure_budget,
        rule: change
            .rule
            .map(|r| serde_json::to_value(r).map_err(ApiError::internal))
            .transpose()?,
    };
    let after = EvaluationSettings::of(
        EvaluationSettingsRow::update(conn, cycle_id, &changes)?,
        false,
    )?;
    let change = Change::updated("evaluation_settings", cycle_id, &before, &after);
    Ok((after, change))
}

// ---------------------------------------------------------------------------------------------
// Rounds

/// A leader on a round's ballot.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BallotLeader {
    /// The leader's id (the key of their grade on a ballot).
    #[schema(value_type = i64, example = 1)]
    pub leader_id: LeaderId,
    /// Name.
    #[schema(example = "李建国")]
    pub name: String,
    /// Position.
    #[schema(example = "镇党委书记")]
    pub position: String,
}

impl From<RoundLeader> for BallotLeader {
    fn from(l: RoundLeader) -> Self {
        Self {
            leader_id: l.leader_id,
            name: l.name,
            position: l.position,
        }
    }
}

/// A democratic evaluation round.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "cycle_id": 1, "unit_id": 1, "title": "阳城镇2014年度领导班子成员民主测评",
    "state": "closed", "code_prefix": "K7Q",
    "categories": [{"category": "leadership_member", "slips": 7},
                   {"category": "staff_representative", "slips": 30}],
    "leaders": [{"leader_id": 1, "name": "李建国", "position": "镇党委书记"}],
    "codes_issued": 37, "failed_attempts": 0, "online_ballots": 25,
    "paper_forms_handed_out": 12, "paper_forms_returned": 11,
    "closed_at": "2014-09-24T08:00:00Z", "version": 4,
    "created_at": "2014-09-24T01:00:00Z", "updated_at": "2014-09-24T08:00:00Z"
}))]
pub struct RoundView {
    /// Round id.
    #[schema(value_type = i64)]
    pub id: RoundId,
    /// The cycle.
    #[schema(value_type = i64)]
    pub cycle_id: CycleId,
    /// The unit whose leaders are graded.
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    /// Title.
    pub title: String,
    /// `open`, `suspended` (too many failed codes: the office resumes it) or `closed`.
    pub state: RoundState,
    /// The first three symbols of every code of this round.
    pub code_prefix: String,
    /// The participant categories and how many slips go to each.
    pub categories: Vec<CategorySlips>,
    /// The leaders on the ballot, frozen when the round opened.
    pub leaders: Vec<BallotLeader>,
    /// Codes issued so far.
    pub codes_issued: i32,
    /// Failed codes counted against the round.
    pub failed_attempts: i32,
    /// Online ballots, counted when the round closes (0 before).
    pub online_ballots: i32,
    /// Paper forms handed out.
    pub paper_forms_handed_out: i32,
    /// Paper forms returned.
    pub paper_forms_returned: i32,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Version; the `ETag` is this number in quotes.
    pub version: i32,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

fn categories_of(round: &Round) -> Vec<CategorySlips> {
    serde_json::from_value(round.categories.clone()).unwrap_or_default()
}

/// The view of `round`.
pub fn round_view(conn: &mut PgConnection, round: Round) -> Result<RoundView, ApiError> {
    let leaders = RoundLeader::for_round(conn, round.id)?
        .into_iter()
        .map(BallotLeader::from)
        .collect();
    Ok(RoundView {
        categories: categories_of(&round),
        leaders,
        id: round.id,
        cycle_id: round.cycle_id,
        unit_id: round.unit_id,
        title: round.title,
        state: round.state,
        code_prefix: round.tag,
        codes_issued: round.codes_issued,
        failed_attempts: round.failed_attempts,
        online_ballots: round.online_ballots,
        paper_forms_handed_out: round.paper_forms_handed_out,
        paper_forms_returned: round.paper_forms_returned,
        closed_at: round.closed_at,
        version: round.version,
        created_at: round.created_at,
        updated_at: round.updated_at,
    })
}

/// A round to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "阳城镇2014年度领导班子成员民主测评",
    "categories": [{"category": "leadership_member", "slips": 7},
                   {"category": "middle_manager", "slips": 12},
                   {"category": "staff_representative", "slips": 30}]
}))]
pub struct OpenRound {
    /// Title (default: the unit's name and the year).
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// The participant categories and how many slips go to each; each category once.
    #[schema(required = true, value_type = Vec<CategorySlips>, min_items = 1)]
    pub categories: Option<Vec<CategorySlips>>,
}

impl crate::http::Validate for OpenRound {
    fn validate(&self) -> Vec<FieldError> {
        let mut rules = crate::http::json::Rules::default();
        rules.optional_text("title", self.title.as_deref(), 200);
        rules.required("categories", &self.categories);
        let mut errors = rules.0;
        if let Some(categories) = &self.categories {
            if categories.is_empty() {
                errors.push(FieldError::new(
                    "categories",
                    "empty",
                    "name at least one participant category",
                ));
            }
            let mut seen = HashSet::new();
            for (i, c) in categories.iter().enumerate() {
                match c.category {
                    None => errors.push(FieldError::new(
                        format!("categories[{i}].category"),
                        "required",
                        "the category is required",
                    )),
                    Some(category) if !seen.insert(category) => errors.push(FieldError::new(
                        format!("categories[{i}].category"),
                        "duplicate",
                        "each category once",
                    )),
                    Some(_) => {}
                }
                match c.slips {
                    Some(1..=1000) => {}
                    _ => errors.push(FieldError::new(
                        format!("categories[{i}].slips"),
                        "out_of_range",
                        "between 1 and 1000 slips",
                    )),
                }
            }
        }
        errors
    }
}

fn round_not_found(id: RoundId) -> ApiError {
    ApiError::not_found(format!("no evaluation round {id} here"))
}

/// Loads a round of the unit in the cycle, locked for a change when `lock` (a lock that lets
/// votes go on: a vote's foreign key only shares the row's key).
pub fn find_round(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
    id: RoundId,
    lock: bool,
) -> Result<Round, ApiError> {
    Round::find(conn, cycle_id, unit_id, id, lock)?.ok_or_else(|| round_not_found(id))
}

/// Opens a round for the unit's leaders during the self-inspection or the special inspection,
/// freezing the list of leaders; at most one round per unit is open at a time.
pub fn open_round(
    conn: &mut PgConnection,
    cycle: &Cycle,
    unit_id: UnitId,
    body: OpenRound,
) -> Result<(RoundView, Change), ApiError> {
    if !matches!(
        cycle.state,
        CycleState::SelfInspection | CycleState::SpecialInspection
    ) {
        return Err(ApiError::Conflict {
            code: "cycle_not_inspecting",
            detail: format!(
                "rounds open during the self-inspection or the special inspection; cycle {} \
                 is in {}",
                cycle.id, cycle.state
            ),
        });
    }
    let assessed = CycleUnit::find(conn, cycle.id, unit_id)?
        .is_some_and(|p| p.status == CycleUnitStatus::Assessed);
    if !assessed {
        return Err(ApiError::Conflict {
            code: "unit_not_assessed",
            detail: format!("unit {unit_id} is not assessed in cycle {}", cycle.id),
        });
    }
    // The settings freeze with the cycle's first round: a concurrent change waits or sees it.
    EvaluationSettingsRow::find(conn, cycle.id, true)?;
    if Round::unclosed(conn, cycle.id, unit_id)?.is_some() {
        return Err(ApiError::Conflict {
            code: "evaluation_round_open",
            detail: "the unit already has an open round; close it first".to_owned(),
        });
    }
    let leaders = Leader::for_unit(conn, unit_id)?;
    if leaders.is_empty() {
        return Err(ApiError::Conflict {
            code: "no_leaders",
            detail: format!("unit {unit_id} has no leaders to grade"),
        });
    }
    let mut tag = String::new();
    for _ in 0..20 {
        let bits = u16::from_le_bytes(random_bytes::<2>()?) & 0x7FFF;
        let candidate = evaluation::tag_from(bits);
        if !Round::tag_taken(conn, &candidate)? {
            tag = candidate;
            break;
        }
    }
    if tag.is_empty() {
        return Err(ApiError::Conflict {
            code: "evaluation_tags_exhausted",
            detail: "no free round prefix was found; retry".to_owned(),
        });
    }
    let unit_name: String = {
        use crate::schema::units;
        units::table.find(unit_id).select(units::name).first(conn)?
    };
    let title = body
        .title
        .as_deref()
        .map(crate::http::json::clean)
        .unwrap_or_else(|| format!("{unit_name}{}年度领导班子成员民主测评", cycle.year));
    let categories =
        serde_json::to_value(body.categories.unwrap_or_default()).map_err(ApiError::internal)?;
    let round = NewRound {
        cycle_id: cycle.id,
        unit_id,
        tag,
        title,
        categories,
    }
    .insert(conn)?;
    let rows: Vec<RoundLeader> = leaders
        .into_iter()
        .enumerate()
        .map(|(i, l)| RoundLeader {
            round_id: round.id,
            leader_id: l.id,
            ordinal: i as i32 + 1,
            name: l.name,
            position: l.position,
        })
        .collect();
    RoundLeader::insert_all(conn, &rows)?;
    let view = round_view(conn, round)?;
    let change = Change::created("evaluation_round", view.id, &view);
    Ok((view, change))
}

/// One issued code, shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedCode {
    /// The code as printed: `XXXX-XXXX-XXXX`.
    #[schema(example = "K7QA-3MZP-8D29")]
    pub code: String,
    /// The ballot page with the code in the fragment (never sent to a server).
    #[schema(example = "https://oa.yangshan.example/ballot#c=K7QA3MZP8D29")]
    pub url: String,
}

/// Codes just issued: the only time they are shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedCodes {
    /// The round.
    #[schema(value_type = i64)]
    pub round_id: RoundId,
    /// The codes.
    pub codes: Vec<IssuedCode>,
    /// A print-ready HTML sheet of slips, each with its code and a QR code of its URL.
    pub print_sheet: String,
    /// The round's version after issuing (its `ETag`).
    pub version: i32,
}

/// How many codes to issue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"count": 40}))]
pub struct IssueCodes {
    /// Codes to issue (1 to 500 a call).
    #[schema(required = true, value_type = i32, minimum = 1, maximum = 500)]
    pub count: Option<i32>,
}

impl crate::http::Validate for IssueCodes {
    fn validate(&self) -> Vec<FieldError> {
        match self.count {
            None => vec![FieldError::new("count", "required", "how many codes")],
            Some(1..=500) => Vec::new(),
            Some(_) => vec![FieldError::new(
                "count",
                "out_of_range",
                "between 1 and 500 codes a call",
            )],
        }
    }
}

/// Issues `count` one-time codes for an open round: their keyed hashes are stored, the codes
/// returned once. The audit change says only how many.
pub fn issue_codes(
    conn: &mut PgConnection,
    round: &Round,
    count: usize,
    ballot: &BallotSettings,
) -> Result<(Vec<String>, Round, Change), ApiError> {
    if round.state != RoundState::Open {
        return Err(ApiError::Conflict {
            code: "evaluation_round_not_open",
            detail: format!(
                "round {} is {}: codes are issued while it is open",
                round.id, round.state
            ),
        });
    }
    let mut codes = Vec::with_capacity(count);
    let mut seen = HashSet::new();
    while codes.len() < count {
        let mut bytes = [0_u8; 8];
        bytes[..5].copy_from_slice(&random_bytes::<5>()?);
        let code = evaluation::code_from(&round.tag, u64::from_le_bytes(bytes));
        if seen.insert(code.clone()) {
            codes.push(code);
        }
    }
    let hashes: Vec<String> = codes.iter().map(|c| ballot.key.code_hash(c)).collect();
    BallotCode::insert_all(conn, round.id, &hashes)?;
    let issued = round.codes_issued + count as i32;
    let updated = Round::update(
        conn,
        round.id,
        &RoundChangeset {
            codes_issued: Some(issued),
            ..Default::default()
        },
    )?;
    let change = Change::new(
        "issue_codes",
        "evaluation_round",
        round.id,
        Value::Null,
        json!({"codes_issued": count}),
    );
    Ok((codes, updated, change))
}

/// The URL a slip's QR code opens: the ballot page, with the code in the fragment.
pub fn ballot_url(page_url: &str, code: &str) -> String {
    format!(
        "{}#c={code}",
        page_url.split('#').next().unwrap_or(page_url)
    )
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A print-ready HTML sheet of slips: the round's title, the code and its QR code on each.
pub fn print_sheet(title: &str, unit_name: &str, codes: &[IssuedCode]) -> String {
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>民主测评票\
         </title><style>body{font-family:sans-serif}.slip{display:inline-block;width:30%;\
         margin:1%;padding:8px;border:1px dashed #555;page-break-inside:avoid;\
         text-align:center}.code{font:bold 1.3em monospace;letter-spacing:2px}\
         svg{width:120px;height:120px}</style></head><body>",
    );
    for issued in codes {
        let qr = qrcode::QrCode::new(issued.url.as_bytes())
            .map(|q| {
                q.render::<qrcode::render::svg::Color>()
                    .min_dimensions(120, 120)
                    .build()
            })
            .unwrap_or_default();
        html.push_str(&format!(
            "<div class=\"slip\"><div>{}</div><div>{}</div>{}<div class=\"code\">{}</div>\
             <div>扫码或在测评页面输入测评码，每码限投一次</div></div>",
            escape_html(unit_name),
            escape_html(title),
            qr,
            escape_html(&issued.code),
        ));
    }
    html.push_str("</body></html>");
    html
}

/// Closes a round: deletes its unused codes, then rewrites its ballots in a shuffled order with
/// fresh random ids, all in this one transaction, and counts them.
pub fn close_round(conn: &mut PgConnection, round: Round) -> Result<(RoundView, Change), ApiError> {
    if round.state == RoundState::Closed {
        return Err(ApiError::Conflict {
            code: "evaluation_round_closed",
            detail: format!("round {} is closed already", round.id),
        });
    }
    let before = round_view(conn, round.clone())?;
    // A vote in flight holds its code's row: this waits for it, and a later vote finds no code.
    BallotCode::delete_for_round(conn, round.id)?;
    let mut ballots = Ballot::for_round(conn, round.id)?;
    shuffle(&mut ballots)?;
    Ballot::rewrite(conn, round.id, &ballots)?;
    let updated = Round::update(
        conn,
        round.id,
        &RoundChangeset {
            state: Some(RoundState::Closed),
            online_ballots: Some(ballots.len() as i32),
            closed_at: Some(Utc::now()),
            ..Default::default()
        },
    )?;
    let after = round_view(conn, updated)?;
    let change = Change::changed("close", "evaluation_round", after.id, &before, &after);
    Ok((after, change))
}

/// Resumes a suspended round and forgets its failed codes.
pub fn resume_round(
    conn: &mut PgConnection,
    round: Round,
) -> Result<(RoundView, Change), ApiError> {
    if round.state != RoundState::Suspended {
        return Err(ApiError::Conflict {
            code: "evaluation_round_not_suspended",
            detail: format!("round {} is {}, not suspended", round.id, round.state),
        });
    }
    let before = round_view(conn, round.clone())?;
    let updated = Round::update(
        conn,
        round.id,
        &RoundChangeset {
            state: Some(RoundState::Open),
            failed_attempts: Some(0),
            ..Default::default()
        },
    )?;
    let after = round_view(conn, updated)?;
    let change = Change::changed("resume", "evaluation_round", after.id, &before, &after);
    Ok((after, change))
}

// ---------------------------------------------------------------------------------------------
// Paper tallies

/// Counts from paper forms for one leader and category.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperCountEntry {
    /// The leader (one of the round's).
    #[schema(required = true, value_type = i64, minimum = 1, example = 1)]
    pub leader_id: Option<LeaderId>,
    /// The participant category.
    #[schema(required = true, value_type = ParticipantCategory)]
    pub category: Option<ParticipantCategory>,
    /// 好.
    #[schema(minimum = 0, maximum = 100000, example = 20)]
    #[serde(default)]
    pub good: i32,
    /// 较好.
    #[schema(minimum = 0, maximum = 100000, example = 6)]
    #[serde(default)]
    pub fairly_good: i32,
    /// 一般.
    #[schema(minimum = 0, maximum = 100000, example = 2)]
    #[serde(default)]
    pub average: i32,
    /// 差.
    #[schema(minimum = 0, maximum = 100000, example = 0)]
    #[serde(default)]
    pub poor: i32,
    /// 不了解.
    #[schema(minimum = 0, maximum = 100000, example = 1)]
    #[serde(default)]
    pub unknown: i32,
}

impl PaperCountEntry {
    fn total(&self) -> i64 {
        [
            self.good,
            self.fairly_good,
            self.average,
            self.poor,
            self.unknown,
        ]
        .iter()
        .map(|n| i64::from(*n))
        .sum()
    }
}

/// The paper tally of a round: forms handed out and returned, and the counts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "forms_handed_out": 12, "forms_returned": 11,
    "counts": [{"leader_id": 1, "category": "staff_representative",
                "good": 8, "fairly_good": 2, "average": 1, "poor": 0, "unknown": 0}]
}))]
pub struct PaperTally {
    /// Paper forms handed out.
    #[schema(required = true, value_type = i32, minimum = 0, maximum = 100000)]
    pub forms_handed_out: Option<i32>,
    /// Paper forms returned: at most those handed out.
    #[schema(required = true, value_type = i32, minimum = 0, maximum = 100000)]
    pub forms_returned: Option<i32>,
    /// Counts per leader and category; a leader's counts together are at most the forms
    /// returned.
    #[serde(default)]
    pub counts: Vec<PaperCountEntry>,
}

impl crate::http::Validate for PaperTally {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let range = |field: String, value: i32, errors: &mut Vec<FieldError>| {
            if !(0..=100_000).contains(&value) {
                errors.push(FieldError::new(
                    field,
                    "out_of_range",
                    "between 0 and 100000",
                ));
            }
        };
        for (name, value) in [
            ("forms_handed_out", self.forms_handed_out),
            ("forms_returned", self.forms_returned),
        ] {
            match value {
                None => errors.push(FieldError::new(name, "required", "required")),
                Some(v) => range(name.to_owned(), v, &mut errors),
            }
        }
        if let (Some(out), Some(back)) = (self.forms_handed_out, self.forms_returned)
            && back > out
        {
            errors.push(FieldError::new(
                "forms_returned",
                "exceeds_handed_out",
                "more forms returned than handed out",
            ));
        }
        for (i, entry) in self.counts.iter().enumerate() {
            if entry.leader_id.is_none_or(|l| l.0 < 1) {
                errors.push(FieldError::new(
                    format!("counts[{i}].leader_id"),
                    "required",
                    "a leader of the round",
                ));
            }
            if entry.category.is_none() {
                errors.push(FieldError::new(
                    format!("counts[{i}].category"),
                    "required",
                    "the participant category",
                ));
            }
            for (name, value) in [
                ("good", entry.good),
                ("fairly_good", entry.fairly_good),
                ("average", entry.average),
                ("poor", entry.poor),
                ("unknown", entry.unknown),
            ] {
                range(format!("counts[{i}].{name}"), value, &mut errors);
            }
        }
        errors
    }
}

/// Replaces a round's paper tally while the round is not closed. Every leader named must be on
/// the round, each (leader, category) once, a category of the round, and no leader's counts
/// together may exceed the forms returned (422).
pub fn put_paper_tally(
    conn: &mut PgConnection,
    round: Round,
    tally: PaperTally,
) -> Result<(RoundView, Change), ApiError> {
    if round.state == RoundState::Closed {
        return Err(ApiError::Conflict {
            code: "evaluation_round_closed",
            detail: format!("round {} is closed: its tally is final", round.id),
        });
    }
    let leaders: HashSet<LeaderId> = RoundLeader::for_round(conn, round.id)?
        .into_iter()
        .map(|l| l.leader_id)
        .collect();
    let categories: HashSet<ParticipantCategory> = categories_of(&round)
        .into_iter()
        .filter_map(|c| c.category)
        .collect();
    let returned = i64::from(tally.forms_returned.unwrap_or_default());
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut per_leader: BTreeMap<LeaderId, (i64, usize)> = BTreeMap::new();
    let mut rows = Vec::new();
    for (i, entry) in tally.counts.iter().enumerate() {
        let (Some(leader_id), Some(category)) = (entry.leader_id, entry.category) else {
            continue;
        };
        if !leaders.contains(&leader_id) {
            errors.push(FieldError::new(
                format!("counts[{i}].leader_id"),
                "not_on_ballot",
                format!("leader {leader_id} is not on this round's ballot"),
            ));
            continue;
        }
        if !categories.contains(&category) {
            errors.push(FieldError::new(
                format!("counts[{i}].category"),
                "not_in_round",
                format!("the round has no {category} participants"),
            ));
            continue;
        }
        if !seen.insert((leader_id, category)) {
            errors.push(FieldError::new(
                format!("counts[{i}]"),
                "duplicate",
                "each leader and category once",
            ));
            continue;
        }
        let sum = per_leader.entry(leader_id).or_insert((0, i));
        sum.0 += entry.total();
        rows.push(PaperCount {
            round_id: round.id,
            leader_id,
            category,
            good: entry.good,
            fairly_good: entry.fairly_good,
            average: entry.average,
            poor: entry.poor,
            unknown: entry.unknown,
        });
    }
    for (leader_id, (sum, first)) in per_leader {
        if sum > returned {
            errors.push(FieldError::new(
                format!("counts[{first}]"),
                "exceeds_forms_returned",
                format!(
                    "leader {leader_id} has {sum} marks on paper, more than the {returned} \
                     forms returned"
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let before = paper_view(conn, &round)?;
    PaperCount::replace(conn, round.id, &rows)?;
    let updated = Round::update(
        conn,
        round.id,
        &RoundChangeset {
            paper_forms_handed_out: tally.forms_handed_out,
            paper_forms_returned: tally.forms_returned,
            ..Default::default()
        },
    )?;
    let after = paper_view(conn, &updated)?;
    let view = round_view(conn, updated)?;
    let change = Change::updated("evaluation_paper_tally", view.id, &before, &after);
    Ok((view, change))
}

fn paper_view(conn: &mut PgConnection, round: &Round) -> Result<Value, ApiError> {
    Ok(json!({
        "forms_handed_out": round.paper_forms_handed_out,
        "forms_returned": round.paper_forms_returned,
        "counts": PaperCount::for_round(conn, round.id)?,
    }))
}

// ---------------------------------------------------------------------------------------------
// The tally

/// One leader's tally.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaderTally {
    /// The leader.
    #[schema(value_type = i64)]
    pub leader_id: LeaderId,
    /// Name.
    pub name: String,
    /// Position.
    pub position: String,
    /// Online ballots' marks.
    pub online: Counts,
    /// Paper forms' marks.
    pub paper: Counts,
    /// Both together.
    pub total: Counts,
    /// Valid votes together (every mark but `unknown`).
    pub valid_votes: i64,
    /// Each grade's share of the valid votes, four decimals (`null` without valid votes).
    pub shares: Option<Shares>,
    /// The weighted score from the cycle's coefficients, four decimals, rounded half up.
    #[schema(example = "0.8533")]
    pub weighted_score: Option<String>,
    /// The grade the cycle's rule proposes (`null` without valid votes).
    pub proposed_grade: Option<Grade>,
}

/// Shares of the valid votes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Shares {
    /// 好.
    #[schema(example = "0.6000")]
    pub good: String,
    /// 较好.
    pub fairly_good: String,
    /// 一般.
    pub average: String,
    /// 差.
    pub poor: String,
}

/// A closed round's tally.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TallyView {
    /// The round.
    #[schema(value_type = i64)]
    pub round_id: RoundId,
    /// Online ballots.
    pub online_ballots: i32,
    /// Paper forms returned.
    pub paper_forms_returned: i32,
    /// Both: what the minimum of the cycle is compared with.
    pub ballots: i32,
    /// The cycle's minimum for anyone but the office to see the tally.
    pub min_ballots: i32,
    /// Per leader, in ballot order.
    pub leaders: Vec<LeaderTally>,
}

/// The tally of a closed round with the cycle's coefficients and rule.
pub fn tally(
    conn: &mut PgConnection,
    round: &Round,
    settings: &EvaluationSettings,
) -> Result<TallyView, ApiError> {
    let leaders = RoundLeader::for_round(conn, round.id)?;
    let mut online: BTreeMap<LeaderId, Counts> = BTreeMap::new();
    for ballot in Ballot::for_round(conn, round.id)? {
        if let Value::Object(marks) = ballot.grades {
            for (leader, mark) in marks {
                let (Ok(id), Some(mark)) = (
                    leader.parse::<i64>(),
                    mark.as_str().and_then(|m| m.parse::<Mark>().ok()),
                ) else {
                    continue;
                };
                online.entry(LeaderId(id)).or_default().add_mark(mark);
            }
        }
    }
    let mut paper: BTreeMap<LeaderId, Counts> = BTreeMap::new();
    for row in PaperCount::for_round(conn, round.id)? {
        let counts = Counts {
            good: row.good.into(),
            fairly_good: row.fairly_good.into(),
            average: row.average.into(),
            poor: row.poor.into(),
            unknown: row.unknown.into(),
        };
        let entry = paper.entry(row.leader_id).or_default();
        *entry = entry.plus(counts);
    }
    let coefficients = settings.coefficients();
    let rule = settings.rule();
    let leaders = leaders
        .into_iter()
        .map(|l| {
            let on = online.get(&l.leader_id).copied().unwrap_or_default();
            let on_paper = paper.get(&l.leader_id).copied().unwrap_or_default();
            let total = on.plus(on_paper);
            let valid = total.valid();
            let share = |n: i64| evaluation::decimal(n, valid, 4);
            LeaderTally {
                leader_id: l.leader_id,
                name: l.name,
                position: l.position,
                online: on,
                paper: on_paper,
                total,
                valid_votes: valid,
                shares: (valid > 0).then(|| Shares {
                    good: share(total.good),
                    fairly_good: share(total.fairly_good),
                    average: share(total.average),
                    poor: share(total.poor),
                }),
                weighted_score: evaluation::weighted_score(&total, &coefficients)
                    .map(|(n, d)| evaluation::decimal(n, d, 4)),
                proposed_grade: evaluation::propose(&total, &coefficients, &rule),
            }
        })
        .collect();
    Ok(TallyView {
        round_id: round.id,
        online_ballots: round.online_ballots,
        paper_forms_returned: round.paper_forms_returned,
        ballots: round.online_ballots + round.paper_forms_returned,
        min_ballots: settings.min_ballots,
        leaders,
    })
}

/// Why a caller in scope does not see something of the evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// 403 `not_published`: the unit, before its results are published.
    NotPublished,
    /// 403 `grades_only`: the unit sees its leaders' grades, never rounds or counts.
    GradesOnly,
    /// 403 `too_few_ballots`: below the cycle's minimum only the office sees the tally.
    TooFewBallots,
    /// 409 `evaluation_round_not_closed`: a tally exists once the round is closed.
    NotClosed,
}

impl Withheld {
    /// The status, code and explanation of the answer.
    pub fn answer(self) -> (u16, &'static str, &'static str) {
        match self {
            Withheld::NotPublished => (
                403,
                "not_published",
                "the unit's evaluation results are not published yet",
            ),
            Withheld::GradesOnly => (
                403,
                "grades_only",
                "a unit sees its leaders' grades after publication, never the rounds or counts",
            ),
            Withheld::TooFewBallots => (
                403,
                "too_few_ballots",
                "the round has fewer ballots than the cycle's minimum: only the office sees \
                 its tally",
            ),
            Withheld::NotClosed => (
                409,
                "evaluation_round_not_closed",
                "the tally is counted once the round is closed",
            ),
        }
    }
}

/// Whether `access` may see the rounds (and not only the grades) of a unit.
pub fn rounds_visible(access: EvaluationAccess, cycle: &Cycle) -> Result<(), Withheld> {
    match access {
        EvaluationAccess::Office | EvaluationAccess::Team => Ok(()),
        EvaluationAccess::OwnUnit if published(cycle) => Err(Withheld::GradesOnly),
        _ => Err(Withheld::NotPublished),
    }
}

/// Whether the cycle's results are published.
pub fn published(cycle: &Cycle) -> bool {
    matches!(cycle.state, CycleState::Published | CycleState::Archived)
}

/// The tally of a round as `access` may see it.
pub fn visible_tally(
    conn: &mut PgConnection,
    access: EvaluationAccess,
    cycle: &Cycle,
    round: &Round,
) -> Result<Result<TallyView, Withheld>, ApiError> {
    if let Err(withheld) = rounds_visible(access, cycle) {
        return Ok(Err(withheld));
    }
    if round.state != RoundState::Closed {
        return Ok(Err(Withheld::NotClosed));
    }
    let settings = settings(conn, cycle.id)?;
    if access != EvaluationAccess::Office
        && round.online_ballots + round.paper_forms_returned < settings.min_ballots
    {
        return Ok(Err(Withheld::TooFewBallots));
    }
    Ok(Ok(tally(conn, round, &settings)?))
}

// ---------------------------------------------------------------------------------------------
// Voting

/// A ballot form to fetch, or a ballot to cast: the code travels in the body, never in a URL.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "K7QA-3MZP-8D29"}))]
pub struct CodeOnly {
    /// The one-time code from the slip (separators and case do not matter).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 64)]
    pub code: Option<String>,
}

fn code_rules(code: &Option<String>) -> Vec<FieldError> {
    let mut rules = crate::http::json::Rules::default();
    rules.required_text("code", code, 64);
    rules.0
}

impl crate::http::Validate for CodeOnly {
    fn validate(&self) -> Vec<FieldError> {
        code_rules(&self.code)
    }
}

/// One grade on a ballot.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotMark {
    /// A leader of the round.
    #[schema(required = true, value_type = i64, minimum = 1, example = 1)]
    pub leader_id: Option<LeaderId>,
    /// `good`, `fairly_good`, `average`, `poor`, or `unknown` (不了解).
    #[schema(required = true, value_type = Mark)]
    pub grade: Option<Mark>,
}

/// A ballot: the code, the participant's category, a grade for every leader of the round, and
/// an optional comment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "K7QA-3MZP-8D29", "category": "staff_representative",
    "grades": [{"leader_id": 1, "grade": "good"}, {"leader_id": 2, "grade": "unknown"}],
    "comment": "希望进一步加强作风建设"
}))]
pub struct CastBallot {
    /// The one-time code from the slip.
    #[schema(required = true, value_type = String, min_length = 1, max_length = 64)]
    pub code: Option<String>,
    /// The participant's category (one of the round's).
    #[schema(required = true, value_type = ParticipantCategory)]
    pub category: Option<ParticipantCategory>,
    /// One grade for every leader on the ballot, each once.
    #[schema(required = true, value_type = Vec<BallotMark>)]
    pub grades: Option<Vec<BallotMark>>,
    /// An optional comment.
    #[schema(min_length = 1, max_length = 1000)]
    pub comment: Option<String>,
}

impl crate::http::Validate for CastBallot {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors = code_rules(&self.code);
        let mut rules = crate::http::json::Rules::default();
        rules.required("category", &self.category);
        rules.required("grades", &self.grades);
        rules.optional_text("comment", self.comment.as_deref(), 1000);
        errors.extend(rules.0);
        for (i, mark) in self.grades.iter().flatten().enumerate() {
            if mark.leader_id.is_none_or(|l| l.0 < 1) {
                errors.push(FieldError::new(
                    format!("grades[{i}].leader_id"),
                    "required",
                    "a leader of the round",
                ));
            }
            if mark.grade.is_none() {
                errors.push(FieldError::new(
                    format!("grades[{i}].grade"),
                    "required",
                    "the grade",
                ));
            }
        }
        errors
    }
}

/// What the participant sees before voting.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "title": "阳城镇2014年度领导班子成员民主测评", "unit_name": "阳城镇", "year": 2014,
    "categories": ["leadership_member", "staff_representative"],
    "leaders": [{"leader_id": 1, "name": "李建国", "position": "镇党委书记"}],
    "marks": ["good", "fairly_good", "average", "poor", "unknown"]
}))]
pub struct BallotForm {
    /// The round's title.
    pub title: String,
    /// The unit whose leaders are graded.
    pub unit_name: String,
    /// The year assessed.
    pub year: i32,
    /// The categories a participant chooses from.
    pub categories: Vec<ParticipantCategory>,
    /// The leaders to grade, in ballot order.
    pub leaders: Vec<BallotLeader>,
    /// The marks a leader may get.
    pub marks: Vec<Mark>,
}

/// Why a code does not vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// Not a code at all: a typo the check symbol caught (422, counted against the client).
    Mistyped,
    /// Unknown, used, of a closed round, or not this round's: one answer for all (422).
    NotValid,
    /// The round is suspended until the office resumes it (409).
    Suspended,
    /// The client sent too many failed codes (429 with `Retry-After`).
    TooMany(u64),
}

impl CodeRefusal {
    /// The error answered (for all but [`CodeRefusal::TooMany`], which the handler answers).
    pub fn error(self) -> ApiError {
        match self {
            CodeRefusal::Mistyped => ApiError::field(
                "code",
                "mistyped",
                "this is not a ballot code: check it against the slip",
            ),
            CodeRefusal::NotValid | CodeRefusal::TooMany(_) => ApiError::field(
                "code",
                "not_valid",
                "this code does not vote: it is unknown, used, or its round is closed",
            ),
            CodeRefusal::Suspended => ApiError::Conflict {
                code: "evaluation_round_suspended",
                detail: "voting is suspended after too many failed codes; the office resumes it"
                    .to_owned(),
            },
        }
    }
}

/// Refuses with 429 when `client_key` has used up its failures in this window.
pub fn check_rate(
    conn: &mut PgConnection,
    ballot: &BallotSettings,
    client_key: &str,
) -> Result<Option<CodeRefusal>, ApiError> {
    let (window, left) = ballot.window(Utc::now());
    let failures = BallotFailure::count(conn, client_key, window)?;
    Ok((failures >= ballot.failure_limit as i32).then_some(CodeRefusal::TooMany(left)))
}

/// Counts a failed code against the client and, when its round is known and open, against the
/// round, suspending it past the cycle's budget. Its own transaction: a vote never writes here.
pub fn record_failure(
    conn: &mut PgConnection,
    ballot: &BallotSettings,
    client_key: &str,
    round: Option<&Round>,
) -> Result<(), ApiError> {
    let (window, _) = ballot.window(Utc::now());
    conn.transaction(|conn| {
        BallotFailure::record(conn, client_key, window)?;
        if let Some(round) = round.filter(|r| r.state == RoundState::Open) {
            let budget = settings(conn, round.cycle_id)?.failure_budget;
            let after = Round::count_failure(conn, round.id, budget)?;
            if after.state == RoundState::Suspended && round.state == RoundState::Open {
                tracing::warn!(round_id = %round.id, "evaluation round suspended after too many \
                    failed codes");
            }
        }
        Ok(())
    })
}

/// A code's open round and its hash, or why it does not vote (with its round when known).
pub type CodeLookup = Result<(Round, String), (CodeRefusal, Option<Round>)>;

/// The open round a code belongs to, or why it does not vote; `Err` reasons other than
/// `Suspended` are failures the caller records (with the round when it is known).
pub fn round_of_code(
    conn: &mut PgConnection,
    ballot: &BallotSettings,
    typed: &str,
) -> Result<CodeLookup, ApiError> {
    let Some(code) = evaluation::parse_code(typed) else {
        return Ok(Err((CodeRefusal::Mistyped, None)));
    };
    let Some(round) = Round::by_tag(conn, evaluation::tag_of(&code))? else {
        return Ok(Err((CodeRefusal::NotValid, None)));
    };
    match round.state {
        RoundState::Suspended => return Ok(Err((CodeRefusal::Suspended, None))),
        RoundState::Closed => return Ok(Err((CodeRefusal::NotValid, None))),
        RoundState::Open => {}
    }
    let hash = ballot.key.code_hash(&code);
    if !BallotCode::exists(conn, round.id, &hash)? {
        return Ok(Err((CodeRefusal::NotValid, Some(round))));
    }
    Ok(Ok((round, hash)))
}

/// The ballot form of an open round.
pub fn ballot_form(conn: &mut PgConnection, round: &Round) -> Result<BallotForm, ApiError> {
    let (unit_name, year): (String, i32) = {
        use crate::schema::{assessment_cycles, units};
        let name = units::table
            .find(round.unit_id)
            .select(units::name)
            .first(conn)?;
        let year = assessment_cycles::table
            .find(round.cycle_id)
            .select(assessment_cycles::year)
            .first(conn)?;
        (name, year)
    };
    Ok(BallotForm {
        title: round.title.clone(),
        unit_name,
        year,
        categories: categories_of(round)
            .into_iter()
            .filter_map(|c| c.category)
            .collect(),
        leaders: RoundLeader::for_round(conn, round.id)?
            .into_iter()
            .map(BallotLeader::from)
            .collect(),
        marks: Mark::ALL.to_vec(),
    })
}

/// Checks a ballot against its round: a category of the round, and every leader of the round
/// graded exactly once, no one else. `Err` lists each offending field (422).
pub fn check_ballot(
    conn: &mut PgConnection,
    round: &Round,
    body: &CastBallot,
) -> Result<Ballot, ApiError> {
    let leaders: Vec<LeaderId> = RoundLeader::for_round(conn, round.id)?
        .into_iter()
        .map(|l| l.leader_id)
        .collect();
    let categories: Vec<ParticipantCategory> = categories_of(round)
        .into_iter()
        .filter_map(|c| c.category)
        .collect();
    let mut errors = Vec::new();
    let category = body
        .category
        .unwrap_or(ParticipantCategory::StaffRepresentative);
    if !categories.contains(&category) {
        errors.push(FieldError::new(
            "category",
            "not_in_round",
            "this round has no participants of this category",
        ));
    }
    let mut marks = serde_json::Map::new();
    for (i, mark) in body.grades.iter().flatten().enumerate() {
        let (Some(leader), Some(grade)) = (mark.leader_id, mark.grade) else {
            continue;
        };
        if !leaders.contains(&leader) {
            errors.push(FieldError::new(
                format!("grades[{i}].leader_id"),
                "not_on_ballot",
                "this leader is not on the ballot",
            ));
        } else if marks
            .insert(leader.to_string(), Value::String(grade.as_str().to_owned()))
            .is_some()
        {
            errors.push(FieldError::new(
                format!("grades[{i}].leader_id"),
                "duplicate",
                "each leader once",
            ));
        }
    }
    for leader in &leaders {
        if !marks.contains_key(&leader.to_string()) && errors.is_empty() {
            errors.push(FieldError::new(
                "grades",
                "leader_missing",
                format!("leader {leader} has no grade: grade every leader, or mark `unknown`"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(Ballot {
        round_id: round.id,
        category,
        grades: Value::Object(marks),
        comment: body
            .comment
            .as_deref()
            .map(crate::http::json::clean)
            .filter(|c| !c.is_empty()),
    })
}

/// Casts a ballot: in one transaction, deletes the code and stores the ballot, nothing else.
/// `Ok(false)` when the code was gone (used meanwhile, or the round closed): nothing stored.
pub fn cast(conn: &mut PgConnection, hash: &str, ballot: &Ballot) -> Result<bool, ApiError> {
    conn.transaction(|conn| {
        if !BallotCode::take(conn, ballot.round_id, hash)? {
            return Ok(false);
        }
        ballot.insert(conn)?;
        Ok(true)
    })
}

// ---------------------------------------------------------------------------------------------
// Leader grades

/// A leader's grade for the cycle, as the office and the team see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "leader_id": 1, "leader_name": "李建国", "grade": "good", "proposed_grade": "good",
    "round_id": 1, "reason": null, "set_by": "office-admin", "set_by_name": "县纪委管理员",
    "version": 1, "updated_at": "2014-10-20T02:00:00Z"
}))]
pub struct LeaderGradeView {
    /// The leader.
    #[schema(value_type = i64)]
    pub leader_id: LeaderId,
    /// Their name when graded.
    pub leader_name: String,
    /// The final grade.
    pub grade: Grade,
    /// What the latest closed round proposed when the grade was set.
    pub proposed_grade: Option<Grade>,
    /// That round.
    #[schema(value_type = Option<i64>)]
    pub round_id: Option<RoundId>,
    /// Why the grade differs from the proposal (or was set without one).
    pub reason: Option<String>,
    /// Who set it (`sub`).
    pub set_by: String,
    /// Their name.
    pub set_by_name: String,
    /// Version; the `ETag` is this number in quotes.
    pub version: i32,
    /// Last set.
    pub updated_at: DateTime<Utc>,
}

impl From<LeaderGrade> for LeaderGradeView {
    fn from(g: LeaderGrade) -> Self {
        Self {
            leader_id: g.leader_id,
            leader_name: g.leader_name,
            grade: g.grade,
            proposed_grade: g.proposed_grade,
            round_id: g.round_id,
            reason: g.reason,
            set_by: g.set_by,
            set_by_name: g.set_by_name,
            version: g.version,
            updated_at: g.updated_at,
        }
    }
}

/// One leader of a unit in the grades list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaderGradeEntry {
    /// The leader.
    #[schema(value_type = i64)]
    pub leader_id: LeaderId,
    /// Name.
    pub name: String,
    /// Position.
    pub position: String,
    /// The final grade, once the office has set it.
    pub grade: Option<Grade>,
    /// What the latest closed round proposes now (the office and the team only, and the team
    /// only where it may see the tally).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_grade: Option<Grade>,
    /// The grade's record (the office and the team only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<LeaderGradeView>,
}

/// A grade to set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"grade": "fairly_good", "reason": "平时掌握情况显示其分管领域出现违纪问题"}))]
pub struct SetGrade {
    /// The grade.
    #[schema(required = true, value_type = Grade)]
    pub grade: Option<Grade>,
    /// Required when the grade differs from the proposal, or there is none.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

impl crate::http::Validate for SetGrade {
    fn validate(&self) -> Vec<FieldError> {
        let mut rules = crate::http::json::Rules::default();
        rules.required("grade", &self.grade);
        rules.optional_text("reason", self.reason.as_deref(), 2000);
        rules.0
    }
}

/// What the latest closed round of a unit proposes.
#[derive(Debug, Default)]
pub struct Proposals {
    /// That round, if there is one.
    pub round: Option<Round>,
    /// The grade proposed for each leader with valid votes.
    pub grades: BTreeMap<LeaderId, Grade>,
    /// Whether the round has the cycle's minimum of ballots.
    pub enough: bool,
}

/// What the latest closed round of the unit proposes for each of its leaders, and that round.
pub fn proposals(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<Proposals, ApiError> {
    let Some(round) = Round::latest_closed(conn, cycle_id, unit_id)? else {
        return Ok(Proposals::default());
    };
    let settings = settings(conn, cycle_id)?;
    let view = tally(conn, &round, &settings)?;
    let enough = view.ballots >= settings.min_ballots;
    let grades = view
        .leaders
        .into_iter()
        .filter_map(|l| l.proposed_grade.map(|g| (l.leader_id, g)))
        .collect();
    Ok(Proposals {
        round: Some(round),
        grades,
        enough,
    })
}

/// The unit's leaders with their grades, as `access` may see them (the unit: after
/// publication, the grades alone).
pub fn list_grades(
    conn: &mut PgConnection,
    access: EvaluationAccess,
    cycle: &Cycle,
    unit_id: UnitId,
) -> Result<Result<Vec<LeaderGradeEntry>, Withheld>, ApiError> {
    if access == EvaluationAccess::OwnUnit && !published(cycle) {
        return Ok(Err(Withheld::NotPublished));
    }
    let grades: BTreeMap<LeaderId, LeaderGrade> = LeaderGrade::for_unit(conn, cycle.id, unit_id)?
        .into_iter()
        .map(|g| (g.leader_id, g))
        .collect();
    let full = matches!(access, EvaluationAccess::Office | EvaluationAccess::Team);
    let Proposals {
        grades: proposed,
        enough,
        ..
    } = if full {
        proposals(conn, cycle.id, unit_id)?
    } else {
        Proposals::default()
    };
    let show_proposals = access == EvaluationAccess::Office || enough;
    let mut entries: Vec<LeaderGradeEntry> = Leader::for_unit(conn, unit_id)?
        .into_iter()
        .map(|l| {
            let grade = grades.get(&l.id);
            LeaderGradeEntry {
                leader_id: l.id,
                name: l.name,
                position: l.position,
                grade: grade.map(|g| g.grade),
                proposed_grade: proposed.get(&l.id).copied().filter(|_| show_proposals),
                record: grade.cloned().map(LeaderGradeView::from).filter(|_| full),
            }
        })
        .collect();
    // Leaders graded and since removed from the registry stay listed with their grade.
    for (leader_id, grade) in grades {
        if entries.iter().all(|e| e.leader_id != leader_id) {
            entries.push(LeaderGradeEntry {
                leader_id,
                name: grade.leader_name.clone(),
                position: String::new(),
                grade: Some(grade.grade),
                proposed_grade: None,
                record: full.then(|| LeaderGradeView::from(grade)),
            });
        }
    }
    Ok(Ok(entries))
}

/// Sets (or replaces, under `If-Match`) a leader's final grade: office only (the caller
/// checks), while the cycle is past its draft and not yet published. A grade that differs
/// from the latest closed round's proposal, or is set without one, needs a reason (422).
pub fn set_grade(
    conn: &mut PgConnection,
    setter: (&str, &str),
    cycle: &Cycle,
    unit_id: UnitId,
    leader_id: LeaderId,
    body: SetGrade,
    if_match: Option<crate::http::IfMatch>,
) -> Result<(LeaderGradeView, bool, Change), ApiError> {
    if !matches!(
        cycle.state,
        CycleState::SelfInspection | CycleState::SpecialInspection | CycleState::Review
    ) {
        return Err(ApiError::Conflict {
            code: "grades_closed",
            detail: format!(
                "leader grades are set between the self-inspection and the review; cycle {} is \
                 in {}",
                cycle.id, cycle.state
            ),
        });
    }
    let leader = Leader::find(conn, unit_id, leader_id)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("unit {unit_id} has no leader {leader_id}")))?;
    let current = LeaderGrade::find(conn, cycle.id, unit_id, leader_id, true)?;
    match (&current, &if_match) {
        (Some(existing), Some(tag)) => {
            tag.check(&crate::http::ETag::from_version(existing.version))?
        }
        (Some(_), None) => {
            return Err(ApiError::PreconditionRequired(
                "replacing a grade needs If-Match with its ETag".to_owned(),
            ));
        }
        (None, _) => {}
    }
    let grade = body.grade.unwrap_or(Grade::Average);
    let Proposals { round, grades, .. } = proposals(conn, cycle.id, unit_id)?;
    let proposal = grades.get(&leader_id).copied();
    let reason = body
        .reason
        .as_deref()
        .map(crate::http::json::clean)
        .filter(|r| !r.is_empty());
    if proposal != Some(grade) && reason.is_none() {
        let why = match proposal {
            Some(p) => format!("the latest closed round proposes {p}: give the reason for {grade}"),
            None => {
                "there is no proposal for this leader: give the reason for the grade".to_owned()
            }
        };
        return Err(ApiError::field("reason", "reason_required", why));
    }
    let new = NewLeaderGrade {
        cycle_id: cycle.id,
        unit_id,
        leader_id,
        leader_name: leader.name,
        grade,
        proposed_grade: proposal,
        round_id: round.map(|r| r.id),
        reason,
        set_by: setter.0.to_owned(),
        set_by_name: setter.1.to_owned(),
    };
    let resource_id = format!("{}/{unit_id}/{leader_id}", cycle.id);
    let (saved, change) = match current {
        Some(before) => {
            let before = LeaderGradeView::from(before);
            let after = LeaderGradeView::from(new.replace(conn)?);
            let change = Change::updated("leader_grade", resource_id, &before, &after);
            (after, change)
        }
        None => {
            let after = LeaderGradeView::from(new.insert(conn)?);
            (
                after.clone(),
                Change::created("leader_grade", resource_id, &after),
            )
        }
    };
    let created = saved.version == 1;
    Ok((saved, created, change))
}
