DROP TRIGGER requests_search_refresh ON requests;
CREATE TRIGGER requests_search_refresh BEFORE INSERT OR UPDATE ON requests
  FOR EACH ROW EXECUTE FUNCTION requests_search_refresh();
