SELECT coalesce(jsonb_agg(jsonb_build_object('at', a.created_at, 'action', a.action,
          'by', coalesce(u.email, ''), 'ip', a.ip, 'data', a.data) ORDER BY a.id), '[]')
   FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
  WHERE a.entity = 'user' AND a.entity_id = $1::text
