DROP TABLE oidc_logins;
ALTER TABLE users DROP COLUMN oidc_subject;
