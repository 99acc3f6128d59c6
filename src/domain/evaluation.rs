//! The democratic evaluation (民主测评, form 3, plan §4): the people of a unit grade each of its
//! leaders 好, 较好, 一般 or 差 on a ballot. Here: the one-time code's format and check
//! character, the tally in exact integer arithmetic, and the rule that proposes a grade.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

crate::text_enum! {
    /// A leader's grade for the cycle (plan §4): 好, 较好, 一般, 差.
    pub enum Grade {
        /// 好 (good)
        Good => "good",
        /// 较好 (fairly good)
        FairlyGood => "fairly_good",
        /// 一般 (average)
        Average => "average",
        /// 差 (poor)
        Poor => "poor",
    }
}

crate::text_enum! {
    /// One mark on a ballot: a grade, or 不了解 (`unknown`), counted apart and left out of the
    /// shares.
    pub enum Mark {
        /// 好 (good)
        Good => "good",
        /// 较好 (fairly good)
        FairlyGood => "fairly_good",
        /// 一般 (average)
        Average => "average",
        /// 差 (poor)
        Poor => "poor",
        /// 不了解 (unknown: the participant does not know the leader's work well enough)
        Unknown => "unknown",
    }
}

crate::text_enum! {
    /// Who fills in a ballot, as county ballots group them.
    pub enum ParticipantCategory {
        /// 班子成员 (members of the leadership team)
        LeadershipMember => "leadership_member",
        /// 中层干部 (middle managers)
        MiddleManager => "middle_manager",
        /// 职工代表 (staff representatives)
        StaffRepresentative => "staff_representative",
        /// 服务对象 (the people the unit serves)
        ServiceRecipient => "service_recipient",
    }
}

crate::text_enum! {
    /// Where a round is: open to votes, suspended after too many failed codes, or closed.
    pub enum RoundState {
        /// 进行中 (open: codes vote)
        Open => "open",
        /// 已暂停 (suspended: too many failed codes; none votes until the office resumes it)
        Suspended => "suspended",
        /// 已结束 (closed: counted, its ballots shuffled and its unused codes gone)
        Closed => "closed",
    }
}

/// The 32 symbols of a code (Crockford's base 32: no I, L, O or U, so nothing reads as another).
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Symbols of the round's tag at the start of each of its codes (15 bits: 32 768 rounds).
pub const TAG_LEN: usize = 3;
/// Random symbols of a code: 8 × 5 = 40 bits.
pub const RANDOM_LEN: usize = 8;
/// Symbols of a code without separators: tag, random part and the check character.
pub const CODE_LEN: usize = TAG_LEN + RANDOM_LEN + 1;

fn symbol_value(c: char) -> Option<u32> {
    // Crockford's decoding: the letters people mistype for digits read as those digits.
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|s| char::from(*s) == c)
        .map(|p| p as u32)
}

/// The Luhn mod 32 check symbol of `body`: it catches every single wrong symbol and every swap
/// of two neighbours but `0`/`Z`.
fn check_symbol(body: &[u32]) -> u32 {
    let n = ALPHABET.len() as u32;
    let mut factor = 2;
    let mut sum = 0;
    for value in body.iter().rev() {
        let addend = factor * value;
        sum += addend / n + addend % n;
        factor = if factor == 2 { 1 } else { 2 };
    }
    (n - sum % n) % n
}

fn symbols(values: &[u32]) -> String {
    values
        .iter()
        .map(|v| char::from(ALPHABET[*v as usize]))
        .collect()
}

/// A round's tag from 15 random bits.
pub fn tag_from(bits: u16) -> String {
    let values: Vec<u32> = (0..TAG_LEN)
        .rev()
        .map(|i| (u32::from(bits) >> (5 * i)) & 31)
        .collect();
    symbols(&values)
}

/// A code of the round tagged `tag` from 40 random bits (the low 40 of `bits`): the tag, eight
/// random symbols and the check symbol, without separators.
pub fn code_from(tag: &str, bits: u64) -> String {
    let mut values: Vec<u32> = tag.chars().filter_map(symbol_value).collect();
    values.extend(
        (0..RANDOM_LEN)
            .rev()
            .map(|i| ((bits >> (5 * i)) & 31) as u32),
    );
    values.push(check_symbol(&values));
    symbols(&values)
}

/// A code as printed on a slip: `XXXX-XXXX-XXXX`.
pub fn display_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed, read back: upper case, separators and spaces dropped, look-alike letters
/// read as digits, and the check symbol verified. `None` for anything that is not a code.
pub fn parse_code(typed: &str) -> Option<String> {
    let values: Option<Vec<u32>> = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(symbol_value)
        .collect();
    let values = values?;
    if values.len() != CODE_LEN {
        return None;
    }
    let (body, check) = values.split_at(CODE_LEN - 1);
    (check_symbol(body) == check[0]).then(|| symbols(&values))
}

/// The tag of a parsed code.
pub fn tag_of(code: &str) -> &str {
    code.get(..TAG_LEN).unwrap_or(code)
}

/// Marks given to one leader, by mark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Counts {
    /// 好.
    pub good: i64,
    /// 较好.
    pub fairly_good: i64,
    /// 一般.
    pub average: i64,
    /// 差.
    pub poor: i64,
    /// 不了解: counted apart, not among the valid votes.
    pub unknown: i64,
}

impl Counts {
    /// One more `mark`.
    pub fn add_mark(&mut self, mark: Mark) {
        match mark {
            Mark::Good => self.good += 1,
            Mark::FairlyGood => self.fairly_good += 1,
            Mark::Average => self.average += 1,
            Mark::Poor => self.poor += 1,
            Mark::Unknown => self.unknown += 1,
        }
    }

    /// These counts and `other`'s together.
    pub fn plus(self, other: Counts) -> Counts {
        Counts {
            good: self.good + other.good,
            fairly_good: self.fairly_good + other.fairly_good,
            average: self.average + other.average,
            poor: self.poor + other.poor,
            unknown: self.unknown + other.unknown,
        }
    }

    /// The valid votes: every mark but `unknown`.
    pub fn valid(&self) -> i64 {
        self.good + self.fairly_good + self.average + self.poor
    }

    /// Every mark, `unknown` included.
    pub fn total(&self) -> i64 {
        self.valid() + self.unknown
    }
}

/// The grade coefficients of the weighted score, in hundredths (default 100, 80, 60, 40).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coefficients {
    /// 好.
    pub good: i64,
    /// 较好.
    pub fairly_good: i64,
    /// 一般.
    pub average: i64,
    /// 差.
    pub poor: i64,
}

impl Default for Coefficients {
    fn default() -> Self {
        Self {
            good: 100,
            fairly_good: 80,
            average: 60,
            poor: 40,
        }
    }
}

/// An exact fraction, such as "a third".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ratio {
    /// Numerator.
    #[schema(minimum = 0, maximum = 1000, example = 1)]
    pub numerator: i64,
    /// Denominator.
    #[schema(minimum = 1, maximum = 1000, example = 3)]
    pub denominator: i64,
}

impl Ratio {
    /// `numerator / denominator`.
    pub const fn new(numerator: i64, denominator: i64) -> Self {
        Self {
            numerator,
            denominator,
        }
    }

    /// Whether `part / whole` is at least this fraction.
    pub fn reached_by(&self, part: i64, whole: i64) -> bool {
        part * self.denominator >= self.numerator * whole
    }

    /// Whether `part / whole` is at most this fraction.
    pub fn not_exceeded_by(&self, part: i64, whole: i64) -> bool {
        part * self.denominator <= self.numerator * whole
    }

    /// Whether `numerator / denominator` ≤ `other`.
    pub fn not_above(&self, other: &Ratio) -> bool {
        self.numerator * other.denominator <= other.numerator * self.denominator
    }
}

/// The rule that proposes a grade from a round's tally; a per-cycle setting. Defaults: `good`
/// when at least 3/5 of the valid votes are good and at most 1/10 poor; `poor` when more than
/// 1/3 are poor; otherwise `fairly_good` when the weighted score is at least 0.80, else
/// `average`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The least share of good votes for `good`.
    pub good_min_good_share: Ratio,
    /// The greatest share of poor votes for `good`.
    pub good_max_poor_share: Ratio,
    /// A share of poor votes above this proposes `poor`.
    pub poor_above_poor_share: Ratio,
    /// The least weighted score for `fairly_good`, in hundredths.
    pub fairly_good_min_score: i64,
}

impl Default for Rule {
    fn default() -> Self {
        Self {
            good_min_good_share: Ratio::new(3, 5),
            good_max_poor_share: Ratio::new(1, 10),
            poor_above_poor_share: Ratio::new(1, 3),
            fairly_good_min_score: 80,
        }
    }
}

/// The weighted score of `counts` as an exact fraction `(numerator, denominator)`: the sum of
/// each valid vote's coefficient over the valid votes. `None` without valid votes.
pub fn weighted_score(counts: &Counts, coefficients: &Coefficients) -> Option<(i64, i64)> {
    let valid = counts.valid();
    (valid > 0).then(|| {
        let sum = counts.good * coefficients.good
            + counts.fairly_good * coefficients.fairly_good
            + counts.average * coefficients.average
            + counts.poor * coefficients.poor;
        (sum, valid * 100)
    })
}

/// `numerator / denominator` as a decimal with `places` decimals, rounded half up (both are
/// non-negative; the denominator positive).
pub fn decimal(numerator: i64, denominator: i64, places: u32) -> String {
    let scale = 10_i64.pow(places);
    let scaled = (numerator * scale * 2 + denominator) / (denominator * 2);
    let whole = scaled / scale;
    let fraction = scaled % scale;
    if places == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:0width$}", width = places as usize)
    }
}

/// The grade `rule` proposes for `counts`; `None` without valid votes.
pub fn propose(counts: &Counts, coefficients: &Coefficients, rule: &Rule) -> Option<Grade> {
    let valid = counts.valid();
    if valid == 0 {
        return None;
    }
    if rule.good_min_good_share.reached_by(counts.good, valid)
        && rule.good_max_poor_share.not_exceeded_by(counts.poor, valid)
    {
        return Some(Grade::Good);
    }
    if !rule
        .poor_above_poor_share
        .not_exceeded_by(counts.poor, valid)
    {
        return Some(Grade::Poor);
    }
    let (sum, denominator) = weighted_score(counts, coefficients)?;
    // sum / denominator ≥ min / 100, with denominator = valid × 100.
    if sum * 100 >= rule.fairly_good_min_score * denominator {
        Some(Grade::FairlyGood)
    } else {
        Some(Grade::Average)
    }
}

/// Why a rule cannot be used, if it cannot: each fraction at most 1, and a `good` proposal's
/// poor share never above the `poor` line, so the branches cannot overlap.
pub fn refuse_rule(rule: &Rule) -> Vec<(&'static str, String)> {
    let mut refused = Vec::new();
    let shares = [
        ("good_min_good_share", rule.good_min_good_share),
        ("good_max_poor_share", rule.good_max_poor_share),
        ("poor_above_poor_share", rule.poor_above_poor_share),
    ];
    for (name, share) in shares {
        if share.denominator < 1 || share.numerator < 0 || share.numerator > share.denominator {
            refused.push((
                name,
                "a share must be a fraction between 0 and 1".to_owned(),
            ));
        }
    }
    if refused.is_empty()
        && !rule
            .good_max_poor_share
            .not_above(&rule.poor_above_poor_share)
    {
        refused.push((
            "good_max_poor_share",
            "the poor share allowed for `good` cannot be above the `poor` line".to_owned(),
        ));
    }
    if !(0..=100).contains(&rule.fairly_good_min_score) {
        refused.push((
            "fairly_good_min_score",
            "the score line must be between 0.00 and 1.00".to_owned(),
        ));
    }
    refused
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(good: i64, fairly_good: i64, average: i64, poor: i64, unknown: i64) -> Counts {
        Counts {
            good,
            fairly_good,
            average,
            poor,
            unknown,
        }
    }

    fn propose_default(c: Counts) -> Option<Grade> {
        propose(&c, &Coefficients::default(), &Rule::default())
    }

    #[test]
    fn a_code_has_its_tag_forty_random_bits_and_a_check_symbol() {
        let code = code_from("K7Q", 0xFF_FFFF_FFFF);
        assert_eq!(code.len(), CODE_LEN);
        assert!(code.starts_with("K7Q"));
        assert_eq!(&code[3..11], "ZZZZZZZZ");
        assert_eq!(parse_code(&code).as_deref(), Some(code.as_str()));
        let other = code_from("K7Q", 0);
        assert_eq!(&other[3..11], "00000000");
        assert_ne!(code, other);
        assert_eq!(tag_of(&code), "K7Q");
    }

    #[test]
    fn a_code_is_read_back_as_typed_from_the_slip() {
        let code = code_from("A1B", 0x12_3456_789A);
        let printed = display_code(&code);
        assert_eq!(printed.len(), CODE_LEN + 2);
        assert_eq!(parse_code(&printed).as_deref(), Some(code.as_str()));
        assert_eq!(
            parse_code(&printed.to_lowercase()).as_deref(),
            Some(code.as_str())
        );
        let with_o = code.replace('0', "O");
        assert_eq!(parse_code(&with_o).as_deref(), Some(code.as_str()));
    }

    #[test]
    fn every_single_wrong_symbol_and_neighbour_swap_is_caught() {
        let code = code_from("XYZ", 0x9A_BCDE_F012);
        let chars: Vec<char> = code.chars().collect();
        for i in 0..chars.len() {
            for s in ALPHABET.iter().map(|b| char::from(*b)) {
                if s == chars[i] {
                    continue;
                }
                let mut typo = chars.clone();
                typo[i] = s;
                let typo: String = typo.into_iter().collect();
                assert_eq!(parse_code(&typo), None, "{typo}");
            }
            let pair = [chars[i], chars.get(i + 1).copied().unwrap_or('0')];
            let blind = pair == ['0', 'Z'] || pair == ['Z', '0'];
            if i + 1 < chars.len() && chars[i] != chars[i + 1] && !blind {
                let mut swapped = chars.clone();
                swapped.swap(i, i + 1);
                let swapped: String = swapped.into_iter().collect();
                assert_eq!(parse_code(&swapped), None, "{swapped}");
            }
        }
        assert_eq!(parse_code(""), None);
        assert_eq!(parse_code(&code[..11]), None);
        assert_eq!(parse_code(&format!("{code}0")), None);
        assert_eq!(parse_code("UUUUUUUUUUUU"), None);
    }

    #[test]
    fn a_tag_is_three_symbols_of_fifteen_bits() {
        assert_eq!(tag_from(0), "000");
        assert_eq!(tag_from(0x7FFF), "ZZZ");
        assert_eq!(tag_from(32), "010");
    }

    #[test]
    fn unknown_is_counted_apart_and_left_out_of_the_valid_votes() {
        let mut c = Counts::default();
        for mark in [Mark::Good, Mark::Good, Mark::Unknown, Mark::Poor] {
            c.add_mark(mark);
        }
        assert_eq!(c, counts(2, 0, 0, 1, 1));
        assert_eq!(c.valid(), 3);
        assert_eq!(c.total(), 4);
        assert_eq!(c.plus(counts(1, 1, 1, 1, 1)), counts(3, 1, 1, 2, 2));
    }

    #[test]
    fn the_weighted_score_is_exact() {
        let c = counts(1, 1, 1, 0, 5);
        // (1.0 + 0.8 + 0.6) / 3 = 0.8 exactly.
        assert_eq!(
            weighted_score(&c, &Coefficients::default()),
            Some((240, 300))
        );
        assert_eq!(decimal(240, 300, 4), "0.8000");
        assert_eq!(decimal(2, 3, 4), "0.6667");
        assert_eq!(decimal(1, 3, 4), "0.3333");
        assert_eq!(decimal(1, 8, 2), "0.13");
        assert_eq!(decimal(1, 1, 4), "1.0000");
        assert_eq!(
            weighted_score(&counts(0, 0, 0, 0, 4), &Coefficients::default()),
            None
        );
    }

    #[test]
    fn good_needs_three_fifths_good_and_at_most_a_tenth_poor() {
        assert_eq!(propose_default(counts(6, 3, 0, 1, 0)), Some(Grade::Good));
        // Exactly 3/5 good counts; unknown votes do not dilute it.
        assert_eq!(propose_default(counts(3, 2, 0, 0, 9)), Some(Grade::Good));
        // 6 of 10 good but 2 of 10 poor: not good; score 0.84 gives fairly good.
        assert_eq!(
            propose_default(counts(6, 2, 0, 2, 0)),
            Some(Grade::FairlyGood)
        );
        // Just under 3/5 good.
        assert_eq!(
            propose_default(counts(5, 4, 0, 0, 0)),
            Some(Grade::FairlyGood)
        );
    }

    #[test]
    fn poor_needs_more_than_a_third_poor() {
        assert_eq!(propose_default(counts(2, 0, 2, 3, 0)), Some(Grade::Poor));
        // Exactly a third is not more than a third: the score (0.6667) decides.
        assert_eq!(propose_default(counts(1, 0, 1, 1, 0)), Some(Grade::Average));
        assert_eq!(propose_default(counts(0, 0, 0, 1, 0)), Some(Grade::Poor));
    }

    #[test]
    fn otherwise_the_weighted_score_decides_between_fairly_good_and_average() {
        // Exactly 0.80: fairly good.
        assert_eq!(
            propose_default(counts(1, 1, 1, 0, 0)),
            Some(Grade::FairlyGood)
        );
        // 0.7333…: average.
        assert_eq!(propose_default(counts(1, 0, 2, 0, 0)), Some(Grade::Average));
        assert_eq!(propose_default(counts(0, 0, 0, 0, 3)), None);
    }

    #[test]
    fn a_rule_is_refused_when_its_branches_could_overlap_or_a_share_is_not_a_fraction() {
        assert!(refuse_rule(&Rule::default()).is_empty());
        let overlapping = Rule {
            good_max_poor_share: Ratio::new(1, 2),
            ..Rule::default()
        };
        assert_eq!(refuse_rule(&overlapping)[0].0, "good_max_poor_share");
        let improper = Rule {
            good_min_good_share: Ratio::new(6, 5),
            ..Rule::default()
        };
        assert_eq!(refuse_rule(&improper)[0].0, "good_min_good_share");
        let score = Rule {
            fairly_good_min_score: 101,
            ..Rule::default()
        };
        assert_eq!(refuse_rule(&score)[0].0, "fairly_good_min_score");
    }
}
