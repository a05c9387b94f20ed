-- Marks today's spend-cap alert of an instance as posted. Returns the instance only to the first
-- caller of the day (any node): the alert is posted once a day per instance.
INSERT INTO instance_spend AS s (instance, day, cap_alerted_at)
VALUES (:'instance', (now() AT TIME ZONE 'UTC')::date, now())
ON CONFLICT (instance, day) DO UPDATE SET cap_alerted_at = now() WHERE s.cap_alerted_at IS NULL
RETURNING instance
