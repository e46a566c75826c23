//! The audit log: every change and every read of personal information (Loi 25 access trail).
//! Rows are written inside the transaction of the action they record; PostgreSQL refuses to
//! update or delete them (trigger `audit_log_append_only`). Auditors search and export it
//! (`pages`).

pub mod model;
pub mod pages;
pub mod queries;

pub use model::{AuditRow, Entry, Origin, Search, Trail};
pub use queries::{for_entity, record, search};
