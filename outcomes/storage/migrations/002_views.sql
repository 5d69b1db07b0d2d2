-- 002: read-only views for the dashboard and for analysts (Excel, Power BI, a DuckDB shell).
-- The status logic here mirrors outcomes/status.py (the documented, doctested rules);
-- tests/unit/test_views.py checks that the two agree on every indicator.

-- Every column of the current revision: the latest revision from a committed upload.
CREATE VIEW observation_current_detail AS
SELECT o.*
FROM observation AS o
JOIN upload AS u ON u.id = o.upload_id AND u.state = 'committed'
QUALIFY row_number() OVER (
    PARTITION BY o.indicator_code, o.period, o.area ORDER BY o.revision DESC
) = 1;

-- Documented for analysts: the current revision of every observation.
CREATE VIEW observations_current AS
SELECT indicator_code, period, area, value, note, upload_id
FROM observation_current_detail;

-- The date statuses are judged at: the partnership's as_at when set, otherwise the end of the
-- latest period anyone has reported for the whole partnership (the reporting horizon).
CREATE VIEW reporting_horizon AS
SELECT coalesce(
    (SELECT as_at FROM partnership WHERE id = 1),
    (SELECT max(period_end) FROM observation_current_detail WHERE area = 'all')
) AS as_at;

-- One row per indicator: its latest partnership-wide figure rated against target or baseline.
CREATE VIEW indicator_rating AS
WITH series AS (
    SELECT
        d.indicator_code, d.period, d.period_start, d.period_end, d.value, d.note,
        lag(d.period) OVER w AS previous_period,
        lag(d.value) OVER w AS previous_value,
        row_number() OVER (PARTITION BY d.indicator_code ORDER BY d.period_start DESC) AS recency
    FROM observation_current_detail AS d
    WHERE d.area = 'all'
    WINDOW w AS (PARTITION BY d.indicator_code ORDER BY d.period_start)
),
latest AS (
    SELECT * FROM series WHERE recency = 1
),
joined AS (
    SELECT
        i.priority_id, i.code AS indicator_code, i.sort_order, i.level, i.name, i.unit,
        i.frequency, i.polarity, i.status_method, i.tolerance, i.tolerance_kind,
        i.baseline_value, i.baseline_period,
        l.period, l.period_end, l.value, l.note, l.previous_period, l.previous_value,
        coalesce(t.target, i.target) AS target,
        h.as_at,
        CASE WHEN i.status_method = 'baseline' THEN i.baseline_value
             ELSE coalesce(t.target, i.target) END AS reference,
        (year(h.as_at) * 12 + month(h.as_at)) - (year(l.period_end) * 12 + month(l.period_end))
            > CASE i.frequency WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3 ELSE 12 END AS stale
    FROM indicator AS i
    LEFT JOIN latest AS l ON l.indicator_code = i.code
    LEFT JOIN indicator_target AS t ON t.indicator_code = i.code AND t.period = l.period
    CROSS JOIN reporting_horizon AS h
),
judged AS (
    SELECT
        *,
        CASE polarity WHEN 'higher' THEN reference - value ELSE value - reference END AS shortfall,
        CASE tolerance_kind WHEN 'absolute' THEN tolerance
             ELSE abs(reference) * tolerance / 100 END AS band,
        1e-9 * greatest(1, abs(reference)) AS eps
    FROM joined
)
SELECT
    priority_id, indicator_code, sort_order, level, name, unit, frequency, polarity,
    status_method, period, value, note, target, reference, tolerance, tolerance_kind, band,
    baseline_value, baseline_period, previous_period, previous_value, as_at, stale,
    CASE
        WHEN value IS NULL OR isnan(value) THEN 'no data'
        WHEN stale THEN 'stale data'
        WHEN polarity = 'none' THEN 'no judgement'
        WHEN reference IS NULL AND status_method = 'baseline' THEN 'no baseline'
        WHEN reference IS NULL THEN 'no target'
    END AS not_rated_because,
    CASE
        WHEN value IS NULL OR isnan(value) OR stale OR polarity = 'none' OR reference IS NULL
            THEN 'not rated'
        WHEN shortfall <= eps THEN 'green'
        WHEN shortfall <= band + eps THEN 'amber'
        ELSE 'red'
    END AS status
FROM judged;

-- Documented for analysts: one row per indicator for its latest period, whole partnership.
CREATE VIEW indicator_status AS
SELECT priority_id, indicator_code, period, value, target, polarity, status
FROM indicator_rating;
