//! API tests: the real server on port 0, against a real PostgreSQL, one fresh database a test.

mod attachments;
mod audit;
mod auth;
mod catalogue;
mod cli;
mod conditional;
mod contract;
mod cors;
mod created;
mod cycles;
mod documents;
mod errors;
mod evaluation;
mod examples;
mod faults;
mod fixtures;
mod forms;
mod health;
mod helpers;
mod hostile_catalogue;
mod hostile_input;
mod language;
mod leaders;
mod me;
mod publication;
mod reports;
mod resilience;
// Results (issue 15, task RESULTS).
mod results;
mod routine;
mod schema;
mod scope;
mod scoring;
mod self_inspections;
mod statements;
mod teams;
mod units;
// Task push (issue 17 §4).
mod outbox;
// Commendations and notices, and the acknowledgement of results (issue 15 item 6, issue 17).
mod acknowledgements;
mod commendations;
// The demo's published past (issue 15 item 8, task DEMO).
mod demo_history;
// Publication snapshots and versions (issue 15 item 4, task SNAP).
mod rectifications;
mod snapshots;
// The ranking and the exports for other assessments (issue 16 §2, §7; task RANK).
mod report_ranking;
// A unit's full report (issue 16 item 3, task UNITREP).
mod report_unit;
// The to-do list walked through one whole cycle (issue 17, "Done when"; task WALK).
mod walk;
// The office's report to the county committee (issue 16 item 6, task COMMITTEE).
mod report_committee;
// The authorization matrix (issue 18 item 3, task MATRIX).
mod matrix;
mod workbooks;
// Large exports streamed; the committee report's GET without 304 (issue 16 item 8).
mod streaming;
