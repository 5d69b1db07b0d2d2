-- 010: many partnerships in one deployment (issue 19). Each partnership's framework, figures,
-- people, meetings and audit trail live in a schema of its own, made by every migration (the
-- first partnership keeps the default schema); the registry below the marker line is the
-- deployment's, in the default schema only (outcomes/store.py, DEPLOYMENT_ONLY).

-- A person may now be a commissioner, who holds a set of partnerships to account. DuckDB cannot
-- change a CHECK in place, so person (and person_priority, which points at it) are made again
-- with the same columns, rows and ids.
CREATE TABLE person_kept AS SELECT * FROM person;
CREATE TABLE person_priority_kept AS SELECT * FROM person_priority;
DROP TABLE person_priority;
DROP TABLE person;

CREATE TABLE person (
    id         INTEGER PRIMARY KEY DEFAULT nextval('person_id_seq'),
    email      VARCHAR NOT NULL UNIQUE CHECK (email = lower(trim(email)) AND email LIKE '%_@_%'),
    name       VARCHAR NOT NULL CHECK (trim(name) <> ''),
    role       VARCHAR NOT NULL
               CHECK (role IN ('board', 'lead', 'analyst', 'admin', 'commissioner')),
    active     BOOLEAN NOT NULL DEFAULT true,
    demo       BOOLEAN NOT NULL DEFAULT false,
    added_at   TIMESTAMP NOT NULL DEFAULT localtimestamp,              -- standard SQL: both engines
    removed_at TIMESTAMP
);
INSERT INTO person (id, email, name, role, active, demo, added_at, removed_at)
SELECT id, email, name, role, active, demo, added_at, removed_at FROM person_kept;

CREATE TABLE person_priority (
    person_id   INTEGER NOT NULL REFERENCES person (id),
    priority_id VARCHAR NOT NULL,
    PRIMARY KEY (person_id, priority_id)
);
INSERT INTO person_priority (person_id, priority_id)
SELECT person_id, priority_id FROM person_priority_kept;
DROP TABLE person_priority_kept;
DROP TABLE person_kept;

-- The deployment's own, in the default schema only:

CREATE TABLE deployment_partnership (
    id          VARCHAR PRIMARY KEY,                 -- as in ?partnership= and --partnership
    schema_name VARCHAR UNIQUE,                      -- NULL: the default schema (the first); else p_ + id
    name        VARCHAR NOT NULL,
    sort_order  INTEGER NOT NULL,
    added_at    TIMESTAMP NOT NULL DEFAULT localtimestamp
);

-- A commissioner (the Police and Crime Commissioner's office) holds a set of partnerships to
-- account: one row per partnership they span. They are also a person, with the role
-- 'commissioner', in each spanned partnership's own person table, so signing in works there as
-- for anyone else.
CREATE TABLE commissioner_span (
    email          VARCHAR NOT NULL,
    partnership_id VARCHAR NOT NULL REFERENCES deployment_partnership (id),
    PRIMARY KEY (email, partnership_id)
);
