//! The documented example configuration stays valid.

#[test]
fn the_example_configuration_is_valid() {
    let text = std::fs::read_to_string("guichet.example.toml").unwrap();
    let s = guichet::config::Settings::from_sources(&text, "guichet.example.toml", &[]).unwrap();
    assert_eq!(s.max_attachment_bytes, 25 * 1024 * 1024);
    assert!(s.cookie_secure);
}
