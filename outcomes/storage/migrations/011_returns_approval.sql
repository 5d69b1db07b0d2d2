-- 011: returns typed in the browser (their drafts), and approval before the board sees a return.
-- Timestamps are given by the code (outcomes/approval.py, outcomes/typed_returns.py), so the
-- SQL stays plain for both engines.

-- Whether a lead's return must be approved before it counts: for the whole partnership
-- (scope 'partnership') or for one priority (scope = the priority's id; a priority's row wins).
-- No row at all: approval is off, and a return counts as soon as it is confirmed.
CREATE TABLE return_approval (
    scope          VARCHAR PRIMARY KEY,
    required       BOOLEAN NOT NULL,
    approver_email VARCHAR,          -- a named approver (a sponsor on the board, say); NULL: any analyst
    set_by         VARCHAR NOT NULL,
    set_at         TIMESTAMP NOT NULL
);

-- A lead's return waiting for approval, approved, or returned with a reason: one row for each
-- priority an upload carries figures for. The upload counts only once every row is approved.
CREATE TABLE return_submission (
    upload_id          INTEGER NOT NULL,
    priority_id        VARCHAR NOT NULL,
    period             VARCHAR NOT NULL,   -- the latest period its figures are for
    state              VARCHAR NOT NULL CHECK (state IN ('submitted', 'approved', 'returned')),
    submitted_by       VARCHAR NOT NULL,
    submitted_by_email VARCHAR,
    submitted_at       TIMESTAMP NOT NULL,
    decided_by         VARCHAR,
    decided_by_email   VARCHAR,
    decided_at         TIMESTAMP,
    reason             VARCHAR,            -- why it was returned, for the lead
    PRIMARY KEY (upload_id, priority_id)
);

-- A return half typed in the browser, kept until its lead sends it: one row a figure, as typed.
CREATE TABLE return_draft (
    person_email   VARCHAR NOT NULL,
    priority_id    VARCHAR NOT NULL,
    return_period  VARCHAR NOT NULL,
    indicator_code VARCHAR NOT NULL,
    period         VARCHAR NOT NULL,
    area           VARCHAR NOT NULL,       -- 'all' for the whole partnership
    value          VARCHAR,
    commentary     VARCHAR,
    blockage       VARCHAR,
    saved_at       TIMESTAMP NOT NULL
);

-- The uploads whose figures count: committed, and approved where approval was asked for.
-- The one place the board's pages, packs, statuses and the public view learn what counts.
CREATE VIEW upload_in_force AS
SELECT u.*
FROM upload AS u
WHERE u.state = 'committed'
  AND NOT EXISTS (
      SELECT 1 FROM return_submission AS s WHERE s.upload_id = u.id AND s.state <> 'approved'
  );

CREATE OR REPLACE VIEW observation_current_detail AS
SELECT indicator_code, period, period_start, period_end, area, revision, value, numerator,
       denominator, lower_ci, upper_ci, note, upload_id, recorded_at
FROM (
    SELECT o.*,
           row_number() OVER (
               PARTITION BY o.indicator_code, o.period, o.area ORDER BY o.revision DESC
           ) AS recency
    FROM observation AS o
    JOIN upload_in_force AS u ON u.id = o.upload_id
) AS ranked
WHERE recency = 1;

CREATE OR REPLACE VIEW commentary_live AS
SELECT c.*
FROM commentary AS c
WHERE c.upload_id IS NULL OR c.upload_id IN (SELECT id FROM upload_in_force);
