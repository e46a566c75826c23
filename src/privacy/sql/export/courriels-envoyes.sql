SELECT coalesce(jsonb_agg(jsonb_build_object('template', o.template, 'recipient', o.recipient,
          'subject', o.subject, 'created_at', o.created_at, 'sent_at', o.sent_at,
          'failed_at', o.failed_at, 'payload', o.payload) ORDER BY o.id), '[]')
   FROM outbox o WHERE o.recipient_id = $1
