-- 003: public data series (police.uk, ONS, Fingertips) and indicators defined from them.

CREATE TABLE series (
    code   VARCHAR PRIMARY KEY,                 -- police_uk.violence-and-sexual-offences, ...
    name   VARCHAR NOT NULL,
    source VARCHAR NOT NULL,                    -- police-uk, ons-csp, fingertips
    unit   VARCHAR NOT NULL
);

-- Like observation: never updated in place; a changed figure is the next revision.
CREATE TABLE series_value (
    series_code  VARCHAR NOT NULL REFERENCES series (code),
    period       VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    area         VARCHAR NOT NULL,              -- LSOA, CSP or local authority code; 'all'
    revision     INTEGER NOT NULL,
    value        DOUBLE,                        -- NULL: missing, and note says why
    numerator    DOUBLE,
    denominator  DOUBLE,
    lower_ci_95  DOUBLE,
    upper_ci_95  DOUBLE,
    lower_ci_998 DOUBLE,
    upper_ci_998 DOUBLE,
    note         VARCHAR,
    upload_id    INTEGER NOT NULL REFERENCES upload (id),
    recorded_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    PRIMARY KEY (series_code, period, area, revision)
);

CREATE VIEW series_current AS
SELECT v.*
FROM series_value AS v
JOIN upload AS u ON u.id = v.upload_id AND u.state = 'committed'
QUALIFY row_number() OVER (PARTITION BY v.series_code, v.period, v.area ORDER BY v.revision DESC) = 1;

-- A framework indicator computed from a series: the series' values in each of the indicator's
-- periods, over the listed areas (semicolon-separated; blank: the series' own 'all').
CREATE TABLE indicator_derivation (
    indicator_code VARCHAR PRIMARY KEY REFERENCES indicator (code),
    series_code    VARCHAR NOT NULL,            -- may name a series not loaded yet
    aggregate      VARCHAR NOT NULL DEFAULT 'sum' CHECK (aggregate IN ('sum', 'mean')),
    areas          VARCHAR
);
