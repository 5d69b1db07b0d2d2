-- 007: the reporting calendar (when each indicator's figures fall due), statuses judged
-- against it at the date the board judges at, and blockages the board has dealt with.
-- The rule mirrors outcomes/calendar.py; tests/unit/test_calendar.py checks that they agree.

-- "A period's return is due N days after the period ends": one N per frequency for the
-- partnership, which a priority (per frequency) or one indicator may override. Written by a
-- framework import; the 'default' rows are the rule when the framework says nothing.
CREATE TABLE return_due (
    scope     VARCHAR NOT NULL CHECK (scope IN ('default', 'partnership', 'priority', 'indicator')),
    scope_key VARCHAR NOT NULL,                 -- '' (default, partnership), priority id, indicator code
    frequency VARCHAR NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'annual')),
    due_days  INTEGER NOT NULL CHECK (due_days BETWEEN 0 AND 366),
    PRIMARY KEY (scope, scope_key, frequency)
);

INSERT INTO return_due VALUES
    ('default', '', 'monthly', 20),
    ('default', '', 'quarterly', 45),
    ('default', '', 'annual', 90);

-- The partnership's rule for each frequency.
CREATE VIEW partnership_due AS
SELECT d.frequency, coalesce(p.due_days, d.due_days) AS due_days
FROM return_due AS d
LEFT JOIN return_due AS p
    ON p.scope = 'partnership' AND p.frequency = d.frequency
WHERE d.scope = 'default';

-- Each priority's rule for each frequency.
CREATE VIEW priority_due AS
SELECT pr.id AS priority_id, pd.frequency, coalesce(o.due_days, pd.due_days) AS due_days
FROM priority AS pr
CROSS JOIN partnership_due AS pd
LEFT JOIN return_due AS o
    ON o.scope = 'priority' AND o.scope_key = pr.id AND o.frequency = pd.frequency;

-- Each indicator's rule: its own, else its priority's for its frequency.
CREATE VIEW indicator_due AS
SELECT i.code AS indicator_code, i.frequency, coalesce(o.due_days, p.due_days) AS due_days
FROM indicator AS i
JOIN priority_due AS p ON p.priority_id = i.priority_id AND p.frequency = i.frequency
LEFT JOIN return_due AS o ON o.scope = 'indicator' AND o.scope_key = i.code;

-- The date statuses are judged at: the partnership's as_at when set, otherwise today. Never
-- the latest figure anyone has sent: one lead's early return makes no one else late.
CREATE OR REPLACE VIEW reporting_horizon AS
SELECT coalesce((SELECT as_at FROM partnership WHERE id = 1), current_date) AS as_at;

-- As in 002, with the calendar: due_end is the end of the latest period that has fallen due
-- (its figures due due_days after it ends); an indicator is behind (its return overdue, its
-- status "stale data") when its latest figure is for an earlier period, or it has none.
CREATE OR REPLACE VIEW indicator_rating AS
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
calendar AS (
    SELECT
        u.indicator_code, u.due_days, h.as_at,
        CAST(h.as_at AS DATE) - (u.due_days - 1) AS after_due
    FROM indicator_due AS u
    CROSS JOIN reporting_horizon AS h
),
due AS (
    SELECT
        c.indicator_code, c.due_days, c.as_at,
        CAST(CASE i.frequency
            WHEN 'monthly' THEN date_trunc('month', c.after_due)
            WHEN 'quarterly' THEN date_trunc('quarter', c.after_due)
            ELSE make_date(year(c.after_due) - CASE WHEN month(c.after_due) < 4 THEN 1 ELSE 0 END, 4, 1)
        END AS DATE) - 1 AS due_end
    FROM calendar AS c
    JOIN indicator AS i ON i.code = c.indicator_code
),
joined AS (
    SELECT
        i.priority_id, i.code AS indicator_code, i.sort_order, i.level, i.name, i.unit,
        i.frequency, i.polarity, i.status_method, i.tolerance, i.tolerance_kind,
        i.baseline_value, i.baseline_period,
        l.period, l.period_end, l.value, l.note, l.previous_period, l.previous_value,
        coalesce(t.target, i.target) AS target,
        u.as_at, u.due_days, u.due_end, u.due_end + u.due_days AS due_date,
        CASE WHEN i.status_method = 'baseline' THEN i.baseline_value
             ELSE coalesce(t.target, i.target) END AS reference,
        l.period_end < u.due_end AS stale,
        l.period_end IS NULL OR l.period_end < u.due_end AS behind
    FROM indicator AS i
    LEFT JOIN latest AS l ON l.indicator_code = i.code
    LEFT JOIN indicator_target AS t ON t.indicator_code = i.code AND t.period = l.period
    JOIN due AS u ON u.indicator_code = i.code
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
    END AS status,
    due_days, due_end, due_date, behind
FROM judged;

-- A blockage escalated to the board (a commentary with blockage set) that the board has dealt
-- with: resolved, or withdrawn by whoever raised it, with a note. No longer listed as open.
CREATE TABLE blockage_resolution (
    commentary_id INTEGER PRIMARY KEY REFERENCES commentary (id),
    outcome       VARCHAR NOT NULL CHECK (outcome IN ('resolved', 'withdrawn')),
    note          VARCHAR NOT NULL CHECK (trim(note) <> ''),
    resolved_by   VARCHAR NOT NULL,
    resolved_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);
