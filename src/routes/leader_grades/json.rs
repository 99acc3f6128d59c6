//! Request and response bodies of leader grades.

pub use crate::domain::evaluation::Grade;
pub use crate::ops::evaluation::{LeaderGradeEntry, LeaderGradeView, SetGrade};
