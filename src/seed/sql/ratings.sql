-- Requesters' ratings of most resolved requests of the demo (a few low, with a comment).
INSERT INTO satisfaction_ratings (request_id, rating, comment, rated_by, created_at, updated_at,
                                  domain, team_id, unit_id, category_id)
SELECT id,
       CASE WHEN number % 11 = 0 THEN 2 WHEN number % 7 = 0 THEN 3 WHEN number % 3 = 0 THEN 4 ELSE 5 END,
       CASE WHEN number % 11 = 0 THEN 'Le problème est revenu le lendemain; il a fallu rappeler deux fois.' ELSE '' END,
       requester_id, LEAST(resolved_at + interval '2 hours', now()), LEAST(resolved_at + interval '2 hours', now()),
       domain, team_id, unit_id, category_id
  FROM requests WHERE resolved_at IS NOT NULL AND number % 4 <> 1;
