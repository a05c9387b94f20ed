-- Complete the job and store the reply as the chat's outbound message, in one statement. Only the
-- claim holding the job may complete it (its lease token): a job rescued or handed back meanwhile,
-- and claimed again, is left alone (0 rows, no reply). The reply row is the delivery outbox:
-- 'pending' when a gateway is configured, else 'off'. A unique index allows one reply per job.
-- The same statement ends the older pending jobs of the chat's burst that this answer covered (their
-- messages were in its prompt): done, with output_json.answered_by_job and no figures of their own,
-- so latency, tokens and cost are counted once, on the answering job.
WITH done AS (
    UPDATE ai_jobs
       SET status = 'done', output_json = CAST(:'output' AS jsonb),
           error_class = NULL, error_msg = NULL, locked_by = NULL, locked_until = NULL, lease_token = NULL
     WHERE id = :id AND status = 'processing' AND lease_token = :lease_token
 RETURNING id, instance, chat, quiet_ms
), absorbed AS (
    -- the older pending jobs of the chat, looked up in ai_jobs_chat_open by the chat of the done job (written
    -- so that no other index fits: with statistics older than a backlog the planner may otherwise
    -- read the whole queue for each completion)
    UPDATE ai_jobs a
       SET status = 'done', output_json = jsonb_build_object('answered_by_job', :id),
           error_class = NULL, error_msg = NULL, locked_by = NULL, locked_until = NULL, lease_token = NULL
     WHERE (a.instance, a.chat) = (SELECT d.instance, d.chat FROM done d WHERE d.quiet_ms > 0)
       AND a.id < :id AND a.status IN ('pending', 'processing') AND a.status <> 'processing'
       AND a.quiet_ms > 0
 RETURNING a.id
), reply AS (
    INSERT INTO messages (instance, chat, direction, author, body, job_id, delivery_status, delivery_run_at)
    SELECT instance, chat, 'out', 'ai', CAST(:'output' AS jsonb) ->> 'reply', id,
           :'deliveryStatus', now() FROM done
    RETURNING job_id
)
SELECT job_id, (SELECT count(*) FROM absorbed) AS absorbed FROM reply
