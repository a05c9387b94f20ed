-- At shutdown: the jobs this process still holds (its lease tokens, on its node) that did not finish
-- in time go back to pending, due now, with the attempt their claim consumed given back (the node
-- stopped them, the provider did not fail). Another process's claims are never touched.
UPDATE ai_jobs
   SET status = 'pending', attempts = attempts - 1, locked_by = NULL, locked_until = NULL, lease_token = NULL,
       run_at = now()
 WHERE status = 'processing' AND locked_by = :node AND lease_token IN (:tokens)
RETURNING id
