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
#[schema(value_type = String, example = "87.50", pattern = r"^(0|[1-9]\d{0,2})(\.\d{1,2})?$")]
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

/// Whether `s` is written exactly as the contract's pattern `^(0|[1-9]\d{0,2})(\.\d{1,2})?$`
/// says: no sign, no leading zero, no spaces, no exponent, at most two decimals, below 1000.
pub fn is_canonical(s: &str) -> bool {
    let (whole, fraction) = match s.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (s, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let whole_ok = digits(whole)
        && (1..=3).contains(&whole.len())
        && (whole == "0" || !whole.starts_with('0'));
    let fraction_ok = fraction.is_none_or(|f| digits(f) && (1..=2).contains(&f.len()));
    whole_ok && fraction_ok
}

impl FromStr for Points {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if !is_canonical(s) {
            return Err(format!(
                "`{s}` is not a number of points such as \"87.50\" (no sign, spaces or \
                 leading zeros, at most two decimals, below 1000)"
            ));
        }
        BigDecimal::from_str(s)
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
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Points, E> {
                Err(E::custom(
                    "points travel as strings such as \"87.50\", never as JSON numbers",
                ))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Points, E> {
                Err(E::custom(
                    "points travel as strings such as \"87.50\", never as JSON numbers",
                ))
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
        assert!("1.005".parse::<Points>().is_err(), "three decimals");
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
        assert!(
            serde_json::from_str::<Points>("90").is_err(),
            "numbers are refused"
        );
        assert!(serde_json::from_str::<Points>("\"-2.00\"").is_err());
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
mod pattern_tests {
    use super::*;

    #[test]
    fn the_server_accepts_exactly_what_the_pattern_describes() {
        for good in ["0", "0.5", "0.00", "7", "90.00", "100", "999.99", "87.5"] {
            assert!(good.parse::<Points>().is_ok(), "{good}");
        }
        let bad = [
            "", " 90.00", "90.00 ", "+90", "-2.00", "090", "00", "00.5", "9e1", "1E2", "90.", ".5",
            "1.005", "1000", "1000.00", "1,5", "९०", "\u{0}1", "0x10", "NaN",
        ];
        for bad in bad {
            assert!(bad.parse::<Points>().is_err(), "{bad:?}");
        }
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
