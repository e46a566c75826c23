//! Equipment loans (« prêt d'équipement »): reservations of specific assets or of a quantity of a
//! model at a lending unit, with no double booking (PostgreSQL's exclusion constraint for assets,
//! a per-pool lock and count for quantities); optional approval by the borrowing unit's director;
//! checkout with the borrower's acknowledgement of the conditions; reminders, overdue notices and
//! escalation; checkin with a condition report; availability. `booking`, `service` (approval and
//! acknowledgement), `desk` and `views` hold the rules; `jobs` the reminders.

pub mod api;
pub mod booking;
pub mod desk;
pub mod jobs;
pub mod model;
pub mod pages;
pub mod queries;
pub mod service;
pub mod views;
