//! How a team scores an item (plan §4): deductions cite the form's rule they apply (points
//! within its range, at most its cap) or stand free with their grounds; the item's points are
//! its maximum less its deductions, never below zero (扣完为止); a team score that differs from
//! the unit's self-score by more than the cycle's margin is flagged. And the canonical content
//! a signature hashes (RFC 8785).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::forms::FormItem;
use super::points::Points;
use crate::error::FieldError;
use crate::models::{CycleId, UnitId};

crate::text_enum! {
    /// What a deduction is for; integrity violations and corruption are the main grounds
    /// (plan §4).
    pub enum DeductionKind {
        /// 违反廉洁自律 (an integrity violation)
        IntegrityViolation => "integrity_violation",
        /// 贪腐 (corruption)
        Corruption => "corruption",
        /// 其他 (anything else the form's rules name)
        Other => "other",
    }
}

crate::text_enum! {
    /// How the team gathered its evidence (plan §4).
    pub enum Method {
        /// 听取汇报 (hearing a report)
        HearingReport => "hearing_report",
        /// 民主测评 (democratic evaluation)
        DemocraticEvaluation => "democratic_evaluation",
        /// 个别谈话 (individual talks)
        IndividualTalks => "individual_talks",
        /// 座谈会 (a group discussion)
        GroupDiscussion => "group_discussion",
        /// 查阅资料 (reviewing records)
        ReviewingRecords => "reviewing_records",
    }
}

/// One deduction from an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "rule_code": "1.3-R1", "occurrences": 2, "points": "1.50", "grounds": null, "kind": "other"
}))]
pub struct Deduction {
    /// The `code` of the item's deduction rule it applies, or `null` for a free deduction.
    #[serde(default)]
    pub rule_code: Option<String>,
    /// How many times it applies, 1 to 100 (per-occurrence rules only; otherwise 1).
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 100)]
    pub occurrences: u32,
    /// Points per occurrence, more than zero: within the rule's range.
    #[schema(
        value_type = String,
        example = "1.50",
        pattern = r"^(0\.(0[1-9]|[1-9]\d?)|[1-9]\d{0,2}(\.\d{1,2})?)$"
    )]
    pub points: Points,
    /// The grounds: required for a free deduction, optional detail otherwise; never blank.
    #[serde(default)]
    #[schema(min_length = 1)]
    pub grounds: Option<String>,
    /// Integrity violation, corruption, or other.
    pub kind: DeductionKind,
}

fn one() -> u32 {
    1
}

impl Deduction {
    /// Points this deduction takes in all.
    pub fn amount(&self) -> Points {
        Points(&self.points.0 * bigdecimal::BigDecimal::from(self.occurrences))
    }
}

/// Every rule the deductions of one item break, each naming its field.
pub fn check_deductions(item: &FormItem, deductions: &[Deduction]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut per_rule: HashMap<&str, Points> = HashMap::new();
    for (i, d) in deductions.iter().enumerate() {
        let at = |f: &str| format!("deductions[{i}].{f}");
        if d.points.is_negative() || d.points == Points::zero() {
            errors.push(FieldError::new(
                at("points"),
                "not_positive",
                "a deduction takes more than zero points",
            ));
        }
        if !d.points.has_two_decimals_at_most() {
            errors.push(FieldError::new(
                at("points"),
                "too_precise",
                "points have at most two decimal places",
            ));
        }
        if d.occurrences == 0 || d.occurrences > 100 {
            errors.push(FieldError::new(
                at("occurrences"),
                "out_of_range",
                "occurrences must be 1 to 100",
            ));
        }
        if d.rule_code.is_some() && d.grounds.as_deref().is_some_and(super::text::is_blank) {
            // Optional detail beside a rule: absent or `null`, never blank or invisible.
            errors.push(FieldError::new(
                at("grounds"),
                "blank",
                "grounds beside a rule are optional, but not blank: send null instead",
            ));
        }
        match d.rule_code.as_deref() {
            None => {
                if d.grounds.as_deref().is_none_or(super::text::is_blank) {
                    errors.push(FieldError::new(
                        at("grounds"),
                        "grounds_required",
                        "a free deduction states its grounds",
                    ));
                }
            }
            Some(code) => match item.rules.iter().find(|r| r.code == code) {
                None => errors.push(FieldError::new(
                    at("rule_code"),
                    "unknown_rule",
                    format!(
                        "item {} has rules {}; there is no rule {code}",
                        item.code,
                        item.rules
                            .iter()
                            .map(|r| r.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
                Some(rule) => {
                    if d.points < rule.points.min || d.points > rule.points.max {
                        errors.push(FieldError::new(
                            at("points"),
                            "outside_rule_range",
                            format!(
                                "rule {code} takes {} to {} points per occurrence",
                                rule.points.min, rule.points.max
                            ),
                        ));
                    }
                    if !rule.per_occurrence && d.occurrences != 1 {
                        errors.push(FieldError::new(
                            at("occurrences"),
                            "not_per_occurrence",
                            "this rule applies once",
                        ));
                    }
                    let used = per_rule.entry(code).or_insert_with(Points::zero);
                    *used = Points::sum([&*used, &d.amount()]);
                    if let Some(cap) = &rule.cap
                        && *used > *cap
                    {
                        errors.push(FieldError::new(
                            at("points"),
                            "over_cap",
                            format!(
                                "rule {code} takes at most {cap} points from this item; \
                                 these deductions take {used}"
                            ),
                        ));
                    }
                }
            },
        }
    }
    errors
}

/// The item's points: its maximum less its deductions, never below zero.
pub fn item_points(max: &Points, deductions: &[Deduction]) -> Points {
    let taken = Points::sum(
        deductions
            .iter()
            .map(Deduction::amount)
            .collect::<Vec<_>>()
            .iter(),
    );
    let left = Points(&max.0 - &taken.0);
    if left.is_negative() {
        Points::zero()
    } else {
        left
    }
}

/// Whether a team score and a self-score differ by more than the margin.
pub fn flagged(team: &Points, own: Option<&Points>, margin: &Points) -> bool {
    own.is_some_and(|own| Points((&team.0 - &own.0).abs()) > *margin)
}

/// The canonical content new signatures hash: version 2 cites rules by `rule_code`. Version 1
/// (every signature made before rule codes) cited them by their index in the item's rules.
pub const CANONICAL_VERSION: i32 = 2;

/// One item as it is hashed.
#[derive(Debug, Clone, Serialize)]
pub struct SignedItem {
    /// Item code.
    pub item_code: String,
    /// Maximum points.
    pub max_points: Points,
    /// Deductions.
    pub deductions: Vec<Deduction>,
    /// Evidence notes.
    pub evidence_notes: Option<String>,
    /// Points.
    pub points: Points,
    /// The codes of the item's rules in form order: how version 1 turns a code into an index.
    #[serde(skip)]
    pub rule_codes: Vec<String>,
}

impl SignedItem {
    /// The item as version `version` of the canonical content writes it.
    fn content(&self, version: i32) -> Value {
        let deductions: Vec<Value> = self
            .deductions
            .iter()
            .map(|d| {
                let mut value = json!({
                    "occurrences": d.occurrences,
                    "points": d.points,
                    "grounds": d.grounds,
                    "kind": d.kind,
                });
                if version == 1 {
                    let index = d
                        .rule_code
                        .as_ref()
                        .and_then(|c| self.rule_codes.iter().position(|r| r == c));
                    value["rule"] = json!(index);
                } else {
                    value["rule_code"] = json!(d.rule_code);
                }
                value
            })
            .collect();
        json!({
            "item_code": self.item_code,
            "max_points": self.max_points,
            "deductions": deductions,
            "evidence_notes": self.evidence_notes,
            "points": self.points,
        })
    }
}

/// A referral as it is hashed.
#[derive(Debug, Clone, Serialize)]
pub struct SignedReferral {
    /// The leader's name, when known.
    pub leader_name: Option<String>,
    /// The facts.
    pub facts: String,
    /// The decision it rests on.
    pub decision: String,
}

/// The canonical content of a score sheet in canonical version `version` (1 or 2): what a
/// signature of that version hashes. Keys sorted, no whitespace, decimals as strings (RFC 8785
/// for this content, see README). Version 2 also names itself (`canonical_version`).
pub fn record_content(
    version: i32,
    cycle_id: CycleId,
    unit_id: UnitId,
    items: &[SignedItem],
    methods: &[Method],
    referrals: &[SignedReferral],
) -> Value {
    let total = Points::sum(items.iter().map(|i| &i.points));
    let items: Vec<Value> = items.iter().map(|i| i.content(version)).collect();
    let mut content = json!({
        "document": "scoring_record",
        "cycle_id": cycle_id,
        "unit_id": unit_id,
        "items": items,
        "methods": methods,
        "referrals": referrals,
        "total": total,
    });
    if version >= 2 {
        content["canonical_version"] = json!(version);
    }
    content
}

/// SHA-256 (hex) of the canonical JSON of `content`.
pub fn content_hash(content: &Value) -> String {
    crate::audit::sha256_hex(crate::audit::canonical_json(content).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::forms::{DeductionRule, PointRange};

    fn p(s: &str) -> Points {
        s.parse().expect("points")
    }

    fn item() -> FormItem {
        FormItem {
            code: "1.3".into(),
            content_area: 1,
            title: "党委（党组）全年专题研究党风廉政建设工作不少于4次".into(),
            max_points: p("5.00"),
            rules: vec![DeductionRule {
                code: "1.3-R1".into(),
                grounds: "少于4次的，每少一次".into(),
                points: PointRange {
                    min: p("1.00"),
                    max: p("2.00"),
                },
                per_occurrence: true,
                cap: Some(p("4.00")),
                evidence: "会议记录".into(),
            }],
        }
    }

    fn deduction(rule: Option<&str>, occurrences: u32, points: &str) -> Deduction {
        Deduction {
            rule_code: rule.map(str::to_owned),
            occurrences,
            points: p(points),
            grounds: None,
            kind: DeductionKind::Other,
        }
    }

    #[test]
    fn deductions_stay_within_their_rule_and_cap() {
        assert!(check_deductions(&item(), &[deduction(Some("1.3-R1"), 2, "1.50")]).is_empty());
        let out = check_deductions(&item(), &[deduction(Some("1.3-R1"), 1, "2.50")]);
        assert_eq!(out[0].code, "outside_rule_range");
        let capped = check_deductions(&item(), &[deduction(Some("1.3-R1"), 3, "2.00")]);
        assert_eq!(capped[0].code, "over_cap");
        let free = check_deductions(&item(), &[deduction(None, 1, "1.00")]);
        assert_eq!(free[0].code, "grounds_required");
        assert_eq!(
            check_deductions(&item(), &[deduction(Some("1.3-R4"), 1, "1.00")])[0].code,
            "unknown_rule"
        );
    }

    /// The contract's pattern for a deduction's points,
    /// `^(0\.(0[1-9]|[1-9]\d?)|[1-9]\d{0,2}(\.\d{1,2})?)$`, is `Points` less zero.
    #[test]
    fn a_deduction_takes_exactly_the_positive_points_its_pattern_describes() {
        let refused = |points: &str| {
            let mut d = deduction(None, 1, points);
            d.grounds = Some("班子成员违规收受礼金".into());
            check_deductions(&item(), &[d])
                .iter()
                .any(|e| e.code == "not_positive")
        };
        for good in ["0.01", "0.1", "0.50", "0.99", "1", "2.00", "999.99"] {
            assert!(!refused(good), "{good}");
        }
        for zero in ["0", "0.0", "0.00"] {
            assert!(refused(zero), "{zero}");
        }
    }

    #[test]
    fn an_item_never_goes_below_zero() {
        let mut free = deduction(None, 1, "3.00");
        free.grounds = Some("班子成员违规收受礼金".into());
        let points = item_points(&p("5.00"), &[deduction(Some("1.3-R1"), 2, "2.00"), free]);
        assert_eq!(points, Points::zero());
        assert_eq!(
            item_points(&p("5.00"), &[deduction(Some("1.3-R1"), 1, "1.50")]).to_fixed(),
            "3.50"
        );
    }

    #[test]
    fn differences_beyond_the_margin_are_flagged() {
        assert!(flagged(&p("2.00"), Some(&p("5.00")), &p("2.00")));
        assert!(!flagged(&p("3.00"), Some(&p("5.00")), &p("2.00")));
        assert!(!flagged(&p("3.00"), None, &p("2.00")));
    }

    /// The digests below were computed outside this code, by Python:
    /// `hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":"),
    /// ensure_ascii=False).encode()).hexdigest()` on the same content, written out by hand in
    /// each version (version 1 cites the rule as `"rule": 0`, version 2 as
    /// `"rule_code": "1.3-R1"` and adds `"canonical_version": 2`).
    #[test]
    fn the_signature_hash_of_a_fixed_record_is_stable_in_both_versions() {
        let items = vec![
            SignedItem {
                item_code: "1.3".into(),
                max_points: p("5.00"),
                deductions: vec![deduction(Some("1.3-R1"), 2, "1.50")],
                evidence_notes: Some("党委会议记录显示全年专题研究2次".into()),
                points: p("2.00"),
                rule_codes: vec!["1.3-R1".into()],
            },
            SignedItem {
                item_code: "2.1".into(),
                max_points: p("6.00"),
                deductions: vec![],
                evidence_notes: None,
                points: p("6.00"),
                rule_codes: vec!["2.1-R1".into()],
            },
        ];
        let referrals = vec![SignedReferral {
            leader_name: Some("张三".into()),
            facts: "因工作失职被追究纪律责任".into(),
            decision: "县纪委〔2014〕12号处分决定".into(),
        }];
        let methods = [Method::HearingReport, Method::ReviewingRecords];
        let v1 = record_content(1, CycleId(1), UnitId(7), &items, &methods, &referrals);
        assert_eq!(content_hash(&v1), FIXTURE_DIGEST);
        let v2 = record_content(2, CycleId(1), UnitId(7), &items, &methods, &referrals);
        assert_eq!(content_hash(&v2), FIXTURE_DIGEST_V2);
    }

    const FIXTURE_DIGEST: &str = "c174a75a6acc74621a703ce0d9663fb1390abc93989a9fa0e45f14fdca209965";
    const FIXTURE_DIGEST_V2: &str =
        "fe0c9640c4fd7dbf8b4790002b48949a1924dec3c6d69257568f77a9cad60f13";
}
