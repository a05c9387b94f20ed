-- What the assessment of a new reading needs: the readings of the last 48 hours (today's spend
-- and the daily rate) and always the newest reading (the previous level), oldest first.
SELECT taken_at, source, total_usage, level
  FROM credit_snapshots
 WHERE taken_at >= now() - interval '48 hours'
    OR id = (SELECT max(id) FROM credit_snapshots)
 ORDER BY taken_at, id
