//! The rules of the plan as plain types and functions that know nothing of HTTP: exact points,
//! the calendar, the cycle's lifecycle, and what makes a scoring form valid.

pub mod calendar;
pub mod default_forms;
pub mod documents;
pub mod file_types;
pub mod forms;
pub mod lifecycle;
pub mod points;
pub mod scoring;
pub mod text;
