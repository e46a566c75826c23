-- Single sign-on (OpenID Connect): the provider's subject a person is linked to, and the
-- sign-ins waiting for the provider's answer (state, PKCE verifier, nonce; ten minutes, used once).
ALTER TABLE users ADD COLUMN oidc_subject TEXT UNIQUE;

CREATE TABLE oidc_logins (
  state       TEXT PRIMARY KEY,
  verifier    TEXT NOT NULL,
  nonce       TEXT NOT NULL,
  next        TEXT NOT NULL DEFAULT '/',
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
