-- Complete the job and store the reply as the chat's outbound message, in one statement. Only the
-- claim holding the job may complete it (its lease token): a job rescued or handed back meanwhile,
-- and claimed again, is left alone (0 rows, no reply). The reply row is the delivery outbox:
-- 'pending' when a gateway is configured, else 'off'. A unique index allows one reply per job.
WITH done AS (
    UPDATE ai_jobs
       SET status = 'done', output_json = CAST(:#${variable.output} AS jsonb),
           error_class = NULL, error_msg = NULL, locked_by = NULL, locked_until = NULL, lease_token = NULL
     WHERE id = :#${variable.job[id]} AND status = 'processing' AND lease_token = :#${variable.job[lease_token]}
 RETURNING id, instance, chat
)
INSERT INTO messages (instance, chat, direction, body, job_id, delivery_status, delivery_run_at)
SELECT instance, chat, 'out', CAST(:#${variable.output} AS jsonb) ->> 'reply', id,
       :#deliveryStatus, now() FROM done
RETURNING job_id
