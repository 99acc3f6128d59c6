//! Scoring forms (考评表) as data: ordered items, each in one of the seven content areas, with
//! its maximum and its deduction rules; the maxima add up to exactly 100 (plan §3, §4).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::points::Points;
use crate::error::FieldError;

/// The seven content areas of the plan (§3), by number.
pub const CONTENT_AREAS: [(i16, &str); 7] = [
    (1, "贯彻部署党风廉政建设和反腐败工作情况"),
    (2, "党政领导干部廉洁自律情况"),
    (3, "党风廉政制度建设和执行情况"),
    (4, "实施党风廉政建设责任追究情况"),
    (5, "党风廉政建设和反腐败各项工作任务落实情况"),
    (6, "党风廉政建设责任制报告制度落实情况"),
    (7, "其它需要检查考核的事项"),
];

/// The points a deduction rule takes: a fixed number (`min == max`) or a range such as 1 to 3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointRange {
    /// 每次最少扣分，大于 0、至多 100 (fewest points per application, more than 0, at most 100).
    #[schema(
        value_type = String,
        pattern = "^(100(\\.00?)?|[1-9]\\d?(\\.\\d{1,2})?|0\\.(0[1-9]|[1-9]\\d?))$"
    )]
    pub min: Points,
    /// 每次最多扣分，大于 0、至多 100 (most points per application, more than 0, at most 100).
    #[schema(
        value_type = String,
        pattern = "^(100(\\.00?)?|[1-9]\\d?(\\.\\d{1,2})?|0\\.(0[1-9]|[1-9]\\d?))$"
    )]
    pub max: Points,
}

/// One deduction rule, the way county forms write it: its grounds, its points, how often it
/// applies, an optional cap, and the evidence it is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "1.2-R1", "grounds": "全年专题研究党风廉政建设工作少于4次的，每少一次",
    "points": {"min": "1.00", "max": "3.00"}, "per_occurrence": true, "cap": "6.00",
    "evidence": "党委（党组）会议记录、会议纪要"
}))]
pub struct DeductionRule {
    /// Stable code, unique within its item (such as `1.2-R1`): what deductions cite.
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 32)]
    pub code: String,
    /// When the rule applies (扣分依据).
    #[schema(min_length = 1, max_length = 500)]
    pub grounds: String,
    /// Points taken each time it applies.
    pub points: PointRange,
    /// Whether the points apply per occurrence (每发生一起 / 每少一次).
    #[serde(default)]
    pub per_occurrence: bool,
    /// The most this rule can take off the item, if capped.
    #[serde(default)]
    #[schema(
        value_type = Option<String>,
        pattern = "^(100(\\.00?)?|[1-9]\\d?(\\.\\d{1,2})?|0\\.(0[1-9]|[1-9]\\d?))$"
    )]
    pub cap: Option<Points>,
    /// What it is checked against (会议记录, 台账, 文件 ...).
    #[schema(min_length = 1, max_length = 300)]
    pub evidence: String,
}

/// One item of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "1.2", "content_area": 1, "title": "党委（党组）专题研究党风廉政建设工作",
    "max_points": "6.00",
    "rules": [{
        "code": "1.2-R1", "grounds": "全年专题研究党风廉政建设工作少于4次的，每少一次",
        "points": {"min": "1.00", "max": "3.00"}, "per_occurrence": true, "cap": "6.00",
        "evidence": "党委（党组）会议记录、会议纪要"
    }]
}))]
pub struct FormItem {
    /// Code, unique in the form, such as `1.2`.
    #[schema(min_length = 1, max_length = 20)]
    pub code: String,
    /// Content area, 1 to 7 (plan §3).
    #[schema(minimum = 1, maximum = 7)]
    pub content_area: i16,
    /// What is assessed.
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// Maximum points, two decimals, more than 0 and at most 100; an item never goes below zero.
    #[schema(
        value_type = String,
        pattern = "^(100(\\.00?)?|[1-9]\\d?(\\.\\d{1,2})?|0\\.(0[1-9]|[1-9]\\d?))$"
    )]
    pub max_points: Points,
    /// Its deduction rules, at least one.
    #[schema(min_items = 1)]
    pub rules: Vec<DeductionRule>,
}

/// The exact total every form's maxima must reach.
pub fn full_marks() -> Points {
    Points::whole(100)
}

fn points_rules(errors: &mut Vec<FieldError>, field: &str, value: &Points, positive: bool) {
    if value.is_negative() {
        errors.push(FieldError::new(
            field,
            "negative",
            format!("`{field}` must not be negative"),
        ));
    } else if positive && *value == Points::zero() {
        errors.push(FieldError::new(
            field,
            "not_positive",
            format!("`{field}` must be more than zero"),
        ));
    }
    if !value.has_two_decimals_at_most() {
        errors.push(FieldError::new(
            field,
            "too_precise",
            format!("`{field}` has more than two decimal places"),
        ));
    }
    if *value > full_marks() {
        errors.push(FieldError::new(
            field,
            "out_of_range",
            format!("`{field}` must be at most 100"),
        ));
    }
}

fn text_rule(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    if crate::domain::text::is_blank(value) {
        errors.push(FieldError::new(
            field,
            "blank",
            format!("`{field}` must not be blank"),
        ));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("`{field}` must be at most {max} characters"),
        ));
    }
}

/// Every rule a form's items break, each naming its field (`items[3].max_points`); the sum
/// rule names the sum and lists the items.
pub fn validate_items(items: &[FormItem]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if items.is_empty() {
        errors.push(FieldError::new(
            "items",
            "empty",
            "a form needs at least one item",
        ));
        return errors;
    }
    let mut codes = std::collections::HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let at = |f: &str| format!("items[{i}].{f}");
        text_rule(&mut errors, &at("code"), &item.code, 20);
        if !codes.insert(item.code.trim()) {
            errors.push(FieldError::new(
                at("code"),
                "duplicate",
                format!("code {} appears more than once", item.code),
            ));
        }
        text_rule(&mut errors, &at("title"), &item.title, 500);
        if !(1..=7).contains(&item.content_area) {
            errors.push(FieldError::new(
                at("content_area"),
                "unknown_content_area",
                format!(
                    "content area {} does not exist; the plan has areas 1 to 7",
                    item.content_area
                ),
            ));
        }
        points_rules(&mut errors, &at("max_points"), &item.max_points, true);
        if item.rules.is_empty() {
            errors.push(FieldError::new(
                at("rules"),
                "empty",
                "every item needs at least one deduction rule",
            ));
        }
        for (j, rule) in item.rules.iter().enumerate() {
            let at = |f: &str| format!("items[{i}].rules[{j}].{f}");
            text_rule(&mut errors, &at("code"), &rule.code, 32);
            if item.rules[..j]
                .iter()
                .any(|r| r.code.trim() == rule.code.trim())
            {
                errors.push(FieldError::new(
                    at("code"),
                    "duplicate",
                    format!("item {} has rule {} twice", item.code, rule.code.trim()),
                ));
            }
            text_rule(&mut errors, &at("grounds"), &rule.grounds, 500);
            text_rule(&mut errors, &at("evidence"), &rule.evidence, 300);
            points_rules(&mut errors, &at("points.min"), &rule.points.min, true);
            points_rules(&mut errors, &at("points.max"), &rule.points.max, true);
            if rule.points.min > rule.points.max {
                errors.push(FieldError::new(
                    at("points"),
                    "min_over_max",
                    "points.min must not exceed points.max",
                ));
            }
            if !rule.per_occurrence && rule.points.max > item.max_points {
                errors.push(FieldError::new(
                    at("points.max"),
                    "over_item_max",
                    format!(
                        "a single deduction of {} exceeds the item's {} points",
                        rule.points.max, item.max_points
                    ),
                ));
            }
            if let Some(cap) = &rule.cap {
                points_rules(&mut errors, &at("cap"), cap, true);
                if *cap > item.max_points {
                    errors.push(FieldError::new(
                        at("cap"),
                        "over_item_max",
                        format!(
                            "the cap {cap} exceeds the item's {} points",
                            item.max_points
                        ),
                    ));
                }
            }
        }
    }
    let sum = Points::sum(items.iter().map(|i| &i.max_points));
    if sum != full_marks() {
        let listed: Vec<String> = items
            .iter()
            .map(|i| format!("{} ({})", i.code, i.max_points))
            .collect();
        errors.push(FieldError::new(
            "items",
            "sum_not_100",
            format!(
                "the items' maximum points add up to {sum}, not 100.00: {}",
                listed.join(", ")
            ),
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, area: i16, max: &str) -> FormItem {
        FormItem {
            code: code.into(),
            content_area: area,
            title: "召开专题会议".into(),
            // Built directly: the values under test are ones the JSON parser already refuses.
            max_points: Points(max.parse().expect("decimal")),
            rules: vec![DeductionRule {
                code: format!("{code}-R1"),
                grounds: "未召开的".into(),
                points: PointRange {
                    min: "1.00".parse().expect("p"),
                    max: "1.00".parse().expect("p"),
                },
                per_occurrence: false,
                cap: None,
                evidence: "会议记录".into(),
            }],
        }
    }

    #[test]
    fn a_form_adding_up_to_100_is_valid() {
        assert!(validate_items(&[item("1.1", 1, "60.00"), item("2.1", 2, "40.00")]).is_empty());
    }

    #[test]
    fn a_wrong_sum_names_the_sum_and_the_items() {
        let errors = validate_items(&[item("1.1", 1, "60.00"), item("2.1", 2, "38.50")]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "sum_not_100");
        assert!(
            errors[0].message.contains("98.50") && errors[0].message.contains("2.1 (38.50)"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn bad_areas_precision_and_signs_are_named_by_field() {
        let errors = validate_items(&[item("1.1", 8, "60.005"), item("1.1", 2, "-5.00")]);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"items[0].content_area"));
        assert!(fields.contains(&"items[0].max_points"));
        assert!(fields.contains(&"items[1].max_points"));
        assert!(fields.contains(&"items[1].code"));
    }
}
