//! Approval pages: « À approuver » and the decision form.
