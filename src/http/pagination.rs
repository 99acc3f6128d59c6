//! Page-number pagination for every list: `?page=1&per_page=20`, answered with the total.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::FieldError;

/// The largest page a client may ask for.
pub const MAX_PER_PAGE: i64 = 100;
/// The highest page number a client may ask for: with at most `MAX_PER_PAGE` items a page,
/// the offset stays far from overflowing and far beyond any list this county will have.
pub const MAX_PAGE: i64 = 1_000_000;
/// The page size when the client does not say.
pub const DEFAULT_PER_PAGE: i64 = 20;

/// Pagination parameters of a list.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, 1 to 1000000.
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<i64>,
}

impl PageQuery {
    /// The page and page size, or a field error for each out-of-range value.
    pub fn resolve(&self) -> Result<(i64, i64), Vec<FieldError>> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        let mut errors = Vec::new();
        if !(1..=MAX_PAGE).contains(&page) {
            errors.push(FieldError::new(
                "page",
                "out_of_range",
                format!("page must be 1 to {MAX_PAGE}"),
            ));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.push(FieldError::new(
                "per_page",
                "out_of_range",
                format!("per_page must be 1 to {MAX_PER_PAGE}"),
            ));
        }
        if errors.is_empty() {
            Ok((page, per_page))
        } else {
            Err(errors)
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// This page's number, from 1.
    #[schema(example = 1)]
    pub page: i64,
    /// The page size used.
    #[schema(example = 20)]
    pub per_page: i64,
    /// How many items match in all.
    #[schema(example = 73)]
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(
            PageQuery {
                page: None,
                per_page: None
            }
            .resolve(),
            Ok((1, 20))
        );
        let errors = PageQuery {
            page: Some(0),
            per_page: Some(1000),
        }
        .resolve()
        .expect_err("out of range");
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn the_largest_page_cannot_overflow_the_offset() {
        let query = |page| PageQuery {
            page: Some(page),
            per_page: Some(MAX_PER_PAGE),
        };
        let (page, per_page) = query(MAX_PAGE).resolve().expect("the last page");
        assert!((page - 1).checked_mul(per_page).is_some());
        let errors = query(i64::MAX).resolve().expect_err("past the last page");
        assert_eq!(errors[0].field, "page");
        assert_eq!(errors[0].code, "out_of_range");
    }
}
