//! Page-number pagination for every list: `?page=1&per_page=20`, answered with the total.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::FieldError;

/// The largest page a client may ask for.
pub const MAX_PER_PAGE: i64 = 100;
/// The page size when the client does not say.
pub const DEFAULT_PER_PAGE: i64 = 20;

/// Pagination parameters of a list.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, example = 1)]
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
        if page < 1 {
            errors.push(FieldError::new("page", "out_of_range", "page starts at 1"));
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
}
