SELECT coalesce(jsonb_agg(to_jsonb(p) || jsonb_build_object('request', r.number) ORDER BY p.id), '[]')
   FROM request_approvals p JOIN requests r ON r.id = p.request_id WHERE p.decided_by = $1
