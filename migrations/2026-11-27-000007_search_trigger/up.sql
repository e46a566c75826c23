-- The search vector depends on the title, the description and the public comments (a comment
-- touches updated_at). Recompute it only then, not on every SLA mark or clock change.
DROP TRIGGER requests_search_refresh ON requests;
CREATE TRIGGER requests_search_refresh BEFORE INSERT OR UPDATE OF title, description, updated_at ON requests
  FOR EACH ROW EXECUTE FUNCTION requests_search_refresh();
