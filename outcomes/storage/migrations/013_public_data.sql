-- 013: public data loaded once serves every partnership (issue 19 item 4). On a database of
-- several partnerships, a police.uk, ONS or Fingertips file is loaded into one more schema,
-- public_data, made by these same migrations (outcomes/shared_data.py); each partnership then
-- reads its own areas' figures from it through series_current and series_named, which
-- outcomes/shared_data.py makes again there as a union of its own rows and the shared ones. On
-- a database of one partnership nothing is shared and these read its own rows, as before.

-- The areas a force-wide police.uk file places its crimes in: each LSOA, and each district's
-- total (code 'all:' + its name), with the district (local authority) whose name the LSOA
-- names start with ("Torbay 012B" is within Torbay). Written by shared loads; read by every
-- partnership, whose area_name chooses its own.
CREATE TABLE public_area (
    code   VARCHAR PRIMARY KEY,
    name   VARCHAR NOT NULL,
    kind   VARCHAR NOT NULL CHECK (kind IN ('lsoa', 'district')),
    within VARCHAR NOT NULL
);

-- The current figure of each public series, period and area; shared tells a figure read from
-- the shared load (upload_id is then public_data's upload) from the partnership's own.
CREATE OR REPLACE VIEW series_current AS
SELECT series_code, period, period_start, period_end, area, revision, value, numerator,
       denominator, lower_ci_95, upper_ci_95, lower_ci_998, upper_ci_998, note, upload_id,
       recorded_at, false AS shared
FROM (
    SELECT v.*, row_number() OVER (
               PARTITION BY v.series_code, v.period, v.area ORDER BY v.revision DESC
           ) AS recency
    FROM series_value AS v
    JOIN upload AS u ON u.id = v.upload_id AND u.state = 'committed'
) AS ranked
WHERE recency = 1;

-- Every public series the partnership can read: its own, and (where data is shared) the
-- shared ones it has none of its own by that code.
CREATE VIEW series_named AS
SELECT code, name, source, unit, false AS shared FROM series;
