ALTER TABLE request_events DROP CONSTRAINT request_events_kind_check;
ALTER TABLE request_events DISABLE TRIGGER request_events_append_only;
DELETE FROM request_events WHERE kind IN ('approval_requested', 'approved', 'refused', 'automation');
ALTER TABLE request_events ENABLE TRIGGER request_events_append_only;
ALTER TABLE request_events ADD CONSTRAINT request_events_kind_check
  CHECK (kind IN ('created', 'comment', 'internal_note', 'status_changed', 'assigned', 'field_changed',
                  'attachment_added', 'sla_warning', 'sla_breach'));
DROP TABLE IF EXISTS automation_rules;
DROP TABLE IF EXISTS request_approvals;
ALTER TABLE requests DROP CONSTRAINT IF EXISTS requests_state_fkey;
DROP INDEX IF EXISTS requests_status_kind_idx;
ALTER TABLE requests DROP COLUMN IF EXISTS status_kind, DROP COLUMN IF EXISTS workflow_id;
ALTER TABLE categories
  DROP COLUMN IF EXISTS confidential,
  DROP COLUMN IF EXISTS approval_threshold,
  DROP COLUMN IF EXISTS approval_field,
  DROP COLUMN IF EXISTS approval_group_id,
  DROP COLUMN IF EXISTS approval,
  DROP COLUMN IF EXISTS workflow_id;
DROP TABLE IF EXISTS workflow_transitions;
DROP TABLE IF EXISTS workflow_states;
DROP TABLE IF EXISTS workflows;
DROP TABLE IF EXISTS user_group_members;
DROP TABLE IF EXISTS user_groups;
