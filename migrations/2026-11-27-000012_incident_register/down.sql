-- Declared incidents are part of the legal register: the category goes only if none was declared.
DELETE FROM categories c WHERE c.code = 'incident-confidentialite'
   AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.category_id = c.id);
