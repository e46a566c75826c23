-- Inventory: asset types, models, assets (« numéro d'inventaire » unique), their append-only
-- history, and the links between requests and assets.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE asset_types (
  id          BIGSERIAL PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,39}$'),
  name_fr     TEXT NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 200),
  name_en     TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  active      BOOLEAN NOT NULL DEFAULT TRUE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE asset_models (
  id          BIGSERIAL PRIMARY KEY,
  type_id     BIGINT NOT NULL REFERENCES asset_types(id),
  maker       TEXT NOT NULL CHECK (length(maker) BETWEEN 1 AND 100),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  active      BOOLEAN NOT NULL DEFAULT TRUE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX asset_models_key ON asset_models (lower(maker), lower(name));
CREATE INDEX asset_models_type_idx ON asset_models (type_id);

CREATE TABLE assets (
  id                  BIGSERIAL PRIMARY KEY,
  -- The inventory number on the label; unique whatever the case.
  tag                 TEXT NOT NULL CHECK (tag ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
  serial              TEXT CHECK (serial IS NULL OR length(serial) BETWEEN 1 AND 100),
  model_id            BIGINT NOT NULL REFERENCES asset_models(id),
  status              TEXT NOT NULL DEFAULT 'in_stock'
                      CHECK (status IN ('in_stock', 'deployed', 'on_loan', 'in_repair', 'missing', 'retired')),
  unit_id             BIGINT NOT NULL REFERENCES units(id),
  room_id             BIGINT REFERENCES rooms(id),
  assigned_to         BIGINT REFERENCES users(id),
  purchase_date       DATE,
  purchase_cost_cents BIGINT CHECK (purchase_cost_cents IS NULL OR purchase_cost_cents >= 0),
  warranty_end        DATE,
  notes               TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 5000),
  extra               JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(extra) = 'object'),
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- What the text filter searches: inventory number, serial number and notes.
  search_text         TEXT GENERATED ALWAYS AS (lower(tag || ' ' || coalesce(serial, '') || ' ' || notes)) STORED
);
CREATE UNIQUE INDEX assets_tag_key ON assets (upper(tag));
CREATE UNIQUE INDEX assets_serial_key ON assets (upper(serial)) WHERE serial IS NOT NULL;
-- Lists are by inventory number, filtered by unit, status or model: each filter has an index in
-- that order, so a page reads only its rows.
CREATE INDEX assets_unit_idx ON assets (unit_id, upper(tag));
CREATE INDEX assets_unit_status_idx ON assets (unit_id, status, upper(tag));
CREATE INDEX assets_model_idx ON assets (model_id, upper(tag));
CREATE INDEX assets_model_status_idx ON assets (model_id, status, upper(tag));
CREATE INDEX assets_status_idx ON assets (status, upper(tag));
CREATE INDEX assets_assigned_idx ON assets (assigned_to) WHERE assigned_to IS NOT NULL;
CREATE INDEX assets_search_idx ON assets USING gin (search_text gin_trgm_ops);

-- The history of an asset: status changes, moves, assignments, imports, linked requests.
CREATE TABLE asset_events (
  id          BIGSERIAL PRIMARY KEY,
  asset_id    BIGINT NOT NULL REFERENCES assets(id),
  kind        TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'status_changed', 'moved', 'assigned',
                                            'imported', 'request_linked')),
  actor_id    BIGINT REFERENCES users(id),
  request_id  BIGINT REFERENCES requests(id),
  data        JSONB NOT NULL DEFAULT '{}',
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX asset_events_asset_idx ON asset_events (asset_id, id);
CREATE TRIGGER asset_events_append_only BEFORE UPDATE OR DELETE ON asset_events
  FOR EACH ROW EXECUTE FUNCTION guichet_refuse_change();

CREATE TABLE request_assets (
  request_id  BIGINT NOT NULL REFERENCES requests(id),
  asset_id    BIGINT NOT NULL REFERENCES assets(id),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, asset_id)
);
CREATE INDEX request_assets_asset_idx ON request_assets (asset_id, request_id);

-- The request form field type `asset` (the inventory number of one of the unit's assets) needs
-- nothing more in the catalog: forms are JSON.

INSERT INTO asset_types (code, name_fr, name_en) VALUES
  ('portable', 'Ordinateur portable', 'Laptop'),
  ('chromebook', 'Chromebook', 'Chromebook'),
  ('tablette', 'Tablette', 'Tablet'),
  ('poste', 'Ordinateur de bureau', 'Desktop computer'),
  ('projecteur', 'Projecteur', 'Projector'),
  ('tni', 'Tableau numérique interactif', 'Interactive whiteboard'),
  ('imprimante', 'Imprimante', 'Printer'),
  ('telephone', 'Téléphone', 'Phone'),
  ('reseau', 'Équipement réseau', 'Network equipment'),
  ('mobilier', 'Mobilier', 'Furniture'),
  ('vehicule', 'Véhicule', 'Vehicle');
