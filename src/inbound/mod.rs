//! Inbound mail: replies and new requests by email. Three intakes — IMAP polling (`imap`), the
//! MTA pipe (`guichet mailgate`, which posts to the HTTP intake) and `POST /api/v1/inbound-mail`
//! (`api`) — feed one pipeline (`service`): store the raw message first, once per Message-ID;
//! classify it (`message`: auto-replies, bounces, receipts and loops are recorded and ignored);
//! find the sender and the request (`thread`); read the new words and commands (`reply`); apply
//! them as the sender through the same domain functions as the web. HTML is only ever read as
//! text (mail-parser's conversion): Guichet neither stores nor shows a message's HTML.

mod answer;
pub mod api;
mod apply;
pub mod imap;
pub mod intake;
pub mod message;
pub mod pages;
pub mod queries;
pub mod reply;
pub mod service;
pub mod thread;
