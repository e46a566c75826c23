//! Service-level agreements (ententes de niveau de service): business calendars, Québec holidays,
//! and the clocks of each request.

pub mod calendar;
pub mod holidays;
pub mod jobs;
pub mod model;
pub mod pages;
pub mod policies;
pub mod queries;
pub mod service;
