-- Marks today's global spend-cap alert as posted, in the row of the reserved instance name "*" (cost
-- 0). Returns a row only to the first caller of the day (any node): logged and posted once a day.
INSERT INTO instance_spend AS s (instance, day, cap_alerted_at)
VALUES ('*', (now() AT TIME ZONE 'UTC')::date, now())
ON CONFLICT (instance, day) DO UPDATE SET cap_alerted_at = now() WHERE s.cap_alerted_at IS NULL
RETURNING instance
