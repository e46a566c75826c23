-- Permanent delivery failures of an address, one row per bounce message: an address is marked
-- undeliverable only when it failed on several messages within a window (one bounce may be a
-- relay's mistake or a mailbox being moved). Soft bounces (4.x.x, mailbox full) are not kept.
CREATE TABLE address_bounces (
  email       TEXT NOT NULL,
  inbound_id  BIGINT NOT NULL REFERENCES inbound_messages (id) ON DELETE CASCADE,
  bounced_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (email, inbound_id)
);

CREATE INDEX address_bounces_recent_idx ON address_bounces (email, bounced_at);
