SELECT coalesce(jsonb_agg(to_jsonb(e) || jsonb_build_object('request', r.number) ORDER BY e.id), '[]')
   FROM request_events e JOIN requests r ON r.id = e.request_id WHERE e.actor_id = $1
