DROP INDEX satisfaction_dash_idx;
ALTER TABLE satisfaction_ratings DROP COLUMN category_id, DROP COLUMN unit_id, DROP COLUMN team_id,
  DROP COLUMN domain;
