//! Transport: trips (the typed part of a transport request), carriers and their fleet, the trip
//! calendar, the weekly CSV per carrier and the calendars (.ics) carriers and schools subscribe to.

pub mod api;
pub mod calendar;
pub mod export;
pub mod form;
pub mod model;
pub mod pages;
pub mod queries;
pub mod section;
pub mod service;
