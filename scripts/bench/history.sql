-- Five school years of history for the benchmarks, on top of the demo data: 60 units, 80
-- categories over the three domains, :requests requests with realistic shapes — school days and
-- hours, more requests from the big schools and common categories, priorities 10/65/20/5,
-- every status (the old ones closed or cancelled), first-response and resolution outcomes
-- against due dates (about one in six late), 3 to 10 timeline events each, satisfaction ratings
-- for a quarter of the resolved ones — plus :assets assets. The business time to resolve is left
-- for `guichet backfill-dashboards` (the application's own calendar arithmetic).
-- Deterministic (setseed). Run with psql -v requests=N -v assets=M.

\set ON_ERROR_STOP on
SELECT setseed(0.2026);

-- Units: the demo's and enough schools to make 60, each with a requester and a director.
INSERT INTO units (code, name_fr, name_en, kind)
SELECT 'hist-ecole-' || lpad(g::text, 2, '0'), 'École historique ' || g, 'Historical School ' || g, 'school'
  FROM generate_series(1, greatest(0, 60 - (SELECT count(*) FROM units))) g;
INSERT INTO users (email, display_name, locale)
SELECT 'hist.' || u.code || '@guichet.example', 'Personne de ' || u.name_fr, 'fr'
  FROM units u WHERE u.code LIKE 'hist-%';
INSERT INTO user_roles (user_id, unit_id, role)
SELECT us.id, u.id, 'requester'
  FROM units u JOIN users us ON us.email = 'hist.' || u.code || '@guichet.example';

-- Categories: the demo's and enough to make 80, spread over the domains' teams.
INSERT INTO categories (code, domain, name_fr, name_en, default_team_id, workflow_id, position)
SELECT 'hist-cat-' || lpad(g::text, 2, '0'), d.code, 'Catégorie historique ' || g, 'Historical category ' || g,
       (SELECT min(t.id) FROM teams t WHERE t.domain = d.code),
       (SELECT id FROM workflows WHERE code = 'standard'), 100 + g
  FROM generate_series(1, greatest(0, 80 - (SELECT count(*) FROM categories))) g
  JOIN LATERAL (SELECT code FROM domains ORDER BY position OFFSET (g % 3) LIMIT 1) d ON TRUE;

-- Who asks (one requester per unit) and what (the categories of the standard workflow).
CREATE TEMP TABLE h_units AS
SELECT row_number() OVER (ORDER BY u.id) - 1 AS i, u.id AS unit_id, min(r.user_id) AS requester_id
  FROM units u JOIN user_roles r ON r.unit_id = u.id AND r.role IN ('requester', 'unit_manager')
 GROUP BY u.id;
CREATE TEMP TABLE h_cats AS
SELECT row_number() OVER (ORDER BY c.id) - 1 AS i, c.id, c.domain, c.default_team_id,
       (SELECT min(tm.user_id) FROM team_members tm WHERE tm.team_id = c.default_team_id) AS tech
  FROM categories c
 WHERE c.workflow_id = (SELECT id FROM workflows WHERE code = 'standard') AND NOT c.confidential
   AND c.default_team_id IS NOT NULL AND NOT c.trip AND c.approval = 'none'
   -- Requests carry no form values: only categories whose form asks nothing required.
   AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(c.form -> 'fields', '[]')) f
                    WHERE (f ->> 'required')::boolean);
CREATE TEMP TABLE h_words (i int, title text);
INSERT INTO h_words VALUES
  (0, 'Projecteur qui ne s''allume plus au local'), (1, 'Imprimante en bourrage papier'),
  (2, 'Fuite d''eau sous l''évier du laboratoire'), (3, 'Accès au réseau sans fil impossible'),
  (4, 'Chaise brisée dans la classe'), (5, 'Mot de passe verrouillé après les vacances'),
  (6, 'Autobus en retard le matin'), (7, 'Tableau numérique interactif sans son'),
  (8, 'Chauffage insuffisant au gymnase'), (9, 'Portable d''enseignant très lent'),
  (10, 'Serrure de la porte principale coincée'), (11, 'Logiciel de notes inaccessible'),
  (12, 'Néons brûlés dans le corridor'), (13, 'Chromebooks à réinitialiser'),
  (14, 'Déneigement du stationnement'), (15, 'Transport adapté pour une sortie');

SELECT count(*) AS units_total FROM h_units;
SELECT count(*) AS categories_total FROM h_cats;

-- One row per request: when, where, what, how urgent, and what happened to it.
CREATE TEMP TABLE h AS
WITH base AS (
  SELECT g,
         -- A school day (Monday to Friday) of the last five years, during school hours.
         (date_trunc('week', now() - interval '1820 days')::date
            + (floor(random() * 260) * 7 + floor(random() * 5))::int) AS d0,
         random() AS r_unit, random() AS r_cat, random() AS r_prio, random() AS r_status,
         random() AS r_first, random() AS r_resolve, random() AS r_hour, random() AS r_words
    FROM generate_series(1, :requests) g
)
SELECT g,
       d0 + make_interval(hours => 7 + floor(r_hour * 10)::int, mins => floor(r_hour * 600)::int % 60)
         AS created_local,
       floor(power(r_unit, 1.6) * (SELECT count(*) FROM h_units))::int AS unit_i,
       floor(power(r_cat, 1.3) * (SELECT count(*) FROM h_cats))::int AS cat_i,
       CASE WHEN r_prio < 0.10 THEN 'low' WHEN r_prio < 0.75 THEN 'normal'
            WHEN r_prio < 0.95 THEN 'high' ELSE 'urgent' END AS priority,
       r_status, r_first, r_resolve, floor(r_words * 16)::int AS word_i
  FROM base;

-- The dashboards' triggers would mark each day of the history stale, row by row of a million;
-- every counted day is forgotten at the end instead (the server counts them again).
ALTER TABLE requests DISABLE TRIGGER requests_dashboard_insert;
ALTER TABLE requests DISABLE TRIGGER requests_dashboard_update;
ALTER TABLE satisfaction_ratings DISABLE TRIGGER ratings_dashboard_insert;

INSERT INTO requests (title, description, category_id, domain, requester_id, unit_id, priority, status,
                      status_kind, workflow_id, team_id, assignee_id, fields, source, created_at, updated_at,
                      first_response_at, resolved_at, closed_at, sla_policy_id, first_response_due,
                      resolution_due, first_response_breached_at, resolution_breached_at)
SELECT w.title || ' (' || h.g || ')',
       'Bonjour, ' || lower(w.title) || '. Merci de votre aide.',
       c.id, c.domain, u.requester_id, u.unit_id, h.priority,
       s.status, s.kind, (SELECT id FROM workflows WHERE code = 'standard'), c.default_team_id,
       CASE WHEN s.status <> 'new' THEN c.tech END,
       '{}', CASE WHEN h.g % 5 = 0 THEN 'email' ELSE 'web' END,
       t.created, greatest(t.created, coalesce(t.closed, t.resolved, t.first, t.created)),
       CASE WHEN s.status <> 'new' THEN t.first END,
       CASE WHEN s.kind IN ('resolved', 'closed') THEN t.resolved END,
       CASE WHEN s.kind IN ('closed', 'cancelled') THEN coalesce(t.closed, t.resolved) END,
       (SELECT id FROM sla_policies WHERE is_default),
       t.first_due, t.resolution_due,
       CASE WHEN s.status <> 'new' AND t.first > t.first_due THEN t.first_due END,
       CASE WHEN s.kind IN ('resolved', 'closed') AND t.resolved > t.resolution_due THEN t.resolution_due END
  FROM h
  JOIN h_units u ON u.i = h.unit_i
  JOIN h_cats c ON c.i = h.cat_i
  JOIN h_words w ON w.i = h.word_i
  CROSS JOIN LATERAL (
    SELECT (h.created_local AT TIME ZONE 'America/Toronto') AS created,
           CASE h.priority WHEN 'urgent' THEN 1 WHEN 'high' THEN 4 WHEN 'normal' THEN 8 ELSE 16 END AS first_h,
           CASE h.priority WHEN 'urgent' THEN 8 WHEN 'high' THEN 48 WHEN 'normal' THEN 120 ELSE 240 END AS resolve_h
  ) p
  CROSS JOIN LATERAL (
    SELECT p.created,
           p.created + make_interval(hours => p.first_h) AS first_due,
           p.created + make_interval(hours => p.resolve_h) AS resolution_due,
           -- About 15 % answered late, 18 % resolved late.
           p.created + make_interval(secs => (h.r_first * 1.18 * p.first_h * 3600)::int) AS first,
           p.created + make_interval(secs => (power(h.r_resolve, 1.6) * 1.5 * p.resolve_h * 3600)::int) AS resolved,
           p.created + make_interval(secs => (power(h.r_resolve, 1.6) * 1.5 * p.resolve_h * 3600)::int)
             + interval '10 days' AS closed
  ) t
  CROSS JOIN LATERAL (
    SELECT CASE
             WHEN t.closed < now() AND h.r_status < 0.95 THEN 'closed'
             WHEN t.closed < now() THEN 'cancelled'
             WHEN t.resolved < now() THEN 'resolved'
             WHEN t.first < now() AND h.r_status < 0.15 THEN 'waiting_requester'
             WHEN t.first < now() THEN 'in_progress'
             ELSE 'new' END AS status
  ) s0
  CROSS JOIN LATERAL (
    SELECT s0.status, CASE s0.status WHEN 'new' THEN 'new' WHEN 'in_progress' THEN 'open'
                      WHEN 'waiting_requester' THEN 'pending' ELSE s0.status END AS kind
  ) s
 ORDER BY t.created;

-- The timeline: created, then 2 to 9 more (assignment, comments both ways, status changes).
INSERT INTO request_events (request_id, actor_id, kind, body, internal, data, created_at)
SELECT r.id,
       CASE WHEN k = 1 OR k % 3 = 0 THEN r.requester_id ELSE coalesce(r.assignee_id, r.requester_id) END,
       CASE WHEN k = 1 THEN 'created' WHEN k = 2 THEN 'assigned' WHEN k % 4 = 0 THEN 'status_changed'
            WHEN k % 5 = 0 THEN 'internal_note' ELSE 'comment' END,
       CASE WHEN k IN (1, 2) OR k % 4 = 0 THEN '' WHEN k % 3 = 0 THEN 'Merci, c''est noté de notre côté.'
            ELSE 'Nous passerons vérifier sur place cette semaine.' END,
       k % 5 = 0 AND k % 4 <> 0,
       CASE WHEN k = 1 THEN '{"source": "web"}'::jsonb
            WHEN k % 4 = 0 THEN jsonb_build_object('from', 'new', 'to', r.status) ELSE '{}'::jsonb END,
       r.created_at + make_interval(mins => (k - 1) * 37)
  FROM requests r
  CROSS JOIN LATERAL generate_series(1, 3 + (r.id % 8)::int) k
 WHERE r.title ~ '\(\d+\)$';

-- The resolution clock stays paused while a request waits for its requester or is resolved
-- (as the application leaves it).
UPDATE requests SET sla_paused_since = CASE status WHEN 'resolved' THEN resolved_at ELSE first_response_at END
 WHERE status IN ('resolved', 'waiting_requester') AND title ~ '\(\d+\)$';

-- Satisfaction: a quarter of the resolved requests rated, mostly well (5: 55 %, 4: 25 %,
-- 3: 10 %, 2: 6 %, 1: 4 %), the low ones with a comment, a few hours after the resolution.
INSERT INTO satisfaction_ratings (request_id, rating, comment, rated_by, created_at, updated_at,
                                  domain, team_id, unit_id, category_id)
SELECT r.id, x.rating,
       CASE WHEN x.rating <= 2 THEN 'Le délai a été long et le problème est revenu.' ELSE '' END,
       r.requester_id, least(r.resolved_at + interval '3 hours', now()), least(r.resolved_at + interval '3 hours', now()),
       r.domain, r.team_id, r.unit_id, r.category_id
  FROM requests r
  CROSS JOIN LATERAL (SELECT (hashint8(r.id) & 1023) / 1024.0 AS u) h
  CROSS JOIN LATERAL (SELECT CASE WHEN h.u < 0.55 THEN 5 WHEN h.u < 0.80 THEN 4 WHEN h.u < 0.90 THEN 3
                                  WHEN h.u < 0.96 THEN 2 ELSE 1 END AS rating) x
 WHERE r.resolved_at IS NOT NULL AND r.id % 4 = 0 AND r.title ~ '\(\d+\)$';

ALTER TABLE requests ENABLE TRIGGER requests_dashboard_insert;
ALTER TABLE requests ENABLE TRIGGER requests_dashboard_update;
ALTER TABLE satisfaction_ratings ENABLE TRIGGER ratings_dashboard_insert;
DELETE FROM dashboard_days_done;

-- Equipment, for the inventory figures beside the history.
INSERT INTO assets (tag, model_id, unit_id, status, serial)
SELECT 'HIST-' || lpad(g::text, 6, '0'), m.id, u.unit_id, CASE WHEN g % 10 = 0 THEN 'in_stock' ELSE 'deployed' END, 'SN-H-' || g
  FROM generate_series(1, :assets) g
  JOIN LATERAL (SELECT id FROM asset_models ORDER BY id OFFSET (g % greatest(1, (SELECT count(*) FROM asset_models))) LIMIT 1) m ON TRUE
  JOIN h_units u ON u.i = g % (SELECT count(*) FROM h_units);

ANALYZE;
SELECT count(*) AS requests_total, count(*) FILTER (WHERE status_kind NOT IN ('closed', 'cancelled', 'resolved')) AS open
  FROM requests;
SELECT count(*) AS events_total FROM request_events;
