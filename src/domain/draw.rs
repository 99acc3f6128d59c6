//! The routine inspection's draw (plan §4(二) "随机抽查"): which units the office visits,
//! derived from a public seed, the cycle id and the frozen eligible lists by a documented
//! deterministic algorithm, so that anyone can re-run it (README "The routine draw";
//! `scripts/verify_draw.py` is an independent implementation).

use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::audit::{canonical_json, sha256_hex};

/// The version of the algorithm below; a draw stores the version it used.
pub const ALGORITHM_VERSION: i32 = 1;

/// The bytes every key starts with: the algorithm's name and version, then a zero byte.
const DOMAIN: &[u8] = b"lianzheng-draw/1\x00";

crate::text_enum! {
    /// 抽查分组 (a group the draw samples from separately).
    pub enum SampleGroup {
        /// 县直单位 (county departments)
        CountyDepartment => "county_department",
        /// 乡镇 (towns)
        Town => "town",
        /// 县属企业 (county-owned enterprises, only when the plan adds them)
        CountyEnterprise => "county_enterprise",
    }
}

/// One group's frozen eligible list and how many are drawn from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EligibleGroup {
    /// The group.
    pub group: SampleGroup,
    /// How many units are drawn from it.
    pub size: u32,
    /// The eligible units, by id, ascending.
    pub unit_ids: Vec<i64>,
}

/// The units drawn from one group, in rank order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SampledGroup {
    /// The group.
    pub group: SampleGroup,
    /// The units drawn, lowest key first.
    pub unit_ids: Vec<i64>,
}

/// The key that ranks `unit_id`: SHA-256 over `DOMAIN`, the seed's length in bytes (4-byte
/// big-endian), the seed (UTF-8, exactly as entered), the cycle id and the unit id (each 8-byte
/// big-endian two's complement).
pub fn unit_key(seed: &str, cycle_id: i64, unit_id: i64) -> [u8; 32] {
    let seed = seed.as_bytes();
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(u32::try_from(seed.len()).unwrap_or(u32::MAX).to_be_bytes());
    hasher.update(seed);
    hasher.update(cycle_id.to_be_bytes());
    hasher.update(unit_id.to_be_bytes());
    hasher.finalize().into()
}

/// The draw: in each group, the units ranked by [`unit_key`] (then by id), the first `size`.
pub fn draw(seed: &str, cycle_id: i64, groups: &[EligibleGroup]) -> Vec<SampledGroup> {
    groups
        .iter()
        .map(|g| {
            let mut ranked: Vec<([u8; 32], i64)> = g
                .unit_ids
                .iter()
                .map(|&u| (unit_key(seed, cycle_id, u), u))
                .collect();
            ranked.sort();
            let size = usize::try_from(g.size).unwrap_or(usize::MAX);
            SampledGroup {
                group: g.group,
                unit_ids: ranked.into_iter().take(size).map(|(_, u)| u).collect(),
            }
        })
        .collect()
}

/// The SHA-256 of the eligible lists, shown with the commitment: over the canonical JSON
/// (sorted keys, no whitespace) of `{"cycle_id": …, "groups": […]}`.
pub fn eligible_sha256(cycle_id: i64, groups: &[EligibleGroup]) -> String {
    let lists = json!({"cycle_id": cycle_id, "groups": groups});
    sha256_hex(canonical_json(&lists).as_bytes())
}

/// What a seed may be: not blank, no control characters, no surrounding spaces (the bytes are
/// hashed exactly as entered, so what a person copies must be what was hashed), at most 200
/// characters. The reason it is refused, if it is.
pub fn refuse_seed(seed: &str) -> Option<&'static str> {
    if seed.trim().is_empty() {
        Some("the seed must not be blank")
    } else if seed.chars().count() > 200 {
        Some("the seed is at most 200 characters")
    } else if seed.chars().any(char::is_control) {
        Some("the seed must not hold control characters (line breaks, tabs)")
    } else if seed.trim() != seed {
        Some("the seed must not start or end with spaces")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's worked example.
    pub fn example() -> (&'static str, i64, Vec<EligibleGroup>) {
        let groups = vec![
            EligibleGroup {
                group: SampleGroup::CountyDepartment,
                size: 2,
                unit_ids: vec![2, 3, 4, 5, 6, 7],
            },
            EligibleGroup {
                group: SampleGroup::Town,
                size: 2,
                unit_ids: vec![10, 11, 12, 13],
            },
        ];
        ("2026138: 03 11 17 22 28 31 + 09", 1, groups)
    }

    #[test]
    fn the_worked_example_draws_the_units_the_readme_names() {
        let (seed, cycle, groups) = example();
        let sample = draw(seed, cycle, &groups);
        assert_eq!(sample[0].group, SampleGroup::CountyDepartment);
        assert_eq!(sample[0].unit_ids, vec![3, 7]);
        assert_eq!(sample[1].unit_ids, vec![11, 13]);
        assert_eq!(
            eligible_sha256(cycle, &groups),
            "d7fe392638fa055bcc323437c0871f22c675c07229d726eb1ebb85196f622f2e"
        );
        assert_eq!(
            hex::encode(unit_key(seed, cycle, 3)),
            "6aea4c57fdaa9b3d2425917f846628866cff70b158a3f5e19aa81f70f2854aee"
        );
    }

    #[test]
    fn another_seed_or_cycle_ranks_the_units_differently() {
        let (seed, _, _) = example();
        assert_ne!(unit_key(seed, 1, 3), unit_key(seed, 2, 3));
        assert_ne!(unit_key(seed, 1, 3), unit_key("2026139", 1, 3));
        // The length prefix keeps a seed's end from sliding into the cycle id.
        assert_ne!(unit_key("a", 1, 3), unit_key("a\u{0}", 1, 3));
    }

    #[test]
    fn a_group_smaller_than_its_size_yields_all_its_units_in_rank_order() {
        let groups = [EligibleGroup {
            group: SampleGroup::Town,
            size: 9,
            unit_ids: vec![1, 2],
        }];
        let mut drawn = draw("x", 1, &groups)[0].unit_ids.clone();
        drawn.sort_unstable();
        assert_eq!(drawn, vec![1, 2]);
    }

    #[test]
    fn a_seed_is_refused_when_blank_padded_or_multiline() {
        assert!(refuse_seed("2026138").is_none());
        assert!(refuse_seed(" 2026138").is_some());
        assert!(refuse_seed("2026\n138").is_some());
        assert!(refuse_seed("   ").is_some());
    }
}
