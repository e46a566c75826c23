-- A rating keeps the domain, team, unit and category of its request as they were when it was
-- given (the team that handled it is the one rated), so that the dashboards count ratings from
-- one covering index without visiting the requests.
ALTER TABLE satisfaction_ratings
  ADD COLUMN domain text,
  ADD COLUMN team_id bigint REFERENCES teams (id) ON DELETE SET NULL,
  ADD COLUMN unit_id bigint REFERENCES units (id) ON DELETE SET NULL,
  ADD COLUMN category_id bigint REFERENCES categories (id) ON DELETE SET NULL;
UPDATE satisfaction_ratings s
   SET domain = r.domain, team_id = r.team_id, unit_id = r.unit_id, category_id = r.category_id
  FROM requests r WHERE r.id = s.request_id;
CREATE INDEX satisfaction_dash_idx ON satisfaction_ratings (created_at)
  INCLUDE (rating, domain, team_id, unit_id, category_id);
