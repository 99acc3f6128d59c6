//! lianzheng (廉政考核): the county's yearly Party-conduct and clean-government responsibility
//! assessment (党风廉政建设责任制考核检查) as a JSON REST service.
//!
//! Start reading at [`routes`], the table of contents of the API. See ARCHITECTURE.md.

pub mod audit;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod models;
pub mod openapi;
pub mod ops;
pub mod reports;
pub mod routes;
pub mod schema;
pub mod seed;
pub mod seed_history;
pub mod seed_publication;
pub mod seed_results;
pub mod seed_routine;
// Commendations and notices (issue 15 item 6).
pub mod seed_commendations;
pub mod startup;
pub mod telemetry;
pub mod webhook;
