-- Dashboards: the figures of each closed day (Montréal time) per scope, so that a school year
-- is read from about 365 rows rather than counted from 200,000 requests. Only closed days are
-- kept (today is always counted live), and a day comes back to be counted again whenever a
-- request or a rating that counts in it changes: triggers mark it stale.
--
-- scope: 'b' (the whole board), 'd:<domain>', 't<team id>', 'u<unit id>'. The breakdowns of
-- the day are packed as little-endian 64-bit integers (PostgreSQL sends a bytea as it is, where
-- it converts an array element by element: a school year of the board reads ten times faster):
--   created_categories, created_units: (id, count) pairs of the requests created;
--   resolved_assignees: (user id, 0 for nobody; count) pairs of the requests resolved;
--   resolve_minutes: (business minutes to resolve, count) pairs, the histogram the
--     percentiles are read from;
--   rated: (1 team, 2 category or 3 unit; id; rating 1 to 5; count) quadruples.
-- ratings: the counts of ratings 1 to 5 given that day.
CREATE TABLE dashboard_days (
  scope               text NOT NULL,
  day                 date NOT NULL,
  created             integer NOT NULL,
  created_categories  bytea NOT NULL,
  created_units       bytea NOT NULL,
  resolved            integer NOT NULL,
  resolved_assignees  bytea NOT NULL,
  resolve_minutes     bytea NOT NULL,
  first_due           integer NOT NULL,
  first_met           integer NOT NULL,
  resolution_due      integer NOT NULL,
  resolution_met      integer NOT NULL,
  ratings             integer[] NOT NULL,
  rated               bytea NOT NULL,
  PRIMARY KEY (scope, day)
);

-- The days counted (a day without a row for a scope had nothing in that scope).
CREATE TABLE dashboard_days_done (
  day          date PRIMARY KEY,
  computed_at  timestamptz NOT NULL DEFAULT now()
);

-- Days to count again. The version grows with each change, so that counting a day only clears
-- the mark it saw (a change committed meanwhile keeps the day stale).
CREATE TABLE dashboard_days_stale (
  day      date PRIMARY KEY,
  version  bigint NOT NULL DEFAULT 1
);

-- Marks days stale; days not yet over (Montréal time) are counted live anyway.
CREATE FUNCTION dashboard_days_mark(days date[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO dashboard_days_stale AS s (day)
  SELECT DISTINCT d FROM unnest(days) AS d
   WHERE d IS NOT NULL AND d < (clock_timestamp() AT TIME ZONE 'America/Toronto')::date
   ORDER BY d
  ON CONFLICT (day) DO UPDATE SET version = s.version + 1
$$;

-- A request marks the days it counts in, before and after a change. Row triggers whose WHEN
-- lets through only what can matter: a request created now has nothing in a past day, and most
-- updates (a comment, a priority) touch no counted column — those cost nothing.
CREATE FUNCTION requests_dashboard_mark_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM dashboard_days_mark(ARRAY(
      SELECT (t AT TIME ZONE 'America/Toronto')::date
        FROM unnest(ARRAY[NEW.created_at, NEW.resolved_at, NEW.first_response_due,
                          NEW.resolution_due]) AS t));
  ELSE
    PERFORM dashboard_days_mark(ARRAY(
      SELECT (t AT TIME ZONE 'America/Toronto')::date
        FROM unnest(ARRAY[OLD.created_at, OLD.resolved_at, OLD.first_response_due,
                          OLD.resolution_due, NEW.created_at, NEW.resolved_at,
                          NEW.first_response_due, NEW.resolution_due]) AS t));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER requests_dashboard_insert AFTER INSERT ON requests FOR EACH ROW
  WHEN (LEAST(NEW.created_at, NEW.resolved_at, NEW.first_response_due, NEW.resolution_due) < now())
  EXECUTE FUNCTION requests_dashboard_mark_row();
CREATE TRIGGER requests_dashboard_update AFTER UPDATE ON requests FOR EACH ROW
  WHEN ((OLD.created_at, OLD.resolved_at, OLD.first_response_due, OLD.first_response_at,
         OLD.resolution_due, OLD.closed_at, OLD.sla_paused_since, OLD.domain, OLD.team_id,
         OLD.unit_id, OLD.category_id, OLD.assignee_id, OLD.resolve_minutes)
    IS DISTINCT FROM
        (NEW.created_at, NEW.resolved_at, NEW.first_response_due, NEW.first_response_at,
         NEW.resolution_due, NEW.closed_at, NEW.sla_paused_since, NEW.domain, NEW.team_id,
         NEW.unit_id, NEW.category_id, NEW.assignee_id, NEW.resolve_minutes))
  EXECUTE FUNCTION requests_dashboard_mark_row();

-- Deletions come in bulk (retention): one statement, one mark.
CREATE FUNCTION requests_dashboard_mark_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dashboard_days_mark(ARRAY(
    SELECT (t AT TIME ZONE 'America/Toronto')::date FROM old_rows o,
      unnest(ARRAY[o.created_at, o.resolved_at, o.first_response_due, o.resolution_due]) AS t));
  RETURN NULL;
END $$;

CREATE TRIGGER requests_dashboard_delete AFTER DELETE ON requests
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION requests_dashboard_mark_deleted();

CREATE FUNCTION ratings_dashboard_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM dashboard_days_mark(ARRAY(
      SELECT (n.created_at AT TIME ZONE 'America/Toronto')::date FROM new_rows n));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM dashboard_days_mark(ARRAY(
      SELECT (o.created_at AT TIME ZONE 'America/Toronto')::date FROM old_rows o));
  ELSE
    PERFORM dashboard_days_mark(ARRAY(
      SELECT (t AT TIME ZONE 'America/Toronto')::date
        FROM old_rows o JOIN new_rows n ON n.request_id = o.request_id,
        unnest(ARRAY[o.created_at, n.created_at]) AS t
       WHERE (o.created_at, o.rating, o.domain, o.team_id, o.unit_id, o.category_id)
          IS DISTINCT FROM (n.created_at, n.rating, n.domain, n.team_id, n.unit_id, n.category_id)));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER ratings_dashboard_insert AFTER INSERT ON satisfaction_ratings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ratings_dashboard_mark();
CREATE TRIGGER ratings_dashboard_update AFTER UPDATE ON satisfaction_ratings
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ratings_dashboard_mark();
CREATE TRIGGER ratings_dashboard_delete AFTER DELETE ON satisfaction_ratings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ratings_dashboard_mark();
