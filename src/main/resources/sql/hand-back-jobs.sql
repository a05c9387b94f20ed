-- At shutdown: this node's jobs that did not finish in time go back to pending, due now, with the
-- attempt their claim consumed given back (the node stopped them, the provider did not fail).
UPDATE ai_jobs
   SET status = 'pending', attempts = attempts - 1, locked_by = NULL, locked_until = NULL, run_at = now()
 WHERE status = 'processing' AND locked_by = :node
RETURNING id
