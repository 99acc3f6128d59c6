//! Page-number pagination for every list: `?page=1&per_page=20`, answered with the total.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, FieldError};

/// The largest page a client may ask for.
pub const MAX_PER_PAGE: i64 = 100;
/// The highest page number a client may ask for: with at most `MAX_PER_PAGE` items a page,
/// the offset stays far from overflowing and far beyond any list this county will have.
pub const MAX_PAGE: i64 = 1_000_000;
/// The page size when the client does not say.
pub const DEFAULT_PER_PAGE: i64 = 20;

/// Pagination parameters of a list. They arrive as text and are parsed here, so that a value
/// that is no whole number at all (`1e400`, `abc`) is a 422 naming the parameter, like one out
/// of range, instead of a query-string error that names nothing.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 页码，1 至 1000000，默认 1 (page number, 1 to 1000000; default 1).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<String>,
    /// 每页条数，1 至 100，默认 20 (items per page, 1 to 100; default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<String>,
}

/// `value` as a whole number from 1 to `max` (`default` when absent), or the field error naming
/// `field`: the rule of every whole-number query parameter.
pub fn whole_number(
    field: &str,
    value: Option<&str>,
    default: i64,
    max: i64,
) -> Result<i64, FieldError> {
    let out_of_range =
        || FieldError::new(field, "out_of_range", format!("{field} must be 1 to {max}"));
    let Some(text) = value else {
        return Ok(default);
    };
    let is_plain = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    match text.parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        Ok(_) => Err(out_of_range()),
        // Digits that overflow i64 are a number too large, not a malformed one.
        Err(_) if is_plain && text.trim_start_matches('-').len() > 18 => Err(out_of_range()),
        Err(_) => Err(FieldError::new(
            field,
            "not_an_integer",
            format!("{field} must be a whole number from 1 to {max}"),
        )),
    }
}

/// The largest id a query filter takes: ids are far below it, and a larger number is refused
/// as out of range rather than matching nothing.
pub const MAX_QUERY_ID: i64 = 2_147_483_647;

/// An optional id of a query filter (`unit_id=…`): a whole number from 1 to [`MAX_QUERY_ID`],
/// or a 422 naming `field`. The filter's contract entry declares it `Option<i64>` with
/// `minimum = 1, maximum = 2147483647` and takes it as text.
pub fn query_id(field: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    match value {
        None => Ok(None),
        text => whole_number(field, text, 1, MAX_QUERY_ID)
            .map(Some)
            .map_err(|e| ApiError::Validation(vec![e])),
    }
}

impl PageQuery {
    /// The page and page size, or a field error for each value that is not a whole number in
    /// range.
    pub fn resolve(&self) -> Result<(i64, i64), Vec<FieldError>> {
        let page = whole_number("page", self.page.as_deref(), 1, MAX_PAGE);
        let per_page = whole_number(
            "per_page",
            self.per_page.as_deref(),
            DEFAULT_PER_PAGE,
            MAX_PER_PAGE,
        );
        match (page, per_page) {
            (Ok(page), Ok(per_page)) => Ok((page, per_page)),
            (page, per_page) => Err(page.err().into_iter().chain(per_page.err()).collect()),
        }
    }
}

/// The page a list call asks for, resolved from [`PageQuery`]: a handler takes it ready, and a
/// value out of range is a 422 naming the parameter before the handler runs. The handler's
/// contract entry names `PageQuery` in its `params`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The page number, from 1.
    pub page: i64,
    /// The page size.
    pub per_page: i64,
}

impl Paging {
    /// How many items come before this page.
    pub fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// This page of a list whose `items` on it and `total` were read apart.
    pub fn page_of<T>(self, items: Vec<T>, total: i64) -> Page<T> {
        Page {
            items,
            page: self.page,
            per_page: self.per_page,
            total,
        }
    }

    /// This page of a whole list read at once (see [`Page::slice`]).
    pub fn slice<T>(self, all: Vec<T>) -> Page<T> {
        Page::slice(all, self.page, self.per_page)
    }
}

impl FromRequest for Paging {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Through `web::Query`, so that a query string that does not parse at all meets the
        // app's query error handler like every other query.
        let resolved = web::Query::<PageQuery>::from_request(req, payload)
            .into_inner()
            .and_then(|query| {
                let (page, per_page) = query.resolve().map_err(ApiError::Validation)?;
                Ok(Self { page, per_page })
            });
        ready(resolved)
    }
}

/// 分页列表的一页 (one page of a list).
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// 本页条目 (the items on this page).
    pub items: Vec<T>,
    /// 页码，从 1 起 (this page's number, from 1).
    #[schema(example = 1)]
    pub page: i64,
    /// 每页条数 (the page size used).
    #[schema(example = 20)]
    pub per_page: i64,
    /// 符合条件的总条数 (how many items match in all).
    #[schema(example = 73)]
    pub total: i64,
}

impl<T> Page<T> {
    /// Page `page` of a whole list that is read at once (a cycle's transitions, teams, forms:
    /// lists of a few dozen at most), with its total.
    pub fn slice(all: Vec<T>, page: i64, per_page: i64) -> Self {
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let skip = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
        let take = usize::try_from(per_page).unwrap_or(0);
        Self {
            items: all.into_iter().skip(skip).take(take).collect(),
            page,
            per_page,
            total,
        }
    }

    /// A whole list of at most [`MAX_PER_PAGE`] items as its one page, for an answer that is
    /// not itself a paginated list (the forms after a copy).
    pub fn whole(all: Vec<T>) -> Self {
        Self::slice(all, 1, MAX_PER_PAGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(PageQuery::default().resolve(), Ok((1, 20)));
        let errors = PageQuery {
            page: Some("0".into()),
            per_page: Some("1000".into()),
        }
        .resolve()
        .expect_err("out of range");
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn the_largest_page_cannot_overflow_the_offset() {
        let query = |page: &str| PageQuery {
            page: Some(page.into()),
            per_page: Some(MAX_PER_PAGE.to_string()),
        };
        let (page, per_page) = query("1000000").resolve().expect("the last page");
        assert!((page - 1).checked_mul(per_page).is_some());
        for past in ["1000001", "9223372036854775807", "99999999999999999999999"] {
            let errors = query(past).resolve().expect_err("past the last page");
            assert_eq!(errors[0].field, "page");
            assert_eq!(errors[0].code, "out_of_range", "{past}");
        }
    }

    #[test]
    fn a_page_that_is_no_whole_number_is_named() {
        for text in ["1e400", "abc", "", "1.5", " 1"] {
            let errors = PageQuery {
                page: None,
                per_page: Some(text.into()),
            }
            .resolve()
            .expect_err(text);
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].field, "per_page");
            assert_eq!(errors[0].code, "not_an_integer", "{text}");
        }
    }

    #[test]
    fn a_list_read_at_once_is_sliced_into_the_page_asked_for() {
        let all: Vec<i64> = (1..=45).collect();
        let second = Page::slice(all.clone(), 2, 20);
        assert_eq!(second.items, (21..=40).collect::<Vec<_>>());
        assert_eq!((second.page, second.per_page, second.total), (2, 20, 45));
        assert_eq!(
            Page::slice(all.clone(), 3, 20).items,
            (41..=45).collect::<Vec<_>>()
        );
        let past = Page::slice(all.clone(), MAX_PAGE, MAX_PER_PAGE);
        assert!(past.items.is_empty() && past.total == 45);
        let whole = Page::whole(all);
        assert_eq!((whole.items.len(), whole.page, whole.total), (45, 1, 45));
    }

    #[test]
    fn the_contract_declares_the_ranges_enforced() {
        let doc = crate::openapi::spec();
        let list = &doc["paths"]["/api/v1/units"]["get"]["parameters"];
        let param = |name: &str| {
            list.as_array()
                .and_then(|l| l.iter().find(|p| p["name"] == name))
                .map(|p| p["schema"].clone())
                .expect("a page parameter")
        };
        assert_eq!(param("page")["minimum"], 1);
        assert_eq!(param("page")["maximum"], MAX_PAGE);
        assert_eq!(param("per_page")["minimum"], 1);
        assert_eq!(param("per_page")["maximum"], MAX_PER_PAGE);
    }
}
