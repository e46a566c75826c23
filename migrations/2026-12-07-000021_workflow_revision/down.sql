DROP TRIGGER workflow_transitions_revision ON workflow_transitions;
DROP TRIGGER workflow_states_revision ON workflow_states;
DROP FUNCTION workflow_parts_bump_revision();
DROP TRIGGER workflows_revision ON workflows;
DROP FUNCTION workflows_bump_revision();
ALTER TABLE workflows DROP COLUMN revision;
DROP FUNCTION workflow_new_revision();
