-- An operator puts a failed job back in the queue: fresh attempts, due now, the worker woken.
UPDATE ai_jobs
   SET status = 'pending', attempts = 0, run_at = now(), error_class = NULL, error_msg = NULL,
       locked_by = NULL, locked_until = NULL
 WHERE id = :jobId AND status = 'failed'
RETURNING id, pg_notify('ai_jobs_channel', id::text)
