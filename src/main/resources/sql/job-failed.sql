-- A permanent failure, or retries spent: the job ends here with its reason (only by the claim
-- holding it: its lease token).
-- The same statement ends the older pending jobs of the chat's burst this job was to answer (their
-- messages were in its prompt): failed with the same error_class and error_msg, and
-- output_json.answered_by_job pointing at it, so the burst ends together and no later job answers
-- it without the failed message. Counted once: ai_worker_jobs_finished{outcome="failed"} for this
-- job, {outcome="absorbed"} for the others (the absorbed column).
WITH failed AS (
    UPDATE ai_jobs
       SET status = 'failed', error_class = :'errorClass', error_msg = :'errorMsg',
           locked_by = NULL, locked_until = NULL, lease_token = NULL
     WHERE id = :id AND status = 'processing' AND lease_token = :lease_token
 RETURNING id, instance, chat, quiet_ms, error_class, error_msg
), absorbed AS (
    UPDATE ai_jobs a
       SET status = 'failed', output_json = jsonb_build_object('answered_by_job', f.id),
           error_class = f.error_class, error_msg = f.error_msg,
           locked_by = NULL, locked_until = NULL, lease_token = NULL
      FROM failed f
     WHERE f.quiet_ms > 0 AND a.instance = f.instance AND a.chat = f.chat AND a.id < f.id
       AND a.status = 'pending' AND a.quiet_ms > 0
 RETURNING a.id
)
SELECT id, (SELECT count(*) FROM absorbed) AS absorbed FROM failed
