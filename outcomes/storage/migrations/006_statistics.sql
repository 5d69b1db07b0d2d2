-- 006: statistical process control settings, comparator groups, and the figures behind
-- "How we compare". Written by a framework import, like indicator_target.

-- An indicator's SPC rule profile, and whether its status is read from SPC instead of RAG
-- (the framework's status_method: spc; indicator.status_method keeps 'target', because its
-- CHECK constraint cannot be changed in place).
CREATE TABLE indicator_spc (
    indicator_code VARCHAR PRIMARY KEY REFERENCES indicator (code),
    profile        VARCHAR NOT NULL DEFAULT 'mdc' CHECK (profile IN ('mdc', 'plotthedots')),
    status_by_spc  BOOLEAN NOT NULL DEFAULT false
);

-- Dates the framework declares for an indicator's SPC chart: a change in the process from
-- which the mean and limits are recalculated, or a figure left out of the calculation
-- ("ghosted") with the reason.
CREATE TABLE spc_event (
    indicator_code VARCHAR NOT NULL REFERENCES indicator (code),
    period         VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL CHECK (kind IN ('recalculate', 'ghost')),
    reason         VARCHAR NOT NULL,
    PRIMARY KEY (indicator_code, period, kind)
);

-- Areas the partnership compares itself with (its Home Office most similar group, say), by
-- the codes public series use (ONS CSP codes, Fingertips area codes). is_us marks our own.
CREATE TABLE comparator_area (
    group_name VARCHAR NOT NULL,
    area_code  VARCHAR NOT NULL,
    area_name  VARCHAR NOT NULL,
    is_us      BOOLEAN NOT NULL DEFAULT false,
    sort_order INTEGER NOT NULL,
    PRIMARY KEY (group_name, area_code)
);

-- The counts and denominators behind every comparison: the current figures of public series
-- and of framework indicators, side by side.
CREATE VIEW comparison_figures AS
SELECT 'series' AS source_kind, series_code AS code, period, period_start, area,
       value, numerator AS count, denominator, note
FROM series_current
UNION ALL
SELECT 'indicator', indicator_code, period, period_start, area,
       value, numerator, denominator, note
FROM observation_current_detail;
