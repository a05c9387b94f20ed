-- A human agent has the chat (chat_handoffs): the job ends without a call, done with the reason in
-- output_json (skipped: human_agent_active) and no reply; the chat's older pending burst jobs with it.
-- Done, not failed: nothing went wrong, so the failed-jobs alert stays quiet; no latency, tokens or
-- cost, so the sums over done jobs are unchanged. Only the claim holding the job may end it.
WITH skipped AS (
    UPDATE ai_jobs
       SET status = 'done',
           output_json = jsonb_build_object('skipped', CAST(:'errorClass' AS text), 'message', CAST(:'errorMsg' AS text)),
           error_class = NULL, error_msg = NULL, locked_by = NULL, locked_until = NULL, lease_token = NULL
     WHERE id = :id AND status = 'processing' AND lease_token = :lease_token
 RETURNING id, instance, chat, quiet_ms
), absorbed AS (
    UPDATE ai_jobs a
       SET status = 'done',
           output_json = jsonb_build_object('skipped', CAST(:'errorClass' AS text), 'answered_by_job', s.id),
           error_class = NULL, error_msg = NULL, locked_by = NULL, locked_until = NULL, lease_token = NULL
      FROM skipped s
     WHERE s.quiet_ms > 0 AND a.instance = s.instance AND a.chat = s.chat AND a.id < s.id
       AND a.status = 'pending' AND a.quiet_ms > 0
 RETURNING a.id
)
SELECT id, (SELECT count(*) FROM absorbed) AS absorbed FROM skipped
