-- Prefect's make_timestamp_intervals for PostgreSQL: consecutive intervals
-- (interval_start, interval_end), both timestamptz, that step from the start
-- time by the interval while interval_start is before the end time; at most 500
-- rows, as in Prefect. The last interval may end after the end time.
--
-- Before use, the plugin replaces three textual tokens, each written in curly
-- braces below: start and end (timestamptz expressions) and interval_seconds
-- (a numeric expression, the step in seconds). Each token occurs exactly once,
-- and none occurs in a comment.
SELECT
    series.dt AS interval_start,
    series.dt + bounds.step AS interval_end
FROM (
    SELECT
        CAST({start} AS timestamptz) AS start_time,
        CAST({end} AS timestamptz) AS end_time,
        make_interval(secs => CAST({interval_seconds} AS double precision)) AS step
) AS bounds
CROSS JOIN LATERAL generate_series(bounds.start_time, bounds.end_time, bounds.step) AS series(dt)
WHERE series.dt < bounds.end_time
ORDER BY series.dt
LIMIT 500
