-- Inbound mail: every message received (by IMAP, the MTA pipe or HTTP) is recorded before it is
-- processed, with what Guichet did with it. The raw bytes live in the attachment storage under
-- their SHA-256, so a message is never lost and each one is processed once.
CREATE TABLE inbound_messages (
  id            BIGSERIAL PRIMARY KEY,
  -- Message-ID without angle brackets; absent on some broken or hostile messages.
  message_id    TEXT,
  -- SHA-256 of the raw message: its storage key, and its identity when there is no Message-ID.
  content_hash  TEXT NOT NULL,
  size_bytes    BIGINT NOT NULL,
  channel       TEXT NOT NULL CHECK (channel IN ('imap', 'pipe', 'http')),
  received_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  sender        TEXT NOT NULL DEFAULT '',
  subject       TEXT NOT NULL DEFAULT '',
  -- received (not yet processed), applied (comment or commands on a request), created (a new
  -- request), ignored (auto-reply, bounce, receipt, loop, empty), rejected (unknown sender, too
  -- large, unreadable), refused (a command or a write the sender may not do).
  outcome       TEXT NOT NULL DEFAULT 'received'
                CHECK (outcome IN ('received', 'applied', 'created', 'ignored', 'rejected', 'refused')),
  -- Why, as a stable code (auto_reply, bounce, receipt, loop, unknown_sender, forbidden, …).
  reason        TEXT NOT NULL DEFAULT '',
  detail        TEXT NOT NULL DEFAULT '',
  user_id       BIGINT REFERENCES users(id),
  request_id    BIGINT REFERENCES requests(id),
  event_id      BIGINT REFERENCES request_events(id),
  -- The whole text, quoted history included, for whoever may read the request.
  full_text     TEXT NOT NULL DEFAULT '',
  processed_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX inbound_messages_message_id_key ON inbound_messages (message_id)
  WHERE message_id IS NOT NULL;
CREATE UNIQUE INDEX inbound_messages_hash_key ON inbound_messages (content_hash)
  WHERE message_id IS NULL;
CREATE INDEX inbound_messages_request_idx ON inbound_messages (request_id) WHERE request_id IS NOT NULL;
CREATE INDEX inbound_messages_received_idx ON inbound_messages (received_at DESC);
CREATE INDEX inbound_messages_pending_idx ON inbound_messages (id) WHERE outcome = 'received';
-- Threading by the Message-IDs we sent.
CREATE INDEX outbox_request_message_idx ON outbox (message_id, request_id) WHERE message_id IS NOT NULL;

-- Other addresses a person writes from (lower case).
CREATE TABLE user_email_aliases (
  email    TEXT PRIMARY KEY CHECK (email = lower(email) AND email LIKE '%_@_%'),
  user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE
);

-- Addresses a permanent bounce said do not exist: no more mail goes to them until an
-- administrator clears the mark.
CREATE TABLE undeliverable_addresses (
  email       TEXT PRIMARY KEY,
  reason      TEXT NOT NULL,
  marked_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  inbound_id  BIGINT REFERENCES inbound_messages(id)
);

-- Secrets this instance generates for itself (the key that signs reply addresses).
CREATE TABLE instance_secrets (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
INSERT INTO instance_secrets (name, value)
VALUES ('reply_token', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

-- Timeline entries written while a message is applied say so: the pipeline sets
-- guichet.inbound_id for the transaction, and this stamps each new entry (request_events stays
-- append-only: nothing is updated afterwards).
CREATE FUNCTION request_events_inbound_source() RETURNS trigger AS $$
DECLARE
  inbound TEXT := current_setting('guichet.inbound_id', true);
BEGIN
  IF inbound IS NOT NULL AND inbound <> '' THEN
    NEW.data := NEW.data || jsonb_build_object('source', 'email', 'inbound_id', inbound::bigint);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER request_events_inbound_source BEFORE INSERT ON request_events
  FOR EACH ROW EXECUTE FUNCTION request_events_inbound_source();
