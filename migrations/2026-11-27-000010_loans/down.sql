ALTER TABLE asset_events DISABLE TRIGGER asset_events_append_only;
DELETE FROM asset_events WHERE kind IN ('loaned', 'returned');
ALTER TABLE asset_events ENABLE TRIGGER asset_events_append_only;
ALTER TABLE asset_events DROP CONSTRAINT asset_events_kind_check;
ALTER TABLE asset_events ADD CONSTRAINT asset_events_kind_check
  CHECK (kind IN ('created', 'updated', 'status_changed', 'moved', 'assigned', 'imported', 'request_linked'));
DROP TRIGGER loan_events_append_only ON loan_events;
DROP TABLE loan_events;
DROP TABLE loan_items;
DROP TABLE loans;
DROP INDEX assets_loanable_idx;
ALTER TABLE assets DROP COLUMN loanable;
ALTER TABLE asset_types DROP COLUMN loan_needs_approval, DROP COLUMN max_loan_days;
