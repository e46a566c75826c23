SELECT coalesce(jsonb_agg(to_jsonb(m) - 'content_hash' ORDER BY m.id), '[]')
   FROM inbound_messages m WHERE m.user_id = $1
