//! Integration tests: the real application against a real PostgreSQL, through HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

mod support;

mod access_rule;
mod admin_pages;
mod api_requests;
mod api_writes;
mod architecture;
mod audit;
mod authorization;
mod automation;
mod cli;
mod confidential;
mod config_example;
mod dashboard;
mod departures;
mod email;
mod hardening;
mod inbound;
mod inbound_clients;
mod inbound_corpus;
mod inbound_hostile;
mod inventory;
mod loans;
mod oidc;
mod privacy;
mod recurring;
mod schema;
mod sla;
mod transport;
mod web_pages;
mod workflow_admin;
mod workflows;
