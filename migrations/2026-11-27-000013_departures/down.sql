DROP TABLE account_actions;
DROP TABLE departure_rules;
-- The generated tasks keep their category (inactive); the categories go only if unused.
DELETE FROM categories c WHERE c.code IN ('rh-depart-tache', 'rh-depart')
   AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.category_id = c.id);
DROP INDEX requests_parent_idx;
ALTER TABLE requests DROP COLUMN due_on;
ALTER TABLE requests DROP COLUMN parent_id;
