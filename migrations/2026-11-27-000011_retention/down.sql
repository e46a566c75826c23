DROP TRIGGER request_events_append_only ON request_events;
CREATE TRIGGER request_events_append_only BEFORE UPDATE OR DELETE ON request_events
  FOR EACH ROW EXECUTE FUNCTION guichet_refuse_change();
DROP FUNCTION request_events_guard();
-- The « Personne anonymisée » account stays: anonymized requests belong to it and must not go back
-- to anyone.
DROP TABLE retention_runs;
DROP INDEX attachments_kept_idx;
DROP INDEX requests_retention_idx;
ALTER TABLE attachments DROP COLUMN purged_at;
ALTER TABLE requests DROP COLUMN anonymized_at;
DROP TABLE retention_policies;
