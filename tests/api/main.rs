//! API tests: the real server on port 0, against a real PostgreSQL, one fresh database a test.

mod auth;
mod contract;
mod errors;
mod health;
mod helpers;
mod leaders;
mod units;
