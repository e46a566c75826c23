DROP TABLE address_bounces;
