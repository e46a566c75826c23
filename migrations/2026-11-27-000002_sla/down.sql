DROP TABLE IF EXISTS sla_clock_events;
ALTER TABLE requests
  DROP COLUMN IF EXISTS resolution_breached_at,
  DROP COLUMN IF EXISTS first_response_breached_at,
  DROP COLUMN IF EXISTS resolution_warned_at,
  DROP COLUMN IF EXISTS first_response_warned_at,
  DROP COLUMN IF EXISTS resolution_warn_at,
  DROP COLUMN IF EXISTS first_response_warn_at,
  DROP COLUMN IF EXISTS sla_paused_minutes,
  DROP COLUMN IF EXISTS sla_paused_since,
  DROP COLUMN IF EXISTS resolution_due,
  DROP COLUMN IF EXISTS first_response_due,
  DROP COLUMN IF EXISTS sla_policy_id;
ALTER TABLE categories DROP COLUMN IF EXISTS sla_policy_id;
DROP TABLE IF EXISTS sla_policies;
DROP TABLE IF EXISTS sla_calendars;
