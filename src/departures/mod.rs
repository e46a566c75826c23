//! Employee departures and moves (the board's IT-use practice, annex 9). A « Départ ou mutation
//! d'un employé » request generates, from the decision matrix (data admins edit), one task per
//! access to withdraw or delete — a child request for the IT team with its due date — and
//! schedules what happens to the person's own Guichet account (deactivated, or their roles removed
//! on a move), which a job applies on the day.

pub mod model;
pub mod pages;
pub mod queries;
pub mod service;

pub use model::{CATEGORY, TASK_CATEGORY};
pub use queries::rules;
pub use service::{apply_due, on_created, request_section};
