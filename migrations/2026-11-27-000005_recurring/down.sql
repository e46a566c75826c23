DROP TABLE IF EXISTS recurring_runs;
DROP TABLE IF EXISTS recurring_requests;
ALTER TABLE requests DROP CONSTRAINT requests_source_check;
UPDATE requests SET source = 'web' WHERE source = 'schedule';
ALTER TABLE requests ADD CONSTRAINT requests_source_check
  CHECK (source IN ('web', 'email', 'api'));
