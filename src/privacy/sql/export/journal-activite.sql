SELECT coalesce(jsonb_agg(jsonb_build_object('at', a.created_at, 'action', a.action,
          'entity', a.entity, 'entity_id', a.entity_id, 'ip', a.ip) ORDER BY a.id), '[]')
   FROM (SELECT * FROM audit_log WHERE actor_id = $1 ORDER BY id DESC LIMIT 50000) a
