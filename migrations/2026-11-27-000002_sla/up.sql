-- SLA: business calendars, policies (targets per priority), due dates on requests, and an
-- append-only log of clock events that explains every due date.

CREATE TABLE sla_calendars (
  id          BIGSERIAL PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,39}$'),
  name_fr     TEXT NOT NULL,
  name_en     TEXT NOT NULL,
  definition  JSONB NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE sla_policies (
  id          BIGSERIAL PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,39}$'),
  name_fr     TEXT NOT NULL,
  name_en     TEXT NOT NULL,
  calendar_id BIGINT NOT NULL REFERENCES sla_calendars(id),
  -- {"urgent": {"first_response": 60, "resolution": 480}, ...} in business minutes.
  targets     JSONB NOT NULL,
  -- Share of a target after which a warning is emitted.
  warning_percent INTEGER NOT NULL DEFAULT 75 CHECK (warning_percent BETWEEN 1 AND 99),
  -- What a breach triggers: {"raise_priority": true, "team": "<team code>"}.
  escalation  JSONB NOT NULL DEFAULT '{}',
  is_default  BOOLEAN NOT NULL DEFAULT FALSE,
  active      BOOLEAN NOT NULL DEFAULT TRUE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sla_policies_one_default ON sla_policies ((TRUE)) WHERE is_default;

INSERT INTO sla_calendars (code, name_fr, name_en, definition) VALUES
  ('heures-bureau', 'Heures de bureau (lun.–ven., 7 h 30 à 16 h 30)', 'Office hours (Mon–Fri, 7:30–16:30)',
   '{"tz": "America/Toronto", "week": [[["07:30","16:30"]],[["07:30","16:30"]],[["07:30","16:30"]],[["07:30","16:30"]],[["07:30","16:30"]],[],[]], "periods": [], "quebec_holidays": true, "days_off": []}');

INSERT INTO sla_policies (code, name_fr, name_en, calendar_id, targets, is_default)
SELECT 'standard', 'Standard', 'Standard', id,
       '{"urgent": {"first_response": 60,  "resolution": 540},
         "high":   {"first_response": 120, "resolution": 1080},
         "normal": {"first_response": 240, "resolution": 2700},
         "low":    {"first_response": 540, "resolution": 5400}}', TRUE
  FROM sla_calendars WHERE code = 'heures-bureau';

ALTER TABLE categories ADD COLUMN sla_policy_id BIGINT REFERENCES sla_policies(id);

ALTER TABLE requests
  ADD COLUMN sla_policy_id BIGINT REFERENCES sla_policies(id),
  ADD COLUMN first_response_due TIMESTAMPTZ,
  ADD COLUMN resolution_due TIMESTAMPTZ,
  ADD COLUMN sla_paused_since TIMESTAMPTZ,
  ADD COLUMN sla_paused_minutes INTEGER NOT NULL DEFAULT 0 CHECK (sla_paused_minutes >= 0),
  ADD COLUMN first_response_warn_at TIMESTAMPTZ,
  ADD COLUMN resolution_warn_at TIMESTAMPTZ,
  ADD COLUMN first_response_warned_at TIMESTAMPTZ,
  ADD COLUMN resolution_warned_at TIMESTAMPTZ,
  ADD COLUMN first_response_breached_at TIMESTAMPTZ,
  ADD COLUMN resolution_breached_at TIMESTAMPTZ;
-- The SLA job's scans: clocks still running whose warning or breach instant has come.
CREATE INDEX requests_resolution_due_idx ON requests (resolution_due)
  WHERE resolution_breached_at IS NULL AND sla_paused_since IS NULL AND closed_at IS NULL;
CREATE INDEX requests_resolution_warn_idx ON requests (resolution_warn_at)
  WHERE resolution_warned_at IS NULL AND sla_paused_since IS NULL AND closed_at IS NULL;
CREATE INDEX requests_first_response_due_idx ON requests (first_response_due)
  WHERE first_response_breached_at IS NULL AND first_response_at IS NULL AND closed_at IS NULL;
CREATE INDEX requests_first_response_warn_idx ON requests (first_response_warn_at)
  WHERE first_response_warned_at IS NULL AND first_response_at IS NULL AND closed_at IS NULL;

CREATE TABLE sla_clock_events (
  id          BIGSERIAL PRIMARY KEY,
  request_id  BIGINT NOT NULL REFERENCES requests(id),
  clock       TEXT NOT NULL CHECK (clock IN ('first_response', 'resolution')),
  kind        TEXT NOT NULL CHECK (kind IN ('started', 'paused', 'resumed', 'target_changed', 'warned', 'met', 'breached', 'stopped')),
  at          TIMESTAMPTZ NOT NULL,
  due         TIMESTAMPTZ,
  data        JSONB NOT NULL DEFAULT '{}',
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sla_clock_events_request_idx ON sla_clock_events (request_id, id);
CREATE TRIGGER sla_clock_events_append_only BEFORE UPDATE OR DELETE ON sla_clock_events
  FOR EACH ROW EXECUTE FUNCTION guichet_refuse_change();
