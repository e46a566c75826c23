//! Administrative units (schools, centres, services, Direction générale), their buildings and rooms.

pub mod model;
pub mod pages;
pub mod queries;
pub mod service;
