//! People: accounts, roles per unit, teams, passwords (Argon2id), sessions and API tokens.

pub mod directory;
pub mod group_pages;
pub mod group_queries;
pub mod groups;
pub mod model;
pub mod pages;
pub mod queries;
pub mod service;
