ALTER TABLE users DROP COLUMN IF EXISTS notify_optional, DROP COLUMN IF EXISTS notify_digest;
DROP INDEX IF EXISTS outbox_message_id_key;
DROP INDEX IF EXISTS outbox_failed_idx;
DROP INDEX IF EXISTS outbox_digest_idx;
ALTER TABLE outbox
  DROP COLUMN IF EXISTS subject,
  DROP COLUMN IF EXISTS digested_into,
  DROP COLUMN IF EXISTS digest,
  DROP COLUMN IF EXISTS event_id;
