-- Idempotency-Key of the API's POSTs: the first success of a key is kept 24 hours with its
-- response, so a client retrying after a timeout gets the same answer instead of a second
-- request or comment. A key is scoped by the credentials and the route (hashed together).
CREATE TABLE api_idempotency (
  key_hash      TEXT PRIMARY KEY,
  request_hash  TEXT NOT NULL,
  -- NULL while the first call is in progress.
  status        SMALLINT,
  content_type  TEXT,
  location      TEXT,
  body          BYTEA,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX api_idempotency_created_idx ON api_idempotency (created_at);
