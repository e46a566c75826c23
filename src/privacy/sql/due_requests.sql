-- Closed requests whose anonymization is due at $1, by number. The request's delay is its most
-- specific policy's ({delay}: policy_delay.sql, in column anonymize_after_days); the shortest
-- delay of any policy bounds the scan (an index on the closing date), so a nightly run reads
-- only old requests.
SELECT id, number FROM (
  SELECT r.id, r.number, r.closed_at,
         {delay} AS delay
    FROM requests r JOIN categories c ON c.id = r.category_id
   WHERE r.closed_at IS NOT NULL AND r.anonymized_at IS NULL
     AND r.closed_at < $1 - (SELECT coalesce(min(anonymize_after_days), 1000000)
                               FROM retention_policies) * interval '1 day') due
 WHERE delay IS NOT NULL AND closed_at < $1 - delay * interval '1 day'
 ORDER BY number
