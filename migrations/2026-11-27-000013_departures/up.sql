-- Employee departures and moves (the board's IT-use practice, annex 9): the decision matrix of what
-- happens to each digital access per situation, editable by admins; a request for a departure
-- generates one task per access to withdraw or delete, each with its due date, as child requests.
ALTER TABLE requests ADD COLUMN parent_id BIGINT REFERENCES requests (id);
ALTER TABLE requests ADD COLUMN due_on DATE;
CREATE INDEX requests_parent_idx ON requests (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE departure_rules (
  id        BIGSERIAL PRIMARY KEY,
  resource  TEXT NOT NULL UNIQUE CHECK (resource ~ '^[a-z0-9_]{2,60}$'),
  phase     TEXT NOT NULL CHECK (phase IN ('withdraw', 'delete')),
  label_fr  TEXT NOT NULL,
  label_en  TEXT NOT NULL,
  position  INT NOT NULL DEFAULT 0,
  -- One cell per situation: keep | none | now | after_30d | after_13m | after_36m, optionally
  -- followed by « ; now for RH RF TI » (those applications and folders, immediately).
  mutation                 TEXT NOT NULL,
  extended_leave           TEXT NOT NULL,
  resignation              TEXT NOT NULL,
  retirement               TEXT NOT NULL,
  suspension_over_30_days  TEXT NOT NULL,
  dismissal                TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (mutation ~ '^(keep|none|now|after_30d|after_13m|after_36m)(; now for [A-Z ]+)?$'
     AND extended_leave ~ '^(keep|none|now|after_30d|after_13m|after_36m)(; now for [A-Z ]+)?$'
     AND resignation ~ '^(keep|none|now|after_30d|after_13m|after_36m)(; now for [A-Z ]+)?$'
     AND retirement ~ '^(keep|none|now|after_30d|after_13m|after_36m)(; now for [A-Z ]+)?$'
     AND suspension_over_30_days ~ '^(keep|none|now|after_30d|after_13m|after_36m)(; now for [A-Z ]+)?$'
     AND dismissal ~ '^(keep|none|now|after_30d|after_13m|after_36m)(; now for [A-Z ]+)?$')
);
-- The seeded matrix: ../shared/departure-matrix.csv.
INSERT INTO departure_rules (resource, phase, label_fr, label_en, position, mutation, extended_leave, resignation, retirement, suspension_over_30_days, dismissal) VALUES
  ('network_and_desktop_access', 'withdraw', 'Accès au réseau et au poste de travail', 'Network and desktop access', 1, 'keep', 'keep', 'after_30d', 'after_30d', 'now', 'now'),
  ('personal_drive_access', 'withdraw', 'Accès au lecteur personnel', 'Personal drive access', 2, 'keep', 'keep', 'after_30d', 'after_30d', 'now', 'now'),
  ('mailbox_access', 'withdraw', 'Accès à la boîte aux lettres', 'Mailbox access', 3, 'keep', 'keep', 'after_30d', 'after_13m', 'now', 'now'),
  ('shared_folders_and_corporate_apps_access', 'withdraw', 'Accès aux dossiers partagés et aux applications de l''organisation', 'Shared folders and corporate applications access', 4, 'after_30d; now for RH RF TI', 'after_30d; now for RH RF TI', 'after_30d; now for RH RF TI', 'after_30d; now for RH RF TI', 'now', 'now'),
  ('network_account', 'delete', 'Compte réseau', 'Network account', 5, 'none', 'none', 'after_13m', 'after_13m', 'none', 'after_36m'),
  ('personal_drive', 'delete', 'Lecteur personnel', 'Personal drive', 6, 'none', 'none', 'after_13m', 'after_13m', 'none', 'after_36m'),
  ('mailbox', 'delete', 'Boîte aux lettres', 'Mailbox', 7, 'none', 'none', 'after_13m', 'after_13m', 'none', 'after_36m'),
  ('corporate_app_accounts', 'delete', 'Comptes dans les applications de l''organisation', 'Corporate application accounts', 8, 'after_13m', 'none', 'after_13m', 'after_13m', 'none', 'after_13m'),
  ('finance_and_payroll_rights', 'withdraw', 'Droits aux applications de finances et de paie', 'Finance and payroll rights', 9, 'now', 'now', 'now', 'now', 'now', 'now');

-- What a departure does to the person's own Guichet account, on its day (a daily job applies it).
CREATE TABLE account_actions (
  id          BIGSERIAL PRIMARY KEY,
  user_id     BIGINT NOT NULL REFERENCES users (id),
  request_id  BIGINT NOT NULL REFERENCES requests (id),
  action      TEXT NOT NULL CHECK (action IN ('deactivate', 'remove_roles')),
  due_on      DATE NOT NULL,
  done_at     TIMESTAMPTZ
);
CREATE INDEX account_actions_due_idx ON account_actions (due_on) WHERE done_at IS NULL;

-- The request HR or a unit director files, and the tasks it generates (not offered in the catalog).
INSERT INTO categories (code, domain, name_fr, name_en, description_fr, description_en, form, position, workflow_id, confidential)
SELECT 'rh-depart', 'ti', 'Départ ou mutation d''un employé', 'Employee departure or move',
  'Pour les ressources humaines et les directions d''unité : les accès de l''employé sont retirés ou supprimés selon la matrice de décision, chacun à sa date.',
  'For human resources and unit directors: the employee''s accesses are withdrawn or deleted according to the decision matrix, each on its date.',
  '{"fields": [
    {"key": "employe", "label_fr": "Adresse courriel de l''employé", "label_en": "Employee''s email address", "type": "text", "required": true},
    {"key": "nom_employe", "label_fr": "Nom de l''employé", "label_en": "Employee''s name", "type": "text", "required": true},
    {"key": "situation", "label_fr": "Situation", "label_en": "Situation", "type": "select", "required": true, "options": [
      {"value": "mutation", "label_fr": "Mutation", "label_en": "Move to another unit"},
      {"value": "extended_leave", "label_fr": "Congé prolongé", "label_en": "Extended leave"},
      {"value": "resignation", "label_fr": "Démission", "label_en": "Resignation"},
      {"value": "retirement", "label_fr": "Retraite", "label_en": "Retirement"},
      {"value": "suspension_over_30_days", "label_fr": "Suspension de plus de 30 jours", "label_en": "Suspension of more than 30 days"},
      {"value": "dismissal", "label_fr": "Congédiement", "label_en": "Dismissal"}]},
    {"key": "date_effective", "label_fr": "Date effective", "label_en": "Effective date", "type": "date", "required": true},
    {"key": "exceptions", "label_fr": "Exceptions signées par la direction (le cas échéant)", "label_en": "Exceptions signed by the director (if any)", "type": "long_text", "required": false}
  ]}'::jsonb, 80, w.id, TRUE
FROM workflows w WHERE w.code = 'standard'
ON CONFLICT (code) DO NOTHING;
INSERT INTO categories (code, domain, name_fr, name_en, description_fr, description_en, position, workflow_id, confidential, active)
SELECT 'rh-depart-tache', 'ti', 'Tâche de départ ou de mutation', 'Departure or move task',
  'Créée par une demande de départ ou de mutation : un accès à retirer ou à supprimer à une date.',
  'Created by a departure or move request: one access to withdraw or delete on a date.',
  81, w.id, TRUE, FALSE
FROM workflows w WHERE w.code = 'standard'
ON CONFLICT (code) DO NOTHING;
