//! Requests (demandes de service): intake, timeline, comments, assignment, status changes,
//! attachments, lists and search — with the access trail Loi 25 asks for.

pub mod access;
pub mod api;
pub mod filters;
pub mod model;
pub mod pages;
pub mod queries;
pub mod service;

pub use model::Request;
