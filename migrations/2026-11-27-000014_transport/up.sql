-- Transport: trips (the typed part of a transport request), the vehicle types and their
-- capacity, the carriers and their fleet, and the calendar feeds carriers and schools subscribe to.

-- A trip category's form carries the trip fields (see src/transport/form.rs); its requests get
-- a row in `trips`.
ALTER TABLE categories ADD COLUMN trip BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE vehicle_types (
  code      TEXT PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]{1,29}$'),
  name_fr   TEXT NOT NULL,
  name_en   TEXT NOT NULL,
  -- Passengers one vehicle carries (students and adults together).
  capacity  INT NOT NULL CHECK (capacity BETWEEN 1 AND 200),
  -- Wheelchair places one vehicle offers.
  wheelchair_places INT NOT NULL DEFAULT 0 CHECK (wheelchair_places >= 0),
  position  INT NOT NULL DEFAULT 0
);
INSERT INTO vehicle_types (code, name_fr, name_en, capacity, wheelchair_places, position) VALUES
  ('autobus', 'Autobus scolaire', 'School bus', 72, 0, 1),
  ('minibus', 'Minibus', 'Minibus', 24, 0, 2),
  ('adapte', 'Véhicule adapté', 'Adapted vehicle', 10, 4, 3),
  ('taxi', 'Taxi', 'Taxi', 4, 0, 4);

CREATE TABLE carriers (
  id            BIGSERIAL PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  contact_name  TEXT NOT NULL DEFAULT '' CHECK (length(contact_name) <= 200),
  email         TEXT NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
  phone         TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
  locale        TEXT NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
  active        BOOLEAN NOT NULL DEFAULT TRUE,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- How many vehicles of each type a carrier has.
CREATE TABLE carrier_vehicles (
  carrier_id    BIGINT NOT NULL REFERENCES carriers(id) ON DELETE CASCADE,
  vehicle_type  TEXT NOT NULL REFERENCES vehicle_types(code),
  vehicles      INT NOT NULL CHECK (vehicles BETWEEN 1 AND 1000),
  PRIMARY KEY (carrier_id, vehicle_type)
);

CREATE TABLE trips (
  request_id          BIGINT PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
  unit_id             BIGINT NOT NULL REFERENCES units(id),
  departs_at          TIMESTAMPTZ NOT NULL,
  returns_at          TIMESTAMPTZ NOT NULL,
  origin              TEXT NOT NULL,
  destination         TEXT NOT NULL,
  destination_address TEXT NOT NULL,
  students            INT NOT NULL CHECK (students >= 0),
  adults              INT NOT NULL CHECK (adults >= 0),
  wheelchair_places   INT NOT NULL DEFAULT 0 CHECK (wheelchair_places >= 0),
  adapted_vehicle     BOOLEAN NOT NULL DEFAULT FALSE,
  vehicle_type        TEXT NOT NULL REFERENCES vehicle_types(code),
  vehicles            INT NOT NULL DEFAULT 1 CHECK (vehicles >= 1),
  budget_code         TEXT NOT NULL,
  carrier_notes       TEXT NOT NULL DEFAULT '',
  -- Why a trip asked for with less than the minimum notice cannot wait.
  urgent_reason       TEXT,
  carrier_id          BIGINT REFERENCES carriers(id),
  confirmed_at        TIMESTAMPTZ,
  confirmed_by        BIGINT REFERENCES users(id),
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (returns_at > departs_at),
  CHECK (students + adults >= 1),
  CHECK ((confirmed_at IS NULL) OR (carrier_id IS NOT NULL))
);
CREATE INDEX trips_departs_idx ON trips (departs_at);
CREATE INDEX trips_carrier_idx ON trips (carrier_id, departs_at) WHERE carrier_id IS NOT NULL;
CREATE INDEX trips_unit_idx ON trips (unit_id, departs_at);

-- The transport service's settings (one row).
CREATE TABLE transport_settings (
  id                    BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
  notice_business_days  INT NOT NULL DEFAULT 10 CHECK (notice_business_days BETWEEN 0 AND 60),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO transport_settings DEFAULT VALUES;

-- A subscription link (.ics) to the trips of one carrier or one unit. Only the SHA-256 of the
-- token is kept: the link is shown once, when it is created.
CREATE TABLE trip_feeds (
  id          BIGSERIAL PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,
  carrier_id  BIGINT REFERENCES carriers(id) ON DELETE CASCADE,
  unit_id     BIGINT REFERENCES units(id) ON DELETE CASCADE,
  created_by  BIGINT NOT NULL REFERENCES users(id),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  revoked_at  TIMESTAMPTZ,
  last_used_at TIMESTAMPTZ,
  CHECK ((carrier_id IS NULL) <> (unit_id IS NULL))
);
