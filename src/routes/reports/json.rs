//! The reports as the API shows them (the views live in `ops/reports.rs`).

pub use crate::ops::report_ranking::{
    FallbackLine, PartyBuildingExport, PublicEvaluationExport, PublicEvaluationUnit, RankingLine,
    RankingReport, ResultSummary,
};
pub use crate::ops::report_unit::{
    HistoryLine, RepeatWarning, ReportDeduction, ReportItem, ReportRectification, ReportReferral,
    ReportRoutine, ReportSheet, ReportTeam, ReportTeamReport, ReportVisit, UnitReport,
};
pub use crate::ops::reports::{
    AreaLoss, ContentAreaReport, Dashboard, GradeTotals, ItemLoss, KindLoss, LeaderGradeLine,
    LeaderGradesReport, Loss, NextTransition, Stage, StageCount, StageKey, UnitGrades, UnitRef,
};
pub use crate::reports::{Amount, FormatQuery, ReportFile, ReportFormat};
