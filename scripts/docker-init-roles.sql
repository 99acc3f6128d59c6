-- Run once by the postgres image, on the first start with an empty data volume
-- (/docker-entrypoint-initdb.d/): the service's two roles and its database. Docker's
-- PostgreSQL requires passwords; a local set-up uses scripts/pg-ensure.sh instead.
--   lianzheng_owner  owns the database and runs the migrations (MIGRATION_DATABASE_URL)
--   lianzheng_app    the service's runtime role (DATABASE_URL): data access only, granted by
--                    `lianzheng migrate`
CREATE ROLE lianzheng_owner LOGIN CREATEDB NOSUPERUSER NOCREATEROLE PASSWORD 'owner';
CREATE ROLE lianzheng_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'app';
CREATE DATABASE lianzheng OWNER lianzheng_owner ENCODING 'UTF8';
