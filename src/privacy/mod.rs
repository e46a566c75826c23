//! Personal information (Loi 25): retention and anonymization, the data-subject export, and
//! their pages (admins set the retention policies; auditors produce exports).

pub mod export;
pub mod pages;
pub mod queries;
pub mod redact;
pub mod report;
pub mod retention;
