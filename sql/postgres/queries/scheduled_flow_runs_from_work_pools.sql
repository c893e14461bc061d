-- Worker poll: scheduled flow runs across work pools (database.md section 5),
-- the PostgreSQL form of Prefect's get-runs-from-worker-queues template.
--
-- Parameters (each cast where used, so they may arrive untyped or as text):
--   $1  work pool ids, JSON array of UUID strings; NULL or [] = every pool
--   $2  work queue ids, JSON array of UUID strings; NULL or [] = every queue
--       of the pools
--   $3  scheduled_before (timestamptz) or NULL for no upper bound
--   $4  scheduled_after (timestamptz) or NULL for no lower bound
--   $5  limit on the whole result            (NULL = 1000, Prefect's default)
--   $6  limit per work queue                 (NULL = 1000)
--   $7  limit per work pool, i.e. per worker (NULL = 1000)
--   $8  respect_queue_priorities (boolean; NULL = true, Prefect's default)
-- Columns: run_work_pool_id, run_work_queue_id, then every flow_run column
-- in table order. The state relation is not loaded.
--
-- Candidate rows are locked FOR UPDATE SKIP LOCKED inside the per-queue
-- subquery, so the limits count only rows this statement could lock.
-- The runs travel through the laterals as whole flow_run rows (run) so that the
-- result has exactly the flow_run columns, without the helper sort columns.
-- The trailing id sort keys only make ties deterministic.
WITH pool_slots AS (
    -- Free slots of each unpaused pool with a limit: runs that are PENDING or
    -- RUNNING in the pool's unpaused queues count against it.
    SELECT
        wp.id,
        GREATEST(0, wp.concurrency_limit - COUNT(fr.id)) AS available_slots
    FROM work_pool wp
    JOIN work_queue wq ON wq.work_pool_id = wp.id
    LEFT JOIN flow_run fr ON fr.work_queue_id = wq.id
        AND fr.state_type IN ('RUNNING', 'PENDING')
    WHERE wp.is_paused IS FALSE
        AND wq.is_paused IS FALSE
        AND wp.concurrency_limit IS NOT NULL
        AND (COALESCE(CAST($1 AS jsonb), '[]'::jsonb) = '[]'::jsonb
             OR wp.id IN (SELECT CAST(value AS uuid)
                          FROM jsonb_array_elements_text(CAST($1 AS jsonb))))
    GROUP BY wp.id
),
queue_slots AS (
    -- Free slots of each unpaused queue with a limit.
    SELECT
        wq.id,
        GREATEST(0, wq.concurrency_limit - COUNT(fr.id)) AS available_slots
    FROM work_queue wq
    LEFT JOIN flow_run fr ON fr.work_queue_id = wq.id
        AND fr.state_type IN ('RUNNING', 'PENDING')
    WHERE wq.is_paused IS FALSE
        AND wq.concurrency_limit IS NOT NULL
        AND (COALESCE(CAST($1 AS jsonb), '[]'::jsonb) = '[]'::jsonb
             OR wq.work_pool_id IN (SELECT CAST(value AS uuid)
                                    FROM jsonb_array_elements_text(CAST($1 AS jsonb))))
    GROUP BY wq.id
)
SELECT
    wp.id AS run_work_pool_id,
    (fr_outer.run).work_queue_id AS run_work_queue_id,
    (fr_outer.run).*
FROM work_pool wp
LEFT JOIN pool_slots ON pool_slots.id = wp.id
CROSS JOIN LATERAL (
    -- The pool's runs, best first, cut to the worker limit and the pool's free
    -- slots (LEAST ignores a NULL, i.e. a pool without a limit).
    SELECT
        fr_inner.run,
        fr_inner.id,
        fr_inner.next_scheduled_start_time,
        wq.priority AS work_queue_priority
    FROM work_queue wq
    LEFT JOIN queue_slots ON queue_slots.id = wq.id
    CROSS JOIN LATERAL (
        -- The queue's due candidates, cut to the queue limit and free slots.
        SELECT
            fr AS run,
            fr.id,
            fr.next_scheduled_start_time
        FROM flow_run fr
        WHERE fr.work_queue_id = wq.id
            AND fr.state_type = 'SCHEDULED'
            -- in-process retries belong to the process that is running them
            AND (fr.empirical_policy ->> 'retry_type' IS NULL
                 OR fr.empirical_policy ->> 'retry_type' != 'in_process')
            AND (CAST($4 AS timestamptz) IS NULL
                 OR fr.next_scheduled_start_time >= CAST($4 AS timestamptz))
            AND (CAST($3 AS timestamptz) IS NULL
                 OR fr.next_scheduled_start_time <= CAST($3 AS timestamptz))
        ORDER BY fr.next_scheduled_start_time ASC, fr.id ASC
        LIMIT LEAST(COALESCE(CAST($6 AS bigint), 1000), queue_slots.available_slots)
        FOR UPDATE SKIP LOCKED
    ) fr_inner
    WHERE wq.work_pool_id = wp.id
        AND wq.is_paused IS FALSE
        AND (COALESCE(CAST($2 AS jsonb), '[]'::jsonb) = '[]'::jsonb
             OR wq.id IN (SELECT CAST(value AS uuid)
                          FROM jsonb_array_elements_text(CAST($2 AS jsonb))))
    ORDER BY
        CASE WHEN COALESCE(CAST($8 AS boolean), true) THEN wq.priority END ASC,
        fr_inner.next_scheduled_start_time ASC,
        fr_inner.id ASC
    LIMIT LEAST(COALESCE(CAST($7 AS bigint), 1000), pool_slots.available_slots)
) fr_outer
WHERE wp.is_paused IS FALSE
    AND (COALESCE(CAST($1 AS jsonb), '[]'::jsonb) = '[]'::jsonb
         OR wp.id IN (SELECT CAST(value AS uuid)
                      FROM jsonb_array_elements_text(CAST($1 AS jsonb))))
ORDER BY
    CASE WHEN COALESCE(CAST($8 AS boolean), true) THEN fr_outer.work_queue_priority END ASC,
    fr_outer.next_scheduled_start_time ASC,
    fr_outer.id ASC
LIMIT COALESCE(CAST($5 AS bigint), 1000)
