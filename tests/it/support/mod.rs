pub mod app;
pub mod db;
pub mod imap;
pub mod oidc;
pub mod smtp;
pub mod world;

pub use app::TestApp;
pub use world::*;
