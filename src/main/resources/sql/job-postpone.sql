-- The breaker is open: no call was made, so the attempt is given back; the job waits for the
-- breaker's half-open probe.
UPDATE ai_jobs
   SET status = 'pending', attempts = attempts - 1,
       run_at = now() + make_interval(secs => :#${bean:openRouterBreaker.secondsUntilHalfOpen}),
       error_class = 'breaker_open', error_msg = 'Circuit breaker [openrouter] is open; waiting for recovery',
       locked_by = NULL, locked_until = NULL
 WHERE id = :#${variable.job[id]} AND status = 'processing' AND locked_by = :#${bean:workerNode.getId}
