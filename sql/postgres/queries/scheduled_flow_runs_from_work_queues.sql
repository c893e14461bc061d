-- Legacy work-queue poll (POST /work_queues/{id}/get_runs for queues without a
-- filter; database.md section 5 "Legacy work-queue query"), the PostgreSQL form
-- of Prefect's get_scheduled_flow_runs_from_work_queues.
--
-- Parameters (each cast where used, so they may arrive untyped or as text):
--   $1  work queue ids, JSON array of UUID strings; NULL or [] = every queue
--   $2  scheduled_before (timestamptz) or NULL for no upper bound
--   $3  limit per queue, or NULL for none (the queue's free slots still apply)
-- Columns: wq_id, then every flow_run column in table order.
-- Order: next_scheduled_start_time, then id.
--
-- Runs belong to a queue by work_queue_name = work_queue.name, not by
-- work_queue_id, and CANCELLING runs occupy slots here: both as in Prefect,
-- even though queue names are only unique within a pool.
WITH concurrency_queues AS (
    SELECT
        wq.id,
        GREATEST(0, wq.concurrency_limit - COUNT(fr.id)) AS available_slots
    FROM work_queue wq
    LEFT JOIN flow_run fr ON fr.work_queue_name = wq.name
        AND fr.state_type IN ('RUNNING', 'PENDING', 'CANCELLING')
    WHERE wq.concurrency_limit IS NOT NULL
        AND (COALESCE(CAST($1 AS jsonb), '[]'::jsonb) = '[]'::jsonb
             OR wq.id IN (SELECT CAST(value AS uuid)
                          FROM jsonb_array_elements_text(CAST($1 AS jsonb))))
    GROUP BY wq.id
)
SELECT
    wq.id AS wq_id,
    (scheduled_flow_runs.run).*
FROM work_queue wq
LEFT JOIN concurrency_queues ON concurrency_queues.id = wq.id
CROSS JOIN LATERAL (
    -- The queue's scheduled runs, earliest first, cut to LEAST(limit, free
    -- slots); LEAST ignores a NULL, and LIMIT NULL means no limit.
    SELECT
        fr AS run,
        fr.id,
        fr.next_scheduled_start_time
    FROM flow_run fr
    WHERE fr.work_queue_name = wq.name
        AND fr.state_type = 'SCHEDULED'
        AND (CAST($2 AS timestamptz) IS NULL
             OR fr.next_scheduled_start_time <= CAST($2 AS timestamptz))
    ORDER BY fr.next_scheduled_start_time
    LIMIT LEAST(CAST($3 AS bigint), concurrency_queues.available_slots)
    FOR UPDATE SKIP LOCKED
) scheduled_flow_runs
WHERE wq.is_paused IS FALSE
    AND (COALESCE(CAST($1 AS jsonb), '[]'::jsonb) = '[]'::jsonb
         OR wq.id IN (SELECT CAST(value AS uuid)
                      FROM jsonb_array_elements_text(CAST($1 AS jsonb))))
ORDER BY
    scheduled_flow_runs.next_scheduled_start_time,
    scheduled_flow_runs.id
