-- 008: who is who. The people the partnership knows, their roles and (for leads) priorities;
-- the signed-in person named in the audit trail and on each upload; and an e-mail address for
-- the people the framework names, so "who owes this return" is someone who can be written to.
-- A person is never deleted (removal clears `active`), so what they did stays attributed.
CREATE SEQUENCE person_id_seq START 1;

CREATE TABLE person (
    id         INTEGER PRIMARY KEY DEFAULT nextval('person_id_seq'),
    email      VARCHAR NOT NULL UNIQUE CHECK (email = lower(trim(email)) AND email LIKE '%_@_%'),
    name       VARCHAR NOT NULL CHECK (trim(name) <> ''),
    role       VARCHAR NOT NULL CHECK (role IN ('board', 'lead', 'analyst', 'admin')),
    active     BOOLEAN NOT NULL DEFAULT true,
    demo       BOOLEAN NOT NULL DEFAULT false,        -- seeded by `init --demo` for the demo sign-in
    added_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    removed_at TIMESTAMP
);

-- The priorities a lead reports on. No foreign key: a framework import may drop a priority,
-- and the lead's row then simply names nothing that exists.
CREATE TABLE person_priority (
    person_id   INTEGER NOT NULL REFERENCES person (id),
    priority_id VARCHAR NOT NULL,
    PRIMARY KEY (person_id, priority_id)
);

ALTER TABLE audit_log ADD COLUMN who_email VARCHAR;
ALTER TABLE audit_log ADD COLUMN who_role VARCHAR;
ALTER TABLE upload ADD COLUMN uploaded_by_email VARCHAR;
ALTER TABLE priority ADD COLUMN lead_email VARCHAR;
ALTER TABLE indicator ADD COLUMN accountable_email VARCHAR;
