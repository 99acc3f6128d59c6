-- Run once by the postgres image on first start: the owner and runtime roles and the database.
CREATE ROLE lianzheng_owner LOGIN CREATEDB PASSWORD 'owner';
CREATE ROLE lianzheng_app LOGIN PASSWORD 'app';
CREATE DATABASE lianzheng OWNER lianzheng_owner;
