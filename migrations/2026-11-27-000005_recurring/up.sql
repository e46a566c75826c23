-- Recurring requests: a request template an admin schedules (weekly, monthly or yearly) for one
-- or several units; a job creates each occurrence once per unit, whichever server runs it.

CREATE TABLE recurring_requests (
  id           BIGSERIAL PRIMARY KEY,
  title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description  TEXT NOT NULL DEFAULT '',
  category_id  BIGINT NOT NULL REFERENCES categories(id),
  requester_id BIGINT NOT NULL REFERENCES users(id),
  unit_ids     BIGINT[] NOT NULL CHECK (cardinality(unit_ids) > 0),
  fields       JSONB NOT NULL DEFAULT '{}',
  priority     TEXT CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  frequency    TEXT NOT NULL CHECK (frequency IN ('weekly', 'monthly', 'yearly')),
  -- Yearly: the month (1–12). Weekly: day is the weekday (1 = Monday … 7 = Sunday);
  -- monthly and yearly: the day of the month (a 31 falls on the month's last day).
  month        SMALLINT CHECK (month BETWEEN 1 AND 12),
  day          SMALLINT NOT NULL CHECK (day BETWEEN 1 AND 31),
  starts_on    DATE NOT NULL,
  active       BOOLEAN NOT NULL DEFAULT TRUE,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((frequency = 'yearly') = (month IS NOT NULL)),
  CHECK (frequency <> 'weekly' OR day <= 7)
);

-- One row per occurrence and unit: the primary key is what makes an occurrence happen once.
CREATE TABLE recurring_runs (
  recurring_id BIGINT NOT NULL REFERENCES recurring_requests(id),
  occurs_on    DATE NOT NULL,
  unit_id      BIGINT NOT NULL REFERENCES units(id),
  request_id   BIGINT REFERENCES requests(id),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (recurring_id, occurs_on, unit_id)
);

ALTER TABLE requests DROP CONSTRAINT requests_source_check;
ALTER TABLE requests ADD CONSTRAINT requests_source_check
  CHECK (source IN ('web', 'email', 'api', 'schedule'));
