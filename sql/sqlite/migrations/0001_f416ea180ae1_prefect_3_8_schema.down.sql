-- prefectd SQLite schema, migration 0001 (down).
--
-- Drops every table that 0001_..._prefect_3_8_schema.up.sql creates; their
-- indexes go with them. alembic_version is the host migration runner's table
-- and is left alone.
--
-- Runs inside one transaction with PRAGMA foreign_keys=ON. SQLite drops one
-- table per statement and empties it first with an implicit DELETE that
-- enforces foreign keys, so the order matters when rows exist: every table is
-- dropped before the tables it references, and the one RESTRICT reference in
-- a cycle (work_pool.default_queue_id -> work_queue) is cleared first. The
-- other cycles (flow_run <-> task_run / flow_run_state, *_state -> artifact)
-- are ON DELETE SET NULL or CASCADE and need no preparation.

UPDATE work_pool SET default_queue_id = NULL WHERE default_queue_id IS NOT NULL;

DROP TABLE automation_event_follower;
DROP TABLE composite_trigger_child_firing;
DROP TABLE automation_related_resource;
DROP TABLE automation_bucket;
DROP TABLE automation;
DROP TABLE event_resources;
DROP TABLE events;
DROP TABLE artifact_collection;
DROP TABLE log;
DROP TABLE task_run_state_cache;
DROP TABLE task_run_state;
DROP TABLE flow_run_input;
DROP TABLE flow_run_state;
DROP TABLE task_run;
DROP TABLE flow_run;
DROP TABLE artifact;
DROP TABLE deployment_version;
DROP TABLE deployment_schedule;
DROP TABLE deployment;
DROP TABLE agent;
DROP TABLE worker;
DROP TABLE work_queue;
DROP TABLE work_pool;
DROP TABLE concurrency_limit_v2;
DROP TABLE concurrency_limit;
DROP TABLE csrf_token;
DROP TABLE variable;
DROP TABLE saved_search;
DROP TABLE configuration;
DROP TABLE block_document_reference;
DROP TABLE block_document;
DROP TABLE block_schema_reference;
DROP TABLE block_schema;
DROP TABLE block_type;
DROP TABLE flow;
