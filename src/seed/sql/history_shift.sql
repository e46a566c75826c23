-- The demo's history, step 1: each request's offset (up to 20 days back for open requests, 140
-- for the others), then every instant of the request moved back by it.
CREATE TEMP TABLE demo_shift ON COMMIT DROP AS
SELECT id,
       CASE WHEN status_kind IN ('new','open','pending','approval')
            THEN make_interval(days => (number % 20)::int, hours => (number % 7)::int)
            ELSE make_interval(days => (5 + (number * 37) % 135)::int, hours => (number % 9)::int) END AS d
  FROM requests;

UPDATE requests r SET created_at = created_at - s.d, updated_at = updated_at - s.d,
       first_response_at = first_response_at - s.d, resolved_at = resolved_at - s.d,
       closed_at = closed_at - s.d, first_response_due = first_response_due - s.d,
       resolution_due = resolution_due - s.d, sla_paused_since = sla_paused_since - s.d,
       first_response_warn_at = first_response_warn_at - s.d, resolution_warn_at = resolution_warn_at - s.d,
       first_response_warned_at = first_response_warned_at - s.d,
       resolution_warned_at = resolution_warned_at - s.d,
       first_response_breached_at = first_response_breached_at - s.d,
       resolution_breached_at = resolution_breached_at - s.d
  FROM demo_shift s WHERE s.id = r.id;
