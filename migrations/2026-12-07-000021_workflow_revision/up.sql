-- A workflow's revision: a new random value at every change to the workflow, its states or its
-- transitions, set in the changing transaction. A server keeps the definitions it has read and
-- checks the revision (one small read) before using one again, so an edit is seen at once by
-- every instance. Random rather than counted: databases cloned from one another (a test's, a
-- restored copy) then never show the same revision for different definitions.
CREATE FUNCTION workflow_new_revision() RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT ('x' || substr(md5(gen_random_uuid()::text), 1, 16))::bit(64)::bigint
$$;

ALTER TABLE workflows ADD COLUMN revision bigint NOT NULL DEFAULT workflow_new_revision();

CREATE FUNCTION workflows_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.revision := workflow_new_revision();
  RETURN NEW;
END $$;

CREATE TRIGGER workflows_revision BEFORE UPDATE ON workflows
  FOR EACH ROW WHEN (NEW.revision = OLD.revision) EXECUTE FUNCTION workflows_bump_revision();

CREATE FUNCTION workflow_parts_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE workflows SET revision = workflow_new_revision() WHERE id = OLD.workflow_id;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.workflow_id <> OLD.workflow_id) THEN
    UPDATE workflows SET revision = workflow_new_revision() WHERE id = NEW.workflow_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER workflow_states_revision AFTER INSERT OR UPDATE OR DELETE ON workflow_states
  FOR EACH ROW EXECUTE FUNCTION workflow_parts_bump_revision();
CREATE TRIGGER workflow_transitions_revision AFTER INSERT OR UPDATE OR DELETE ON workflow_transitions
  FOR EACH ROW EXECUTE FUNCTION workflow_parts_bump_revision();
