-- Keep one reading of the OpenRouter balance and its assessment. The amounts are numbers (NULL when
-- not known: no limit, no usage yet); the route gives the row of CreditAssessment.snapshotRow as the body.
INSERT INTO credit_snapshots (taken_at, source, total, balance, total_usage, usage_today, rate_per_day, level)
VALUES (CAST(:'takenAt' AS timestamptz), :'source', :total, :balance, :totalUsage, :usageToday, :ratePerDay, :'level')
