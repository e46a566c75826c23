-- Attachments of closed requests whose deletion is due at $1 (the request's most specific
-- policy, {delay}: policy_delay.sql in column attachments_after_days), by request number.
SELECT a.id, due.number, a.filename, a.size_bytes FROM (
  SELECT r.id, r.number, r.closed_at,
         {delay} AS delay
    FROM requests r JOIN categories c ON c.id = r.category_id
   WHERE r.closed_at IS NOT NULL
     AND r.closed_at < $1 - (SELECT coalesce(min(attachments_after_days), 1000000)
                               FROM retention_policies) * interval '1 day') due
  JOIN attachments a ON a.request_id = due.id AND a.purged_at IS NULL
 WHERE due.delay IS NOT NULL AND due.closed_at < $1 - due.delay * interval '1 day'
 ORDER BY due.number, a.id
