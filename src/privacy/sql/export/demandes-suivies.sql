SELECT coalesce(jsonb_agg(r.number ORDER BY r.number), '[]')
   FROM request_watchers w JOIN requests r ON r.id = w.request_id WHERE w.user_id = $1
