SELECT jsonb_build_array(to_jsonb(u) - 'password_hash' || jsonb_build_object(
    'roles', (SELECT coalesce(jsonb_agg(jsonb_build_object('unit', n.code, 'role', r.role) ORDER BY n.code), '[]')
                FROM user_roles r JOIN units n ON n.id = r.unit_id WHERE r.user_id = u.id),
    'teams', (SELECT coalesce(jsonb_agg(t.code ORDER BY t.code), '[]')
                FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = u.id),
    'groups', (SELECT coalesce(jsonb_agg(g.code ORDER BY g.code), '[]')
                 FROM user_group_members m JOIN user_groups g ON g.id = m.group_id WHERE m.user_id = u.id),
    'email_aliases', (SELECT coalesce(jsonb_agg(a.email ORDER BY a.email), '[]')
                        FROM user_email_aliases a WHERE a.user_id = u.id),
    'sessions', (SELECT coalesce(jsonb_agg(jsonb_build_object('created_at', s.created_at,
                   'last_seen_at', s.last_seen_at, 'ip', s.ip, 'user_agent', s.user_agent) ORDER BY s.id), '[]')
                   FROM sessions s WHERE s.user_id = u.id),
    'api_tokens', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', t.name, 'created_at', t.created_at,
                     'last_used_at', t.last_used_at, 'revoked_at', t.revoked_at) ORDER BY t.id), '[]')
                     FROM api_tokens t WHERE t.user_id = u.id),
    'sign_in_attempts', (SELECT coalesce(jsonb_agg(jsonb_build_object('at', a.created_at, 'ip', a.ip,
                           'succeeded', a.succeeded) ORDER BY a.id), '[]')
                           FROM sign_in_attempts a WHERE a.email = u.email)))
   FROM users u WHERE u.id = $1
