SELECT coalesce(jsonb_agg(to_jsonb(r) - 'search' || jsonb_build_object('category', c.code, 'unit', n.code)
                           ORDER BY r.number), '[]')
   FROM requests r JOIN categories c ON c.id = r.category_id JOIN units n ON n.id = r.unit_id
  WHERE r.requester_id = $1
