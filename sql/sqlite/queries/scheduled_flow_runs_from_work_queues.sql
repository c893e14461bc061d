-- Legacy work-queue poll (POST /work_queues/{id}/get_runs for queues without a
-- filter; database.md section 5 "Legacy work-queue query"), the SQLite form of
-- Prefect's get_scheduled_flow_runs_from_work_queues: row_number() per queue
-- instead of LATERAL, no row locks, 999999 standing for "unlimited".
--
-- Parameters (numbered; each may occur several times):
--   ?1  work queue ids, JSON array of UUID strings; NULL or [] = every queue
--   ?2  scheduled_before, timestamp text 'YYYY-MM-DD HH:MM:SS.ffffff', or NULL
--       for no upper bound
--   ?3  limit per queue, or NULL for none (the queue's free slots still apply)
-- Columns: wq_id, then every flow_run column in table order.
-- Order: next_scheduled_start_time, then id.
--
-- Runs belong to a queue by work_queue_name = work_queue.name, not by
-- work_queue_id, and CANCELLING runs occupy slots here: both as in Prefect,
-- even though queue names are only unique within a pool.
WITH concurrency_queues AS (
    SELECT
        wq.id,
        MAX(0, wq.concurrency_limit - COUNT(fr.id)) AS available_slots
    FROM work_queue wq
    LEFT JOIN flow_run fr ON fr.work_queue_name = wq.name
        AND fr.state_type IN ('RUNNING', 'PENDING', 'CANCELLING')
    WHERE wq.concurrency_limit IS NOT NULL
        AND (?1 IS NULL OR json_array_length(?1) = 0
             OR wq.id IN (SELECT value FROM json_each(?1)))
    GROUP BY wq.id
),
ranked AS (
    -- Each selected, unpaused queue's scheduled runs, earliest first.
    SELECT
        wq.id AS wq_id,
        fr.id,
        fr.next_scheduled_start_time,
        MIN(COALESCE(?3, 999999), COALESCE(concurrency_queues.available_slots, 999999))
            AS queue_limit,
        ROW_NUMBER() OVER (
            PARTITION BY wq.id
            ORDER BY fr.next_scheduled_start_time ASC, fr.id ASC
        ) AS rank_in_queue
    FROM work_queue wq
    LEFT JOIN concurrency_queues ON concurrency_queues.id = wq.id
    JOIN flow_run fr ON fr.work_queue_name = wq.name
    WHERE wq.is_paused = 0
        AND (?1 IS NULL OR json_array_length(?1) = 0
             OR wq.id IN (SELECT value FROM json_each(?1)))
        AND fr.state_type = 'SCHEDULED'
        AND (?2 IS NULL OR fr.next_scheduled_start_time <= ?2)
)
SELECT
    ranked.wq_id,
    fr.*
FROM ranked
JOIN flow_run fr ON fr.id = ranked.id
WHERE ranked.rank_in_queue <= ranked.queue_limit
ORDER BY
    ranked.next_scheduled_start_time ASC,
    ranked.id ASC
