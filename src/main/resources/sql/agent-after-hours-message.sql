-- After-hours mode 'message' (docs/agent.md, "Opening hours"): the chat gets the after-hours message
-- once per closed period, in one statement, by the claim holding the job only (its lease token, the
-- job row locked first so the claim cannot change under the statement): the closed period's row of
-- after_hours_notices is claimed (a row already there, written by another job of the chat, another
-- node or an earlier run: nothing claimed); with the row claimed the job is done with the message as
-- its reply (the delivery outbox), else done in silence (output_json.skipped = after_hours).
-- One row back: notified (true: the message is the reply; false: the chat was told already); no row:
-- the claim no longer holds the job.
WITH held AS (
    SELECT id, instance, chat
      FROM ai_jobs
     WHERE id = :id AND status = 'processing' AND lease_token = :lease_token
       FOR UPDATE
), notice AS (
    INSERT INTO after_hours_notices (instance, chat, closed_since, job_id)
    SELECT instance, chat, CAST(:'closedSince' AS timestamptz), id FROM held
    ON CONFLICT DO NOTHING
    RETURNING job_id
), done AS (
    UPDATE ai_jobs j
       SET status = 'done',
           output_json = CASE WHEN EXISTS (SELECT 1 FROM notice) THEN CAST(:'output' AS jsonb)
                              ELSE CAST(:'silentOutput' AS jsonb) END,
           error_class = NULL, error_msg = NULL, locked_by = NULL, locked_until = NULL, lease_token = NULL
      FROM held
     WHERE j.id = held.id
 RETURNING j.id
), reply AS (
    INSERT INTO messages (instance, chat, direction, author, body, job_id, delivery_status, delivery_run_at)
    SELECT held.instance, held.chat, 'out', 'ai', CAST(:'message' AS text), held.id, CAST(:'deliveryStatus' AS text), now()
      FROM held JOIN notice ON notice.job_id = held.id
    RETURNING job_id
)
SELECT EXISTS (SELECT 1 FROM reply) AS notified FROM done
