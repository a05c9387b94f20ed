-- A retryable failure: back to the queue after the delay (the larger of ours and Retry-After), only
-- by the claim holding the job (its lease token).
UPDATE ai_jobs
   SET status = 'pending', run_at = now() + make_interval(secs => :delaySeconds),
       error_class = :'errorClass', error_msg = :'errorMsg',
       locked_by = NULL, locked_until = NULL, lease_token = NULL
 WHERE id = :id AND status = 'processing' AND lease_token = :lease_token
