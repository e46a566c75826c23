-- The delay a request's most specific retention policy sets in column {column}: its category's,
-- its parent category's, its domain's, else the default one's. Used by due_requests.sql and
-- due_attachments.sql for `r` (a request) and `c` (its category).
(SELECT p.{column} FROM retention_policies p
  WHERE p.category_id IN (r.category_id, c.parent_id)
     OR (p.category_id IS NULL AND (p.domain = r.domain OR p.domain IS NULL))
  ORDER BY (p.category_id = r.category_id) DESC NULLS LAST,
           (p.category_id IS NOT NULL) DESC, (p.domain IS NOT NULL) DESC
  LIMIT 1)
