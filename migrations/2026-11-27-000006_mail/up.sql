-- Email delivery: which timeline event a message tells about, daily digests, and each person's
-- notification preferences.

ALTER TABLE outbox
  ADD COLUMN event_id BIGINT REFERENCES request_events(id),
  -- Waits for the person's daily digest instead of going out on its own.
  ADD COLUMN digest BOOLEAN NOT NULL DEFAULT FALSE,
  -- The digest message that carried it.
  ADD COLUMN digested_into BIGINT REFERENCES outbox(id),
  ADD COLUMN subject TEXT;
CREATE INDEX outbox_digest_idx ON outbox (recipient_id) WHERE digest AND sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_failed_idx ON outbox (failed_at DESC) WHERE failed_at IS NOT NULL;
CREATE UNIQUE INDEX outbox_message_id_key ON outbox (message_id) WHERE message_id IS NOT NULL;

ALTER TABLE users
  -- One message a day for what is not urgent (approvals and breaches stay immediate).
  ADD COLUMN notify_digest BOOLEAN NOT NULL DEFAULT FALSE,
  -- Notifications that are not essential (approvals and breaches always go).
  ADD COLUMN notify_optional BOOLEAN NOT NULL DEFAULT TRUE;
