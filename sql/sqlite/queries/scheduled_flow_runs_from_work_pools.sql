-- Worker poll: scheduled flow runs across work pools (database.md section 5),
-- the SQLite form of Prefect's get-runs-from-worker-queues template: window
-- functions instead of LATERAL, and no row locks.
--
-- Parameters (numbered; each may occur several times):
--   ?1  work pool ids, JSON array of UUID strings; NULL or [] = every pool
--   ?2  work queue ids, JSON array of UUID strings; NULL or [] = every queue
--       of the pools
--   ?3  scheduled_before, timestamp text 'YYYY-MM-DD HH:MM:SS.ffffff', or NULL
--       for no upper bound
--   ?4  scheduled_after, same format, or NULL for no lower bound
--   ?5  limit on the whole result            (NULL = 1000, Prefect's default)
--   ?6  limit per work queue                 (NULL = 1000)
--   ?7  limit per work pool, i.e. per worker (NULL = 1000)
--   ?8  respect_queue_priorities, 0/1        (NULL = 1, Prefect's default)
-- Columns: run_work_pool_id, run_work_queue_id, then every flow_run column
-- in table order. The state relation is not loaded.
--
-- The ranking works on ids; the final SELECT joins flow_run again so that the
-- result has exactly the flow_run columns, without the helper columns. The
-- trailing id sort keys only make ties deterministic.
WITH pool_slots AS (
    -- Free slots of each unpaused pool with a limit. As in Prefect's SQLite
    -- template, PENDING/RUNNING runs in all of the pool's queues count, paused
    -- queues included (PostgreSQL counts unpaused queues only).
    SELECT
        wp.id,
        MAX(0, wp.concurrency_limit - COUNT(fr.id)) AS available_slots
    FROM work_pool wp
    JOIN work_queue wq ON wq.work_pool_id = wp.id
    LEFT JOIN flow_run fr ON fr.work_queue_id = wq.id
        AND fr.state_type IN ('RUNNING', 'PENDING')
    WHERE wp.is_paused = 0
        AND wp.concurrency_limit IS NOT NULL
        AND (?1 IS NULL OR json_array_length(?1) = 0
             OR wp.id IN (SELECT value FROM json_each(?1)))
    GROUP BY wp.id
),
queue_slots AS (
    -- Free slots of each unpaused queue with a limit.
    SELECT
        wq.id,
        MAX(0, wq.concurrency_limit - COUNT(fr.id)) AS available_slots
    FROM work_queue wq
    LEFT JOIN flow_run fr ON fr.work_queue_id = wq.id
        AND fr.state_type IN ('RUNNING', 'PENDING')
    WHERE wq.is_paused = 0
        AND wq.concurrency_limit IS NOT NULL
        AND (?1 IS NULL OR json_array_length(?1) = 0
             OR wq.work_pool_id IN (SELECT value FROM json_each(?1)))
    GROUP BY wq.id
),
candidates AS (
    -- Due SCHEDULED runs, ranked per queue by time. In-process retries belong
    -- to the process that is running them.
    SELECT
        fr.id,
        fr.work_queue_id,
        fr.next_scheduled_start_time,
        ROW_NUMBER() OVER (
            PARTITION BY fr.work_queue_id
            ORDER BY fr.next_scheduled_start_time ASC, fr.id ASC
        ) AS work_queue_rank
    FROM flow_run fr
    WHERE fr.state_type = 'SCHEDULED'
        AND fr.work_queue_id IS NOT NULL
        AND (json_extract(fr.empirical_policy, '$.retry_type') IS NULL
             OR json_extract(fr.empirical_policy, '$.retry_type') != 'in_process')
        AND (?4 IS NULL OR fr.next_scheduled_start_time >= ?4)
        AND (?3 IS NULL OR fr.next_scheduled_start_time <= ?3)
),
ranked AS (
    -- Survivors of the queue cut (MIN(COALESCE(free slots, queue limit),
    -- queue limit)), ranked per pool by queue priority (if respected), then
    -- time.
    SELECT
        wp.id AS run_work_pool_id,
        wq.id AS run_work_queue_id,
        c.id,
        c.next_scheduled_start_time,
        pool_slots.available_slots AS available_pool_slots,
        ROW_NUMBER() OVER (
            PARTITION BY wp.id
            ORDER BY
                CASE WHEN COALESCE(?8, 1) THEN wq.priority END ASC,
                c.next_scheduled_start_time ASC,
                c.id ASC
        ) AS work_pool_rank
    FROM work_pool wp
    JOIN work_queue wq ON wq.work_pool_id = wp.id
    LEFT JOIN pool_slots ON pool_slots.id = wp.id
    LEFT JOIN queue_slots ON queue_slots.id = wq.id
    JOIN candidates c ON c.work_queue_id = wq.id
        AND c.work_queue_rank <= MIN(COALESCE(queue_slots.available_slots, COALESCE(?6, 1000)),
                                     COALESCE(?6, 1000))
    WHERE wp.is_paused = 0
        AND wq.is_paused = 0
        AND (?1 IS NULL OR json_array_length(?1) = 0
             OR wp.id IN (SELECT value FROM json_each(?1)))
        AND (?2 IS NULL OR json_array_length(?2) = 0
             OR wq.id IN (SELECT value FROM json_each(?2)))
)
SELECT
    ranked.run_work_pool_id,
    ranked.run_work_queue_id,
    fr.*
FROM ranked
JOIN flow_run fr ON fr.id = ranked.id
WHERE ranked.work_pool_rank <= MIN(COALESCE(ranked.available_pool_slots, COALESCE(?7, 1000)),
                                   COALESCE(?7, 1000))
ORDER BY
    CASE WHEN COALESCE(?8, 1) THEN ranked.work_pool_rank END ASC,
    ranked.next_scheduled_start_time ASC,
    ranked.id ASC
LIMIT COALESCE(?5, 1000)
