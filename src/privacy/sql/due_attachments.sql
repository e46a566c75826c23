-- Attachments of closed requests whose deletion is due at $1 (the request's most specific
-- policy, as in due_requests.sql), by request number.
SELECT a.id, due.number, a.filename, a.size_bytes FROM (
  SELECT r.id, r.number, r.closed_at,
         (SELECT p.attachments_after_days FROM retention_policies p
           WHERE p.category_id IN (r.category_id, c.parent_id)
              OR (p.category_id IS NULL AND (p.domain = r.domain OR p.domain IS NULL))
           ORDER BY (p.category_id = r.category_id) DESC NULLS LAST,
                    (p.category_id IS NOT NULL) DESC, (p.domain IS NOT NULL) DESC
           LIMIT 1) AS delay
    FROM requests r JOIN categories c ON c.id = r.category_id
   WHERE r.closed_at IS NOT NULL
     AND r.closed_at < $1 - (SELECT coalesce(min(attachments_after_days), 1000000)
                               FROM retention_policies) * interval '1 day') due
  JOIN attachments a ON a.request_id = due.id AND a.purged_at IS NULL
 WHERE due.delay IS NOT NULL AND due.closed_at < $1 - due.delay * interval '1 day'
 ORDER BY due.number, a.id
