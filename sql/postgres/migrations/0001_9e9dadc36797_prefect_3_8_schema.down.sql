-- prefectd PostgreSQL schema, migration 0001 (down).
--
-- Drops every table and enum type that 0001_..._prefect_3_8_schema.up.sql
-- creates. Indexes and constraints go with their tables. alembic_version is
-- the host migration runner's table and is left alone.
--
-- The pg_trgm extension is deliberately left installed: the up script creates
-- it only IF NOT EXISTS, and objects outside this migration may use it.
--
-- One DROP TABLE statement for all tables, so the foreign keys between them
-- (including the circular ones) need no particular order. No CASCADE: if
-- something outside this migration depends on these tables, fail rather than
-- silently remove it.

DROP TABLE
    automation_event_follower,
    composite_trigger_child_firing,
    automation_related_resource,
    automation_bucket,
    automation,
    event_resources,
    events,
    artifact_collection,
    artifact,
    log,
    task_run_state_cache,
    task_run_state,
    task_run,
    flow_run_input,
    flow_run_state,
    flow_run,
    deployment_version,
    deployment_schedule,
    deployment,
    agent,
    worker,
    work_queue,
    work_pool,
    concurrency_limit_v2,
    concurrency_limit,
    csrf_token,
    variable,
    saved_search,
    configuration,
    block_document_reference,
    block_document,
    block_schema_reference,
    block_schema,
    block_type,
    flow;

DROP TYPE
    worker_status,
    work_queue_status,
    work_pool_status,
    deployment_status,
    state_type;
