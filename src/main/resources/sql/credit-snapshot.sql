-- Keep one reading of the OpenRouter balance and its assessment.
INSERT INTO credit_snapshots (taken_at, source, total, balance, total_usage, usage_today, rate_per_day, level)
VALUES (:#takenAt, :#source, :#total, :#balance, :#totalUsage, :#usageToday, :#ratePerDay, :#level)
