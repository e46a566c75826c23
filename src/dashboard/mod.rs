//! Manager dashboards: the service's figures for a scope (the board, a domain, a team, a unit)
//! over a period, as tiles, charts with their tables, CSV, a printable monthly report and JSON;
//! and the requesters' satisfaction ratings behind them.

pub mod api;
pub mod charts;
pub mod day_queries;
pub mod days;
pub mod figures;
pub mod model;
pub mod pages;
pub mod period;
pub mod queries;
pub mod rating_pages;
pub mod resolve;
pub mod satisfaction;
pub mod scope;
