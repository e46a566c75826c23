//! People: accounts, roles per unit, teams, passwords (Argon2id), sessions and API tokens.

pub mod admin;
pub mod groups;
pub mod model;
pub mod queries;
pub mod service;
