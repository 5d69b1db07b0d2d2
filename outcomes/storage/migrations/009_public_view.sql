-- 009: the public view for residents and scrutiny, and what it may show.

-- Settings an administrator changes (the public view is off until one switches it on).
-- One row per setting; the audit log keeps every change.
CREATE TABLE setting (
    key        VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- Which indicators the public view and the public pack show (none until the framework says so),
-- and the small-number rule for each (NULL: NHS England's; see outcomes/suppression.py).
ALTER TABLE indicator ADD COLUMN public BOOLEAN DEFAULT false;
ALTER TABLE indicator ADD COLUMN suppression VARCHAR;

-- Commentary the accountable person marked for publishing: its story and what is being done
-- (never a blockage, an override's reason or the author's name) appear in the public view.
ALTER TABLE commentary ADD COLUMN published BOOLEAN DEFAULT false;
