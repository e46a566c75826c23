-- Dashboards: the business time a request took to resolve (its own pauses excluded), written
-- when it is resolved; the requesters' satisfaction ratings; and covering indexes so that the
-- figures of a school year are read from the indexes alone, without visiting the table.

ALTER TABLE requests ADD COLUMN resolve_minutes integer CHECK (resolve_minutes >= 0);

CREATE TABLE satisfaction_ratings (
  request_id  bigint PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
  rating      smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment     text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
  rated_by    bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX satisfaction_low_idx ON satisfaction_ratings (updated_at DESC) WHERE rating <= 2;

CREATE INDEX requests_dash_created_idx ON requests (created_at)
  INCLUDE (domain, team_id, unit_id, category_id);
CREATE INDEX requests_dash_resolved_idx ON requests (resolved_at)
  INCLUDE (domain, team_id, unit_id, category_id, assignee_id, resolve_minutes)
  WHERE resolved_at IS NOT NULL;
CREATE INDEX requests_dash_first_due_idx ON requests (first_response_due)
  INCLUDE (domain, team_id, unit_id, first_response_at, resolved_at, closed_at)
  WHERE first_response_due IS NOT NULL;
CREATE INDEX requests_dash_resolution_due_idx ON requests (resolution_due)
  INCLUDE (domain, team_id, unit_id, resolved_at, closed_at, sla_paused_since)
  WHERE resolution_due IS NOT NULL;
