//! Inventory pages: the asset list, an asset's page, its form, labels and imports.

use actix_web::web;

pub fn routes(_cfg: &mut web::ServiceConfig) {}
