DROP TABLE trip_feeds;
DROP TABLE transport_settings;
DROP TABLE trips;
DROP TABLE carrier_vehicles;
DROP TABLE carriers;
DROP TABLE vehicle_types;
ALTER TABLE categories DROP COLUMN trip;
