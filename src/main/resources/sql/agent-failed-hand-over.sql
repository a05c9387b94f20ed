-- A job of the chat just failed: when the chat's last :failures answered-or-failed jobs all failed
-- (jobs ended with a burst they belonged to are not counted) and humans do not have the chat yet,
-- the chat is handed over in one statement: humans have it for :minutes (the existing take-over,
-- changed_by 'ai'), the customer is told once (the hand-over message as the failed job's reply, the
-- delivery outbox), and the failed job's output_json says why. No row: nothing to do.
WITH recent AS (
    SELECT status
      FROM ai_jobs
     WHERE instance = :'instance' AND chat = :'chat' AND status IN ('done', 'failed')
       AND (output_json -> 'answered_by_job') IS NULL
     ORDER BY id DESC
     LIMIT CAST(:failures AS integer)
), due AS (
    SELECT 1 AS due
     WHERE (SELECT count(*) FROM recent WHERE status = 'failed') = CAST(:failures AS integer)
       AND NOT EXISTS (SELECT 1 FROM chat_handoffs h
                        WHERE h.instance = :'instance' AND h.chat = :'chat'
                          AND h.human_until > now())
), handoff AS (
    INSERT INTO chat_handoffs AS h (instance, chat, human_until, changed_by)
    SELECT CAST(:'instance' AS text), CAST(:'chat' AS text),
           now() + make_interval(mins => CAST(:minutes AS integer)), 'ai'
      FROM due
    ON CONFLICT (instance, chat) DO UPDATE
        SET human_until = GREATEST(h.human_until, EXCLUDED.human_until), changed_by = 'ai', updated_at = now()
    RETURNING human_until
), reply AS (
    INSERT INTO messages (instance, chat, direction, author, body, job_id, delivery_status, delivery_run_at)
    SELECT CAST(:'instance' AS text), CAST(:'chat' AS text), 'out', 'ai',
           CAST(:'message' AS text), CAST(:id AS bigint), CAST(:'deliveryStatus' AS text), now()
      FROM handoff
    ON CONFLICT DO NOTHING
    RETURNING job_id
), job AS (
    UPDATE ai_jobs
       SET output_json = COALESCE(output_json, '{}'::jsonb) || jsonb_build_object('handover', jsonb_build_object(
               'reason', 'failed_jobs', 'note', CAST(:failures AS integer) || ' jobs in a row failed in this chat'))
     WHERE id = :id AND EXISTS (SELECT 1 FROM handoff)
    RETURNING id
)
SELECT trim(both '"' from to_jsonb(human_until)::text) AS human_until FROM handoff
