-- Configurable workflows (states and transitions), approval rules on categories, named groups,
-- the approvals of each request, and automation rules.

CREATE TABLE workflows (
  id              BIGSERIAL PRIMARY KEY,
  code            TEXT NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,39}$'),
  name_fr         TEXT NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 200),
  name_en         TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  description_fr  TEXT NOT NULL DEFAULT '',
  description_en  TEXT NOT NULL DEFAULT '',
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE workflow_states (
  id          BIGSERIAL PRIMARY KEY,
  workflow_id BIGINT NOT NULL REFERENCES workflows(id),
  code        TEXT NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  label_fr    TEXT NOT NULL CHECK (length(label_fr) BETWEEN 1 AND 100),
  label_en    TEXT NOT NULL CHECK (length(label_en) BETWEEN 1 AND 100),
  kind        TEXT NOT NULL CHECK (kind IN ('new', 'open', 'pending', 'approval', 'resolved', 'closed', 'cancelled')),
  position    INT NOT NULL DEFAULT 0,
  UNIQUE (workflow_id, code)
);

-- Roles: 'requester' (the person who asked), 'unit_manager' (the director of the requesting unit),
-- 'technician' (the staff of the request's domain), 'service_manager'. A transition with
-- on_approval is taken by the approval itself, never offered as a button.
CREATE TABLE workflow_transitions (
  id            BIGSERIAL PRIMARY KEY,
  workflow_id   BIGINT NOT NULL REFERENCES workflows(id),
  from_state    TEXT NOT NULL,
  to_state      TEXT NOT NULL,
  roles         TEXT[] NOT NULL DEFAULT '{}'
                CHECK (roles <@ ARRAY['requester', 'unit_manager', 'technician', 'service_manager']::TEXT[]),
  note_required BOOLEAN NOT NULL DEFAULT FALSE,
  on_approval   BOOLEAN NOT NULL DEFAULT FALSE,
  position      INT NOT NULL DEFAULT 0,
  CHECK (from_state <> to_state),
  UNIQUE (workflow_id, from_state, to_state),
  FOREIGN KEY (workflow_id, from_state) REFERENCES workflow_states (workflow_id, code) ON DELETE CASCADE,
  FOREIGN KEY (workflow_id, to_state) REFERENCES workflow_states (workflow_id, code) ON DELETE CASCADE
);

-- Named groups: approvers (Direction générale) and, later, readers of confidential categories.
CREATE TABLE user_groups (
  id         BIGSERIAL PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,39}$'),
  name_fr    TEXT NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 200),
  name_en    TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE user_group_members (
  group_id BIGINT NOT NULL REFERENCES user_groups(id),
  user_id  BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX user_group_members_user_idx ON user_group_members (user_id);

INSERT INTO user_groups (code, name_fr, name_en) VALUES
  ('direction-generale', 'Direction générale', 'Office of the Director General');

-- The seeded workflows.
INSERT INTO workflows (code, name_fr, name_en, description_fr, description_en) VALUES
  ('standard', 'Standard', 'Standard',
   'Nouvelle, en traitement, en attente du demandeur, résolue, fermée.',
   'New, in progress, waiting for the requester, resolved, closed.'),
  ('achat-approbation', 'Achat avec approbation', 'Purchase with approval',
   'La direction d''unité approuve l''achat avant que le travail commence.',
   'The unit director approves the purchase before work starts.'),
  ('transport', 'Transport', 'Transportation',
   'Approbation de la direction, puis le service du transport confirme le transporteur.',
   'Director approval, then the transportation service confirms the carrier.'),
  ('acces-rp', 'Accès à des renseignements personnels', 'Access to personal information',
   'Approbation par la Direction générale; catégorie confidentielle.',
   'Approval by the Office of the Director General; confidential category.');

INSERT INTO workflow_states (workflow_id, code, label_fr, label_en, kind, position)
SELECT w.id, s.code, s.label_fr, s.label_en, s.kind, s.position
  FROM workflows w
  JOIN (VALUES
    ('standard', 'new', 'Nouvelle', 'New', 'new', 1),
    ('standard', 'in_progress', 'En traitement', 'In progress', 'open', 2),
    ('standard', 'waiting_requester', 'En attente du demandeur', 'Waiting for requester', 'pending', 3),
    ('standard', 'resolved', 'Résolue', 'Resolved', 'resolved', 4),
    ('standard', 'closed', 'Fermée', 'Closed', 'closed', 5),
    ('standard', 'cancelled', 'Annulée', 'Cancelled', 'cancelled', 6),
    ('achat-approbation', 'awaiting_approval', 'En attente d''approbation', 'Pending approval', 'approval', 1),
    ('achat-approbation', 'new', 'Nouvelle', 'New', 'new', 2),
    ('achat-approbation', 'in_progress', 'En traitement', 'In progress', 'open', 3),
    ('achat-approbation', 'waiting_supplier', 'En attente d''un fournisseur', 'Waiting for supplier', 'pending', 4),
    ('achat-approbation', 'waiting_requester', 'En attente du demandeur', 'Waiting for requester', 'pending', 5),
    ('achat-approbation', 'resolved', 'Résolue', 'Resolved', 'resolved', 6),
    ('achat-approbation', 'closed', 'Fermée', 'Closed', 'closed', 7),
    ('achat-approbation', 'cancelled', 'Annulée', 'Cancelled', 'cancelled', 8),
    ('transport', 'awaiting_approval', 'En attente d''approbation', 'Pending approval', 'approval', 1),
    ('transport', 'new', 'Transporteur à confirmer', 'Carrier to confirm', 'new', 2),
    ('transport', 'carrier_confirmed', 'Transporteur confirmé', 'Carrier confirmed', 'open', 3),
    ('transport', 'waiting_requester', 'En attente du demandeur', 'Waiting for requester', 'pending', 4),
    ('transport', 'resolved', 'Effectuée', 'Done', 'resolved', 5),
    ('transport', 'closed', 'Fermée', 'Closed', 'closed', 6),
    ('transport', 'cancelled', 'Annulée', 'Cancelled', 'cancelled', 7),
    ('acces-rp', 'awaiting_approval', 'En attente d''approbation', 'Pending approval', 'approval', 1),
    ('acces-rp', 'new', 'Nouvelle', 'New', 'new', 2),
    ('acces-rp', 'in_progress', 'En traitement', 'In progress', 'open', 3),
    ('acces-rp', 'resolved', 'Accès accordé', 'Access granted', 'resolved', 4),
    ('acces-rp', 'closed', 'Fermée', 'Closed', 'closed', 5),
    ('acces-rp', 'cancelled', 'Annulée', 'Cancelled', 'cancelled', 6)
  ) AS s(workflow, code, label_fr, label_en, kind, position) ON s.workflow = w.code;

INSERT INTO workflow_transitions (workflow_id, from_state, to_state, roles, note_required, on_approval, position)
SELECT w.id, t.from_state, t.to_state, t.roles::TEXT[], t.note_required, t.on_approval, t.position
  FROM workflows w
  JOIN (VALUES
    ('standard', 'new', 'in_progress', '{technician,service_manager}', FALSE, FALSE, 1),
    ('standard', 'new', 'waiting_requester', '{technician,service_manager}', TRUE, FALSE, 2),
    ('standard', 'new', 'resolved', '{technician,service_manager}', TRUE, FALSE, 3),
    ('standard', 'new', 'cancelled', '{requester,unit_manager,technician,service_manager}', TRUE, FALSE, 4),
    ('standard', 'in_progress', 'waiting_requester', '{technician,service_manager}', TRUE, FALSE, 5),
    ('standard', 'in_progress', 'resolved', '{technician,service_manager}', TRUE, FALSE, 6),
    ('standard', 'in_progress', 'cancelled', '{requester,unit_manager,technician,service_manager}', TRUE, FALSE, 7),
    ('standard', 'waiting_requester', 'in_progress', '{requester,unit_manager,technician,service_manager}', FALSE, FALSE, 8),
    ('standard', 'waiting_requester', 'resolved', '{technician,service_manager}', TRUE, FALSE, 9),
    ('standard', 'waiting_requester', 'cancelled', '{requester,unit_manager,technician,service_manager}', TRUE, FALSE, 10),
    ('standard', 'resolved', 'closed', '{requester,unit_manager,technician,service_manager}', FALSE, FALSE, 11),
    ('standard', 'resolved', 'in_progress', '{requester,unit_manager,technician,service_manager}', TRUE, FALSE, 12),

    ('achat-approbation', 'awaiting_approval', 'new', '{}', FALSE, TRUE, 1),
    ('achat-approbation', 'awaiting_approval', 'cancelled', '{requester,unit_manager}', TRUE, FALSE, 2),
    ('achat-approbation', 'new', 'in_progress', '{technician,service_manager}', FALSE, FALSE, 3),
    ('achat-approbation', 'new', 'cancelled', '{requester,unit_manager,technician,service_manager}', TRUE, FALSE, 4),
    ('achat-approbation', 'in_progress', 'waiting_supplier', '{technician,service_manager}', TRUE, FALSE, 5),
    ('achat-approbation', 'in_progress', 'waiting_requester', '{technician,service_manager}', TRUE, FALSE, 6),
    ('achat-approbation', 'in_progress', 'resolved', '{technician,service_manager}', TRUE, FALSE, 7),
    ('achat-approbation', 'in_progress', 'cancelled', '{requester,unit_manager,technician,service_manager}', TRUE, FALSE, 8),
    ('achat-approbation', 'waiting_supplier', 'in_progress', '{technician,service_manager}', FALSE, FALSE, 9),
    ('achat-approbation', 'waiting_supplier', 'resolved', '{technician,service_manager}', TRUE, FALSE, 10),
    ('achat-approbation', 'waiting_requester', 'in_progress', '{requester,unit_manager,technician,service_manager}', FALSE, FALSE, 11),
    ('achat-approbation', 'waiting_requester', 'cancelled', '{requester,unit_manager,technician,service_manager}', TRUE, FALSE, 12),
    ('achat-approbation', 'resolved', 'closed', '{requester,unit_manager,technician,service_manager}', FALSE, FALSE, 13),
    ('achat-approbation', 'resolved', 'in_progress', '{requester,unit_manager,technician,service_manager}', TRUE, FALSE, 14),

    ('transport', 'awaiting_approval', 'new', '{}', FALSE, TRUE, 1),
    ('transport', 'awaiting_approval', 'cancelled', '{requester,unit_manager}', TRUE, FALSE, 2),
    ('transport', 'new', 'carrier_confirmed', '{technician,service_manager}', TRUE, FALSE, 3),
    ('transport', 'new', 'waiting_requester', '{technician,service_manager}', TRUE, FALSE, 4),
    ('transport', 'new', 'cancelled', '{requester,unit_manager,technician,service_manager}', TRUE, FALSE, 5),
    ('transport', 'waiting_requester', 'new', '{requester,unit_manager,technician,service_manager}', FALSE, FALSE, 6),
    ('transport', 'carrier_confirmed', 'resolved', '{technician,service_manager}', TRUE, FALSE, 7),
    ('transport', 'carrier_confirmed', 'cancelled', '{requester,unit_manager,technician,service_manager}', TRUE, FALSE, 8),
    ('transport', 'resolved', 'closed', '{requester,unit_manager,technician,service_manager}', FALSE, FALSE, 9),

    ('acces-rp', 'awaiting_approval', 'new', '{}', FALSE, TRUE, 1),
    ('acces-rp', 'awaiting_approval', 'cancelled', '{requester}', TRUE, FALSE, 2),
    ('acces-rp', 'new', 'in_progress', '{technician,service_manager}', FALSE, FALSE, 3),
    ('acces-rp', 'new', 'cancelled', '{requester,technician,service_manager}', TRUE, FALSE, 4),
    ('acces-rp', 'in_progress', 'resolved', '{technician,service_manager}', TRUE, FALSE, 5),
    ('acces-rp', 'in_progress', 'cancelled', '{requester,technician,service_manager}', TRUE, FALSE, 6),
    ('acces-rp', 'resolved', 'closed', '{requester,technician,service_manager}', FALSE, FALSE, 7),
    ('acces-rp', 'resolved', 'in_progress', '{requester,technician,service_manager}', TRUE, FALSE, 8)
  ) AS t(workflow, from_state, to_state, roles, note_required, on_approval, position) ON t.workflow = w.code;

-- Categories choose a workflow (« Standard » by default), an approval rule and confidentiality.
ALTER TABLE categories
  ADD COLUMN workflow_id BIGINT REFERENCES workflows(id),
  ADD COLUMN approval TEXT NOT NULL DEFAULT 'none'
    CHECK (approval IN ('none', 'director', 'group', 'director_then_group')),
  ADD COLUMN approval_group_id BIGINT REFERENCES user_groups(id),
  -- Approval only when this number field of the form exceeds the threshold (e.g. cost > 500 $).
  ADD COLUMN approval_field TEXT,
  ADD COLUMN approval_threshold DOUBLE PRECISION,
  ADD COLUMN confidential BOOLEAN NOT NULL DEFAULT FALSE,
  ADD CONSTRAINT categories_approval_group_check
    CHECK (approval NOT IN ('group', 'director_then_group') OR approval_group_id IS NOT NULL),
  ADD CONSTRAINT categories_approval_threshold_check
    CHECK ((approval_field IS NULL) = (approval_threshold IS NULL));
UPDATE categories SET workflow_id = (SELECT id FROM workflows WHERE code = 'standard');
ALTER TABLE categories ALTER COLUMN workflow_id SET NOT NULL;

-- A request keeps the workflow it started in; its status must be a state of that workflow, so a
-- state with requests in it cannot be removed. status_kind is the state's kind, kept with it.
ALTER TABLE requests
  ADD COLUMN workflow_id BIGINT REFERENCES workflows(id),
  ADD COLUMN status_kind TEXT;
UPDATE requests SET workflow_id = (SELECT id FROM workflows WHERE code = 'standard'),
  status_kind = CASE status WHEN 'in_progress' THEN 'open' WHEN 'waiting_requester' THEN 'pending' ELSE status END;
ALTER TABLE requests
  ALTER COLUMN workflow_id SET NOT NULL,
  ALTER COLUMN status_kind SET NOT NULL,
  ADD CONSTRAINT requests_status_kind_check
    CHECK (status_kind IN ('new', 'open', 'pending', 'approval', 'resolved', 'closed', 'cancelled')),
  ADD CONSTRAINT requests_state_fkey FOREIGN KEY (workflow_id, status)
    REFERENCES workflow_states (workflow_id, code) ON UPDATE CASCADE;
CREATE INDEX requests_status_kind_idx ON requests (status_kind, created_at DESC, id DESC);

-- Each approval step of a request: the unit's director or a named group. Steps run in order;
-- the later ones wait until the earlier are approved.
CREATE TABLE request_approvals (
  id          BIGSERIAL PRIMARY KEY,
  request_id  BIGINT NOT NULL REFERENCES requests(id),
  step        SMALLINT NOT NULL CHECK (step >= 1),
  approver    TEXT NOT NULL CHECK (approver IN ('director', 'group')),
  unit_id     BIGINT REFERENCES units(id),
  group_id    BIGINT REFERENCES user_groups(id),
  status      TEXT NOT NULL CHECK (status IN ('waiting', 'pending', 'approved', 'refused', 'withdrawn')),
  decided_by  BIGINT REFERENCES users(id),
  decided_at  TIMESTAMPTZ,
  comment     TEXT NOT NULL DEFAULT '',
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((approver = 'director') = (unit_id IS NOT NULL)),
  CHECK ((approver = 'group') = (group_id IS NOT NULL))
);
CREATE INDEX request_approvals_request_idx ON request_approvals (request_id, step);
CREATE INDEX request_approvals_pending_unit_idx ON request_approvals (unit_id) WHERE status = 'pending';
CREATE INDEX request_approvals_pending_group_idx ON request_approvals (group_id) WHERE status = 'pending';

-- Automation rules: on which events, under which conditions, which actions (JSON, checked by
-- the application), in order of position.
CREATE TABLE automation_rules (
  id          BIGSERIAL PRIMARY KEY,
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  events      TEXT[] NOT NULL
              CHECK (cardinality(events) > 0 AND events <@ ARRAY['created', 'status_changed', 'comment_added', 'field_changed']::TEXT[]),
  conditions  JSONB NOT NULL DEFAULT '{}',
  actions     JSONB NOT NULL DEFAULT '{}',
  position    INT NOT NULL DEFAULT 0,
  active      BOOLEAN NOT NULL DEFAULT TRUE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE request_events DROP CONSTRAINT request_events_kind_check;
ALTER TABLE request_events ADD CONSTRAINT request_events_kind_check
  CHECK (kind IN ('created', 'comment', 'internal_note', 'status_changed', 'assigned', 'field_changed',
                  'attachment_added', 'sla_warning', 'sla_breach',
                  'approval_requested', 'approved', 'refused', 'automation'));
