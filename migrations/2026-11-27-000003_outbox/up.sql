-- Notifications to send, written in the transaction of the change that causes them. The sender
-- (email issue) claims rows with FOR UPDATE SKIP LOCKED; until it exists, rows wait here.
CREATE TABLE outbox (
  id            BIGSERIAL PRIMARY KEY,
  recipient_id  BIGINT REFERENCES users(id),
  recipient     TEXT NOT NULL,
  template      TEXT NOT NULL,
  locale        TEXT NOT NULL CHECK (locale IN ('fr', 'en')),
  request_id    BIGINT REFERENCES requests(id),
  payload       JSONB NOT NULL DEFAULT '{}',
  attempts      INTEGER NOT NULL DEFAULT 0,
  next_try_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  sent_at       TIMESTAMPTZ,
  failed_at     TIMESTAMPTZ,
  last_error    TEXT,
  message_id    TEXT,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending_idx ON outbox (next_try_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_request_idx ON outbox (request_id);
