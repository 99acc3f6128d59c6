//! The built-in default forms a new cycle starts with, kept as data in `data/forms/` (in
//! Chinese, as users read them) and bundled into the binary.

use serde::Deserialize;

use super::forms::FormItem;
use crate::models::form::FormKind;

const TOWN: &str = include_str!("../../data/forms/default-town.json");
const COUNTY_DEPARTMENT: &str = include_str!("../../data/forms/default-county-department.json");

#[derive(Debug, Deserialize)]
struct DefaultForm {
    title: String,
    items: Vec<FormItem>,
}

/// A default form: its kind, title and items.
#[derive(Debug, Clone)]
pub struct Template {
    /// Which units it serves.
    pub kind: FormKind,
    /// Title.
    pub title: String,
    /// Items in order.
    pub items: Vec<FormItem>,
}

/// Form 2 (towns) and form 1 (county departments).
pub fn templates() -> Result<Vec<Template>, String> {
    [
        (FormKind::Town, TOWN),
        (FormKind::CountyDepartment, COUNTY_DEPARTMENT),
    ]
    .into_iter()
    .map(|(kind, json)| {
        let form: DefaultForm = serde_json::from_str(json)
            .map_err(|e| format!("default form {kind} is malformed: {e}"))?;
        Ok(Template {
            kind,
            title: form.title,
            items: form.items,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::forms::validate_items;

    #[test]
    fn the_default_forms_are_valid_and_cover_every_area() {
        let templates = templates().expect("default forms parse");
        assert_eq!(templates.len(), 2);
        for template in &templates {
            assert!(
                validate_items(&template.items).is_empty(),
                "{}: {:?}",
                template.kind,
                validate_items(&template.items)
            );
            assert!(
                template.items.len() >= 25,
                "{} has {} items",
                template.kind,
                template.items.len()
            );
            for area in 1..=7 {
                assert!(
                    template.items.iter().any(|i| i.content_area == area),
                    "{} covers area {area}",
                    template.kind
                );
            }
            assert!(template.items.iter().all(|i| !i.rules.is_empty()));
        }
        let town: Vec<&str> = templates[0]
            .items
            .iter()
            .map(|i| i.title.as_str())
            .collect();
        let department: Vec<&str> = templates[1]
            .items
            .iter()
            .map(|i| i.title.as_str())
            .collect();
        assert_ne!(
            town, department,
            "towns and departments are scored differently"
        );
    }
}
