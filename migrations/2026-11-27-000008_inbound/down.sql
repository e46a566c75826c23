DROP TRIGGER request_events_inbound_source ON request_events;
DROP FUNCTION request_events_inbound_source();
DROP TABLE instance_secrets;
DROP TABLE undeliverable_addresses;
DROP TABLE user_email_aliases;
DROP INDEX outbox_request_message_idx;
DROP TABLE inbound_messages;
