-- 001: the whole domain model of the outcomes framework (DESIGN.md section 3).
-- Tables are documented column by column in docs/schema.md; keep the two in step.
--
-- Foreign keys point only from figures, commentary and actions to the framework. DuckDB
-- applies an UPDATE of a foreign-key column as delete-and-insert, which it then refuses while
-- other rows point at the row; so priority and indicator carry no foreign keys of their own
-- and outcomes/framework.py checks their references before every import.

CREATE TABLE partnership (
    id               INTEGER PRIMARY KEY CHECK (id = 1),   -- one partnership per database
    name             VARCHAR NOT NULL,
    area_name        VARCHAR NOT NULL,                     -- local authority name, e.g. 'Plymouth'
    vision           VARCHAR NOT NULL,
    doing_the_work   VARCHAR,
    working_together VARCHAR,
    facing           VARCHAR,
    roll_up          VARCHAR NOT NULL DEFAULT 'worst'
                     CHECK (roll_up IN ('worst', 'majority', 'outcomes_worst')),
    as_at            DATE                                  -- NULL: the latest period reported
);

CREATE TABLE partner (
    code       VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    sector     VARCHAR NOT NULL,                           -- Council, Police, Health, ...
    sort_order INTEGER NOT NULL
);

CREATE TABLE tier (
    code        VARCHAR PRIMARY KEY,
    label       VARCHAR NOT NULL,
    description VARCHAR,
    sort_order  INTEGER NOT NULL
);

CREATE TABLE priority (
    id               VARCHAR PRIMARY KEY,
    tier_code        VARCHAR NOT NULL,                     -- tier.code
    sort_order       INTEGER NOT NULL,
    title            VARCHAR NOT NULL,
    aim              VARCHAR NOT NULL,                     -- WE WILL
    outputs          VARCHAR NOT NULL,                     -- SO THAT...
    outcomes         VARCHAR NOT NULL,                     -- AND ULTIMATELY...
    success_measures VARCHAR NOT NULL,                     -- WITH SUCCESS MEASURED BY...
    lead_role        VARCHAR NOT NULL,
    lead_partner     VARCHAR NOT NULL,                     -- partner.code
    roll_up          VARCHAR CHECK (roll_up IN ('worst', 'majority', 'outcomes_worst'))
);

CREATE TABLE area (
    code       VARCHAR PRIMARY KEY,                        -- 'all' is the whole partnership
    name       VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,                           -- partnership, neighbourhood, ward, lsoa
    sort_order INTEGER NOT NULL
);

CREATE TABLE indicator (
    code                   VARCHAR PRIMARY KEY,
    priority_id            VARCHAR NOT NULL,             -- priority.id
    sort_order             INTEGER NOT NULL,
    name                   VARCHAR NOT NULL,
    definition             VARCHAR NOT NULL,
    level                  VARCHAR NOT NULL CHECK (level IN ('outcome', 'output')),
    unit                   VARCHAR NOT NULL CHECK (unit IN ('count', 'percent', 'rate_per_1000', 'score')),
    polarity               VARCHAR NOT NULL CHECK (polarity IN ('higher', 'lower', 'none')),
    frequency              VARCHAR NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'annual')),
    source_partner         VARCHAR NOT NULL,             -- partner.code
    accountable_role       VARCHAR NOT NULL,
    target                 DOUBLE,
    tolerance              DOUBLE NOT NULL DEFAULT 5 CHECK (tolerance >= 0),
    tolerance_kind         VARCHAR NOT NULL DEFAULT 'percent' CHECK (tolerance_kind IN ('percent', 'absolute')),
    baseline_value         DOUBLE,
    baseline_period        VARCHAR,
    status_method          VARCHAR NOT NULL DEFAULT 'target' CHECK (status_method IN ('target', 'baseline')),
    small_number_threshold INTEGER,
    by_area                BOOLEAN NOT NULL DEFAULT false,
    decimals               INTEGER NOT NULL DEFAULT 0
);

-- A per-period trajectory; where a period has a row here it overrides indicator.target.
CREATE TABLE indicator_target (
    indicator_code VARCHAR NOT NULL REFERENCES indicator (code),
    period         VARCHAR NOT NULL,
    target         DOUBLE NOT NULL,
    PRIMARY KEY (indicator_code, period)
);

CREATE SEQUENCE upload_id_seq START 1;

CREATE TABLE upload (
    id             INTEGER PRIMARY KEY DEFAULT nextval('upload_id_seq'),
    uploaded_by    VARCHAR NOT NULL,
    uploaded_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    source_format  VARCHAR NOT NULL,                       -- demo, return, police-uk, ons-csp, fingertips
    rows_new       INTEGER NOT NULL DEFAULT 0,
    rows_revised   INTEGER NOT NULL DEFAULT 0,
    rows_unchanged INTEGER NOT NULL DEFAULT 0,
    state          VARCHAR NOT NULL DEFAULT 'committed' CHECK (state IN ('committed', 'rolled back')),
    rolled_back_at TIMESTAMP,
    rolled_back_by VARCHAR
);

-- Never updated in place: a corrected figure is a new row with the next revision number.
CREATE TABLE observation (
    indicator_code VARCHAR NOT NULL REFERENCES indicator (code),
    period         VARCHAR NOT NULL,                       -- canonical: 2024-04, 2024/25 Q1, 2024/25
    period_start   DATE NOT NULL,
    period_end     DATE NOT NULL,
    area           VARCHAR NOT NULL DEFAULT 'all',
    revision       INTEGER NOT NULL,
    value          DOUBLE,                                 -- NULL: missing, and note says why
    numerator      DOUBLE,
    denominator    DOUBLE,
    lower_ci       DOUBLE,
    upper_ci       DOUBLE,
    note           VARCHAR,
    upload_id      INTEGER NOT NULL REFERENCES upload (id),
    recorded_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    PRIMARY KEY (indicator_code, period, area, revision)
);

CREATE SEQUENCE commentary_id_seq START 1;

CREATE TABLE commentary (
    id              INTEGER PRIMARY KEY DEFAULT nextval('commentary_id_seq'),
    indicator_code  VARCHAR NOT NULL REFERENCES indicator (code),
    period          VARCHAR NOT NULL,
    narrative       VARCHAR,                               -- the story behind the curve
    actions_taken   VARCHAR,                               -- what is being done
    blockage        BOOLEAN NOT NULL DEFAULT false,        -- escalated to the board
    blockage_detail VARCHAR,
    status_override VARCHAR CHECK (status_override IN ('green', 'amber', 'red', 'not rated')),
    override_reason VARCHAR,
    author          VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    upload_id       INTEGER REFERENCES upload (id),
    CHECK (status_override IS NULL OR coalesce(trim(override_reason), '') <> '')
);

CREATE SEQUENCE meeting_id_seq START 1;

CREATE TABLE meeting (
    id           INTEGER PRIMARY KEY DEFAULT nextval('meeting_id_seq'),
    meeting_date DATE NOT NULL UNIQUE,
    title        VARCHAR,
    recorded_by  VARCHAR NOT NULL,
    recorded_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- The statuses as they stood when a meeting was recorded, so later revisions never rewrite
-- what the board was shown.
CREATE TABLE meeting_status (
    meeting_id     INTEGER NOT NULL REFERENCES meeting (id),
    indicator_code VARCHAR NOT NULL,
    priority_id    VARCHAR NOT NULL,
    period         VARCHAR,
    value          DOUBLE,
    target         DOUBLE,
    status         VARCHAR NOT NULL,
    PRIMARY KEY (meeting_id, indicator_code)
);

CREATE SEQUENCE action_id_seq START 1;

CREATE TABLE action (
    id          INTEGER PRIMARY KEY DEFAULT nextval('action_id_seq'),
    reference   VARCHAR NOT NULL UNIQUE,
    text        VARCHAR NOT NULL,
    owner       VARCHAR NOT NULL,
    due_date    DATE,
    status      VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    meeting_id  INTEGER REFERENCES meeting (id),
    priority_id VARCHAR REFERENCES priority (id),
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    closed_at   TIMESTAMP
);

CREATE SEQUENCE audit_id_seq START 1;

-- Who changed what, when, and what it was before (the board's "robust audit trail").
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    changed_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    who        VARCHAR NOT NULL,
    entity     VARCHAR NOT NULL,                           -- upload, commentary, action, framework ...
    entity_key VARCHAR NOT NULL,
    change     VARCHAR NOT NULL,                           -- created, revised, rolled back, ...
    before     JSON,
    after      JSON
);
