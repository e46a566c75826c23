//! The equipment inventory: asset types and models, assets with their status lifecycle and
//! history, CSV imports from inventory tools, labels, and the links between requests and assets.

pub mod api;
pub mod import;
pub mod import_pages;
pub mod model;
pub mod pages;
pub mod queries;
pub mod service;
pub mod sheet;
pub mod type_pages;
pub mod values;
pub mod views;
