-- The demo's history, step 2 (after the SLA code computed the due dates again): the timelines,
-- clocks and approvals moved with their requests, resolutions spread, clocks past due marked.

-- The timelines are append-only; the demo's loader alone moves them, in its transaction.
ALTER TABLE request_events DISABLE TRIGGER request_events_append_only;
ALTER TABLE sla_clock_events DISABLE TRIGGER sla_clock_events_append_only;
UPDATE request_events e SET created_at = e.created_at - s.d FROM demo_shift s WHERE s.id = e.request_id;
UPDATE sla_clock_events e SET at = e.at - s.d, due = e.due - s.d, created_at = e.created_at - s.d
         FROM demo_shift s WHERE s.id = e.request_id;

-- The clocks' start events carry the due dates computed again.
UPDATE sla_clock_events e SET due = CASE e.clock WHEN 'first_response' THEN r.first_response_due
                                                   ELSE r.resolution_due END
         FROM requests r WHERE r.id = e.request_id AND e.kind = 'started';
ALTER TABLE request_events ENABLE TRIGGER request_events_append_only;
ALTER TABLE sla_clock_events ENABLE TRIGGER sla_clock_events_append_only;
UPDATE request_approvals a SET created_at = a.created_at - s.d, decided_at = a.decided_at - s.d
         FROM demo_shift s WHERE s.id = a.request_id;

-- Resolution from 1 to 40 hours after submission (and closure two days later).
UPDATE requests SET resolved_at = created_at + make_interval(hours => (1 + (number * 13) % 40)::int),
           closed_at = CASE WHEN closed_at IS NOT NULL
             THEN LEAST(created_at + make_interval(hours => (49 + (number * 13) % 40)::int), now()) END,
           first_response_at = COALESCE(first_response_at, created_at + interval '30 minutes'),
           resolve_minutes = NULL
         WHERE resolved_at IS NOT NULL;
UPDATE requests SET sla_paused_since = resolved_at WHERE status_kind = 'resolved';
UPDATE requests SET first_response_breached_at = first_response_due
         WHERE first_response_due < now() AND first_response_at IS NULL AND closed_at IS NULL
           AND first_response_breached_at IS NULL;
UPDATE requests SET resolution_breached_at = resolution_due
         WHERE resolution_due < now() AND resolved_at IS NULL AND closed_at IS NULL
           AND sla_paused_since IS NULL AND resolution_breached_at IS NULL;
UPDATE requests SET first_response_warned_at = COALESCE(first_response_warned_at, first_response_warn_at)
         WHERE first_response_warn_at < now() AND first_response_at IS NULL;
UPDATE requests SET resolution_warned_at = COALESCE(resolution_warned_at, resolution_warn_at)
         WHERE resolution_warn_at < now() AND resolved_at IS NULL;
