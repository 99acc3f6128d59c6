//! API tests: the real server on port 0, against a real PostgreSQL, one fresh database a test.

mod attachments;
mod audit;
mod auth;
mod catalogue;
mod cli;
mod contract;
mod cycles;
mod errors;
mod forms;
mod health;
mod helpers;
mod hostile_catalogue;
mod leaders;
mod resilience;
mod schema;
mod scoring;
mod self_inspections;
mod teams;
mod units;
