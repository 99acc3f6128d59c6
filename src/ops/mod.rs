//! Operations: what the service does, free of HTTP. Handlers, the CLI and `seed-demo` call
//! these, so a rule is written once: creating and advancing a cycle, the registry's checks,
//! attachments, and the two families of documents (see ARCHITECTURE.md, "Document families").
//! An operation takes the connection and returns rows or views and, for a write, the audit
//! `Change`; the caller runs it inside `db::write` (or appends the change itself, as the seed).

pub mod attachments;
pub mod cycles;
pub mod decisions;
pub mod evaluation;
pub mod outbox;
pub mod publication;
pub mod rectifications;
pub mod reports;
pub mod result_inputs;
pub mod results;
pub mod routine;
pub mod routine_visits;
pub mod sheets;
pub mod signed;
pub mod snapshots;
pub mod submitted;
pub mod tasks;
pub mod team_reports;
pub mod teams;
pub mod units;
// Commendations and notices, and the acknowledgement of results (issue 15 item 6, issue 17).
pub mod acknowledgements;
pub mod commendations;
// The ranking and the exports for other assessments (issue 16 §2, §7; task RANK).
pub mod report_ranking;
// A unit's full report (issue 16 item 3, task UNITREP).
pub mod report_unit;
// The office's report to the county committee (issue 16 item 6, task COMMITTEE).
pub mod report_committee;
