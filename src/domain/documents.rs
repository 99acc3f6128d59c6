//! The life of what a unit submits (self-inspection, accountability report): a draft until the
//! unit submits it; the office may return a submitted one for revision with a reason; the unit
//! revises and resubmits; a submission after the due date is accepted and marked late.

use crate::models::self_inspection::DocumentStatus;

/// Why the unit may not edit the document now, if it may not.
pub fn refuse_edit(status: DocumentStatus) -> Option<&'static str> {
    match status {
        DocumentStatus::Draft | DocumentStatus::Returned => None,
        DocumentStatus::Submitted => {
            Some("it has been submitted; the office must return it before it can change")
        }
    }
}

/// Why the office may not return the document now, if it may not.
pub fn refuse_return(status: DocumentStatus) -> Option<&'static str> {
    match status {
        DocumentStatus::Submitted => None,
        DocumentStatus::Draft => Some("it has not been submitted"),
        DocumentStatus::Returned => Some("it has already been returned"),
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
}
