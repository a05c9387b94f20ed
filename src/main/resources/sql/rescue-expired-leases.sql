-- Jobs whose lease ran out (their node died or stalled) go back to the queue, or fail when their
-- attempts are spent. The rescue ends the expired claim's token: the old node cannot write late.
WITH expired AS (
    SELECT id, locked_by, lease_token
      FROM ai_jobs
     WHERE status = 'processing' AND locked_until < now()
       FOR UPDATE SKIP LOCKED
)
UPDATE ai_jobs j
   SET status       = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'pending' END,
       run_at       = now(),
       locked_by    = NULL,
       locked_until = NULL,
       lease_token  = NULL,
       error_class  = 'lease_expired',
       error_msg    = 'Lease expired on node ' || coalesce(expired.locked_by, 'unknown') || ' (node stopped or stalled)'
  FROM expired
 WHERE j.id = expired.id AND j.lease_token IS NOT DISTINCT FROM expired.lease_token
RETURNING j.id, j.status, j.attempts, j.max_attempts, expired.locked_by AS previous_node
