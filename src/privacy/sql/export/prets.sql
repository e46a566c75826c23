SELECT coalesce(jsonb_agg(to_jsonb(l) || jsonb_build_object('items',
          (SELECT coalesce(jsonb_agg(jsonb_build_object('asset', s.tag, 'period', i.period::text,
             'checked_out_at', i.checked_out_at, 'returned_at', i.returned_at, 'condition', i.condition)
             ORDER BY s.tag), '[]')
             FROM loan_items i JOIN assets s ON s.id = i.asset_id WHERE i.loan_id = l.id)) ORDER BY l.id), '[]')
   FROM loans l WHERE l.borrower_id = $1
