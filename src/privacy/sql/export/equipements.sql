SELECT coalesce(jsonb_agg(jsonb_build_object('tag', s.tag, 'serial', s.serial, 'maker', m.maker,
          'model', m.name, 'status', s.status, 'assigned_since', s.updated_at) ORDER BY s.tag), '[]')
   FROM assets s JOIN asset_models m ON m.id = s.model_id WHERE s.assigned_to = $1
