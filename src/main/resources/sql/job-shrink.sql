-- Context too long: run again at once with fewer history messages. The attempt is given back (the
-- re-run is the same attempt) and the NOTIFY wakes a worker without waiting for the sweep. Only by
-- the claim holding the job (its lease token).
UPDATE ai_jobs
   SET status = 'pending', run_at = now(), attempts = attempts - 1,
       context_messages = CAST(:smallerContext AS integer),
       error_class = 'context_length', error_msg = :'errorMsg',
       locked_by = NULL, locked_until = NULL, lease_token = NULL
 WHERE id = :id AND status = 'processing' AND lease_token = :lease_token
RETURNING pg_notify('ai_jobs_channel', id::text)
