//! Request and response bodies of a cycle's evaluation settings.

pub use crate::domain::evaluation::Ratio;
pub use crate::ops::evaluation::{
    CoefficientsView, EvaluationRule, EvaluationSettings, EvaluationSettingsChange,
};
