//! The life of what a unit submits (self-inspection, accountability report, rectification): a
//! draft until the unit submits it (a rectification is owed before its first draft, and
//! withdrawn when the unit no longer owes it); the office either accepts a submitted one,
//! which then stays as it is, or returns it for revision with a reason; the unit revises and
//! resubmits. Every submission is kept as a version; one after the due date is accepted and
//! marked late.

use crate::models::self_inspection::DocumentStatus;

/// Where a submitted document is. The stored `DocumentStatus` of today's two documents has no
/// `Accepted`: they are never accepted one by one (the cycle's review closes them); a document
/// that is accepted stores it in its own status and maps it here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Being written by the unit.
    Draft,
    /// Submitted to the office.
    Submitted,
    /// Returned by the office for revision.
    Returned,
    /// Accepted by the office: it no longer changes.
    Accepted,
    /// Owed, nothing written yet: the unit's first draft starts it (a rectification).
    Owed,
    /// No longer owed (a rectification after a republication): it no longer changes.
    Withdrawn,
}

impl From<DocumentStatus> for Stage {
    fn from(status: DocumentStatus) -> Self {
        match status {
            DocumentStatus::Draft => Stage::Draft,
            DocumentStatus::Submitted => Stage::Submitted,
            DocumentStatus::Returned => Stage::Returned,
        }
    }
}

/// Why the unit may not edit (or submit) the document now, if it may not.
pub fn refuse_edit(stage: impl Into<Stage>) -> Option<&'static str> {
    match stage.into() {
        Stage::Draft | Stage::Returned | Stage::Owed => None,
        Stage::Submitted => {
            Some("it has been submitted; the office must return it before it can change")
        }
        Stage::Accepted => Some("the office has accepted it"),
        Stage::Withdrawn => Some("it is no longer owed"),
    }
}

/// Why the office may not return the document now, if it may not.
pub fn refuse_return(stage: impl Into<Stage>) -> Option<&'static str> {
    match stage.into() {
        Stage::Submitted => None,
        Stage::Draft | Stage::Owed => Some("it has not been submitted"),
        Stage::Returned => Some("it has already been returned"),
        Stage::Accepted => Some("the office has accepted it"),
        Stage::Withdrawn => Some("it is no longer owed"),
    }
}

/// Why the office may not accept the document now, if it may not: only a submitted one is
/// accepted, exactly as only a submitted one is returned.
pub fn refuse_accept(stage: impl Into<Stage>) -> Option<&'static str> {
    match stage.into() {
        Stage::Accepted => Some("it has already been accepted"),
        other => refuse_return(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_drafts_and_returned_documents_change_and_only_submitted_ones_return() {
        assert!(refuse_edit(DocumentStatus::Draft).is_none());
        assert!(refuse_edit(DocumentStatus::Returned).is_none());
        assert!(refuse_edit(DocumentStatus::Submitted).is_some());
        assert!(refuse_return(DocumentStatus::Submitted).is_none());
        assert!(refuse_return(DocumentStatus::Draft).is_some());
    }

    #[test]
    fn an_accepted_document_neither_changes_nor_returns_and_only_a_submitted_one_is_accepted() {
        assert!(refuse_edit(Stage::Accepted).is_some());
        assert!(refuse_return(Stage::Accepted).is_some());
        assert!(refuse_accept(Stage::Submitted).is_none());
        assert!(refuse_accept(Stage::Draft).is_some());
        assert!(refuse_accept(Stage::Returned).is_some());
        assert!(refuse_accept(Stage::Accepted).is_some());
    }

    #[test]
    fn an_owed_document_is_written_but_not_judged_and_a_withdrawn_one_is_closed() {
        assert!(refuse_edit(Stage::Owed).is_none());
        assert!(refuse_return(Stage::Owed).is_some());
        assert!(refuse_accept(Stage::Owed).is_some());
        assert!(refuse_edit(Stage::Withdrawn).is_some());
        assert!(refuse_return(Stage::Withdrawn).is_some());
        assert!(refuse_accept(Stage::Withdrawn).is_some());
    }
}
