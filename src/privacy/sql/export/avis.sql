SELECT coalesce(jsonb_agg(to_jsonb(s) || jsonb_build_object('request', r.number) ORDER BY s.request_id), '[]')
   FROM satisfaction_ratings s JOIN requests r ON r.id = s.request_id WHERE s.rated_by = $1
