-- Foundation: units, people, teams, catalog, requests and their timeline, attachments,
-- sessions, API tokens, sign-in attempts and the audit log.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- Text search configurations that ignore accents: « ecran » finds « écran ».
CREATE TEXT SEARCH CONFIGURATION guichet_fr ( COPY = french );
ALTER TEXT SEARCH CONFIGURATION guichet_fr
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TEXT SEARCH CONFIGURATION guichet_en ( COPY = english );
ALTER TEXT SEARCH CONFIGURATION guichet_en
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE TABLE units (
  id          BIGSERIAL PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,39}$'),
  name_fr     TEXT NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 200),
  name_en     TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  kind        TEXT NOT NULL CHECK (kind IN ('school', 'vocational_centre', 'adult_centre', 'service', 'general_direction')),
  parent_id   BIGINT REFERENCES units(id),
  active      BOOLEAN NOT NULL DEFAULT TRUE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE buildings (
  id          BIGSERIAL PRIMARY KEY,
  unit_id     BIGINT NOT NULL REFERENCES units(id),
  code        TEXT NOT NULL,
  name        TEXT NOT NULL,
  address     TEXT NOT NULL DEFAULT '',
  active      BOOLEAN NOT NULL DEFAULT TRUE,
  UNIQUE (unit_id, code)
);

CREATE TABLE rooms (
  id          BIGSERIAL PRIMARY KEY,
  building_id BIGINT NOT NULL REFERENCES buildings(id),
  code        TEXT NOT NULL,
  name        TEXT NOT NULL DEFAULT '',
  active      BOOLEAN NOT NULL DEFAULT TRUE,
  UNIQUE (building_id, code)
);

CREATE TABLE users (
  id             BIGSERIAL PRIMARY KEY,
  email          TEXT NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  display_name   TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  locale         TEXT NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
  password_hash  TEXT,
  active         BOOLEAN NOT NULL DEFAULT TRUE,
  deactivated_at TIMESTAMPTZ,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- A person holds roles per unit; admin and auditor apply board-wide whatever the unit.
CREATE TABLE user_roles (
  id         BIGSERIAL PRIMARY KEY,
  user_id    BIGINT NOT NULL REFERENCES users(id),
  unit_id    BIGINT NOT NULL REFERENCES units(id),
  role       TEXT NOT NULL CHECK (role IN ('requester', 'unit_manager', 'technician', 'service_manager', 'admin', 'auditor')),
  UNIQUE (user_id, unit_id, role)
);
CREATE INDEX user_roles_unit_idx ON user_roles (unit_id, role);

CREATE TABLE domains (
  code      TEXT PRIMARY KEY CHECK (code IN ('materiel', 'ti', 'transport')),
  name_fr   TEXT NOT NULL,
  name_en   TEXT NOT NULL,
  position  INT NOT NULL DEFAULT 0
);
INSERT INTO domains (code, name_fr, name_en, position) VALUES
  ('materiel', 'Ressources matérielles', 'Material resources', 1),
  ('ti', 'Technologies de l''information', 'Information technology', 2),
  ('transport', 'Transport', 'Transportation', 3);

CREATE TABLE teams (
  id         BIGSERIAL PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,39}$'),
  name_fr    TEXT NOT NULL,
  name_en    TEXT NOT NULL,
  domain     TEXT NOT NULL REFERENCES domains(code),
  lead_id    BIGINT REFERENCES users(id),
  active     BOOLEAN NOT NULL DEFAULT TRUE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE team_members (
  team_id BIGINT NOT NULL REFERENCES teams(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user_idx ON team_members (user_id);

CREATE TABLE categories (
  id               BIGSERIAL PRIMARY KEY,
  code             TEXT NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,59}$'),
  domain           TEXT NOT NULL REFERENCES domains(code),
  parent_id        BIGINT REFERENCES categories(id),
  name_fr          TEXT NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 200),
  name_en          TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  description_fr   TEXT NOT NULL DEFAULT '',
  description_en   TEXT NOT NULL DEFAULT '',
  form             JSONB NOT NULL DEFAULT '{"fields": []}',
  default_team_id  BIGINT REFERENCES teams(id),
  default_priority TEXT NOT NULL DEFAULT 'normal' CHECK (default_priority IN ('low', 'normal', 'high', 'urgent')),
  position         INT NOT NULL DEFAULT 0,
  active           BOOLEAN NOT NULL DEFAULT TRUE,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX categories_domain_idx ON categories (domain, position);

-- Request numbers come from a sequence: never reused, even after a rollback.
CREATE SEQUENCE request_number_seq START 1;

CREATE TABLE requests (
  id                BIGSERIAL PRIMARY KEY,
  number            BIGINT NOT NULL UNIQUE DEFAULT nextval('request_number_seq'),
  title             TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description       TEXT NOT NULL DEFAULT '',
  category_id       BIGINT NOT NULL REFERENCES categories(id),
  domain            TEXT NOT NULL REFERENCES domains(code),
  requester_id      BIGINT NOT NULL REFERENCES users(id),
  unit_id           BIGINT NOT NULL REFERENCES units(id),
  room_id           BIGINT REFERENCES rooms(id),
  priority          TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  priority_rank     SMALLINT GENERATED ALWAYS AS (
                      CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END) STORED,
  status            TEXT NOT NULL,
  team_id           BIGINT REFERENCES teams(id),
  assignee_id       BIGINT REFERENCES users(id),
  fields            JSONB NOT NULL DEFAULT '{}',
  source            TEXT NOT NULL CHECK (source IN ('web', 'email', 'api')),
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  first_response_at TIMESTAMPTZ,
  resolved_at       TIMESTAMPTZ,
  closed_at         TIMESTAMPTZ,
  search            TSVECTOR
);
ALTER SEQUENCE request_number_seq OWNED BY requests.number;
CREATE INDEX requests_requester_idx ON requests (requester_id, created_at DESC, id DESC);
CREATE INDEX requests_unit_idx ON requests (unit_id, created_at DESC, id DESC);
CREATE INDEX requests_domain_status_idx ON requests (domain, status, created_at DESC, id DESC);
CREATE INDEX requests_created_idx ON requests (created_at DESC, id DESC);
CREATE INDEX requests_updated_idx ON requests (updated_at DESC, id DESC);
CREATE INDEX requests_team_idx ON requests (team_id, status);
CREATE INDEX requests_assignee_idx ON requests (assignee_id, status);
CREATE INDEX requests_search_idx ON requests USING GIN (search);

CREATE TABLE request_watchers (
  request_id BIGINT NOT NULL REFERENCES requests(id),
  user_id    BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (request_id, user_id)
);
CREATE INDEX request_watchers_user_idx ON request_watchers (user_id);

-- The append-only timeline of a request.
CREATE TABLE request_events (
  id          BIGSERIAL PRIMARY KEY,
  request_id  BIGINT NOT NULL REFERENCES requests(id),
  actor_id    BIGINT REFERENCES users(id),
  kind        TEXT NOT NULL CHECK (kind IN ('created', 'comment', 'internal_note', 'status_changed',
                                            'assigned', 'field_changed', 'attachment_added', 'sla_warning', 'sla_breach')),
  body        TEXT NOT NULL DEFAULT '',
  internal    BOOLEAN NOT NULL DEFAULT FALSE,
  data        JSONB NOT NULL DEFAULT '{}',
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX request_events_request_idx ON request_events (request_id, id);

CREATE FUNCTION guichet_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER request_events_append_only BEFORE UPDATE OR DELETE ON request_events
  FOR EACH ROW EXECUTE FUNCTION guichet_refuse_change();

-- Search vector: number, title, description and public comments, in French and English, unaccented.
-- Internal notes stay out so a requester's search cannot reveal them.
CREATE FUNCTION requests_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  doc TEXT;
BEGIN
  SELECT coalesce(string_agg(e.body, ' '), '') INTO doc
    FROM request_events e
   WHERE e.request_id = NEW.id AND e.kind = 'comment' AND NOT e.internal;
  NEW.search :=
       setweight(to_tsvector('simple', 'DS-' || lpad(NEW.number::text, 6, '0') || ' ' || NEW.number::text), 'A')
    || setweight(to_tsvector('guichet_fr', NEW.title), 'A')
    || setweight(to_tsvector('guichet_en', NEW.title), 'A')
    || setweight(to_tsvector('guichet_fr', NEW.description), 'B')
    || setweight(to_tsvector('guichet_en', NEW.description), 'B')
    || setweight(to_tsvector('guichet_fr', doc), 'C')
    || setweight(to_tsvector('guichet_en', doc), 'C');
  RETURN NEW;
END $$;
CREATE TRIGGER requests_search_refresh BEFORE INSERT OR UPDATE ON requests
  FOR EACH ROW EXECUTE FUNCTION requests_search_refresh();

CREATE TABLE attachments (
  id           BIGSERIAL PRIMARY KEY,
  request_id   BIGINT NOT NULL REFERENCES requests(id),
  event_id     BIGINT REFERENCES request_events(id),
  uploader_id  BIGINT REFERENCES users(id),
  filename     TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type TEXT NOT NULL,
  size_bytes   BIGINT NOT NULL CHECK (size_bytes >= 0),
  sha256       TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX attachments_request_idx ON attachments (request_id);

CREATE TABLE api_tokens (
  id           BIGSERIAL PRIMARY KEY,
  user_id      BIGINT NOT NULL REFERENCES users(id),
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at TIMESTAMPTZ,
  revoked_at   TIMESTAMPTZ
);

CREATE TABLE sessions (
  id           BIGSERIAL PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE,
  user_id      BIGINT NOT NULL REFERENCES users(id),
  csrf_token   TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  ip           TEXT,
  user_agent   TEXT
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE sign_in_attempts (
  id         BIGSERIAL PRIMARY KEY,
  email      TEXT NOT NULL,
  ip         TEXT,
  succeeded  BOOLEAN NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_attempts_email_idx ON sign_in_attempts (email, created_at DESC);

-- Every change and every read of personal information (Loi 25 access trail). Append-only.
CREATE TABLE audit_log (
  id         BIGSERIAL PRIMARY KEY,
  actor_id   BIGINT REFERENCES users(id),
  action     TEXT NOT NULL,
  entity     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  ip         TEXT,
  data       JSONB NOT NULL DEFAULT '{}',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, created_at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at DESC);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION guichet_refuse_change();
