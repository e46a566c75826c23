DROP TABLE request_assets;
DROP TRIGGER asset_events_append_only ON asset_events;
DROP TABLE asset_events;
DROP TABLE assets;
DROP TABLE asset_models;
DROP TABLE asset_types;
-- pg_trgm stays: other objects of the installation may use it, and keeping it is harmless.
