//! The catalog: the three domains, their categories (a tree) and each category's form.

pub mod form;
pub mod model;
pub mod pages;
pub mod present;
pub mod queries;
pub mod service;
