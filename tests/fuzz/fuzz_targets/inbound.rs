//! The parse–classify–extract stage of inbound mail on arbitrary bytes: it must never panic,
//! whatever a hostile or broken message holds.
#![no_main]

use guichet::inbound::{message, reply, thread};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let own = message::Own {
        addresses: vec!["soutien@csss.test".into(), "guichet@localhost".into()],
        message_id_domain: "127.0.0.1".into(),
    };
    if let Some(m) = message::parse(data) {
        let _ = message::classify(&m, &own);
        let r = reply::read(&m.reply_text, &own.addresses);
        let _ = reply::new_words(&m.text, &own.addresses);
        assert!(r.body().len() <= m.reply_text.len() + 1);
        for (line, _) in &r.commands {
            assert!(*line < r.lines.len());
        }
        let _ = message::html_text(&m.reply_text);
        let _ = thread::subject_number(&m.subject);
        let _ = thread::title_of(&m.subject);
        for a in &m.recipients {
            let _ = guichet::signing::address_number(a, b"key");
            let _ = thread::address_tag(a);
        }
        for r in &m.refs {
            let _ = thread::thread_number(r, "127.0.0.1");
        }
    }
    // The text helpers on raw text too.
    let text = String::from_utf8_lossy(data);
    let _ = reply::read(&text, &own.addresses);
    let _ = message::html_text(&text);
    let _ = thread::strip_prefixes(&text);
});
