DROP INDEX requests_dash_resolution_due_idx;
DROP INDEX requests_dash_first_due_idx;
DROP INDEX requests_dash_resolved_idx;
DROP INDEX requests_dash_created_idx;
DROP TABLE satisfaction_ratings;
ALTER TABLE requests DROP COLUMN resolve_minutes;
