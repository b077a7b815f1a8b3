-- The hub's PostgreSQL: one database per hub service (each keeps its own migrations). Run once, at first start.
CREATE DATABASE exchange;
CREATE DATABASE analytics;
CREATE DATABASE notices;
