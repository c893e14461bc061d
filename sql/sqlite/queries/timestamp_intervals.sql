WITH RECURSIVE
    -- Prefect's make_timestamp_intervals for SQLite: consecutive intervals
    -- (interval_start, interval_end), each one step long, starting at the
    -- start time; at most 500 rows. Both columns are text
    -- 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC), the format of every SQLite
    -- timestamp column. The last interval may end after the end time.
    --
    -- Row semantics follow Prefect's SQLite CTE rather than PostgreSQL's
    -- generate_series: the first interval is always produced, even when the
    -- start is not before the end (Prefect's base case has no condition),
    -- and each further interval is produced while its start is before the
    -- end time. (Prefect's API rejects steps under one second beforehand.)
    --
    -- Before use, the plugin replaces three textual tokens, each written in
    -- curly braces below: start and end (timestamp-text expressions in the
    -- format above) and interval_seconds (a numeric expression, the step in
    -- seconds). Each token occurs exactly once, and none occurs in a comment.
    --
    -- Arithmetic is done in integer microseconds since the epoch (whole
    -- seconds from strftime('%s'), the fraction read from the text), and
    -- every row is computed from the start and its ordinal, so there is no
    -- floating-point drift and microseconds survive. (Prefect goes through
    -- julianday(), which keeps milliseconds only.) The comments sit after
    -- WITH RECURSIVE so that the template still works when wrapped as
    -- SELECT ... FROM (<template>) AS x.
    raw_bounds(start_text, end_text, step_seconds) AS (
        SELECT {start}, {end}, {interval_seconds}
    ),
    bounds(start_us, end_us, step_us) AS (
        SELECT
            CAST(strftime('%s', start_text) AS INTEGER) * 1000000
                + CASE WHEN instr(start_text, '.') > 0
                       THEN CAST(substr(substr(start_text, instr(start_text, '.') + 1)
                                        || '000000', 1, 6) AS INTEGER)
                       ELSE 0 END,
            CAST(strftime('%s', end_text) AS INTEGER) * 1000000
                + CASE WHEN instr(end_text, '.') > 0
                       THEN CAST(substr(substr(end_text, instr(end_text, '.') + 1)
                                        || '000000', 1, 6) AS INTEGER)
                       ELSE 0 END,
            CAST(round(step_seconds * 1000000.0) AS INTEGER)
        FROM raw_bounds
    ),
    series(n, interval_start_us) AS (
        SELECT 0, start_us
        FROM bounds
        UNION ALL
        SELECT series.n + 1, bounds.start_us + (series.n + 1) * bounds.step_us
        FROM series, bounds
        WHERE series.n + 1 < 500
            AND bounds.start_us + (series.n + 1) * bounds.step_us < bounds.end_us
    )
SELECT
    strftime('%Y-%m-%d %H:%M:%S', series.interval_start_us / 1000000, 'unixepoch')
        || printf('.%06d', series.interval_start_us % 1000000) AS interval_start,
    strftime('%Y-%m-%d %H:%M:%S', (series.interval_start_us + bounds.step_us) / 1000000, 'unixepoch')
        || printf('.%06d', (series.interval_start_us + bounds.step_us) % 1000000) AS interval_end
FROM series, bounds
ORDER BY series.n
