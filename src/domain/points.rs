//! Exact decimal points (scores, weights, maxima): `NUMERIC(5,2)` in PostgreSQL, `BigDecimal`
//! in Rust, a JSON string such as `"87.50"` on the wire. Never a float.

use std::fmt;
use std::str::FromStr;

use bigdecimal::{BigDecimal, RoundingMode, Zero};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

/// An exact number of points with at most two decimal places.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, ToSchema)]
#[schema(value_type = String, example = "87.50", pattern = r"^-?\d{1,3}(\.\d{1,2})?$")]
pub struct Points(pub BigDecimal);

impl Points {
    /// Whole points.
    pub fn whole(n: i64) -> Self {
        Points(BigDecimal::from(n))
    }

    /// Zero points.
    pub fn zero() -> Self {
        Points(BigDecimal::zero())
    }

    /// Whether the value has at most two decimal places.
    pub fn has_two_decimals_at_most(&self) -> bool {
        self.0.normalized().fractional_digit_count() <= 2
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.0 < BigDecimal::zero()
    }

    /// The value with exactly two decimals, as stored and sent.
    pub fn to_fixed(&self) -> String {
        if self.0.is_zero() {
            // bigdecimal prints a zero without its scale.
            return "0.00".to_owned();
        }
        self.0
            .with_scale_round(2, RoundingMode::HalfEven)
            .to_string()
    }

    /// The sum of several values.
    pub fn sum<'a>(values: impl IntoIterator<Item = &'a Points>) -> Points {
        Points(
            values
                .into_iter()
                .fold(BigDecimal::zero(), |acc, p| acc + &p.0),
        )
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_fixed())
    }
}

impl FromStr for Points {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let plain = trimmed.strip_prefix('-').unwrap_or(trimmed);
        let valid = !plain.is_empty()
            && plain.chars().all(|c| c.is_ascii_digit() || c == '.')
            && plain.matches('.').count() <= 1
            && !plain.starts_with('.')
            && !plain.ends_with('.');
        if !valid || plain.len() > 12 {
            return Err(format!("`{s}` is not a decimal number such as \"87.50\""));
        }
        BigDecimal::from_str(trimmed)
            .map(Points)
            .map_err(|_| format!("`{s}` is not a decimal number"))
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_fixed())
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PointsVisitor;
        impl Visitor<'_> for PointsVisitor {
            type Value = Points;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal string such as \"87.50\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Points, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Points, E> {
                Ok(Points::whole(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Points, E> {
                i64::try_from(v)
                    .map(Points::whole)
                    .map_err(|_| E::custom("too large"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Points, E> {
                Err(E::custom(
                    "decimals travel as strings such as \"87.50\", never as JSON fractions",
                ))
            }
        }
        deserializer.deserialize_any(PointsVisitor)
    }
}

impl From<BigDecimal> for Points {
    fn from(value: BigDecimal) -> Self {
        Points(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_parse_exactly_and_print_with_two_decimals() {
        let p: Points = "87.5".parse().expect("parse");
        assert_eq!(p.to_fixed(), "87.50");
        assert_eq!(serde_json::to_string(&p).expect("json"), "\"87.50\"");
        assert!(p.has_two_decimals_at_most());
        assert!(
            !"1.005"
                .parse::<Points>()
                .expect("parse")
                .has_two_decimals_at_most()
        );
        assert!(
            "1.50"
                .parse::<Points>()
                .expect("parse")
                .has_two_decimals_at_most()
        );
    }

    #[test]
    fn json_fractions_and_junk_are_refused() {
        assert!(serde_json::from_str::<Points>("87.5").is_err());
        assert!(serde_json::from_str::<Points>("\"1e3\"").is_err());
        assert!(serde_json::from_str::<Points>("\"abc\"").is_err());
        assert_eq!(
            serde_json::from_str::<Points>("90").expect("integer"),
            Points::whole(90)
        );
        assert!(
            serde_json::from_str::<Points>("\"-2.00\"")
                .expect("negative parses")
                .is_negative()
        );
    }

    #[test]
    fn sums_are_exact() {
        let values: Vec<Points> = ["0.10", "0.20", "99.70"]
            .iter()
            .map(|s| s.parse().expect("parse"))
            .collect();
        assert_eq!(Points::sum(&values), Points::whole(100));
    }
}

#[cfg(test)]
mod fixed_tests {
    use super::*;

    #[test]
    fn zero_and_whole_numbers_print_two_decimals() {
        assert_eq!(Points::zero().to_fixed(), "0.00");
        assert_eq!(Points::whole(90).to_fixed(), "90.00");
        assert_eq!("75".parse::<Points>().expect("p").to_fixed(), "75.00");
    }
}
