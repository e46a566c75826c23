//! Workflow administration.
