-- A permanent failure, or retries spent: the job ends here with its reason (only by the claim
-- holding it: its lease token).
UPDATE ai_jobs
   SET status = 'failed', error_class = :#${variable.errorClass}, error_msg = :#${variable.errorMsg},
       locked_by = NULL, locked_until = NULL, lease_token = NULL
 WHERE id = :#${variable.job[id]} AND status = 'processing' AND lease_token = :#${variable.job[lease_token]}
