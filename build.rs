//! Rebuilds when a migration is added or changed, so the embedded migrations stay current.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
