-- Loans (« prêt d'équipement »): loanable equipment, reservations of specific assets or of a
-- quantity of a model at a lending unit, checkout with the borrower's acknowledgement, checkin
-- with a condition report. No asset is ever booked twice for overlapping periods: PostgreSQL
-- refuses it (exclusion constraint); pooled quantities are checked under a per-pool lock.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Per type: the longest loan, and whether the borrowing unit's director approves first.
ALTER TABLE asset_types
  ADD COLUMN max_loan_days INT NOT NULL DEFAULT 30 CHECK (max_loan_days BETWEEN 1 AND 400),
  ADD COLUMN loan_needs_approval BOOLEAN NOT NULL DEFAULT FALSE;

-- Equipment the owning unit lends (its lending desk).
ALTER TABLE assets ADD COLUMN loanable BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX assets_loanable_idx ON assets (model_id, unit_id) WHERE loanable;

CREATE TABLE loans (
  id                BIGSERIAL PRIMARY KEY,
  borrower_id       BIGINT NOT NULL REFERENCES users(id),
  -- The borrowing unit (its director approves and hears of overdue loans).
  unit_id           BIGINT NOT NULL REFERENCES units(id),
  -- The unit whose equipment is lent.
  lending_unit_id   BIGINT NOT NULL REFERENCES units(id),
  -- A quantity of a model (a pool), assets picked at checkout; NULL when specific assets are booked.
  model_id          BIGINT REFERENCES asset_models(id),
  quantity          INT CHECK (quantity IS NULL OR quantity BETWEEN 1 AND 500),
  starts_at         TIMESTAMPTZ NOT NULL,
  due_at            TIMESTAMPTZ NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'refused', 'checked_out',
                                                    'returned', 'cancelled')),
  purpose           TEXT NOT NULL DEFAULT '' CHECK (length(purpose) <= 2000),
  request_id        BIGINT REFERENCES requests(id),
  decided_by        BIGINT REFERENCES users(id),
  decided_at        TIMESTAMPTZ,
  decision_note     TEXT NOT NULL DEFAULT '',
  checked_out_at    TIMESTAMPTZ,
  checked_out_by    BIGINT REFERENCES users(id),
  -- The borrower's acceptance of the loan conditions: when, from where, which text.
  acknowledged_at   TIMESTAMPTZ,
  acknowledged_ip   TEXT,
  acknowledged_by   BIGINT REFERENCES users(id),
  conditions        TEXT NOT NULL DEFAULT '',
  returned_at       TIMESTAMPTZ,
  reminded_at       TIMESTAMPTZ,
  overdue_notice_on DATE,
  escalated_at      TIMESTAMPTZ,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (due_at > starts_at),
  CHECK ((model_id IS NULL) = (quantity IS NULL))
);
CREATE INDEX loans_borrower_idx ON loans (borrower_id, id);
CREATE INDEX loans_unit_idx ON loans (unit_id, id);
CREATE INDEX loans_open_due_idx ON loans (due_at) WHERE status = 'checked_out';
CREATE INDEX loans_pool_idx ON loans (model_id, lending_unit_id, starts_at)
  WHERE model_id IS NOT NULL AND status IN ('requested', 'approved');

-- The assets of a loan: booked for its period. An item stops holding its asset once returned or
-- its loan cancelled (`active`), so the asset is free again for the rest of the period.
CREATE TABLE loan_items (
  id             BIGSERIAL PRIMARY KEY,
  loan_id        BIGINT NOT NULL REFERENCES loans(id),
  asset_id       BIGINT NOT NULL REFERENCES assets(id),
  period         TSTZRANGE NOT NULL CHECK (NOT isempty(period)),
  active         BOOLEAN NOT NULL DEFAULT TRUE,
  checked_out_at TIMESTAMPTZ,
  returned_at    TIMESTAMPTZ,
  condition      TEXT CHECK (condition IN ('ok', 'damaged', 'missing')),
  condition_note TEXT NOT NULL DEFAULT '',
  -- The borrower agreed with the condition report at checkin.
  borrower_agreed BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE (loan_id, asset_id),
  CONSTRAINT loan_items_no_double_booking EXCLUDE USING gist (asset_id WITH =, period WITH &&) WHERE (active)
);
CREATE INDEX loan_items_loan_idx ON loan_items (loan_id);
-- Bookings over a period, whatever the asset (availability of a whole model).
CREATE INDEX loan_items_period_idx ON loan_items USING gist (period) WHERE active;
-- Equipment out (an overdue item holds its asset until it comes back).
CREATE INDEX loan_items_out_idx ON loan_items (asset_id) WHERE active AND checked_out_at IS NOT NULL;

-- The history of a loan.
CREATE TABLE loan_events (
  id          BIGSERIAL PRIMARY KEY,
  loan_id     BIGINT NOT NULL REFERENCES loans(id),
  kind        TEXT NOT NULL CHECK (kind IN ('reserved', 'approved', 'refused', 'checked_out', 'acknowledged',
                                            'extended', 'returned', 'cancelled', 'reminded', 'overdue',
                                            'escalated')),
  actor_id    BIGINT REFERENCES users(id),
  data        JSONB NOT NULL DEFAULT '{}',
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX loan_events_loan_idx ON loan_events (loan_id, id);
CREATE TRIGGER loan_events_append_only BEFORE UPDATE OR DELETE ON loan_events
  FOR EACH ROW EXECUTE FUNCTION guichet_refuse_change();

ALTER TABLE asset_events DROP CONSTRAINT asset_events_kind_check;
ALTER TABLE asset_events ADD CONSTRAINT asset_events_kind_check
  CHECK (kind IN ('created', 'updated', 'status_changed', 'moved', 'assigned', 'imported', 'request_linked',
                  'loaned', 'returned'));

-- Laptops and tablets go home with teachers for a school year at most; projectors and Chromebook
-- carts for a few weeks; the director approves laptop loans.
UPDATE asset_types SET max_loan_days = 300, loan_needs_approval = TRUE WHERE code = 'portable';
UPDATE asset_types SET max_loan_days = 300 WHERE code = 'tablette';
UPDATE asset_types SET max_loan_days = 21 WHERE code IN ('chromebook', 'projecteur');
