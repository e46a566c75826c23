//! Requests (demandes de service): intake, timeline, comments, assignment, status changes,
//! attachments, lists and search — with the access trail Loi 25 asks for.

pub mod access;
pub mod api;
pub mod attachments;
pub mod commands;
pub mod files;
pub mod filters;
pub mod model;
pub mod pages;
pub mod present;
pub mod queries;
pub mod reading;
pub mod service;
pub mod show;
pub mod timeline;
pub mod views;

pub use model::Request;
