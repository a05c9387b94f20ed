-- Jobs whose lease ran out (their node died or stalled) go back to the queue, or fail when their
-- attempts are spent. Completing a job checks the lease, so the old node cannot write it late.
WITH expired AS (
    SELECT id, locked_by
      FROM ai_jobs
     WHERE status = 'processing' AND locked_until < now()
       FOR UPDATE SKIP LOCKED
)
UPDATE ai_jobs j
   SET status       = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'pending' END,
       run_at       = now(),
       locked_by    = NULL,
       locked_until = NULL,
       error_class  = 'lease_expired',
       error_msg    = 'Lease expired on node ' || coalesce(expired.locked_by, 'unknown') || ' (node stopped or stalled)'
  FROM expired
 WHERE j.id = expired.id
RETURNING j.id, j.status, j.attempts, j.max_attempts, expired.locked_by AS previous_node
