//! The rules of the plan as plain types and functions that know nothing of HTTP: exact points,
//! the calendar, the cycle's lifecycle, what makes a scoring form valid, and the lives of the
//! two families of documents (`submitted`: units submit, the office returns or accepts;
//! `signed`: a team signs, the office reopens).

pub mod calendar;
pub mod default_forms;
pub mod draw;
pub mod evaluation;
pub mod file_types;
pub mod forms;
pub mod lifecycle;
pub mod points;
pub mod scoring;
pub mod signed;
pub mod submitted;
pub mod text;
