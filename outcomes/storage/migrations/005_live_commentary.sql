-- 005: commentary that came with an upload later rolled back is withdrawn with it.

CREATE VIEW commentary_live AS
SELECT c.*
FROM commentary AS c
LEFT JOIN upload AS u ON u.id = c.upload_id
WHERE c.upload_id IS NULL OR u.state = 'committed';

-- The newest commentary for each indicator and period.
CREATE VIEW current_commentary AS
SELECT *
FROM commentary_live
QUALIFY row_number() OVER (PARTITION BY indicator_code, period ORDER BY created_at DESC, id DESC) = 1;

-- As in 004, but only overrides that still stand.
CREATE OR REPLACE VIEW current_override AS
SELECT indicator_code, period, status_override, override_reason, author, created_at
FROM commentary_live
WHERE status_override IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY indicator_code, period ORDER BY created_at DESC, id DESC) = 1;
