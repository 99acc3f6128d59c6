//! The life of what a team signs (score sheet, team report; the routine-visit record next): the
//! group edits it while open; submitted for signature, every member and the leader sign it with
//! the hash of its content; a change voids the signatures; signed by all it is final, until the
//! office reopens it with a reason, which keeps the signed content and starts a new round.

use crate::models::scoring::SheetStatus;

/// Why the group may not change the document now, if it may not.
pub fn refuse_change(status: SheetStatus) -> Option<&'static str> {
    match status {
        SheetStatus::Open | SheetStatus::AwaitingSignatures => None,
        SheetStatus::Final => Some("it is signed and final; only the office can reopen it"),
    }
}

/// Why it may not be submitted for signature now, if it may not.
pub fn refuse_submit(status: SheetStatus) -> Option<&'static str> {
    match status {
        SheetStatus::Open => None,
        SheetStatus::AwaitingSignatures => Some("it awaits signatures already"),
        SheetStatus::Final => Some("it is final"),
    }
}

/// Why it may not be signed now, if it may not.
pub fn refuse_sign(status: SheetStatus) -> Option<&'static str> {
    match status {
        SheetStatus::AwaitingSignatures => None,
        SheetStatus::Open => Some("it is signed after it is submitted for signature"),
        SheetStatus::Final => Some("it is final"),
    }
}

/// Why the office may not reopen it now, if it may not.
pub fn refuse_reopen(status: SheetStatus) -> Option<&'static str> {
    match status {
        SheetStatus::Final => None,
        SheetStatus::Open | SheetStatus::AwaitingSignatures => Some("only a final one is reopened"),
    }
}

/// How a signer signs: the team's leader as `leader`, anyone else on it as `member`.
pub fn signer_role(leader_sub: &str, sub: &str) -> &'static str {
    if leader_sub == sub {
        "leader"
    } else {
        "member"
    }
}

/// Whether everyone who must sign has a standing signature.
pub fn signed_by_all(required: &[&str], signed: &[&str]) -> bool {
    required.iter().all(|r| signed.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_document_is_submitted_an_awaiting_one_signed_and_a_final_one_reopened() {
        assert!(refuse_submit(SheetStatus::Open).is_none());
        assert!(refuse_submit(SheetStatus::AwaitingSignatures).is_some());
        assert!(refuse_sign(SheetStatus::AwaitingSignatures).is_none());
        assert!(refuse_sign(SheetStatus::Open).is_some());
        assert!(refuse_sign(SheetStatus::Final).is_some());
        assert!(refuse_reopen(SheetStatus::Final).is_none());
        assert!(refuse_reopen(SheetStatus::Open).is_some());
    }

    #[test]
    fn only_a_final_document_refuses_a_change() {
        assert!(refuse_change(SheetStatus::Open).is_none());
        assert!(refuse_change(SheetStatus::AwaitingSignatures).is_none());
        assert!(refuse_change(SheetStatus::Final).is_some());
    }

    #[test]
    fn a_document_is_signed_by_all_only_when_every_required_signer_has_signed() {
        assert!(signed_by_all(&["l", "a"], &["a", "l"]));
        assert!(!signed_by_all(&["l", "a"], &["l", "x"]));
        assert_eq!(signer_role("l", "l"), "leader");
        assert_eq!(signer_role("l", "a"), "member");
    }
}
