-- The customer's messages a job answers, for the gateway's "read" and "typing..." calls (agent/ChatSignals,
-- docs/agent.md): the job's own message and, with a quiet period, the messages of the chat's older pending
-- jobs that its answer covers (sql/job-done.sql ends them as answered_by_job); oldest first, at most 20.
-- Read only: nothing here changes a job.
SELECT m.id, m.instance, m.chat, m.gateway, m.gateway_account, m.reply_to, m.gateway_message_id
  FROM (SELECT j.message_id
          FROM ai_jobs j
         WHERE j.id = :id
        UNION ALL
        -- looked up in ai_jobs_chat_open by the chat of the job, as the absorbed jobs of sql/job-done.sql are
        SELECT a.message_id
          FROM ai_jobs a
         WHERE (a.instance, a.chat) = (SELECT j.instance, j.chat FROM ai_jobs j WHERE j.id = :id AND j.quiet_ms > 0)
           AND a.id < :id AND a.status IN ('pending', 'processing') AND a.status <> 'processing'
           AND a.quiet_ms > 0) answered
  JOIN messages m ON m.id = answered.message_id
 WHERE m.direction = 'in' AND m.gateway_message_id IS NOT NULL
 ORDER BY m.id DESC
 LIMIT 20
