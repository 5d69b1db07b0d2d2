-- 012: reminders by e-mail and calendar feeds (issue 20, items 3 and 4).

-- One row for each return a person was reminded of, on the day they were reminded: written only
-- once the mail server has accepted the message, so a run that could not send records nothing,
-- and the next run (the same day) never sends the same reminder again.
-- An approver's reminder of a submission waiting for them is a row too (kind 'approval', the
-- priority and period of the submission).
CREATE TABLE reminder_sent (
    email          VARCHAR NOT NULL,              -- who was written to
    kind           VARCHAR NOT NULL CHECK (kind IN ('return', 'approval')),
    about          VARCHAR NOT NULL,              -- the indicator owed; for an approval, the priority
    period         VARCHAR NOT NULL,              -- the period owed or submitted, as '2026/27 Q2'
    reminded_on    DATE NOT NULL,                 -- the day the reminder was for (remind --on)
    overdue        BOOLEAN NOT NULL,              -- overdue then (an approval: false)
    sent_at        TIMESTAMP NOT NULL,
    sent_by        VARCHAR NOT NULL,              -- the command line's user, or who pressed "remind now"
    PRIMARY KEY (email, kind, about, period, reminded_on)
);

-- A person's calendar subscription: the address carries a secret (a calendar client cannot sign
-- in), kept here only as its SHA-256, so a copy of the database does not give the feeds away.
-- Resetting replaces the row, and the old address stops working.
CREATE TABLE calendar_token (
    email      VARCHAR PRIMARY KEY,
    token_hash VARCHAR NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
