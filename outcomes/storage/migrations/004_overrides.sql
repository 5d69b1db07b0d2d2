-- 004: the status the accountable person set, where they overrode the computed one.
-- The newest commentary that carries an override wins; the computed status stays in
-- indicator_status, and both are shown.
CREATE VIEW current_override AS
SELECT indicator_code, period, status_override, override_reason, author, created_at
FROM commentary
WHERE status_override IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY indicator_code, period ORDER BY created_at DESC, id DESC) = 1;
