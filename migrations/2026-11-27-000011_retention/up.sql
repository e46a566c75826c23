-- Retention (Loi 25: personal information kept only as long as needed). A policy applies to every
-- domain (both NULL), to a domain, or to a category (and its subcategories); the most specific
-- one wins, and a NULL delay there means « never ». Delays count from the request's closing.
CREATE TABLE retention_policies (
  id                      BIGSERIAL PRIMARY KEY,
  domain                  TEXT REFERENCES domains (code),
  category_id             BIGINT REFERENCES categories (id),
  anonymize_after_days    INT CHECK (anonymize_after_days IS NULL OR anonymize_after_days > 0),
  attachments_after_days  INT CHECK (attachments_after_days IS NULL OR attachments_after_days > 0),
  updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (domain IS NULL OR category_id IS NULL)
);
CREATE UNIQUE INDEX retention_policies_scope ON retention_policies (coalesce(domain, ''), coalesce(category_id, 0));
-- The board's default: requests anonymized 7 years after closing, attachments deleted after 2.
INSERT INTO retention_policies (anonymize_after_days, attachments_after_days) VALUES (2557, 730);

ALTER TABLE requests ADD COLUMN anonymized_at TIMESTAMPTZ;
ALTER TABLE attachments ADD COLUMN purged_at TIMESTAMPTZ;
CREATE INDEX requests_retention_idx ON requests (closed_at) WHERE closed_at IS NOT NULL AND anonymized_at IS NULL;
CREATE INDEX attachments_kept_idx ON attachments (request_id) WHERE purged_at IS NULL;

-- Every run, real or dry, with what it did or would do.
CREATE TABLE retention_runs (
  id            BIGSERIAL PRIMARY KEY,
  started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  clock         TIMESTAMPTZ NOT NULL,
  dry_run       BOOLEAN NOT NULL,
  actor_id      BIGINT REFERENCES users (id),
  anonymized    INT NOT NULL,
  purged        INT NOT NULL,
  report        JSONB NOT NULL DEFAULT '{}'
);

-- The person an anonymized request is left with: never signs in, never receives mail.
INSERT INTO users (email, display_name, locale, active, deactivated_at)
VALUES ('anonyme@guichet.invalid', 'Personne anonymisée', 'fr', FALSE, now())
ON CONFLICT DO NOTHING;

-- The timeline stays append-only, except for anonymization: inside a transaction that declared it
-- (SET LOCAL guichet.anonymizing = 'on'), an entry's text, data and author may be replaced, never
-- its request, kind, visibility or date, and nothing is ever deleted.
CREATE FUNCTION request_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('guichet.anonymizing', true) = 'on'
     AND NEW.id = OLD.id AND NEW.request_id = OLD.request_id AND NEW.kind = OLD.kind
     AND NEW.internal = OLD.internal AND NEW.created_at = OLD.created_at THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
DROP TRIGGER request_events_append_only ON request_events;
CREATE TRIGGER request_events_append_only BEFORE UPDATE OR DELETE ON request_events
  FOR EACH ROW EXECUTE FUNCTION request_events_guard();
