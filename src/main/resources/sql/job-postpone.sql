-- The breaker is open: no call was made, so the attempt is given back; the job waits for the
-- breaker's half-open probe (only by the claim holding it: its lease token).
UPDATE ai_jobs
   SET status = 'pending', attempts = attempts - 1,
       run_at = now() + make_interval(secs => :delaySeconds),
       error_class = 'breaker_open', error_msg = 'Circuit breaker [openrouter] is open; waiting for recovery',
       locked_by = NULL, locked_until = NULL, lease_token = NULL
 WHERE id = :id AND status = 'processing' AND lease_token = :lease_token
